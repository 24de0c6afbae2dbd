"""Ticket machines (with breakdowns, paper-outs and a fallback) and self-service pools.

Each machine is a SimPy process pulling from one shared line; a failure process per machine takes
it out of order after a number of *issuing* minutes and repairs it after a repair time. When no
machine works, the fallback policy decides: a staff member hands out numbers by hand ("manual"),
visitors go straight to the counter queues ("direct"), or they wait for the repair ("wait").

`Pool` is the same pull pattern for lookup PCs and support-team members: servers on shifts who
take visitors from a short line and hand them on when done.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import simpy

from sim.model.handover import Handover
from sim.model.visitor import LOOKUP, Visitor

if TYPE_CHECKING:
    from sim.model.centre import Centre


class Windows:
    """Sorted, non-overlapping time windows (issuing hours, shifts) with fast look-ups."""

    def __init__(self, windows: list[tuple[float, float]]) -> None:
        self.starts = [s for s, _ in windows]
        self.ends = [e for _, e in windows]

    @property
    def total(self) -> float:
        return float(sum(e - s for s, e in zip(self.starts, self.ends, strict=True)))

    def index_at(self, t: float) -> int:
        """Index of the last window starting at or before t (-1 if none)."""
        return bisect.bisect_right(self.starts, t) - 1

    def contains(self, t: float) -> bool:
        i = self.index_at(t)
        return i >= 0 and t < self.ends[i]

    def next_start(self, t: float) -> float | None:
        i = bisect.bisect_right(self.starts, t)
        return self.starts[i] if i < len(self.starts) else None

    def overlap(self, a: float, b: float) -> float:
        """Minutes of [a, b) inside the windows."""
        total = 0.0
        i = max(self.index_at(a), 0) if a > -math.inf else 0
        while i < len(self.starts) and self.starts[i] < b:
            total += max(0.0, min(b, self.ends[i]) - max(a, self.starts[i]))
            i += 1
        return total

    def advance(self, t: float, minutes: float) -> float | None:
        """The clock time at which `minutes` of window time have passed after t (None: never)."""
        i = max(self.index_at(t), 0)
        left = minutes
        while i < len(self.starts):
            s = max(self.starts[i], t)
            e = self.ends[i]
            if e > s:
                if left <= e - s:
                    return s + left
                left -= e - s
            i += 1
        return None


class Machine:
    """One ticket machine's state."""

    __slots__ = (
        "busy",
        "down_min",
        "down_since",
        "failed",
        "index",
        "issuing",
        "paper_out",
        "repaired",
        "tickets",
        "wake",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.failed = False
        self.paper_out = False
        self.tickets = 0
        self.busy = 0.0
        self.down_min = 0.0
        """Minutes of issuing hours this machine was out of order or out of paper (either or both:
        counted once), over closed spells; `TicketMachines.down_minutes` adds an open one."""
        self.down_since: float | None = None
        """Start of the current spell out of service (None while it works)."""
        self.issuing: Visitor | None = None
        """The visitor whose number is being printed (not in the line, not yet holding a number)."""
        self.wake: Handover | None = None
        self.repaired: simpy.Event | None = None

    @property
    def working(self) -> bool:
        return not (self.failed or self.paper_out)


class TicketMachines:
    """The machines, their shared line, and the fallback when none works."""

    def __init__(self, centre: Centre, windows: Windows) -> None:
        spec = centre.scenario.equipment.ticket_machines
        self.centre = centre
        self.env = centre.env
        self.spec = spec
        self.windows = windows
        self.line: deque[Visitor] = deque()
        self.machines = [Machine(i) for i in range(spec.count)]
        self.idle: list[Machine] = []
        self.none_working_min = 0.0
        """Minutes of issuing hours with no machine working (closed spells): what visitors feel."""
        self.none_since: float | None = None
        self.spells: list[tuple[int, float, float]] | None = [] if centre.events is not None else None
        """With the event log on: every spell out of service as (machine, start, end), for checks."""
        self.fallback = spec.fallback
        # One stream per machine and purpose: a second machine leaves the first one's breakdowns
        # unchanged (common random numbers for "buy another machine").
        streams = centre.streams
        self.repair_rng = [streams[f"ticket_machine.repairs.{m.index}"] for m in self.machines]
        self.failure_rng = [streams[f"ticket_machine.failures.{m.index}"] for m in self.machines]
        self.refill_rng = [streams[f"ticket_machine.paper.{m.index}"] for m in self.machines]
        for m in self.machines:
            self.env.process(self._issue(m))
            if spec.failures is not None:
                self.env.process(self._failures(m))

    def any_working(self) -> bool:
        for m in self.machines:  # noqa: SIM110 - a plain loop: this runs once per visitor
            if not (m.failed or m.paper_out):
                return True
        return False

    def arrive(self, v: Visitor) -> None:
        """A visitor steps up to the machines."""
        c = self.centre
        now = self.env.now
        if not self.machines:
            c.to_counter(v)
            return
        w = self.windows
        i = bisect.bisect_right(w.starts, now) - 1
        in_window = i >= 0 and now < w.ends[i]
        if not in_window and (v.arrival > c.day_last_cutoff or c.day_closed):
            # Came after the day's last cut-off, or reached the machine after the day was closed.
            # Whoever was inside before the cut-off (at the lookup PC, with the support team)
            # still gets a number: the closing-instant rule (docs/model.md, 2.2).
            c.send_home(v)
            return
        if in_window and self.idle and not self.line:
            for m in self.idle:
                if not (m.failed or m.paper_out):
                    self.idle.remove(m)
                    m.issuing = v
                    m.busy += v.issue_min
                    m.wake.trigger_after(v.issue_min, v)  # issued when the wake-up fires
                    return
        if self.fallback != "wait" and not self.any_working():
            c.fallback(v)
            return
        self.line.append(v)
        if self.idle:
            m = self.idle.pop(0)
            m.wake.succeed(None)

    def _out_of_service(self, m: Machine, flag: str) -> None:
        """Take m out of service for `flag` ("failed" or "paper_out"); starts its spell, and the
        centre's spell with no machine working, if this was the last one working."""
        now = self.env.now
        if m.working:
            m.down_since = now
            setattr(m, flag, True)
            if self.none_since is None and not self.any_working():
                self.none_since = now
        else:
            setattr(m, flag, True)

    def _back_in_service(self, m: Machine, flag: str) -> None:
        """Clear `flag`; if m now works, close its spell (and the no-machine spell)."""
        setattr(m, flag, False)
        if not m.working or m.down_since is None:
            return
        now = self.env.now
        m.down_min += self.windows.overlap(m.down_since, now)
        if self.spells is not None:
            self.spells.append((m.index, m.down_since, now))
        m.down_since = None
        if self.none_since is not None:
            self.none_working_min += self.windows.overlap(self.none_since, now)
            self.none_since = None

    def start_window(self, now: float) -> None:
        """The warm-up is over: count busy and down time from `now` (spells under way restart)."""
        for m in self.machines:
            m.busy = m.down_min = 0.0
            if m.down_since is not None:
                m.down_since = now
        self.none_working_min = 0.0
        if self.none_since is not None:
            self.none_since = now
        if self.spells is not None:
            self.spells.clear()

    def _go_fallback(self) -> None:
        """All machines are down: move the line to the fallback path."""
        if self.fallback == "wait":
            return
        while self.line:
            self.centre.fallback(self.line.popleft())

    def _issue(self, m: Machine) -> Generator[simpy.Event, object, None]:
        env = self.env
        c = self.centre
        w = self.windows
        paper = self.spec.paper
        roll = paper.tickets_per_roll if paper is not None else math.inf  # tickets per paper roll
        while True:
            if not m.working:
                m.repaired = env.event()
                yield m.repaired
                continue
            if not self.line:
                m.wake = Handover(env)
                self.idle.append(m)
                v = yield m.wake
                if v is not None:  # handed over: the ticket is out
                    m.issuing = None
                    c.to_counter(v)
                    m.tickets += 1
                    if m.tickets >= roll:
                        yield from self._refill(m)
                continue
            now = env.now
            v = self.line[0]
            i = w.index_at(now)
            in_window = i >= 0 and now < w.ends[i]
            if not in_window and not (i >= 0 and v.arrival <= w.ends[i] and v.arrival >= w.starts[i]):
                nxt = w.next_start(now)
                if nxt is None:
                    return
                yield env.timeout(nxt - now)
                continue
            self.line.popleft()
            m.issuing = v
            t = v.issue_min
            m.busy += t
            yield env.timeout(t)
            m.issuing = None
            c.to_counter(v)
            m.tickets += 1
            if m.tickets >= roll:
                yield from self._refill(m)

    def _refill(self, m: Machine) -> Generator[simpy.Event, object, None]:
        """The roll is empty: the machine is out until it is refilled."""
        paper = self.spec.paper
        assert paper is not None
        env = self.env
        self._out_of_service(m, "paper_out")
        if not self.any_working():
            self._go_fallback()
        yield env.timeout(float(paper.refill_min.sample(self.refill_rng[m.index], 1)[0]))
        m.tickets = 0
        self._back_in_service(m, "paper_out")

    def _failures(self, m: Machine) -> Generator[simpy.Event, object, None]:
        env = self.env
        spec = self.spec.failures
        assert spec is not None
        while True:
            gap = float(spec.time_between_min.sample(self.failure_rng[m.index], 1)[0])
            at = self.windows.advance(env.now, gap)
            if at is None:
                return
            yield env.timeout(at - env.now)
            self._out_of_service(m, "failed")
            if not self.any_working():
                self._go_fallback()
            yield env.timeout(float(spec.repair_min.sample(self.repair_rng[m.index], 1)[0]))
            self._back_in_service(m, "failed")
            if m.repaired is not None and not m.repaired.triggered:
                m.repaired.succeed()

    def utilisation(self, since: float = -math.inf) -> float:
        """Busy share of the issuing hours from `since` on (the window, after any warm-up)."""
        total = self.windows.overlap(since, math.inf) * len(self.machines)
        return float(sum(m.busy for m in self.machines) / total) if total > 0 else float("nan")

    def down_minutes(self) -> list[float]:
        """Each machine's minutes out of service in issuing hours so far (a spell under way counts
        up to now)."""
        now = self.env.now
        return [
            m.down_min + (self.windows.overlap(m.down_since, now) if m.down_since is not None else 0.0)
            for m in self.machines
        ]

    def none_working_minutes(self) -> float:
        """Minutes of issuing hours with no machine working so far: with one machine its own down
        time; with more, only the spells when all were out at once (not the sum over machines)."""
        if not self.machines:
            return 0.0
        extra = self.windows.overlap(self.none_since, self.env.now) if self.none_since is not None else 0.0
        return self.none_working_min + extra


class Pool:
    """Servers on shifts (lookup PCs, support-team members) with one short line."""

    def __init__(
        self,
        env: simpy.Environment,
        servers: int,
        shifts: Windows,
        max_queue: int,
        duration: Callable[[Visitor], float],
        done: Callable[[Visitor], None],
    ) -> None:
        self.env = env
        self.shifts = shifts
        self.max_queue = max_queue
        self.duration = duration
        self.done = done
        self.line: deque[tuple[float, Visitor]] = deque()
        self.idle: list[list[simpy.Event | None]] = []
        self.busy = 0.0
        self.servers = servers
        self.wait_sum = 0.0
        self.wait_n = 0
        self.serving: list[Visitor] = []
        """Visitors being served now (looked at only at closing, to see who is still inside)."""
        for _ in range(servers):
            env.process(self._serve())

    def offer(self, v: Visitor) -> bool:
        """Take the visitor if a server is on shift and the line is short enough."""
        if self.servers == 0 or not self.shifts.contains(self.env.now):
            return False
        if len(self.line) >= self.max_queue and not self.idle:
            return False
        self.line.append((self.env.now, v))
        if self.idle:
            slot = self.idle.pop(0)
            ev = slot[0]
            assert ev is not None
            ev.succeed()
        return True

    def _serve(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        slot: list[simpy.Event | None] = [None]
        while True:
            if not self.line:
                slot[0] = env.event()
                self.idle.append(slot)
                yield slot[0]
                continue
            joined, v = self.line.popleft()
            self.wait_sum += env.now - joined
            self.wait_n += 1
            t = self.duration(v)
            self.busy += t
            self.serving.append(v)
            yield env.timeout(t)
            self.serving.remove(v)
            self.done(v)

    def holds(self, since: float, until: float, fields: frozenset[int]) -> bool:
        """Someone of `fields` who arrived at the centre in [since, until] is in this pool's line
        or being served, and may still come to the ticket machine (a pure look-up will not)."""
        for v in self.serving:
            if since <= v.arrival <= until and v.field in fields and v.purpose != LOOKUP:
                return True
        return any(
            since <= v.arrival <= until and v.field in fields and v.purpose != LOOKUP for _, v in self.line
        )

    def utilisation(self, since: float = -math.inf) -> float:
        """Busy share of the servers' hours from `since` on (the window, after any warm-up)."""
        total = self.shifts.overlap(since, math.inf) * self.servers
        return float(self.busy / total) if total > 0 else float("nan")
