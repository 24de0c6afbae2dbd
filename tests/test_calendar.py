"""Working days and opening sessions: seasons, weekends, Saturdays, holidays, make-up days."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.back.rules import WorkingCalendar
from sim.scenario.calendar import (
    MINUTES_PER_DAY,
    CalendarSpec,
    SeasonSpec,
    SessionSpec,
    load_holiday_table,
    parse_hhmm,
    season_for,
    working_days,
)
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).parents[1]
D = dt.date

# Decision 873/QĐ-UBND (Vĩnh Phúc, 2020), in minutes after midnight.
SUMMER = ((7 * 60, 11 * 60 + 30), (13 * 60 + 30, 17 * 60))
WINTER = ((7 * 60 + 30, 12 * 60), (13 * 60, 16 * 60 + 30))
SATURDAY_MORNING = [{"name": "morning", "start": "07:30", "end": "11:30"}]


def calendar(start: dt.date, end: dt.date, **kwargs: object) -> CalendarSpec:
    return CalendarSpec.model_validate({"start": start, "end": end, **kwargs})


def days_of(spec: CalendarSpec) -> dict[dt.date, tuple[tuple[float, float], ...]]:
    """Open dates mapped to their sessions in minutes after that day's own midnight."""
    return {
        w.date: tuple((a - w.midnight, b - w.midnight) for a, b in w.sessions) for w in working_days(spec)
    }


def dates_of(spec: CalendarSpec) -> list[dt.date]:
    return [w.date for w in working_days(spec)]


# --- seasons -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 7, 1), SUMMER),  # a summer Tuesday
        (D(2025, 12, 1), WINTER),  # a winter Monday
        (D(2025, 4, 15), WINTER),  # last day of winter
        (D(2025, 4, 16), SUMMER),  # first day of summer
        (D(2025, 10, 15), SUMMER),  # last day of summer
        (D(2025, 10, 16), WINTER),  # first day of winter
        (D(2026, 1, 5), WINTER),  # winter wraps the new year (2 January 2026 is a day off)
    ],
)
def test_default_seasons_give_decision_873_hours(day: dt.date, expected: tuple) -> None:
    (only,) = working_days(calendar(day, day))
    assert only.date == day
    assert only.midnight == 0.0
    assert only.sessions == expected
    assert only.session_names == ("morning", "afternoon")
    assert only.opens == expected[0][0]
    assert only.closes == expected[-1][1]


def test_summer_and_winter_hours_on_the_simulation_clock() -> None:
    # 2025-10-15 (Wed, summer) and 2025-10-16 (Thu, winter) in one window: day 1 starts at 1440.
    first, second = working_days(calendar(D(2025, 10, 15), D(2025, 10, 16)))
    assert first.sessions == ((420.0, 690.0), (810.0, 1020.0))
    assert second.sessions == ((1440 + 450.0, 1440 + 720.0), (1440 + 780.0, 1440 + 990.0))


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (D(2025, 10, 16), True),
        (D(2025, 12, 31), True),
        (D(2026, 1, 1), True),
        (D(2024, 2, 29), True),
        (D(2026, 4, 15), True),
        (D(2026, 4, 16), False),
        (D(2025, 7, 1), False),
        (D(2025, 10, 15), False),
    ],
)
def test_season_range_that_wraps_the_new_year(day: dt.date, inside: bool) -> None:
    winter = SeasonSpec(
        name="winter",
        start="10-16",
        end="04-15",
        sessions=[SessionSpec(name="all_day", start="08:00", end="16:00")],
    )
    assert winter.contains(day) is inside


def test_custom_wrapping_season_applies_across_new_year_window() -> None:
    seasons = [
        {"name": "cold", "start": "11-01", "end": "02-28",
         "sessions": [{"name": "day", "start": "08:00", "end": "16:00"}]},
        {"name": "warm", "start": "03-01", "end": "10-31",
         "sessions": [{"name": "day", "start": "07:00", "end": "15:00"}]},
    ]  # fmt: skip
    spec = calendar(D(2025, 10, 30), D(2026, 3, 3), seasons=seasons)
    opened = days_of(spec)
    assert opened[D(2025, 10, 30)] == ((420.0, 900.0),)
    assert opened[D(2025, 12, 31)] == ((480.0, 960.0),)
    assert opened[D(2026, 2, 27)] == ((480.0, 960.0),)
    assert opened[D(2026, 3, 2)] == ((420.0, 900.0),)
    assert season_for(spec, D(2026, 1, 15)) is not None
    assert season_for(spec, D(2026, 1, 15)).name == "cold"


