"""Due-date arithmetic on the centre's working calendar.

The rules (DOMAIN.md, "Due dates and on time"): statutory times are working days and the clock
starts when a complete dossier is received; a dossier received outside working hours (online, at
night or at the weekend) counts from the next working opening; same-day procedures received after
15:00 are due the next working day; the citizen's time to supply missing papers is not counted, so
it pushes the due date back. The portal compares *dates*: a dossier finished any time on its due
date is on time.

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
        if statutory_days == 0:
            clock = start - self.days[i].midnight
            return i + 1 if clock > cutoff_min else i
        return i + statutory_days

    def index_of_time(self, t: float) -> int:
        """Index of the last working day that opened at or before t (-1 before the first)."""
        return bisect.bisect_right(self.opens, t) - 1

    def date_of(self, index: int) -> dt.date:
        return self.days[index].date


def daynum(t: float) -> int:
    """Calendar day number (0 = the window's first date) of a simulation time."""
    return int(t // MINUTES_PER_DAY)
