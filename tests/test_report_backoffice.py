"""Back-office reporting: dossier plots and the KPI table, on fake results built by hand.

The outputs here are hand-made `ReplicationOutput`s (no model run), so these tests check the report
layer alone: weekly aggregation, per-field outcome shares, the figures and the printed table.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.experiment.results import Results
from sim.model.output import WAIT_BINS, ReplicationOutput
from sim.report import plots
from sim.report.table import (
    BACK_OFFICE_KPIS,
    format_kpi,
    format_table,
    format_threshold,
    kpi_kind,
    kpi_section,
)
from sim.scenario import Scenario, parse_scenario
from sim.scenario.calendar import working_days

# 27/8–12/9/2025: a Wednesday start and the National Day holidays (1–2/9) make two 3-day weeks.
START, END = dt.date(2025, 8, 27), dt.date(2025, 9, 12)
FIELDS = ("cert", "land", "other")
PNG = b"\x89PNG\r\n\x1a\n"


def _scenario_data() -> dict[str, Any]:
    det = {"dist": "deterministic", "value": 5.0}
    return {
        "scenario": {"name": "fake_back_office"},
        "calendar": {"start": START, "end": END},
        "demand": {
            "visits_per_day": 10.0,
            "purposes": {"enquiry": {"share": 1.0, "service_min": det}},
            "hourly_profile": [{"start": "07:00", "end": "11:30", "weight": 1.0}],
        },
        "fields": [{"id": "cert", "name": "Certification"}, {"id": "land", "name": "Land"}, {"id": "other"}],
        "procedures": [{"id": "p", "field": "cert", "share": 1.0, "service_min": det}],
        "staff": [{"id": "s1", "role": "specialist", "fields": list(FIELDS), "counter": 1}],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "support_team": {"members": 0},
        "targets": {
            "rules": [
                {"kpi": "wait_p90_min", "op": "<=", "value": 15.0},
                {"kpi": "on_time_rate", "op": ">=", "value": 0.98, "label": "98% of dossiers on time"},
            ]
        },
    }


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return parse_scenario(_scenario_data(), "<test>")


@pytest.fixture(scope="module")
def dates(scenario: Scenario) -> list[dt.date]:
    return [d.date for d in working_days(scenario.calendar)]


def fake_output(replication: int, n_days: int, back_office: bool = True) -> ReplicationOutput:
    rng = np.random.default_rng([7, replication])
    hist = np.zeros(WAIT_BINS + 1, dtype=np.int64)
    hist[:100] = 2
    kpis = {
        "visitors_arrived": 1234.0 + replication,
        "wait_p90_min": 9.0 + replication,
        "staff_utilisation.s1": 0.5,
    }
    daily: dict[str, np.ndarray] = {}
    outcomes: dict[str, np.ndarray] = {}
    if back_office:
        received = rng.poisson(40, n_days)
        completed = rng.binomial(received, 0.9)
        daily = {"received": received, "completed": completed, "backlog": np.cumsum(received - completed) + 5}
        outcomes = {
            "cert": rng.integers(0, 50, 4),
            "land": np.array([1, 2, 3, 4]) * (replication + 1),
            "other": np.zeros(4, dtype=np.int64),  # a field with no dossiers
        }
        total = sum(int(c.sum()) for c in outcomes.values())
        kpis |= {
            "dossiers_received": float(total),
            "dossiers_online": 0.6 * total,
            "on_time_rate": 0.95 + 0.004 * replication,
            "early_rate": 0.4,
            "late_dossiers": 12.0 + replication,
            "processing_days_mean": 3.0912,
            "backlog_end": 17.0,
            "apology_slips": 3.0,
            "back_office_utilisation": 0.71,
            "score_progress_766": 19.9,
            "score_handling_satisfaction_766": 5.8,
            "dossiers_received.land": 10.0 * (replication + 1),
            "on_time_rate.land": 0.9,
            "late_dossiers.land": 1.0,
        }
    hours = np.zeros(24)
    hours[7:11] = 1.0
    return ReplicationOutput(
        replication=replication,
        kpis=kpis,
        working_days=n_days,
        wait_histogram=hist,
        hourly_wait_sum=hours * 30.0,
        hourly_wait_count=hours * 5,
        hourly_queue_area=hours * 40.0,
        daily=daily,
        field_outcomes=outcomes,
    )


@pytest.fixture(scope="module")
def results(scenario: Scenario, dates: list[dt.date]) -> Results:
    return Results(scenario=scenario, seed=7, outputs=[fake_output(r, len(dates)) for r in range(4)])


@pytest.fixture(scope="module")
def front_only(scenario: Scenario, dates: list[dt.date]) -> Results:
    outputs = [fake_output(r, len(dates), back_office=False) for r in range(3)]
    return Results(scenario=scenario, seed=7, outputs=outputs)


# ----- weekly aggregation ----------------------------------------------------------------------


def test_window_has_short_weeks(dates: list[dt.date]) -> None:
    starts, days = plots.weekly_sums(dates, np.ones(len(dates), dtype=np.int64))
    assert starts == [dt.date(2025, 8, 25), dt.date(2025, 9, 1), dt.date(2025, 9, 8)]
    assert days.tolist() == [3, 3, 5]


def test_weekly_sums_match_the_daily_arrays_exactly(dates: list[dt.date]) -> None:
    rng = np.random.default_rng(3)
    daily = rng.integers(0, 1000, size=(5, len(dates)))
    starts, weekly = plots.weekly_sums(dates, daily)
    assert weekly.dtype == daily.dtype and weekly.shape == (5, len(starts))
    assert np.array_equal(weekly.sum(axis=1), daily.sum(axis=1))
    for i, start in enumerate(starts):
        cols = [j for j, d in enumerate(dates) if start <= d < start + dt.timedelta(days=7)]
        assert np.array_equal(weekly[:, i], daily[:, cols].sum(axis=1))
    one_starts, one = plots.weekly_sums(dates, daily[2])
    assert one_starts == starts and np.array_equal(one, weekly[2])


def test_weekly_sums_group_by_iso_week_across_the_new_year() -> None:
    dates = [dt.date(2024, 12, 27), dt.date(2024, 12, 30), dt.date(2025, 1, 2), dt.date(2025, 1, 6)]
    starts, sums = plots.weekly_sums(dates, np.array([1, 10, 100, 1000]))
    # 30/12/2024 and 2/1/2025 are both in ISO week 1 of 2025, which starts on Monday 30/12.
    assert starts == [dt.date(2024, 12, 23), dt.date(2024, 12, 30), dt.date(2025, 1, 6)]
    assert sums.tolist() == [1, 110, 1000]
    assert all(s.weekday() == 0 for s in starts)


def test_weekly_sums_reject_values_that_do_not_line_up(dates: list[dt.date]) -> None:
    with pytest.raises(ValueError, match="days"):
        plots.weekly_sums(dates, np.ones(len(dates) + 1))


# ----- per-field outcomes ----------------------------------------------------------------------


def test_pooled_outcomes_sum_over_replications(results: Results) -> None:
    pooled = plots.pooled_field_outcomes(results)
    assert list(pooled) == list(FIELDS)  # scenario order
    for fid in FIELDS:
        expected = np.sum([o.field_outcomes[fid] for o in results.outputs], axis=0)
        assert np.array_equal(pooled[fid], expected)
    assert pooled["land"].tolist() == [10, 20, 30, 40]  # 1+2+3+4 replications × [1, 2, 3, 4]


def test_on_time_shares_per_field_add_to_one(results: Results) -> None:
    for fid, counts in plots.pooled_field_outcomes(results).items():
        shares = plots.outcome_shares(counts)
        if counts.sum() == 0:
            assert fid == "other" and np.isnan(shares).all()
            assert math.isnan(plots.on_time_share(counts))
            continue
        assert shares.sum() == pytest.approx(1.0, abs=1e-12)
        early, on_time, _late, in_progress = counts
        assert plots.on_time_share(counts) == pytest.approx((early + on_time + in_progress) / counts.sum())
        assert plots.on_time_share(counts) + shares[2] == pytest.approx(1.0)
    assert plots.on_time_share(np.array([10, 20, 30, 40])) == pytest.approx(0.7)


def test_bad_outcome_shape_is_an_error(scenario: Scenario, dates: list[dt.date]) -> None:
    out = fake_output(0, len(dates))
    bad = ReplicationOutput(
        **{
            **{f: getattr(out, f) for f in out.__dataclass_fields__},
            "field_outcomes": {"cert": np.array([1, 2, 3])},
        }
    )
    with pytest.raises(ValueError, match="field_outcomes"):
        plots.pooled_field_outcomes(Results(scenario=scenario, seed=1, outputs=[bad]))


# ----- figures ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_back_office_plots_are_written(results: Results, tmp_path: Path) -> None:
    written = plots.write_plots(results, tmp_path)
    names = {p.name for p in written}
    assert {"dossiers_weekly.png", "backlog.png", "on_time_by_field.png"} <= names
    assert {"wait_distribution.png", "utilisation.png"} <= names
    for path in written:
        data = path.read_bytes()
        assert len(data) > 1000 and data[:8] == PNG, path.name


def test_weekly_bars_show_the_mean_of_weekly_sums(results: Results, dates: list[dt.date]) -> None:
    fig = plots.dossiers_weekly_figure(results)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    for k, series in enumerate(("received", "completed")):
        daily = np.vstack([o.daily[series] for o in results.outputs])
        expected = plots.weekly_sums(dates, daily)[1].mean(axis=0)
        assert heights[3 * k : 3 * k + 3] == pytest.approx(expected.tolist())
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["25/08\n(3 d)", "01/09\n(3 d)", "08/09"]


def test_backlog_line_is_the_daily_mean(results: Results, dates: list[dt.date]) -> None:
    ax = plots.backlog_figure(results).axes[0]
    line = ax.get_lines()[0]
    expected = np.mean([o.daily["backlog"] for o in results.outputs], axis=0)
    assert np.allclose(line.get_ydata(), expected)
    assert len(line.get_xdata()) == len(dates)


def test_on_time_figure_prints_each_fields_rate(results: Results) -> None:
    ax = plots.on_time_by_field_figure(results).axes[0]
    pooled = plots.pooled_field_outcomes(results)
    total = np.sum(list(pooled.values()), axis=0)
    texts = [t.get_text() for t in ax.texts]
    assert texts == [
        f"{100 * plots.on_time_share(total):.1f}%",
        f"{100 * plots.on_time_share(pooled['cert']):.1f}%",
        "70.0%",
        "no dossiers",
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = sorted(zip(ax.get_yticks(), labels, strict=True), reverse=True)
    assert [label for _, label in ticks] == ["all fields", "Certification", "Land", "other"]


@pytest.mark.parametrize(
    "make", [plots.dossiers_weekly_figure, plots.backlog_figure, plots.on_time_by_field_figure]
)
def test_no_dossiers_gives_a_no_data_figure(front_only: Results, make: Any) -> None:
    fig = make(front_only)
    (ax,) = fig.axes
    assert not ax.axison
    assert [t.get_text() for t in ax.texts] == ["no dossiers"]


@pytest.mark.slow
def test_write_plots_leaves_out_back_office_without_dossiers(front_only: Results, tmp_path: Path) -> None:
    names = {p.name for p in plots.write_plots(front_only, tmp_path)}
    assert names == {f"{n}.png" for n in plots.FIGURES}
    assert not plots.has_back_office(front_only)


def test_daily_series_of_the_wrong_length_is_an_error(scenario: Scenario, dates: list[dt.date]) -> None:
    short = Results(scenario=scenario, seed=1, outputs=[fake_output(0, len(dates) - 1)])
    with pytest.raises(ValueError, match="working day"):
        plots.backlog_figure(short)


# ----- the KPI table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("on_time_rate", 0.987, "98.7%"),
        ("early_rate", 0.4, "40.0%"),
        ("on_time_rate.land", 0.9, "90.0%"),
        ("back_office_utilisation", 0.712, "71.2%"),
        ("processing_days_mean", 3.0912, "3.09 days"),
        ("score_progress_766", 19.9, "19.90/20 points"),
        ("score_handling_satisfaction_766", 5.8, "5.80/6 points"),
        ("dossiers_received", 1712.4, "1,712 dossiers"),
        ("dossiers_received.land", 204.0, "204 dossiers"),
        ("dossiers_online", 12345.0, "12,345 dossiers"),
        ("late_dossiers", 1116.0, "1,116 dossiers"),
        ("late_dossiers.cert", 3.5, "3.5 dossiers"),
        ("backlog_end", 2048.0, "2,048 dossiers"),
        ("apology_slips", 1001.0, "1,001 slips"),
        ("wait_p90_min", 8.21, "8.2 min"),  # front office unchanged
        ("score_progress_766", math.nan, "–"),
    ],
)
def test_kpi_formats(key: str, value: float, text: str) -> None:
    assert format_kpi(key, value) == text


def test_kinds_and_sections() -> None:
    assert [
        kpi_kind(k) for k in ("on_time_rate", "processing_days_mean", "score_progress_766", "backlog_end")
    ] == ["share", "days", "score", "count"]
    assert all(kpi_section(k) == "back" for k in BACK_OFFICE_KPIS)
    assert kpi_section("late_dossiers.land") == "back"
    for key in ("dossiers_submitted_counter", "wait_mean_min.land", "staff_utilisation.s1"):
        assert kpi_section(key) == "front"


def test_threshold_format() -> None:
    assert format_threshold("on_time_rate", 0.98) == "98%"
    assert format_threshold("on_time_rate", 0.985) == "98.5%"
    assert format_threshold("wait_p90_min", 15.0) == "15 min"
    assert format_threshold("score_progress_766", 19.0) == "19/20 points"
    assert format_threshold("late_dossiers", 1500.0) == "1,500 dossiers"
    assert format_threshold("late_dossiers", 1500.0, "vi") == "1.500 hồ sơ"
    assert format_threshold("on_time_rate", 0.985, "vi") == "98,5%"


def test_table_has_front_and_back_office_sections(results: Results) -> None:
    text = format_table(results)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    front = lines.index("Front office")
    back = lines.index("Back office (dossiers)")
    targets = next(i for i, line in enumerate(lines) if line.startswith("Targets"))
    assert front < back < targets

    def names(lo: int, hi: int) -> list[str]:
        return [
            line.split()[0]
            for line in lines[lo + 1 : hi]
            if line.startswith("  ") and line.split()[0] in results.summary
        ]

    front_keys, back_keys = names(front, back), names(back, targets)
    assert "visitors_arrived" in front_keys and "staff_utilisation.s1" in front_keys
    assert set(back_keys) == {k for k in results.summary if kpi_section(k) == "back"}
    for keys in (front_keys, back_keys):  # headlines first, then breakdowns
        dotted = ["." in k for k in keys]
        assert dotted == sorted(dotted)
    assert back_keys[0] == "dossiers_received"
    row = next(line for line in lines if line.startswith("  processing_days_mean"))
    assert "3.09 days" in row
    row = next(line for line in lines if line.startswith("  score_progress_766"))
    assert "19.90/20 points" in row


def test_target_verdict_for_on_time_rate(results: Results) -> None:
    line = next(line for line in format_table(results).splitlines() if "on_time_rate >=" in line)
    # replication rates 0.950, 0.954, 0.958, 0.962: the whole interval is below 98%
    assert line.split()[:2] == ["not", "met"]
    assert "on_time_rate >= 98%: mean 95.6%, CI [" in line


def test_table_without_back_office_has_no_dossier_section(front_only: Results) -> None:
    text = format_table(front_only)
    assert "Front office" in text and "Back office" not in text
    assert "on_time_rate >= 98%: mean –, CI –" in text