def test_window_across_new_year_closes_new_years_day() -> None:
    # Official Dispatch 12729/VPCP-KGVX (25/12/2025): civil servants off Thursday 1 to Sunday
    # 4 January 2026, Friday 2 January swapped for Saturday 10 January. (This test used to assert
    # that the centre opened on Friday 2 January, which was wrong.)
    opened = days_of(calendar(D(2025, 12, 29), D(2026, 1, 5)))
    assert sorted(opened) == [D(2025, 12, 29), D(2025, 12, 30), D(2025, 12, 31),
                              D(2026, 1, 5)]  # fmt: skip
    assert set(opened.values()) == {WINTER}


def test_make_up_saturday_10_january_2026_opens_with_weekday_hours() -> None:
    assert D(2026, 1, 10).weekday() == 5
    opened = days_of(calendar(D(2026, 1, 5), D(2026, 1, 11)))
    assert sorted(opened) == [D(2026, 1, 5) + dt.timedelta(days=k) for k in range(6)]
    assert opened[D(2026, 1, 10)] == WINTER


def test_due_date_across_new_year_2026() -> None:
    # Received Wednesday 31/12/2025 at 09:00, 3 working days: 5, 6 and 7 January 2026 (1-4 off).
    cal = WorkingCalendar(calendar(D(2025, 12, 31), D(2026, 1, 31)))
    i = cal.due_index(9 * 60.0, 3, parse_hhmm("15:00"))
    assert cal.date_of(i) == D(2026, 1, 7)


# --- weekends and Saturdays ----------------------------------------------------------------------


def test_weekends_closed_by_default() -> None:
    spec = calendar(D(2025, 6, 2), D(2025, 6, 29))  # four full weeks, no holiday
    dates = dates_of(spec)
    assert len(dates) == 20
    assert all(d.weekday() < 5 for d in dates)


def test_saturdays_open_only_with_saturday_sessions() -> None:
    spec = calendar(D(2025, 6, 2), D(2025, 6, 29), saturday_sessions=SATURDAY_MORNING)
    opened = days_of(spec)
    saturdays = [d for d in opened if d.weekday() == 5]
    assert saturdays == [D(2025, 6, 7), D(2025, 6, 14), D(2025, 6, 21), D(2025, 6, 28)]
    assert all(opened[d] == ((450.0, 690.0),) for d in saturdays)
    assert not any(d.weekday() == 6 for d in opened)
    assert len(opened) == 24
    (sat,) = (w for w in working_days(spec) if w.date == D(2025, 6, 7))
    assert sat.session_names == ("morning",)


def test_saturday_sessions_do_not_open_a_holiday_saturday() -> None:
    # 2025-02-01 is a Saturday inside Tết.
    spec = calendar(D(2025, 2, 1), D(2025, 2, 8), saturday_sessions=SATURDAY_MORNING)
    assert D(2025, 2, 1) not in dates_of(spec)
    assert D(2025, 2, 8) in dates_of(spec)


# --- holidays and make-up days -------------------------------------------------------------------


def test_tet_2025_closed() -> None:
    dates = dates_of(calendar(D(2025, 1, 20), D(2025, 2, 7)))
    for day in range(27, 32):
        assert D(2025, 1, day) not in dates
    assert D(2025, 1, 24) in dates
    assert D(2025, 2, 3) in dates
    assert len(dates) == 10  # 15 weekdays less 5 days of Tết


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 1),
        D(2025, 4, 7),  # Hùng Kings 2025
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 5, 2),  # bridge day, made up on Saturday 26 April
        D(2025, 9, 1),
        D(2025, 9, 2),
        D(2026, 4, 27),  # Hùng Kings 2026 fell on a Sunday; observed Monday
        D(2026, 8, 31),
    ],
)
def test_table_holidays_closed(day: dt.date) -> None:
    assert day.weekday() < 5
    assert working_days(calendar(day, day)) == ()
    assert len(working_days(calendar(day, day, use_holiday_table=False))) == 1


