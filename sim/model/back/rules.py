"""The portal's rules, each in one place: the working calendar of due dates, the 15:00 rule, and
the on-time classes a dossier is counted in.

The rules (docs/assumptions.md, "Back-office rules"): statutory times are working days and the clock
starts when a complete dossier is received; a dossier received outside working hours (online, at
night or at the weekend) counts from the next working opening; same-day procedures received after
15:00 (the cut-off) are due the next working day; the citizen's time to supply missing papers is
not counted, so it pushes the due date back. The portal compares *dates*: a dossier finished any
time on its due date is on time; one still in progress at the end of the window is on time while
within its due date; a second request for papers makes a dossier late.

Working days run past the window's end so that a dossier received on its last day still gets a due
date.
"""

from __future__ import annotations

import bisect
import datetime as dt

from sim.scenario.calendar import MINUTES_PER_DAY, CalendarSpec, WorkDay, working_days

HORIZON_DAYS = 120
"""Calendar days of working calendar kept after the window, for due dates beyond it (the back
office adds three times the longest statutory time)."""

EARLY, ON_TIME, LATE, OPEN_WITHIN = range(4)
"""The portal's classes of a dossier received in the window; early, on time and open within its
due date all count as on time."""
ON_TIME_CLASSES = (EARLY, ON_TIME, OPEN_WITHIN)


def due_day(day: int, clock: float, statutory_days: int, cutoff: float) -> int:
    """Index of the working day a dossier is due on, from the working day `day` its clock starts
    and the time of day (`clock`, minutes after midnight) it starts: a same-day procedure started
    after the cut-off is due the next working day (the 15:00 rule)."""
    if statutory_days == 0:
        return day + 1 if clock > cutoff else day
    return day + statutory_days


def finished_class(done_date: int, due_date: int, late: bool) -> int:
    """EARLY, ON_TIME or LATE for a dossier finished on calendar day `done_date`."""
    if late or done_date > due_date:
        return LATE
    return EARLY if done_date < due_date else ON_TIME


def open_class(due_date: int, end_date: int, late: bool) -> int:
    """LATE or OPEN_WITHIN for a dossier still in progress on the window's last date."""
    return LATE if late or due_date < end_date else OPEN_WITHIN


def date_number(t: float) -> int:
    """Calendar day number (0 = the window's first date) of a simulation time."""
    return int(t // MINUTES_PER_DAY)


class WorkingCalendar:
    """The working days of the window and beyond, with look-ups by simulation time."""

    def __init__(self, spec: CalendarSpec, horizon_days: int = HORIZON_DAYS) -> None:
        longer = spec.model_copy(update={"end": spec.end + dt.timedelta(days=horizon_days)})
        self.days: tuple[WorkDay, ...] = working_days(longer)
        self.window_days = sum(1 for d in self.days if d.date <= spec.end)
        self.start = spec.start
        self.opens = [d.opens for d in self.days]
        self.closes = [d.closes for d in self.days]
        self.daynum = [int(d.midnight // MINUTES_PER_DAY) for d in self.days]
        self.window_end_daynum = (spec.end - spec.start).days

    def reception(self, t: float) -> tuple[int, float]:
        """(working-day index, clock start) for a dossier received at time t.

        Within a working day's opening span (first opening to last closing, lunch included) the
        clock starts at once; before opening it starts at that day's opening; after closing, or
        on a day off, at the next working day's opening.
        """
        i = bisect.bisect_right(self.opens, t) - 1
        if i >= 0 and t <= self.closes[i]:
            return i, t
        j = i + 1
        if j >= len(self.days):
            raise ValueError("time beyond the working calendar's horizon")
        return j, self.opens[j]

    def due_index(self, t: float, statutory_days: int, cutoff_min: float) -> int:
        """Index of the working day a dossier received at t is due on."""
        i, start = self.reception(t)
        return self.due_from(i, start, statutory_days, cutoff_min)

    def due_from(self, i: int, start: float, statutory_days: int, cutoff_min: float) -> int:
        """As `due_index`, from an already computed reception (day index, clock start)."""
        return due_day(i, start - self.days[i].midnight, statutory_days, cutoff_min)

    def due_date(self, due: int) -> int:
        """Calendar day number of working day `due` (the horizon's last day if beyond it)."""
        return self.daynum[min(due, len(self.daynum) - 1)]

    def index_of_time(self, t: float) -> int:
        """Index of the last working day that opened at or before t (-1 before the first)."""
        return bisect.bisect_right(self.opens, t) - 1

    def opening_after(self, t: float, working_days: int) -> float:
        """The opening `working_days` working days after the day of t (the horizon's last if beyond)."""
        day = min(max(self.index_of_time(t), 0) + working_days, len(self.days) - 1)
        return self.opens[day]

    def date_of(self, index: int) -> dt.date:
        return self.days[index].date
