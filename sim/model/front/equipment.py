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

import numpy as np
import simpy

from sim.model.handover import Handover
from sim.model.inputs import MachineInputs, PoolInputs, Sampler
from sim.model.ports import TicketDesk
from sim.model.schedules import Windows
from sim.model.streams import Streams
from sim.model.visitor import LOOKUP, Visitor


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


def _one(dist: Sampler | None, rng: np.random.Generator) -> float:
    assert dist is not None
    return float(dist.sample(rng, 1)[0])


class TicketMachines:
    """The machines, their shared line, and the fallback when none works."""

    def __init__(
        self,
        env: simpy.Environment,
        spec: MachineInputs,
        windows: Windows,
        desk: TicketDesk,
        streams: Streams,
        keep_spells: bool,
    ) -> None:
        self.env = env
        self.spec = spec
        self.desk = desk
        self.windows = windows
        self.line: deque[Visitor] = deque()
        self.machines = [Machine(i) for i in range(spec.count)]
        self.idle: list[Machine] = []
        self.none_working_min = 0.0
        """Minutes of issuing hours with no machine working (closed spells): what visitors feel."""
        self.none_since: float | None = None
        self.spells: list[tuple[int, float, float]] | None = [] if keep_spells else None
        """With the event log on: every spell out of service as (machine, start, end), for checks."""
        self.fallback = spec.fallback
        # One stream per machine and purpose: a second machine leaves the first one's breakdowns
        # unchanged (common random numbers for "buy another machine").
        self.repair_rng = [streams[f"ticket_machine.repairs.{m.index}"] for m in self.machines]
        self.failure_rng = [streams[f"ticket_machine.failures.{m.index}"] for m in self.machines]
        self.refill_rng = [streams[f"ticket_machine.paper.{m.index}"] for m in self.machines]
        for m in self.machines:
            env.process(self._issue(m))
            if spec.time_between_failures is not None:
                env.process(self._failures(m))

    def any_working(self) -> bool:
        for m in self.machines:  # noqa: SIM110 - a plain loop: this runs once per visitor
            if not (m.failed or m.paper_out):
                return True
        return False

    def arrive(self, v: Visitor) -> None:
        """A visitor steps up to the machines."""
        now = self.env.now
        if not self.machines:
            self.desk.to_counter(v)
            return
        w = self.windows
        i = bisect.bisect_right(w.starts, now) - 1
        in_window = i >= 0 and now < w.ends[i]
        if not in_window and self.desk.too_late_for_a_number(v):
            # Whoever was inside before the cut-off (at the lookup PC, with the support team)
            # still gets a number: the closing-instant rule (docs/model.md, 2.2).
            self.desk.send_home(v)
            return
        if in_window and self.idle and not self.line and self._hand_over(v):
            return
        if self.fallback != "wait" and not self.any_working():
            self.desk.to_fallback(v)
            return
        self.line.append(v)
        if self.idle:
            m = self.idle.pop(0)
            assert m.wake is not None
            m.wake.succeed(None)

    def _hand_over(self, v: Visitor) -> bool:
        """An idle working machine prints v's number at once (issued when its wake-up fires)."""
        for m in self.idle:
            if not (m.failed or m.paper_out):
                self.idle.remove(m)
                m.issuing = v
                m.busy += v.issue_min
                assert m.wake is not None
                m.wake.trigger_after(v.issue_min, v)
                return True
        return False

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
            self.desk.to_fallback(self.line.popleft())

    def _issued(self, m: Machine, v: Visitor) -> bool:
        """v's number is out; True if that emptied the roll (the machine must be refilled)."""
        m.issuing = None
        self.desk.to_counter(v)
        m.tickets += 1
        return m.tickets >= self.spec.tickets_per_roll

    def _may_issue(self, v: Visitor, now: float) -> bool:
        """Within issuing hours, or v came in during the window that has just closed."""
        w = self.windows
        i = w.index_at(now)
        in_window = i >= 0 and now < w.ends[i]
        return in_window or (i >= 0 and w.starts[i] <= v.arrival <= w.ends[i])

    def _issue(self, m: Machine) -> Generator[simpy.Event, Visitor | None, None]:
        env = self.env
        while True:
            if not m.working:
                m.repaired = env.event()
                yield m.repaired
                continue
            if not self.line:
                m.wake = Handover(env)
                self.idle.append(m)
                handed = yield m.wake
                if handed is not None and self._issued(m, handed):  # handed over: the ticket is out
                    yield from self._refill(m)
                continue
            now = env.now
            v = self.line[0]
            if not self._may_issue(v, now):
                nxt = self.windows.next_start(now)
                if nxt is None:
                    return
                yield env.timeout(nxt - now)
                continue
            self.line.popleft()
            m.issuing = v
            m.busy += v.issue_min
            yield env.timeout(v.issue_min)
            if self._issued(m, v):
                yield from self._refill(m)

    def _refill(self, m: Machine) -> Generator[simpy.Event, Visitor | None, None]:
        """The roll is empty: the machine is out until it is refilled."""
        self._out_of_service(m, "paper_out")
        if not self.any_working():
            self._go_fallback()
        yield self.env.timeout(_one(self.spec.refill_min, self.refill_rng[m.index]))
        m.tickets = 0
        self._back_in_service(m, "paper_out")

    def _failures(self, m: Machine) -> Generator[simpy.Event, object, None]:
        env = self.env
        while True:
            gap = _one(self.spec.time_between_failures, self.failure_rng[m.index])
            at = self.windows.advance(env.now, gap)
            if at is None:
                return
            yield env.timeout(at - env.now)
            self._out_of_service(m, "failed")
            if not self.any_working():
                self._go_fallback()
            yield env.timeout(_one(self.spec.repair_min, self.repair_rng[m.index]))
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
        spec: PoolInputs,
        shifts: Windows,
        duration: Callable[[Visitor], float],
        done: Callable[[Visitor], None],
    ) -> None:
        self.env = env
        self.shifts = shifts
        self.max_queue = spec.max_queue
        self.duration = duration
        self.done = done
        self.line: deque[tuple[float, Visitor]] = deque()
        self.idle: list[simpy.Event] = []
        """One wake-up event per idle server."""
        self.busy = 0.0
        self.servers = spec.servers
        self.wait_sum = 0.0
        self.wait_n = 0
        self.serving: list[Visitor] = []
        """Visitors being served now (looked at only at closing, to see who is still inside)."""
        for _ in range(self.servers):
            env.process(self._serve())

    def offer(self, v: Visitor) -> bool:
        """Take the visitor if a server is on shift and the line is short enough."""
        if self.servers == 0 or not self.shifts.contains(self.env.now):
            return False
        if len(self.line) >= self.max_queue and not self.idle:
            return False
        self.line.append((self.env.now, v))
        if self.idle:
            self.idle.pop(0).succeed()
        return True

    def _serve(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        while True:
            if not self.line:
                wake = env.event()
                self.idle.append(wake)
                yield wake
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

    def start_window(self) -> None:
        """The warm-up is over: count from now on."""
        self.busy = self.wait_sum = 0.0
        self.wait_n = 0

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