def test_hung_kings_2026_observed_day_closes_only_the_monday() -> None:
    dates = dates_of(calendar(D(2026, 4, 24), D(2026, 4, 28)))
    assert dates == [D(2026, 4, 24), D(2026, 4, 28)]


@pytest.mark.parametrize(("day", "expected"), [(D(2025, 4, 26), SUMMER), (D(2026, 8, 22), SUMMER)])
def test_make_up_saturday_opens_with_weekday_hours(day: dt.date, expected: tuple) -> None:
    assert day.weekday() == 5
    assert days_of(calendar(day, day)) == {day: expected}
    assert days_of(calendar(day, day, use_holiday_table=False)) == {}


def test_holiday_table_can_be_switched_off() -> None:
    spec = calendar(D(2025, 9, 1), D(2025, 9, 5), use_holiday_table=False)
    assert len(working_days(spec)) == 5


def test_extra_holidays_close_and_extra_workdays_open() -> None:
    spec = calendar(
        D(2025, 7, 14),
        D(2025, 7, 20),
        extra_holidays=[D(2025, 7, 15)],
        extra_workdays=[D(2025, 7, 19)],  # a Saturday
    )
    opened = days_of(spec)
    assert D(2025, 7, 15) not in opened
    assert opened[D(2025, 7, 19)] == SUMMER
    assert D(2025, 7, 20) not in opened
    assert len(opened) == 5


def test_extra_workday_overrides_a_table_holiday() -> None:
    spec = calendar(D(2025, 9, 1), D(2025, 9, 2), extra_workdays=[D(2025, 9, 2)])
    assert dates_of(spec) == [D(2025, 9, 2)]


def test_extra_holiday_closes_a_make_up_saturday() -> None:
    day = D(2025, 4, 26)
    assert working_days(calendar(day, day, extra_holidays=[day])) == ()


# --- sourced counts ------------------------------------------------------------------------------


def test_dao_xa_window_has_40_working_days() -> None:
    # SOURCED: the centre reported on 1/7–25/8/2025 as its first 40 working days.
    days = working_days(calendar(D(2025, 7, 1), D(2025, 8, 25)))
    assert len(days) == 40
    assert days[0].date == D(2025, 7, 1)
    assert days[-1].date == D(2025, 8, 25)


def test_dao_xa_scenario_file_has_40_working_days() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "dao_xa_2025.toml")
    assert len(working_days(scenario.calendar)) == 40


def test_august_2026_has_21_working_days() -> None:
    # 21 weekdays, less Monday 31 August (bridge day), plus make-up Saturday 22 August.
    dates = dates_of(calendar(D(2026, 8, 1), D(2026, 8, 31)))
    assert len(dates) == 21
    assert D(2026, 8, 22) in dates
    assert D(2026, 8, 31) not in dates


def test_midnight_offsets_and_index() -> None:
    start = D(2025, 7, 1)
    days = working_days(calendar(start, D(2025, 7, 14)))
    assert [w.index for w in days] == list(range(10))
    for w in days:
        assert w.midnight == (w.date - start).days * MINUTES_PER_DAY
    monday = days[4]
    assert monday.date == D(2025, 7, 7)
    assert monday.weekday == 0
    assert monday.midnight == 6 * 1440
    assert monday.sessions == ((8640 + 420.0, 8640 + 690.0), (8640 + 810.0, 8640 + 1020.0))


@pytest.mark.parametrize(("text", "minutes"), [("00:00", 0), ("07:30", 450), ("13:05", 785), ("24:00", 1440)])
def test_parse_hhmm(text: str, minutes: int) -> None:
    assert parse_hhmm(text) == minutes


@pytest.mark.parametrize("text", ["7h30", "07:60", "25:00", "24:30", "0730", "", "ab:cd"])
def test_parse_hhmm_refuses_bad_times(text: str) -> None:
    with pytest.raises(ValueError, match="clock time"):
        parse_hhmm(text)


