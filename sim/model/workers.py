"""Back-office workers and their working time: a dossier record, a day's window of work, and the
worker process that works through the queues.

Work runs at the worker's `rate` (the share of the day spent on dossiers) through the day's
sessions, so a dossier finished within the day costs one event whatever the lunch break in between.
Schedules are generated day by day, so nothing is stored per day of the window.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy

from sim.model.handover import Handover
from sim.scenario.calendar import WorkDay

if TYPE_CHECKING:
    from sim.model.backoffice import BackOffice
    from sim.model.centre import Presence


class Dossier:
    """One dossier (hồ sơ) in progress."""

    __slots__ = (
        "channel",
        "completed",
        "due",
        "field",
        "id",
        "in_window",
        "late",
        "procedure",
        "received",
        "reception_day",
        "remaining",
        "requests_left",
        "requests_made",
        "returned",
    )

    def __init__(self, did: int, procedure: int, field: int, channel: int, received: float) -> None:
        self.id = did
        self.procedure = procedure
        self.field = field
        self.channel = channel
        self.received = received
        self.in_window = True
        self.due = 0
        self.reception_day = 0
        self.remaining = 0.0
        self.requests_left = 0
        self.requests_made = 0
        self.returned = False
        self.late = False
        self.completed = math.nan


@dataclass(frozen=True, slots=True)
class Window:
    """One worker's back-office time on working day `day`: the sessions they are at work."""

    sessions: tuple[tuple[float, float], ...]
    day: int
    last_of_day: bool
    """True when the worker is at work in the day's last session (overtime may follow)."""

    @property
    def start(self) -> float:
        return self.sessions[0][0]

    @property
    def end(self) -> float:
        return self.sessions[-1][1]

    @property
    def minutes(self) -> float:
        return sum(b - a for a, b in self.sessions)

    def advance(self, t: float, minutes: float) -> float | None:
        """When `minutes` of session time after t have passed (lunch does not count); None if
        the day ends first."""
        for a, b in self.sessions:
            if t < a:
                t = a
            if t < b:
                if minutes <= b - t:
                    return t + minutes
                minutes -= b - t
                t = b
        return None

    def left(self, t: float) -> float:
        """Session minutes from t to the end of the day."""
        return sum(b - max(a, t) for a, b in self.sessions if b > t)


class Worker:
    """A back-office worker (a staff member's desk time, or a pool member).

    Work runs at `rate` (the share of the day spent on dossiers) through the day's sessions, so a
    dossier finished within the day costs one event whatever the lunch break in between.
    """

    def __init__(
        self, office: BackOffice, name: str, fields: tuple[int, ...], rate: float, windows: Iterable[Window]
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
        self.window: Window | None = None

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
            self.office.work_finished(d)
        else:
            self.office.push(d, wake=False)  # back in the queue with the work left

    def run(self) -> Generator[simpy.Event, object, None]:
        office = self.office
        env = office.env
        timeout = env.timeout
        for w in self.windows:
            self.capacity += w.minutes * self.rate
            if env.now < w.start:
                yield timeout(w.start - env.now)
            self.window = w
            while env.now < w.end:
                d = office.pick(self.fields, None)
                if d is None:
                    self.wake = Handover(env)
                    office.idle.append(self)
                    got = yield self.wake
                    if got is not None:  # handed a dossier: `work` minutes of it are done now
                        handed, work = got
                        self._work(handed, work)
                    continue
                clock, work = self.plan(d, env.now)
                yield timeout(clock)
                self._work(d, work)
            self.window = None
            if w.last_of_day and office.overtime_limit > 0:
                limit = w.end + office.overtime_limit
                while env.now < limit:
                    d = office.pick(self.fields, w.day)  # only work due today (or overdue)
                    if d is None:
                        break
                    chunk = min(d.remaining, limit - env.now)
                    start = env.now
                    yield timeout(chunk)
                    self.overtime += env.now - start
                    self._work(d, chunk)


def staff_windows(staff_id: str, days: tuple[WorkDay, ...], presence: Presence) -> Iterator[Window]:
    """A staff member's back-office time, day by day: the sessions they are at work."""
    for day in days:
        at_work = presence.sessions(staff_id, day)
        sessions = tuple(
            se for se, name in zip(day.sessions, day.session_names, strict=True) if name in at_work
        )
        if sessions:
            yield Window(sessions, day.index, day.session_names[-1] in at_work)
