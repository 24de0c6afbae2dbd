"""Working days and opening sessions of a centre over an experiment window.

Northern provinces open on seasonal hours (summer 07:00–11:30 / 13:30–17:00, winter 07:30–12:00 /
13:00–16:30; Decision 873/QĐ-UBND of Vĩnh Phúc, 2020) and close on public holidays, whose dates move
with the lunar calendar and with the government's yearly substitutions. The model only ever sees the
result: a tuple of `WorkDay`s with their sessions on the simulation clock (minutes from the midnight
that starts the window).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Strict, SubKeyError, check_unique

MINUTES_PER_DAY = 1440
WINDOW_MAX_DAYS = 5 * 365 + 2
"""Longest experiment window (five years, leap days included): longer windows are a typo, not a plan,
and would run for hours."""
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_NAMES: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of an "HH:MM" clock time (24-hour)."""
    try:
        hh, mm = text.split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"{text!r} is not a clock time; write it as HH:MM, e.g. 07:30") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m != 0):
        raise ValueError(f"{text!r} is not a clock time between 00:00 and 24:00")
    return h * 60 + m


def _check_hhmm(text: str) -> str:
    parse_hhmm(text)
    return text


def _check_month_day(text: str) -> str:
    try:
        mm, dd = text.split("-")
        dt.date(2024, int(mm), int(dd))  # 2024 is a leap year, so 02-29 is allowed
    except ValueError:
        raise ValueError(f"{text!r} is not a month and day; write it as MM-DD, e.g. 04-16") from None
    return text


ClockTime = Annotated[str, AfterValidator(_check_hhmm)]
MonthDay = Annotated[str, AfterValidator(_check_month_day)]


class SessionSpec(Strict):
    """One opening session, e.g. the morning 07:00–11:30."""

    name: Annotated[str, Field(min_length=1)]
    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionSpec:
        if parse_hhmm(self.end) <= parse_hhmm(self.start):
            raise SubKeyError(
                "end", f"session {self.name!r} ends ({self.end}) before it starts ({self.start})"
            )
        return self

    @property
    def start_min(self) -> int:
        return parse_hhmm(self.start)

    @property
    def end_min(self) -> int:
        return parse_hhmm(self.end)


def _check_sessions_ordered(sessions: list[SessionSpec]) -> list[SessionSpec]:
    for earlier, later in itertools.pairwise(sessions):
        if later.start_min < earlier.end_min:
            raise ValueError(
                f"session {later.name!r} starts ({later.start}) before session "
                f"{earlier.name!r} ends ({earlier.end}); list sessions in time order without overlap"
            )
    return sessions


Sessions = Annotated[list[SessionSpec], AfterValidator(_check_sessions_ordered)]


class SeasonSpec(Strict):
    """Opening sessions that apply from one month-day to another (the range may wrap the new year)."""

    name: Annotated[str, Field(min_length=1)]
    start: MonthDay
    end: MonthDay
    sessions: Annotated[Sessions, Field(min_length=1)]

    @model_validator(mode="after")
    def _names_differ(self) -> SeasonSpec:
        # Meetings refer to sessions by name: two sessions of one day with one name are ambiguous.
        check_unique("sessions", [s.name for s in self.sessions], "session name")
        return self

    def contains(self, day: dt.date) -> bool:
        md = (day.month, day.day)
        lo = tuple(int(x) for x in self.start.split("-"))
        hi = tuple(int(x) for x in self.end.split("-"))
        if lo <= hi:
            return lo <= md <= hi
        return md >= lo or md <= hi


def _default_seasons() -> list[SeasonSpec]:
    # Sourced: Decision 873/QĐ-UBND (Vĩnh Phúc, 2020), docs/sources.md.
    return [
        SeasonSpec(
            name="summer",
            start="04-16",
            end="10-15",
            sessions=[
                SessionSpec(name="morning", start="07:00", end="11:30"),
                SessionSpec(name="afternoon", start="13:30", end="17:00"),
            ],
        ),
        SeasonSpec(
            name="winter",
            start="10-16",
            end="04-15",
            sessions=[
                SessionSpec(name="morning", start="07:30", end="12:00"),
                SessionSpec(name="afternoon", start="13:00", end="16:30"),
            ],
        ),
    ]


