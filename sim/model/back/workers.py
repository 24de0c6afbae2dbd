"""Back-office workers: the process that works through the dossier queues in a worker's windows.

Work runs at the worker's `rate` (the share of the day spent on dossiers) through the day's
sessions, so a dossier finished within the day costs one event whatever the lunch break in between.
Windows are generated day by day (`sim.model.schedules`), so nothing is stored per day of the window.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass

import simpy

from sim.model.dossier import Dossier
from sim.model.handover import Handover
from sim.model.ports import WorkQueue
from sim.model.schedules import DeskWindow

Handed = tuple[Dossier, float] | None
"""What wakes an idle worker: a dossier handed over with the minutes of work done on it, or None."""


@dataclass(frozen=True, slots=True)
class Office:
    """What all workers share: the clock, the work queue and the list of idle workers."""

    env: simpy.Environment
    queue: WorkQueue
    idle: list[Worker]


class Worker:
    """A back-office worker (a staff member's desk time, or a pool member)."""

    def __init__(
        self, office: Office, name: str, fields: tuple[int, ...], rate: float, windows: Iterable[DeskWindow]
    ) -> None:
        self.office = office
        self.name = name
        self.fields = fields
        self.field_set = frozenset(fields)
        self.rate = rate
        self.windows = windows
        self.capacity = 0.0
        """Back-office minutes available so far (added as each day's window opens)."""
        self.work_done = 0.0
        self.overtime = 0.0
        self.wake: Handover | None = None
        self.window: DeskWindow | None = None

    def start_window(self) -> None:
        """The warm-up is over: count time and work from now on."""
        self.capacity = self.work_done = self.overtime = 0.0

    def plan(self, d: Dossier, now: float) -> tuple[float, float]:
        """(clock minutes, work minutes) of the next stretch on d within today's window."""
        w = self.window
        assert w is not None
        rate = self.rate
        t_end = w.advance(now, d.remaining / rate)
        if t_end is None:
            return w.end - now, w.left(now) * rate
        return t_end - now, d.remaining

    def _work(self, d: Dossier, minutes: float) -> None:
        d.remaining -= minutes
        self.work_done += minutes
        if d.remaining <= 1e-9:
            self.office.queue.work_finished(d)
        else:
            self.office.queue.push(d, wake=False)  # back in the queue with the work left

    def run(self) -> Generator[simpy.Event, Handed, None]:
        env = self.office.env
        for w in self.windows:
            self.capacity += w.minutes * self.rate
            if env.now < w.start:
                yield env.timeout(w.start - env.now)
            self.window = w
            yield from self._day(w)
            self.window = None
            if w.last_of_day and self.office.queue.overtime_limit > 0:
                yield from self._overtime(w)

    def _day(self, w: DeskWindow) -> Generator[simpy.Event, Handed, None]:
        """Work through the window: the next dossier, or sleep until one comes."""
        office = self.office
        env = office.env
        while env.now < w.end:
            d = office.queue.pick(self.fields, None)
            if d is None:
                self.wake = Handover(env)
                office.idle.append(self)
                handed = yield self.wake
                if handed is not None:  # handed a dossier: `work` minutes of it are done now
                    dossier, work = handed
                    self._work(dossier, work)
                continue
            clock, work = self.plan(d, env.now)
            yield env.timeout(clock)
            self._work(d, work)

    def _overtime(self, w: DeskWindow) -> Generator[simpy.Event, Handed, None]:
        """After closing, only work due today (or overdue), up to the overtime limit."""
        queue, env = self.office.queue, self.office.env
        limit = w.end + queue.overtime_limit
        while env.now < limit:
            d = queue.pick(self.fields, w.day)
            if d is None:
                break
            chunk = min(d.remaining, limit - env.now)
            start = env.now
            yield env.timeout(chunk)
            self.overtime += env.now - start
            self._work(d, chunk)
