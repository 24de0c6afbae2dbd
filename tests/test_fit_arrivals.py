"""Arrivals fitted from a ticket log: synthetic tickets with a known profile and known weekday
factors are recovered within their intervals; the weekday-profile test finds a different weekday;
tickets per visit matches the model; the written values load into the bundled base."""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import dao_xa_data
from scipy import stats

from sim.fitting.arrivals import (
    arrival_values,
    fit_arrivals,
    profile_keys,
    tickets_per_visit,
    weekday_factors,
    working_days,
)
from sim.fitting.results import FittedValue
from sim.logs.formats import TICKET_COLUMNS, TICKET_TIMES, Provenance, TicketLog
from sim.model import simulate
from sim.model.output import EVENT_LOG_COLUMNS
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Scenario

MISS_RISK = 1e-4
"""A statistical check may fail at most this often (when the code is right)."""

# --- builders shared by the fitting tests -------------------------------------------------------


def ticket_log(
    rows: Sequence[dict[str, Any]], first: dt.date, last: dt.date, file: str = "log.csv"
) -> TicketLog:
    """A `TicketLog` with the canonical columns and dtypes from partial rows (missing: empty)."""
    frame = pd.DataFrame(list(rows), columns=list(TICKET_COLUMNS))
    for col in TICKET_TIMES:
        frame[col] = pd.to_datetime(frame[col])
    for col, empty in (("ticket_id", ""), ("service", ""), ("procedure", ""), ("staff_id", "")):
        frame[col] = frame[col].astype(object).fillna(empty).astype(str)
    frame["priority"] = frame["priority"].astype(object).fillna("normal").astype(str)
    frame["outcome"] = frame["outcome"].astype(object).fillna("served").astype(str)
    frame["counter"] = frame["counter"].astype("Int64")
    frame = frame.sort_values("issued_at", kind="stable").reset_index(drop=True)
    return TicketLog(frame, Provenance(file, first, last, len(frame)))


def apply_values(data: dict[str, Any], values: Iterable[FittedValue]) -> Scenario:
    """The base document with the fitted values set at their key paths (arrays of tables with ids
    by id), validated as the loader validates a scenario."""
    doc = copy.deepcopy(data)
    for v in values:
        node: Any = doc
        for key in v.path[:-1]:
            if isinstance(node, list):
                node = next(x for x in node if x["id"] == key)
            else:
                node = node.setdefault(key, {})
        if isinstance(node, list):
            raise AssertionError(f"{v.path} ends in an array")
        node[v.path[-1]] = v.value
    return parse_scenario(doc, "fitted.toml")


def binomial_bound(trials: int, level: float) -> int:
    """Most misses of `trials` intervals at `level` that happen more often than `MISS_RISK`."""
    return int(stats.binom.ppf(1 - MISS_RISK, trials, 1 - level))


# --- synthetic tickets ---------------------------------------------------------------------------

SUMMER_SLOTS = {  # slot start (minutes after midnight) → tickets per day, before the weekday factor
    6 * 60 + 30: 1.0,
    7 * 60: 4.0,
    7 * 60 + 30: 5.0,
    8 * 60: 7.0,
    8 * 60 + 30: 7.0,
    9 * 60: 6.0,
    9 * 60 + 30: 5.0,
    10 * 60: 4.0,
    10 * 60 + 30: 3.0,
    11 * 60: 2.0,
    13 * 60 + 30: 2.0,
    14 * 60: 3.0,
    14 * 60 + 30: 3.0,
    15 * 60: 2.5,
    15 * 60 + 30: 2.0,
    16 * 60: 1.5,
    16 * 60 + 30: 1.0,
}
WINTER_SLOTS = {s + 30: r for s, r in SUMMER_SLOTS.items()}  # the same shape half an hour later
FACTORS = {0: 1.2, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.8}