# --- the bundled holiday table against the `holidays` package ------------------------------------

YEARS = range(2024, 2028)
FIRST, LAST = D(2024, 1, 1), D(2027, 12, 31)


def test_holiday_table_covers_2024_to_2027_with_statutory_days() -> None:
    table = load_holiday_table()
    assert (table.first_year, table.last_year) == (2024, 2027)
    for year in YEARS:
        # Labour Code 2019 art. 112: 11 days off a year (some may fall on weekends).
        assert sum(d.year == year for d in table.holidays) >= 11
        assert D(year, 1, 1) in table.holidays
        assert D(year, 4, 30) in table.holidays
        assert D(year, 5, 1) in table.holidays
        assert D(year, 9, 2) in table.holidays
    assert all(d.weekday() == 5 for d in table.workdays)
    assert not table.holidays & table.workdays


# Days off the table has and python-holidays 0.109 lacks, each with its source in the table:
# Friday 2 January 2026 (Official Dispatch 12729/VPCP-KGVX, 25/12/2025; made up on Saturday 10/1).
NOT_IN_PACKAGE = {D(2026, 1, 2)}


def test_holiday_table_matches_holidays_package() -> None:
    package = holidays.Vietnam(years=YEARS)
    spec = calendar(FIRST, LAST)
    opened = set(dates_of(spec))
    every_day = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    closed_weekdays = {d for d in every_day if d.weekday() < 5 and d not in opened}
    package_weekday_holidays = {d for d in package if d.weekday() < 5}
    # Every weekday holiday in the package is closed, and we close no other weekday except the
    # listed later decisions.
    assert package_weekday_holidays <= closed_weekdays
    assert closed_weekdays == package_weekday_holidays | NOT_IN_PACKAGE
    assert not NOT_IN_PACKAGE & set(package)  # when the package catches up, drop the entry
    # Every package holiday is in the table, weekend ones included.
    assert set(package) <= load_holiday_table().holidays


def test_substituted_days_off_have_their_make_up_saturday_open() -> None:
    package = holidays.Vietnam(years=YEARS)
    opened = set(dates_of(calendar(FIRST, LAST)))
    make_ups = []
    for day, name in package.items():
        match = re.search(r"substituted from (\d\d)/(\d\d)/(\d{4})", name)
        if match:
            a, b, year = (int(x) for x in match.groups())
            # python-holidays writes these as MM/DD/YYYY in its English names.
            make_ups.append(D(year, a, b))
            assert day not in opened
    assert D(2025, 4, 26) in make_ups
    assert len(make_ups) >= 3
    for day in make_ups:
        assert day.weekday() == 5
        assert day in opened
        assert day in load_holiday_table().workdays


# --- property: any window inside the table -------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=FIRST, max_value=LAST),
    length=st.integers(min_value=0, max_value=120),
    saturdays=st.booleans(),
)
def test_working_days_are_well_formed(start: dt.date, length: int, saturdays: bool) -> None:
    end = min(start + dt.timedelta(days=length), LAST)
    spec = calendar(start, end, saturday_sessions=SATURDAY_MORNING if saturdays else [])
    table = load_holiday_table()
    days = working_days(spec)
    for i, w in enumerate(days):
        assert w.index == i
        assert start <= w.date <= end
        assert w.date.weekday() != 6
        assert w.date not in table.holidays
        if w.date.weekday() == 5:
            assert saturdays or w.date in table.workdays
        assert w.midnight == (w.date - start).days * MINUTES_PER_DAY
        assert len(w.sessions) == len(w.session_names) >= 1
        previous_end = w.midnight
        for a, b in w.sessions:
            assert previous_end <= a < b <= w.midnight + MINUTES_PER_DAY
            previous_end = b
    for earlier, later in itertools.pairwise(days):
        assert earlier.date < later.date
        assert earlier.closes < later.opens
    expected = sum(
        1
        for k in range((end - start).days + 1)
        if (d := start + dt.timedelta(days=k)) not in table.holidays
        and (d.weekday() < 5 or d in table.workdays or (saturdays and d.weekday() == 5))
    )
    assert len(days) == expected