class CalendarSpec(Strict):
    """The experiment window and the rules that make its working days."""

    start: dt.date
    end: dt.date
    seasons: Annotated[list[SeasonSpec], Field(min_length=1)] = Field(default_factory=_default_seasons)
    saturday_sessions: Sessions = Field(default_factory=list)
    sunday_sessions: Sessions = Field(default_factory=list)
    use_holiday_table: bool = True
    extra_holidays: list[dt.date] = Field(default_factory=list)
    extra_workdays: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _window(self) -> CalendarSpec:
        if self.end < self.start:
            raise SubKeyError("end", f"end ({self.end}) is before start ({self.start})")
        days = (self.end - self.start).days + 1
        if days > WINDOW_MAX_DAYS:
            raise SubKeyError(
                "end",
                f"the window must be at most {WINDOW_MAX_DAYS} days (five years; a longer experiment "
                f"is not a planning question), got {days} days from {self.start} to {self.end}",
            )
        check_unique("seasons", [s.name for s in self.seasons], "season name")
        for key in ("saturday_sessions", "sunday_sessions"):
            check_unique(key, [s.name for s in getattr(self, key)], "session name")
        return self


@dataclass(frozen=True, slots=True)
class HolidayTable:
    """Days off and make-up working days (Saturdays worked in exchange for a bridge day)."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    first_year: int
    last_year: int


@cache
def load_holiday_table() -> HolidayTable:
    """The bundled table `sim/data/holidays_vn.csv` (source named in its `source` column)."""
    text = resources.files("sim").joinpath("data/holidays_vn.csv").read_text(encoding="utf-8")
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for row in csv.DictReader(text.splitlines()):
        day = dt.date.fromisoformat(row["date"])
        (holidays if row["kind"] == "holiday" else workdays).add(day)
    years = {d.year for d in holidays | workdays}
    return HolidayTable(frozenset(holidays), frozenset(workdays), min(years), max(years))


@dataclass(frozen=True, slots=True)
class WorkDay:
    """One working day on the simulation clock."""

    index: int
    date: dt.date
    midnight: float
    sessions: tuple[tuple[float, float], ...]
    session_names: tuple[str, ...]

    @property
    def weekday(self) -> int:
        return self.date.weekday()

    @property
    def opens(self) -> float:
        return self.sessions[0][0]

    @property
    def closes(self) -> float:
        return self.sessions[-1][1]


def season_for(spec: CalendarSpec, day: dt.date) -> SeasonSpec | None:
    """The first season whose month-day range contains `day`."""
    for season in spec.seasons:
        if season.contains(day):
            return season
    return None


def sessions_for(spec: CalendarSpec, day: dt.date, table: HolidayTable | None) -> list[SessionSpec]:
    """Opening sessions on `day`, or an empty list when the centre is closed."""
    holidays = set(spec.extra_holidays)
    workdays = set(spec.extra_workdays)
    if table is not None:
        holidays |= table.holidays
        workdays |= table.workdays
    if day in holidays and day not in spec.extra_workdays:
        return []
    season = season_for(spec, day)
    weekday_sessions = list(season.sessions) if season is not None else []
    if day in workdays:
        return weekday_sessions
    if day.weekday() < 5:
        return weekday_sessions
    if day.weekday() == 5:
        return list(spec.saturday_sessions)
    return list(spec.sunday_sessions)


_WORKING_DAYS_CACHE: dict[str, tuple[WorkDay, ...]] = {}


def working_days(spec: CalendarSpec) -> tuple[WorkDay, ...]:
    """Every day in the window on which the centre opens, with absolute session times.

    Cached by the calendar's content: every replication of a run asks for the same days.
    """
    key = spec.model_dump_json()
    days = _WORKING_DAYS_CACHE.get(key)
    if days is None:
        if len(_WORKING_DAYS_CACHE) > 64:
            _WORKING_DAYS_CACHE.clear()
        days = _WORKING_DAYS_CACHE[key] = _compute_working_days(spec)
    return days


def _compute_working_days(spec: CalendarSpec) -> tuple[WorkDay, ...]:
    table = load_holiday_table() if spec.use_holiday_table else None
    days: list[WorkDay] = []
    day = spec.start
    while day <= spec.end:
        sessions = sessions_for(spec, day, table)
        if sessions:
            midnight = float((day - spec.start).days * MINUTES_PER_DAY)
            days.append(
                WorkDay(
                    index=len(days),
                    date=day,
                    midnight=midnight,
                    sessions=tuple((midnight + s.start_min, midnight + s.end_min) for s in sessions),
                    session_names=tuple(s.name for s in sessions),
                )
            )
        day += dt.timedelta(days=1)
    return tuple(days)
