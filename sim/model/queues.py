"""Counter queues: one per field, priority tickets, and reneging found lazily.

A visitor who runs out of patience is not woken by an event of their own: the queue notices when it
next looks at them (on a call, or when someone joins the field's queue) and books them as having
left at their deadline. Waits, outcomes and queue-time areas are exact; only the moment the model
*learns* of the departure is late, and nothing depends on that moment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from sim.model.visitor import Visitor


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
    """All fields' queues and the rule that picks the next ticket to call."""

    def __init__(
        self,
        n_fields: int,
        strict: bool,
        interleave: int,
        reneging: bool,
        on_renege: Callable[[Visitor], None],
    ) -> None:
        self.fields = [FieldQueue() for _ in range(n_fields)]
        self.strict = strict
        self.interleave = interleave
        self.reneging = reneging
        self.on_renege = on_renege
        self.max_length = 0
        self.total = 0
        self.earliest_deadline = float("inf")
        """No one queued has a deadline before this (a bound that lets most purges be skipped)."""

    def purge(self, f: int, now: float) -> None:
        """Book everyone in field f whose patience ran out before `now`."""
        fq = self.fields[f]
        for dq in (fq.normal, fq.priority):
            if dq and any(v.deadline < now for v in dq):
                keep = [v for v in dq if v.deadline >= now]
                for v in dq:
                    if v.deadline < now:
                        self.total -= 1
                        self.on_renege(v)
                dq.clear()
                dq.extend(keep)

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
                for f in range(len(self.fields)):
                    self.purge(f, now)
                self.earliest_deadline = min(
                    (x.deadline for fq in self.fields for dq in (fq.normal, fq.priority) for x in dq),
                    default=float("inf"),
                )
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
            take_priority = bool(fq.priority) and (
                self.strict or not fq.normal or fq.since_priority >= self.interleave - 1
            )
            if take_priority:
                v = fq.priority.popleft()
                fq.since_priority = 0
            else:
                v = fq.normal.popleft()
                fq.since_priority += 1
            self.total -= 1
            if self.reneging and v.deadline < now:
                self.on_renege(v)
                continue
            return v
        return None

    def put_back(self, v: Visitor) -> None:
        """Return a visitor just taken to the front of their queue (not called after all)."""
        fq = self.fields[v.field]
        (fq.priority if v.priority else fq.normal).appendleft(v)
        self.total += 1

    def oldest_field(self, fields: tuple[int, ...]) -> int:
        """Among `fields`, the one whose first waiting visitor holds the oldest ticket (-1 if none)."""
        best, best_t = -1, float("inf")
        for f in fields:
            fq = self.fields[f]
            for dq in (fq.priority, fq.normal):
                if dq and dq[0].ticket < best_t:
                    best, best_t = f, dq[0].ticket
        return best

    def drain(self) -> list[Visitor]:
        """Remove and return everyone still waiting (closing time)."""
        out: list[Visitor] = []
        for fq in self.fields:
            out.extend(fq.priority)
            out.extend(fq.normal)
            fq.priority.clear()
            fq.normal.clear()
        self.total = 0
        return out