def draw_tickets(
    base: Scenario,
    first: dt.date,
    last: dt.date,
    seed: int,
    monday_slots: dict[int, float] | None = None,
) -> TicketLog:
    """Poisson tickets per slot and working day (uniform within the slot): the fit's truth."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for day in working_days(base, first, last):
        slots = WINTER_SLOTS if _season(base, day) == "winter" else SUMMER_SLOTS
        if monday_slots is not None and day.weekday() == 0:
            slots = monday_slots
        midnight = pd.Timestamp(day)
        for start, rate in slots.items():
            k = rng.poisson(rate * FACTORS[day.weekday()])
            for m in np.sort(rng.uniform(start, start + 30, k)):
                rows.append(
                    {
                        "ticket_id": str(len(rows)),
                        "service": "land",
                        "issued_at": midnight + pd.Timedelta(minutes=float(m)),
                    }
                )
    return ticket_log(rows, first, last)


def _season(base: Scenario, day: dt.date) -> str:
    return next(s.name for s in base.calendar.seasons if s.contains(day))


@pytest.fixture(scope="module")
def base() -> Scenario:
    return parse_scenario(dao_xa_data(), "dao_xa_2025.toml")


# --- tests -----------------------------------------------------------------------------------------


def test_working_days_follow_the_base_calendar(base: Scenario) -> None:
    days = working_days(base, dt.date(2025, 8, 25), dt.date(2025, 9, 5))
    assert dt.date(2025, 8, 30) not in days  # a Saturday
    assert dt.date(2025, 9, 1) not in days and dt.date(2025, 9, 2) not in days  # National Day
    assert len(days) == 8


def test_profile_keys_give_hourly_profile_the_season_it_serves(base: Scenario) -> None:
    assert profile_keys(base, ["summer", "winter"]) == {"summer": "", "winter": "winter"}
    assert profile_keys(base, ["winter"]) == {"winter": "winter"}


def test_slot_rates_and_weekday_factors_cover_the_truth(base: Scenario) -> None:
    first, last = dt.date(2025, 9, 1), dt.date(2025, 12, 31)
    log = draw_tickets(base, first, last, seed=12)
    level = 0.95
    fit = fit_arrivals(log, base, confidence=level)
    days = working_days(base, first, last)
    assert fit.working_days == len(days)
    checked = misses = 0
    for season, slots_truth, key in (("summer", SUMMER_SLOTS, ""), ("winter", WINTER_SLOTS, "winter")):
        season_days = [d for d in days if _season(base, d) == season]
        mean_factor = np.mean([FACTORS[d.weekday()] for d in season_days])
        slots = fit.profiles[key]
        assert [s.start for s in slots] == [f"{m // 60:02d}:{m % 60:02d}" for m in slots_truth]
        assert np.mean([s.weight for s in slots]) == pytest.approx(1.0)
        for slot, rate in zip(slots, slots_truth.values(), strict=True):
            truth = rate * mean_factor
            checked += 1
            misses += not slot.ci[0] <= truth <= slot.ci[1]
    overall = np.mean([FACTORS[d.weekday()] for d in days])
    for w, name in enumerate(("mon", "tue", "wed", "thu", "fri")):
        truth = FACTORS[w] / overall
        lo, hi = fit.weekday_ci[name]
        checked += 1
        misses += not lo <= truth <= hi
    assert checked == 2 * len(SUMMER_SLOTS) + 5
    assert misses <= binomial_bound(checked, level), f"{misses} of {checked} intervals miss the truth"
    per_day = sum(SUMMER_SLOTS.values()) * overall
    assert fit.tickets_per_day_ci[0] <= per_day <= fit.tickets_per_day_ci[1]


def test_weekday_intervals_have_their_coverage(base: Scenario) -> None:
    """Over many synthetic data sets, each weekday factor's 90% interval misses the truth about
    10% of the time: neither too narrow nor too wide."""
    days = working_days(base, dt.date(2025, 5, 1), dt.date(2025, 7, 31))
    index = pd.Index(days)
    factors = np.array([FACTORS[d.weekday()] for d in days])
    truth = {name: FACTORS[w] / factors.mean() for w, name in enumerate(("mon", "tue", "wed", "thu", "fri"))}
    rng = np.random.default_rng(2)
    runs, level = 1000, 0.9
    misses = dict.fromkeys(truth, 0)
    for _ in range(runs):
        daily = pd.Series(rng.poisson(40.0 * factors).astype(float), index=index)
        _, cis = weekday_factors(daily, range(5), level)
        for name, value in truth.items():
            misses[name] += not cis[name][0] <= value <= cis[name][1]
    low, high = stats.binom.ppf([MISS_RISK / 10, 1 - MISS_RISK / 10], runs, 1 - level)
    assert all(low <= m <= high for m in misses.values()), misses


def test_weights_keep_the_rates_ratios(base: Scenario) -> None:
    log = draw_tickets(base, dt.date(2025, 5, 1), dt.date(2025, 7, 31), seed=3)
    fit = fit_arrivals(log, base)
    slots = fit.profiles[""]
    assert set(fit.profiles) == {""}
    ratios = [s.weight / s.rate_per_day for s in slots]
    assert max(ratios) == pytest.approx(min(ratios))
    assert fit.daily_counts.sum() == len(log.frame)


def test_a_working_day_without_tickets_counts_as_zero(base: Scenario) -> None:
    first = dt.date(2025, 7, 1)  # a Tuesday; the log runs to Saturday 5 July
    rows = [
        {"ticket_id": str(i), "service": "land", "issued_at": pd.Timestamp(f"2025-07-0{d} 08:10")}
        for i, d in enumerate((1, 1, 2, 2, 2, 4))
    ]
    rows.append(
        {"ticket_id": "x", "service": "land", "issued_at": pd.Timestamp("2025-07-05 08:10")}
    )  # Saturday
    fit = fit_arrivals(ticket_log(rows, first, dt.date(2025, 7, 5)), base)
    assert fit.daily_counts.tolist() == [2.0, 3.0, 0.0, 1.0]
    assert fit.tickets_per_day == pytest.approx(1.5)
    assert fit.weekday_factors == pytest.approx({"tue": 2 / 1.5, "wed": 3 / 1.5, "thu": 0.0, "fri": 1 / 1.5})
    assert fit.visits_per_day == pytest.approx(1.5 / fit.tickets_per_visit)


def test_weekday_profile_test_finds_a_different_monday(base: Scenario) -> None:
    first, last = dt.date(2025, 5, 1), dt.date(2025, 8, 29)
    same = fit_arrivals(draw_tickets(base, first, last, seed=5), base)
    assert same.weekday_profiles_differ_p > MISS_RISK
    afternoon_monday = {s: (r * 0.3 if s < 12 * 60 else r * 3.0) for s, r in SUMMER_SLOTS.items()}
    other = fit_arrivals(draw_tickets(base, first, last, seed=5, monday_slots=afternoon_monday), base)
    assert other.weekday_profiles_differ_p < MISS_RISK


def test_tickets_per_visit_matches_the_model(base: Scenario) -> None:
    """Tickets among the new visits that did not balk, over short runs of the bundled base, within
    a binomial interval of the derived share."""
    col = EVENT_LOG_COLUMNS.index
    visits = tickets = 0
    for rep in range(10):
        rows = simulate(base, 20250701, rep, event_log=True).event_log or []
        new = [r for r in rows if not r[col("returning")] and r[col("outcome")] != "balked"]
        visits += len(new)
        tickets += sum(1 for r in new if math.isfinite(float(r[col("ticket")])))
    p = tickets_per_visit(base)
    assert 0.85 < p < 0.95
    assert stats.binomtest(tickets, visits, p).pvalue > MISS_RISK, (tickets / visits, p)


def test_written_values_load_into_the_base(base: Scenario) -> None:
    first, last = dt.date(2025, 9, 1), dt.date(2025, 12, 31)
    log = draw_tickets(base, first, last, seed=8)
    values = arrival_values(fit_arrivals(log, base), log.source)
    paths = [v.path for v in values]
    assert paths == [
        ("demand", "visits_per_day"),
        ("demand", "weekday_factors"),
        ("demand", "hourly_profile"),
        ("demand", "season_profiles", "winter"),
    ]
    fitted = apply_values(dao_xa_data(), values)
    assert fitted.demand.visits_per_day == values[0].value
    assert fitted.demand.season_profiles["winter"][0].start == "07:00"
    assert all(v.label.startswith("FITTED: log.csv, 2025-09-01–2025-12-31, n = ") for v in values)
