"""Across-replication statistics: t intervals, NaN handling, verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.experiment.statistics import summarise, verdict


def test_interval_matches_scipy_on_a_normal_sample() -> None:
    x = np.random.default_rng(12345).normal(10.0, 2.0, size=25)
    got = summarise(x)
    low, high = stats.t.interval(0.95, df=24, loc=x.mean(), scale=stats.sem(x))
    assert got["n"] == 25
    assert got["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert got["ci_low"] == pytest.approx(low, rel=1e-12)
    assert got["ci_high"] == pytest.approx(high, rel=1e-12)


def test_interval_on_a_hand_computed_sample() -> None:
    # mean 2, sd 1, n 3: half-width = t(0.975, 2) / sqrt(3) = 4.302652729911275 / 1.7320508
    got = summarise([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)
    assert got == {"mean": 2.0, "ci_low": pytest.approx(2 - half), "ci_high": pytest.approx(2 + half), "n": 3}


def test_nan_values_are_dropped_and_not_counted() -> None:
    with_nan = summarise([1.0, math.nan, 2.0, 3.0, math.nan])
    assert with_nan == summarise([1.0, 2.0, 3.0])
    assert with_nan["n"] == 3


def test_no_values_gives_nan_and_zero_n() -> None:
    got = summarise([math.nan, math.nan])
    assert got["n"] == 0
    assert all(math.isnan(got[k]) for k in ("mean", "ci_low", "ci_high"))


def test_one_value_has_a_mean_but_no_interval() -> None:
    got = summarise([4.5, math.nan])
    assert got["n"] == 1
    assert got["mean"] == 4.5
    assert math.isnan(got["ci_low"]) and math.isnan(got["ci_high"])


def test_zero_variance_collapses_the_interval_exactly() -> None:
    # 0.1 + 0.1 + 0.1 != 0.3 in floating point: the mean must still be exactly 0.1.
    got = summarise([0.1, 0.1, 0.1])
    assert got == {"mean": 0.1, "ci_low": 0.1, "ci_high": 0.1, "n": 3}


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_interval_contains_the_mean(values: list[float]) -> None:
    got = summarise(values)
    assert got["ci_low"] <= got["mean"] <= got["ci_high"]


@pytest.mark.parametrize(
    ("op", "value", "low", "high", "expected"),
    [
        ("<=", 15.0, 10.0, 14.0, "met"),
        ("<=", 15.0, 10.0, 15.0, "met"),  # the boundary satisfies <=
        ("<=", 15.0, 16.0, 20.0, "not met"),
        ("<=", 15.0, 14.0, 16.0, "undecided"),
        ("<", 15.0, 10.0, 15.0, "undecided"),  # but not <
        ("<", 15.0, 15.0, 16.0, "not met"),
        (">=", 0.9, 0.91, 0.95, "met"),
        (">=", 0.9, 0.80, 0.89, "not met"),
        (">=", 0.9, 0.85, 0.95, "undecided"),
        (">", 0.9, 0.9, 0.95, "undecided"),
        (">", 0.9, 0.8, 0.9, "not met"),
        (">", 0.9, 0.91, 0.95, "met"),
        ("<=", 15.0, math.nan, math.nan, "undecided"),  # n = 1: no interval, no verdict
    ],
)
def test_verdict(op: str, value: float, low: float, high: float, expected: str) -> None:
    assert verdict(op, value, low, high) == expected


def test_verdict_from_constructed_replications() -> None:
    short = summarise([8.0, 9.0, 10.0, 9.5, 8.5])  # mean 9, CI well under 15
    long_ = summarise([30.0, 31.0, 29.0, 30.5, 29.5])
    borderline = summarise([5.0, 25.0, 10.0, 20.0, 15.0])
    assert verdict("<=", 15.0, short["ci_low"], short["ci_high"]) == "met"
    assert verdict("<=", 15.0, long_["ci_low"], long_["ci_high"]) == "not met"
    assert verdict("<=", 15.0, borderline["ci_low"], borderline["ci_high"]) == "undecided"


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown operator"):
        verdict("==", 1.0, 0.0, 2.0)


# ----- intervals that stay within the KPI's range -------------------------------------------------


def test_kpi_ranges() -> None:
    from sim.experiment.statistics import kpi_range

    assert kpi_range("on_time_rate") == (0.0, 1.0)
    assert kpi_range("on_time_rate.land") == (0.0, 1.0)
    assert kpi_range("wait_within_target") == (0.0, 1.0)
    assert kpi_range("staff_utilisation.s1") == (0.0, 1.0)
    assert kpi_range("late_dossiers") == (0.0, math.inf)
    assert kpi_range("wait_mean_min") == (0.0, math.inf)
    assert kpi_range("score_progress_766") == (0.0, 20.0)
    assert kpi_range("not_a_kpi") == (-math.inf, math.inf)
    # staff time is over 100% when a person is over-committed: its interval is not cut at 1
    assert kpi_range("staff_busy_share") == (0.0, math.inf)
    assert kpi_range("staff_busy_share.spec_land") == (0.0, math.inf)
    assert kpi_range("score_handling_satisfaction_766") == (0.0, 6.0)


def test_share_and_count_intervals_stay_within_their_range() -> None:
    from sim.experiment.statistics import summarise_kpi

    share = [1.0, 1.0, 1.0, 0.96, 1.0, 0.99]  # the t interval reaches above 100%
    assert summarise(share)["ci_high"] > 1.0
    s = summarise_kpi("on_time_rate", share)
    assert s["ci_high"] == 1.0 and s["ci_low"] == summarise(share)["ci_low"]
    assert s["mean"] == summarise(share)["mean"]
    late = [0.0, 0.0, 3.0, 0.0, 1.0]  # the t interval reaches below 0 dossiers
    assert summarise(late)["ci_low"] < 0.0
    c = summarise_kpi("late_dossiers", late)
    assert c["ci_low"] == 0.0 and c["ci_high"] == summarise(late)["ci_high"]
    w = summarise_kpi("wait_mean_min", [0.01, 0.3, 0.02])
    assert w["ci_low"] == 0.0
    assert summarise_kpi("score_handling_satisfaction_766", [6.0, 5.9, 6.0])["ci_high"] == 6.0


@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=30))
def test_share_intervals_never_leave_zero_to_one(values: list[float]) -> None:
    from sim.experiment.statistics import summarise_kpi

    s = summarise_kpi("wait_within_target", values)
    assert 0.0 <= s["ci_low"] <= s["mean"] + 1e-12 and s["mean"] - 1e-12 <= s["ci_high"] <= 1.0


def _near_the_edge(scenario, seed: int, replication: int, *, event_log: bool = False):
    """Replications whose on-time rate is mostly 100% and late dossiers mostly 0."""
    from sim.model.output import WAIT_BINS, ReplicationOutput

    edge = replication % 4 != 0
    kpis = {"on_time_rate": 1.0 if edge else 0.97, "late_dossiers": 0.0 if edge else 2.0}
    return ReplicationOutput(
        replication=replication,
        kpis=kpis,
        working_days=1,
        wait_histogram=np.zeros(WAIT_BINS + 1, dtype=np.int64),
        hourly_wait_sum=np.zeros(24),
        hourly_wait_count=np.zeros(24),
        hourly_queue_area=np.zeros(24),
    )


def test_results_summary_keeps_intervals_in_range() -> None:
    """The summary (and so summary.json, tables and reports) never shows 100.4% or −0.3 dossiers."""
    from pathlib import Path

    from sim.experiment import Execution, run
    from sim.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "dao_xa_2025.toml")
    results = run(scenario, replications=8, seed=1, simulate=_near_the_edge, execution=Execution(workers=1))
    on_time, late = results.summary["on_time_rate"], results.summary["late_dossiers"]
    assert on_time["ci_high"] == 1.0 and on_time["ci_low"] < on_time["mean"] < 1.0
    assert late["ci_low"] == 0.0 and late["ci_high"] > late["mean"] > 0.0
