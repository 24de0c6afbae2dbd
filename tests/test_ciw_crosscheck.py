"""An independent cross-check: the same queues built in Ciw (a queueing-network library written and
tested by others) and in this model give the same mean waits.

Two cases: a stationary M/M/3 (with a warm-up), and centre days with an arrival rate that changes
by the hour and all servers off for a lunch break (in Ciw: `PoissonIntervals` arrivals and a
`Schedule` of servers, non-preemptive; here: an hourly profile, `lunch_rule = "hold"` so that the
morning's numbers wait over lunch, and `closing_rule = "serve_all"` with an overtime limit that the
Ciw schedule copies). The replication means of each tool are compared with Welch's two-sample
t-test; a negative control (Ciw without the lunch break) shows that the comparison can fail.
"""

from __future__ import annotations

import datetime as dt
import math

import ciw
import numpy as np
import pytest
from scipy import stats

from sim.experiment.statistics import summarise
from sim.model import simulate
from sim.scenario.loader import parse_scenario
from sim.verify.textbook import TextbookQueue
from sim.verify.theory import erlang_c

AGREE_P = 0.01
"""Welch's test: the tools agree unless p < 1 %."""


def welch(a: list[float], b: list[float]) -> float:
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _describe(name: str, values: list[float]) -> str:
    s = summarise(values)
    return f"{name} {s['mean']:.3f} [{s['ci_low']:.3f}, {s['ci_high']:.3f}]"


# --- M/M/3 ---------------------------------------------------------------------------------------

LAM_PER_MIN, MEAN_SERVICE, SERVERS = 0.4, 6.0, 3  # ρ = 0.8
WARMUP_MIN, OBSERVE_MIN, DRAIN_MIN = 720.0, 9 * 1440.0, 720.0
REPS = 10


def ciw_mmc_mean_wait(seed: int) -> float:
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM_PER_MIN)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_SERVICE)],
        number_of_servers=[SERVERS],
    )
    q = ciw.Simulation(network)
    q.simulate_until_max_time(WARMUP_MIN + OBSERVE_MIN + DRAIN_MIN)
    waits = [
        r.waiting_time for r in q.get_all_records() if WARMUP_MIN <= r.arrival_date < WARMUP_MIN + OBSERVE_MIN
    ]
    return float(np.mean(waits))


@pytest.fixture(scope="module")
def mmc_waits() -> tuple[list[float], list[float]]:
    queue = TextbookQueue(
        "M/M/c", LAM_PER_MIN * 60, MEAN_SERVICE, SERVERS, hours=OBSERVE_MIN / 60, warmup_hours=WARMUP_MIN / 60
    )
    ours = [queue.replicate(2025, r).kpis["window_wait_mean_min"] for r in range(REPS)]
    theirs = [ciw_mmc_mean_wait(1000 + r) for r in range(REPS)]
    return ours, theirs


@pytest.mark.slow
def test_mmc_mean_wait_agrees_with_ciw(mmc_waits):
    ours, theirs = mmc_waits
    p = welch(ours, theirs)
    assert p >= AGREE_P, f"{_describe('model', ours)} vs {_describe('Ciw', theirs)}, p = {p:.4f}"


@pytest.mark.slow
def test_both_tools_match_erlang_c(mmc_waits):
    # Guards against both being built wrong in the same way (e.g. rates swapped).
    wq = erlang_c(LAM_PER_MIN, 1 / MEAN_SERVICE, SERVERS).mean_wait
    for values in mmc_waits:
        lo, hi = stats.t.interval(0.99, len(values) - 1, np.mean(values), stats.sem(values))
        assert lo <= wq <= hi, (lo, wq, hi)


# --- arrival rate by the hour, lunch break ---------------------------------------------------------

HOURLY: tuple[tuple[str, str, float], ...] = (
    ("06:30", "07:00", 6.0),
    ("07:00", "08:00", 12.0),
    ("08:00", "09:00", 22.0),
    ("09:00", "10:00", 26.0),
    ("10:00", "11:00", 20.0),
    ("11:00", "12:00", 10.0),
    ("12:00", "13:00", 4.0),
    ("13:00", "14:00", 10.0),
    ("14:00", "15:00", 20.0),
    ("15:00", "16:00", 22.0),
    ("16:00", "17:00", 10.0),
)
"""Arrivals per hour; the counters are open 07:00–11:30 and 13:30–17:00 (summer hours)."""
TV_SERVICE, TV_SERVERS, OVERTIME, DAYS, TV_REPS = 7.0, 3, 240.0, 5, 20
OPEN, LUNCH, BACK, CLOSE = 420.0, 690.0, 810.0, 1020.0


