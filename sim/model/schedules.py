"""Every "when" of the centre: who is at work, counter duties, issuing windows, support shifts and
back-office windows.

All are generated from the working days and the compiled inputs, day by day where they are long,
so nothing is stored per day of the window.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sim.model.inputs import PolicyInputs, StaffInputs, SupportInputs
from sim.scenario.calendar import WEEKDAY_NAMES, WorkDay

Span = tuple[float, float]


class Windows:
    """Sorted, non-overlapping time windows (issuing hours, shifts) with fast look-ups."""

    def __init__(self, windows: list[Span]) -> None:
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


class Presence:
    """When each staff member is at work: not on leave, not in a meeting. Computed day by day
    when asked (memoised by weekday and sessions), so nothing is stored per day of the window."""

    def __init__(self, staff: tuple[StaffInputs, ...]) -> None:
        self._leave = {m.id: m.leave for m in staff}
        self._meetings = {m.id: m.meetings for m in staff}
        self._memo: dict[tuple[str, int, tuple[str, ...]], frozenset[str]] = {}

    def sessions(self, staff_id: str, day: WorkDay) -> frozenset[str]:
        """Names of the sessions of `day` this person is at work."""
        for start, end in self._leave[staff_id]:
            if start <= day.date <= end:
                return frozenset()
        key = (staff_id, day.weekday, day.session_names)
        at_work = self._memo.get(key)
        if at_work is None:
            wd = WEEKDAY_NAMES[day.weekday]
            meetings = self._meetings[staff_id]
            at_work = self._memo[key] = frozenset(
                name for name in day.session_names if (wd, name) not in meetings
            )
        return at_work

    def spans(self, staff_id: str, day: WorkDay) -> tuple[Span, ...]:
        """The sessions of `day` this person is at work, on the clock."""
        at_work = self.sessions(staff_id, day)
        return tuple(se for se, name in zip(day.sessions, day.session_names, strict=True) if name in at_work)


# --- the counter ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Duty:
    """One stretch at the counter on the simulation clock."""

    start: float
    end: float
    hard_end: float
    """Latest time to call a number: `end` plus the overtime limit under "serve_all"."""
    closing: bool = True
    """The stretch ends at the day's closing (its overtime is closing overtime); False when it ends
    at the lunch break (lunch overtime)."""
    covered: float = 0.0
    """Minutes of the stretch outside the day's sessions (a lunch break covered at the counter):
    time at work beyond the sessions, for the busy share of time at work."""


def staff_duties(
    spec: StaffInputs,
    days: tuple[WorkDay, ...],
    policies: PolicyInputs,
    presence: Presence,
    draw: Callable[[], float],
) -> Iterator[Duty]:
    """The sessions one staff member spends at the counter, day by day: at work, and drawn to the
    counter with probability `counter_share`. `draw` is U(0, 1) from the member's own stream, one
    draw per session whatever the share, so adding a colleague or changing a share changes nobody
    else's presence."""
    for day in days:
        at_work = presence.sessions(spec.id, day)
        on = [draw() < spec.counter_share and name in at_work for name in day.session_names]
        yield from _day_duties(spec.covers_lunch, day, on, policies)


def _day_duties(covers_lunch: bool, day: WorkDay, on: list[bool], pol: PolicyInputs) -> Iterator[Duty]:
    """One day's stretches at the counter, given the sessions the person is at the counter."""
    last = len(day.sessions) - 1
    k = 0
    while k <= last:
        if not on[k]:
            k += 1
            continue
        s, e = day.sessions[k]
        if covers_lunch:
            # Through the break: one stretch until the end of the last consecutive session.
            while k < last and on[k + 1]:
                k += 1
                e = day.sessions[k][1]
            if k < last:  # not at the counter next session: cover the break, then leave
                e = day.sessions[k + 1][0]
        rule = pol.closing_rule if k == last else pol.lunch_rule
        if covers_lunch and k < last:
            rule = "hold"  # the break is covered; nobody is kept beyond it
        hard_end = e + pol.overtime_limit if rule == "serve_all" else e
        covered = 0.0
        if covers_lunch:  # the breaks inside the stretch (and the one it covers at its end)
            covered = (e - s) - sum(max(0.0, min(b, e) - max(a, s)) for a, b in day.sessions)
        yield Duty(s, e, hard_end, k == last, covered)
        k += 1


def issuing_windows(policies: PolicyInputs, days: tuple[WorkDay, ...]) -> list[Span]:
    """When the machines hand out numbers: each session up to the cut-off (or the whole day when a
    counter stays open over lunch)."""
    cutoff = policies.ticket_cutoff
    out: list[Span] = []
    for day in days:
        sessions = ((day.opens, day.closes),) if policies.lunch_cover else day.sessions
        for s, e in sessions:
            out.append((s, max(s, e - cutoff)))
    return out


def support_shifts(team: SupportInputs, days: tuple[WorkDay, ...]) -> list[Span]:
    """The support team's hours on the days it works (its hours, or the sessions if none given)."""
    out: list[Span] = []
    for day in days:
        if WEEKDAY_NAMES[day.weekday] not in team.weekdays:
            continue
        if team.hours:
            out.extend((day.midnight + a, day.midnight + b) for a, b in team.hours)
        else:
            out.extend(day.sessions)
    return out


def open_hours(days: tuple[WorkDay, ...]) -> Windows:
    """Every session of every day: when the lookup PCs are on."""
    return Windows([s for d in days for s in d.sessions])


# --- the back office --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeskWindow:
    """One worker's back-office time on working day `day`: the sessions they are at work."""

    sessions: tuple[Span, ...]
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


def staff_desk_windows(staff_id: str, days: tuple[WorkDay, ...], presence: Presence) -> Iterator[DeskWindow]:
    """A staff member's back-office time, day by day: the sessions they are at work."""
    for day in days:
        sessions = presence.spans(staff_id, day)
        if sessions:
            yield DeskWindow(sessions, day.index, day.session_names[-1] in presence.sessions(staff_id, day))


def pool_desk_windows(days: tuple[WorkDay, ...]) -> Iterator[DeskWindow]:
    """A pool member's back-office time: every session of every working day."""
    return (DeskWindow(d.sessions, d.index, True) for d in days)
