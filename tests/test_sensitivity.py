"""The one-at-a-time sweep: the tornado's order, the flip point, and the estimates' uncertainty in
the Monte Carlo, on synthetic models whose effects are known exactly."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.experiment.sensitivity import estimate_effects, sweep
from sim.scenario.ranges import EstimateRange


def _range(key: str, value: float, low: float, high: float) -> EstimateRange:
    return EstimateRange(key=key, low=low, high=high, reason="test", value=value)


RANGES = [
    _range("small", 10.0, 8.0, 12.0),  # slope +1 → swing 4
    _range("big", 5.0, 0.0, 10.0),  # slope −3 → swing 30
    _range("none", 1.0, 0.0, 2.0),  # no effect → swing 0
    _range("medium", 2.0, 1.0, 4.0),  # slope +4 → swing 12
]
SLOPES = {"small": 1.0, "big": -3.0, "none": 0.0, "medium": 4.0}
CENTRAL = 6.0


def linear(key: str, value: float) -> float:
    """The decision (an NPV) moves linearly with each estimate, from 6 at the given values."""
    r = next(r for r in RANGES if r.key == key)
    return CENTRAL + SLOPES[key] * (value - r.value)


def test_the_tornado_is_ordered_by_swing_longest_first() -> None:
    result = sweep(RANGES, linear, CENTRAL)
    assert [b.key for b in result.bars] == ["big", "medium", "small", "none"]
    assert [b.swing for b in result.bars] == [30.0, 12.0, 4.0, 0.0]
    big = result.bars[0]
    assert (big.at_low, big.at_high) == (21.0, -9.0)


def test_the_flip_point_is_where_the_decision_crosses_zero() -> None:
    result = sweep(RANGES, linear, CENTRAL)
    by_key = {b.key: b for b in result.bars}
    # big: 6 − 3 (x − 5) = 0 at x = 7, inside [0, 10]: flips
    assert by_key["big"].flip == pytest.approx(7.0)
    # medium: 6 + 4 (x − 2) = 0 at x = 0.5, below its low end 1: does not flip
    assert by_key["medium"].flip is None and by_key["small"].flip is None and by_key["none"].flip is None
    assert not result.holds and [b.key for b in result.flipping] == ["big"]
    # with the verdict at a higher threshold, medium flips too: 6 + 4 (x − 2) = 10 at x = 3
    raised = {b.key: b for b in sweep(RANGES, linear, CENTRAL, threshold=10.0).bars}
    assert raised["medium"].flip == pytest.approx(3.0)


def test_no_flip_when_every_range_keeps_the_sign() -> None:
    narrow = [_range("big", 5.0, 4.0, 6.0)]
    result = sweep(narrow, lambda k, v: CENTRAL - 3.0 * (v - 5.0), CENTRAL)
    assert result.holds and result.bars[0].flip is None


def test_the_estimates_effects_have_the_mean_and_spread_of_their_ranges() -> None:
    """Linear effects of uniform estimates: mean Σ slope (mid − value), variance Σ slope² w²/12."""
    result = sweep(RANGES, linear, CENTRAL)
    draws = 200_000
    effects = estimate_effects(result, draws, seed=4)
    mean = sum(SLOPES[r.key] * ((r.low + r.high) / 2 - r.value) for r in RANGES)
    var = sum(SLOPES[r.key] ** 2 * (r.high - r.low) ** 2 / 12 for r in RANGES)
    sd = np.sqrt(var)
    assert abs(float(np.mean(effects)) - mean) < 4 * sd / np.sqrt(draws)
    assert float(np.std(effects)) == pytest.approx(sd, rel=0.01)
    assert np.array_equal(effects, estimate_effects(result, draws, seed=4))
    assert not np.array_equal(effects, estimate_effects(result, draws, seed=5))


def test_a_decision_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="small: the decision at the low end is not a number"):
        sweep(RANGES[:1], lambda k, v: float("nan"), CENTRAL)


def test_the_tornado_figure_names_each_estimate_in_the_language() -> None:
    from sim.report.figures.tornado import estimate_label, tornado_figure
    from sim.report.i18n import translator

    vi = translator("vi").gettext
    assert estimate_label("demand.visits_per_day", vi) == "Số lượt người dân mỗi ngày"
    assert (
        estimate_label("procedures[land_intake].work_min.mean", vi)
        == "Thời gian xử lý hồ sơ (land_intake), trung bình"
    )
    assert estimate_label("demand.hourly_profile[2].weight", vi) == "Lượt đến theo giờ, khung giờ thứ 3"
    assert estimate_label("no.such.key", vi) == "no.such.key"
    result = sweep(RANGES, linear, CENTRAL)
    fig = tornado_figure(result, _=vi, locale="vi", scale=1.0)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(RANGES)  # a low and a high half per estimate
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "big" and labels[0] == "none"  # longest on top
    assert "◆" in "".join(t.get_text() for t in ax.texts)  # big can flip the verdict


def test_a_comparison_sweeps_each_estimate_in_base_and_alternative() -> None:
    """A fake model whose mean wait grows with visits per day, and which the alternative halves:
    the difference grows with visits per day and never changes sign (it holds), and the sweep's
    ends are exact (the difference is linear in visits per day)."""
    from helpers import DAO_XA
    from test_business_case import busier_waits_longer

    from sim.decide.compare import CompareOptions, compare
    from sim.report.compare_table import format_comparison
    from sim.scenario.loader import load_scenario

    base = load_scenario(DAO_XA)
    machines = base.equipment.ticket_machines.model_copy(update={"count": 2})
    option = base.model_copy(
        update={
            "equipment": base.equipment.model_copy(update={"ticket_machines": machines}),
            "scenario": base.scenario.model_copy(update={"name": "option"}),
        }
    )
    opts = CompareOptions(seed=3, workers=1, simulate=busier_waits_longer, sensitivity=True)
    comparison = compare(base, [option], 6, ["wait_mean_min"], opts)
    ((alt, kpi, result),) = comparison.sensitivity
    assert (alt, kpi) == ("option", "wait_mean_min")
    top = result.bars[0]
    assert top.key == "demand.visits_per_day" and result.holds
    assert top.at_high < result.central < top.at_low < 0  # more visits: a bigger saving
    assert top.at_high == pytest.approx(result.central * top.high / top.value, rel=1e-9)
    assert all(b.swing == 0 for b in result.bars[1:])
    text = " ".join(format_comparison(comparison, "vi").split())  # one line: the table wraps
    assert "ĐỘ NHẠY" in text and "giữ nguyên chiều" in text and "Số lượt người dân mỗi ngày" in text
    english = " ".join(format_comparison(comparison, "en").split())
    assert "keeps its direction over the whole range of each of the 14 ranged estimates" in english
    # the report shows the tornado, captioned with the same sentence
    from sim.report.html.render import render_report

    html = render_report(lang="vi", comparison=comparison, command="python -m sim compare a.toml b.toml")
    assert html.count("data:image/png;base64,") == 4  # forest, waits by hour, on time, tornado
    assert "giữ nguyên chiều trên toàn bộ khoảng hợp lý" in html
    without = compare(base, [option], 6, ["wait_mean_min"], dataclasses.replace(opts, sensitivity=False))
    assert render_report(lang="vi", comparison=without).count("data:image/png;base64,") == 3


def test_morris_ranks_the_estimates_by_their_known_effects() -> None:
    """A linear model: every elementary effect of estimate k is slope_k × its range's width, so
    μ* is exactly |slope| × width and σ is 0; an interaction term shows up in σ."""
    from sim.experiment.screening import morris

    def model(values: dict[str, float]) -> float:
        return CENTRAL + sum(
            SLOPES[k] * (v - next(r.value for r in RANGES if r.key == k)) for k, v in values.items()
        )

    result = morris(RANGES, model, trajectories=6, levels=4, seed=2)
    assert result.evaluations == 6 * (len(RANGES) + 1)
    expected = {r.key: abs(SLOPES[r.key]) * (r.high - r.low) for r in RANGES}
    for key, mu_star, _, sigma in result.ranked():
        assert mu_star == pytest.approx(expected[key]) and sigma == pytest.approx(0.0, abs=1e-9)
    assert [k for k, *_ in result.ranked()] == ["big", "medium", "small", "none"]

    def interacting(values: dict[str, float]) -> float:
        return model(values) + 5.0 * values["small"] * values["none"]  # small and none act together

    spread = {k: s for k, _, _, s in morris(RANGES, interacting, trajectories=6, levels=4, seed=2).ranked()}
    assert spread["none"] > 1.0 and spread["small"] > 1.0 and spread["big"] == pytest.approx(0.0, abs=1e-9)


def test_morris_screening_of_a_business_case_finds_the_one_estimate_that_matters() -> None:
    from helpers import DAO_XA
    from test_business_case import _costs, busier_waits_longer

    from sim.business.case import screen_estimates
    from sim.decide.compare import CompareOptions, compare
    from sim.scenario.loader import load_scenario

    base = load_scenario(DAO_XA)
    machines = base.equipment.ticket_machines.model_copy(update={"count": 2})
    option = base.model_copy(
        update={
            "equipment": base.equipment.model_copy(update={"ticket_machines": machines}),
            "scenario": base.scenario.model_copy(update={"name": "option"}),
        }
    )
    opts = CompareOptions(seed=3, workers=1, simulate=busier_waits_longer)
    result = screen_estimates(
        base,
        option,
        _costs(),
        lambda b, o: compare(b, [o], 4, ["wait_mean_min"], opts),
        trajectories=2,
        seed=1,
    )
    ranked = result.ranked()
    assert ranked[0][0] == "demand.visits_per_day" and ranked[0][1] > 0
    assert all(mu == pytest.approx(0.0, abs=1e-6) for _, mu, _, _ in ranked[1:])