def _minutes(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 60.0 + int(m)


def lunch_scenario():
    """Mon 7 – Fri 11 July 2025, summer sessions, the hourly arrival rates above."""
    data = {
        "scenario": {"name": "ciw-lunch"},
        "calendar": {"start": dt.date(2025, 7, 7), "end": dt.date(2025, 7, 11), "use_holiday_table": False},
        "demand": {
            "visits_per_day": sum((_minutes(e) - _minutes(s)) / 60 * r for s, e, r in HOURLY),
            "purposes": {
                "enquiry": {"share": 1.0, "service_min": {"dist": "exponential", "mean": TV_SERVICE}}
            },
            "hourly_profile": [{"start": s, "end": e, "weight": r} for s, e, r in HOURLY],
        },
        "fields": [{"id": "queue"}],
        "procedures": [
            {
                "id": "unused",
                "field": "queue",
                "share": 1.0,
                "service_min": {"dist": "deterministic", "value": 1.0},
            }
        ],
        "staff": [
            {"id": f"clerk{i + 1}", "role": "specialist", "fields": ["queue"], "counter": i + 1}
            for i in range(TV_SERVERS)
        ],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "support_team": {"members": 0},
        "policies": {"closing_rule": "serve_all", "lunch_rule": "hold", "overtime_limit_min": OVERTIME},
    }
    return parse_scenario(data, "<ciw lunch>")


def ciw_lunch_mean_wait(seed: int, lunch: bool = True) -> tuple[float, int]:
    """The same days in Ciw: one cycle = one day of 1,440 minutes, five cycles."""
    ciw.seed(seed)
    endpoints = [_minutes(HOURLY[0][0])] + [_minutes(e) for _, e, _ in HOURLY] + [1440.0]
    rates = [0.0] + [r / 60.0 for _, _, r in HOURLY] + [0.0]
    arrivals = ciw.dists.PoissonIntervals(rates=rates, endpoints=endpoints, max_sample_date=DAYS * 1440.0)
    if lunch:
        schedule = ciw.Schedule(
            numbers_of_servers=[0, TV_SERVERS, 0, TV_SERVERS, 0],
            shift_end_dates=[OPEN, LUNCH, BACK, CLOSE + OVERTIME, 1440.0],
        )
    else:
        schedule = ciw.Schedule(
            numbers_of_servers=[0, TV_SERVERS, 0], shift_end_dates=[OPEN, CLOSE + OVERTIME, 1440.0]
        )
    network = ciw.create_network(
        arrival_distributions=[arrivals],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / TV_SERVICE)],
        number_of_servers=[schedule],
    )
    q = ciw.Simulation(network)
    q.simulate_until_max_time(DAYS * 1440.0)
    records = q.get_all_records()
    return float(np.mean([r.waiting_time for r in records])), len(records)


@pytest.fixture(scope="module")
def lunch_waits():
    scenario = lunch_scenario()
    outs = [simulate(scenario, 77, r) for r in range(TV_REPS)]
    assert all(
        o.kpis["visitors_in_system_end"] == 0 and o.kpis["visitors_sent_home"] == 0 for o in outs
    )  # every day ends empty, as in Ciw
    ours = [o.kpis["wait_mean_min"] for o in outs]
    ciw_runs = [ciw_lunch_mean_wait(500 + r) for r in range(TV_REPS)]
    arrived = ([o.kpis["visitors_arrived"] for o in outs], [n for _, n in ciw_runs])
    return ours, [w for w, _ in ciw_runs], arrived, scenario


def test_time_varying_day_with_lunch_agrees_with_ciw(lunch_waits):
    ours, theirs, _, _ = lunch_waits
    p = welch(ours, theirs)
    assert p >= AGREE_P, f"{_describe('model', ours)} vs {_describe('Ciw', theirs)}, p = {p:.4f}"


def test_both_tools_see_the_same_demand(lunch_waits):
    _, _, (ours, theirs), scenario = lunch_waits
    expected = scenario.demand.visits_per_day * DAYS
    for counts in (ours, theirs):
        # Total arrivals in a replication are Poisson(expected): z-test on the mean of 20.
        z = (np.mean(counts) - expected) / math.sqrt(expected / len(counts))
        assert abs(z) < 3.5, (np.mean(counts), expected)


def test_the_comparison_notices_a_missing_lunch_break(lunch_waits):
    # Negative control: the same days in Ciw with the counters open over lunch wait far less.
    ours, _, _, _ = lunch_waits
    no_lunch = [ciw_lunch_mean_wait(900 + r, lunch=False)[0] for r in range(TV_REPS)]
    assert welch(ours, no_lunch) < 1e-4
    assert np.mean(no_lunch) < 0.7 * np.mean(ours)
