"""Counter queues: one per field, priority tickets, and the whole reneging rule.

Reneging, all of it here: a visitor's deadline is their arrival plus their patience (kept when
they come back another day); they have left if the deadline passed before the moment the queue
looks at them; they are then booked as having left *at their deadline*, with the time they held a
number counted up to it.

A visitor who runs out of patience is not woken by an event of their own: the queue notices when it
next looks at them (on a call, when someone joins the field's queue, at closing) and books them
then. Waits, outcomes and queue-time areas are exact; only the moment the model *learns* of the
departure is late, and nothing depends on that moment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np

from sim.model.monitors import WaitMonitor
from sim.model.visitor import RENEGED, Visitor
from sim.scenario.distributions import Deterministic

INF = float("inf")
NEVER = Deterministic.model_construct(dist="deterministic", value=INF)
"""The patience of someone who never gives up (built unvalidated: scenario values must be finite,
this one is not)."""


def deadlines(arrivals: np.ndarray, patience: np.ndarray | None) -> np.ndarray:
    """When each visitor gives up waiting: arrival plus patience (never, without patience)."""
    return arrivals + patience if patience is not None else np.full(len(arrivals), INF)


def deadline(arrival: float, patience: float) -> float:
    """One visitor's deadline (a pick-up visit)."""
    return arrival + patience


def come_back(v: Visitor, arrival: float) -> None:
    """A visitor sent home returns at `arrival` with the same patience."""
    patience = v.deadline - v.arrival
    v.arrival, v.deadline = arrival, arrival + patience


class FieldQueue:
    """Visitors holding a number for one field: priority tickets and normal tickets.

    `since_priority` counts normal tickets called from this queue since the last priority ticket:
    the interleaved rule (one priority in `priority_interleave` calls) counts only calls from the
    queue, because a number handed straight to a free counter never waited, so it is not a call.
    """

    __slots__ = ("normal", "priority", "since_priority")

    def __init__(self) -> None:
        self.normal: deque[Visitor] = deque()
        self.priority: deque[Visitor] = deque()
        self.since_priority = 0

    def __len__(self) -> int:
        return len(self.normal) + len(self.priority)


class CounterQueues:
    """All fields' queues, the rule that picks the next ticket to call, and reneging."""

    def __init__(
        self,
        n_fields: int,
        strict: bool,
        interleave: int,
        waits: WaitMonitor,
        on_renege: Callable[[Visitor], None] | None,
    ) -> None:
        """`on_renege` is told of each visitor who gave up (after they are booked); None: visitors
        have no deadline, so nobody gives up and calls skip the check."""
        self.fields = [FieldQueue() for _ in range(n_fields)]
        self.strict = strict
        self.interleave = interleave
        self.waits = waits
        self.reneging = on_renege is not None
        self.on_renege = on_renege
        self.max_length = 0
        self.total = 0
        self.earliest_deadline = INF
        """No one queued has a deadline before this (a bound that lets most purges be skipped)."""

    # --- reneging ---------------------------------------------------------------------------
    def _renege(self, v: Visitor) -> None:
        """Book a visitor who gave up: they left at their deadline, or at once on getting their
        number if their patience ran out in the line for the ticket machine."""
        v.outcome = RENEGED
        v.end = left = max(v.deadline, v.ticket)
        self.waits.add_queue_time(v.ticket, left)
        if self.on_renege is not None:
            self.on_renege(v)

    def purge(self, f: int, now: float) -> None:
        """Book everyone in field f whose patience ran out before `now`."""
        fq = self.fields[f]
        for dq in (fq.normal, fq.priority):
            if dq and any(v.deadline < now for v in dq):
                keep = [v for v in dq if v.deadline >= now]
                for v in dq:
                    if v.deadline < now:
                        self.total -= 1
                        self._renege(v)
                dq.clear()
                dq.extend(keep)

    def _purge_all(self, now: float) -> None:
        for f in range(len(self.fields)):
            self.purge(f, now)
        self.earliest_deadline = min(
            (x.deadline for fq in self.fields for dq in (fq.normal, fq.priority) for x in dq),
            default=INF,
        )

    def close(self, now: float, send_home: Callable[[Visitor], None]) -> None:
        """Closing time: whoever had given up is booked as such, everyone else is sent home, in
        queue order, their number held until now."""
        for v in self.drain():
            if v.deadline < now:
                self._renege(v)
                continue
            self.waits.add_queue_time(v.ticket, now)
            send_home(v)

    # --- the queues -------------------------------------------------------------------------
    def length(self, f: int, now: float) -> int:
        fq = self.fields[f]
        if self.reneging and now > self.earliest_deadline and (fq.normal or fq.priority):
            self.purge(f, now)
        return len(fq.normal) + len(fq.priority)

    def push(self, v: Visitor, now: float) -> None:
        if self.reneging:
            if self.total == 0:
                self.earliest_deadline = v.deadline
            elif now > self.earliest_deadline:
                self._purge_all(now)
            self.earliest_deadline = min(self.earliest_deadline, v.deadline)
        fq = self.fields[v.field]
        (fq.priority if v.priority else fq.normal).append(v)
        self.total += 1
        if self.total > self.max_length:
            self.max_length = self.total

    def pop(self, f: int, now: float) -> Visitor | None:
        """The next ticket to call in field f, or None."""
        fq = self.fields[f]
        if not fq.priority and not self.reneging:  # the common case, kept short
            if fq.normal:
                self.total -= 1
                fq.since_priority += 1
                return fq.normal.popleft()
            return None
        while fq.normal or fq.priority:
            v = self._take(fq)
            self.total -= 1
            if self.reneging and v.deadline < now:
                self._renege(v)
                continue
            return v
        return None

    def _take(self, fq: FieldQueue) -> Visitor:
        """The head of the priority or the normal line, by the priority rule."""
        take_priority = bool(fq.priority) and (
            self.strict or not fq.normal or fq.since_priority >= self.interleave - 1
        )
        if take_priority:
            fq.since_priority = 0
            return fq.priority.popleft()
        fq.since_priority += 1
        return fq.normal.popleft()

    def put_back(self, v: Visitor) -> None:
        """Return a visitor just taken to the front of their queue (not called after all)."""
        fq = self.fields[v.field]
        (fq.priority if v.priority else fq.normal).appendleft(v)
        self.total += 1

    def oldest_field(self, fields: tuple[int, ...]) -> int:
        """Among `fields`, the one whose first waiting visitor holds the oldest ticket (-1 if none)."""
        best, best_t = -1, INF
        for f in fields:
            fq = self.fields[f]
            for dq in (fq.priority, fq.normal):
                if dq and dq[0].ticket < best_t:
                    best, best_t = f, dq[0].ticket
        return best

    def drain(self) -> list[Visitor]:
        """Remove and return everyone still waiting."""
        out: list[Visitor] = []
        for fq in self.fields:
            out.extend(fq.priority)
            out.extend(fq.normal)
            fq.priority.clear()
            fq.normal.clear()
        self.total = 0
        return out
