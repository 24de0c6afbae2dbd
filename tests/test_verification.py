"""The verification layer: textbook reductions, the warm-up, Little's law, and the quick suite.

Judged by confidence intervals and exact identities, never by decimal places; and each judge is
shown to fail on a wrong answer, so a pass means something.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import cli
from sim.model import simulate
from sim.model.centre import Centre
from sim.model.demand import day_rate
from sim.model.streams import Streams
from sim.scenario.calendar import working_days
from sim.verify.suite import (
    AC_BAND,
    FAMILY_ALPHA,
    STATIONARY,
    CaseResult,
    _sweep_area,
    judge,
    run_suite,
    statistical_cases,
)
from sim.verify.textbook import (
    DRAIN_HOURS,
    TextbookQueue,
    littles_law_scenario,
    profile_rate,
    textbook_scenario,
    waits_after_warmup,
    window_complete,
)
from sim.verify.theory import UnstableSystemError, erlang_c, mm1


@pytest.fixture(scope="module")
def quick_suite() -> list[CaseResult]:
    return run_suite(quick=True, workers=1)


# --- the quick suite: what `python -m sim verify --quick` runs ----------------------------------


@pytest.mark.slow
def test_quick_suite_every_case_passes(quick_suite):
    failed = [
        f"{r.case}: analytic {r.analytic:.4g}, simulated {r.mean:.4g} "
        f"[{r.ci_low:.4g}, {r.ci_high:.4g}], {r.tolerance} {r.detail}"
        for r in quick_suite
        if not r.passed
    ]
    assert not failed, "\n".join(failed)


@pytest.mark.slow
def test_quick_suite_covers_the_issue(quick_suite):
    names = [r.case for r in quick_suite]
    assert any(n.startswith("M/M/1 ρ=0.9") for n in names)  # ρ ≥ 0.9
    assert any(n.startswith("M/M/5 ρ=0.90") for n in names)
    assert any(n.startswith("M/M/3") for n in names)
    assert any(n.startswith("M/D/1") for n in names)
    assert any(r.reference == "Allen–Cunneen" for r in quick_suite)
    assert any("Little" in n for n in names)
    assert any("arrivals" in n for n in names)
    assert len(quick_suite) == statistical_cases() + 1  # + Little's law (exact, not statistical)
    for r in quick_suite:
        assert r.n == 10
        if r.reference != "exact identity":
            assert r.ci_low < r.mean < r.ci_high  # a real interval, not a point


@pytest.mark.slow
def test_quick_suite_intervals_are_informative(quick_suite):
    # A judge whose interval is wider than the value it judges cannot fail: keep them narrow.
    for r in quick_suite:
        if r.unit == "min":
            assert (r.ci_high - r.ci_low) / 2 < 0.3 * r.analytic, r.case


# --- the judges fail on wrong answers ------------------------------------------------------------


@pytest.fixture(scope="module")
def mm3_waits() -> tuple[TextbookQueue, list[float]]:
    q = next(c for c in STATIONARY if c.queue_args[3] == 3 and c.queue_args[0] == "M/M/c").queue(True)
    return q, [q.replicate(99, r).kpis["window_wait_mean_min"] for r in range(10)]


@pytest.mark.slow
def test_judge_passes_the_right_value_and_fails_wrong_ones(mm3_waits):
    q, waits = mm3_waits
    level = 1 - FAMILY_ALPHA / statistical_cases()
    assert judge(waits, q.mean_wait(), level)[0]
    assert not judge(waits, q.mean_wait() * 1.2, level)[0]
    assert not judge(waits, q.mean_wait() * 0.8, level)[0]
    # Erlang C with one server more is far off
    lam, mu = q.arrival_rate_per_hour / 60, 1 / q.mean_service_min
    assert not judge(waits, erlang_c(lam, mu, 4).mean_wait, level)[0]


def test_judge_detects_the_wrong_service_distribution():
    # M/D/1 simulated, judged against M/M/1's wait (twice as long): must fail.
    q = TextbookQueue("M/D/c", 8.0, 6.0, 1, hours=20 * 24 - 24, warmup_hours=12)
    waits = [q.replicate(5, r).kpis["window_wait_mean_min"] for r in range(10)]
    level = 1 - FAMILY_ALPHA / statistical_cases()
    assert judge(waits, q.mean_wait(), level)[0]
    assert not judge(waits, mm1(8 / 60, 1 / 6).mean_wait, level)[0]


@pytest.mark.slow
def test_allen_cunneen_band_fails_an_exponential_model():
    # The M/G/3 case (cv 0.5) judged by its band, but simulated with exponential service.
    ac = TextbookQueue("M/G/c", 24.0, 6.0, 3, hours=20 * 24 - 24, warmup_hours=12, service_cv=0.5)
    wrong = TextbookQueue("M/M/c", 24.0, 6.0, 3, hours=20 * 24 - 24, warmup_hours=12)
    waits = [wrong.replicate(5, r).kpis["window_wait_mean_min"] for r in range(10)]
    assert not judge(waits, ac.mean_wait(), 0.996, band=AC_BAND)[0]
    assert judge(waits, wrong.mean_wait(), 0.996, band=AC_BAND)[0]


# --- Little's law: exact ---------------------------------------------------------------------------


def _little_centre(seed: int, replication: int, **kwargs) -> Centre:
    scenario = littles_law_scenario(1, **kwargs)
    centre = Centre(scenario, Streams(seed, replication), working_days(scenario.calendar), event_log=True)
    centre.run()
    centre.waits.fold(scenario.targets.wait_threshold_min)
    return centre


@pytest.mark.parametrize("replication", [0, 1, 2])
def test_littles_law_holds_exactly_on_days_that_start_and_end_empty(replication):
    c = _little_centre(11, replication)
    rows = c.events
    assert c.arrived == len(rows) > 300  # everyone was called: every day ended empty
    assert c.queues.total == 0
    assert all(r[12] == "served_counter" for r in rows)
    arrival = np.array([r[6] for r in rows])
    call = np.array([r[8] for r in rows])
    waits = call - arrival
    assert c.waits.total == pytest.approx(waits.sum(), rel=1e-12)
    assert c.waits.total > 1000  # people did queue
    # ∫ Q dt (the model's time-weighted monitor, and a sweep over the event log) = Σ waits
    assert c.waits.queue_area == pytest.approx(c.waits.total, rel=1e-12)
    assert _sweep_area(arrival, call) == pytest.approx(c.waits.total, rel=1e-12)
    # and by clock hour too (no wait crosses midnight on these days)
    assert c.waits.queue_area_hour.sum() == pytest.approx(c.waits.total, rel=1e-12)


def test_sweep_area_counts_the_number_waiting_over_time():
    # Waits [0, 2), [1, 4), [3, 3): Q = 1 on [0,1), 2 on [1,2), 1 on [2,4) → area 5 = Σ waits.
    assert _sweep_area(np.array([0.0, 1.0, 3.0]), np.array([2.0, 4.0, 3.0])) == pytest.approx(5.0)


# A regression test: the closing clock used to sleep out the overtime limit before looking at the
# next session, so a limit longer than the afternoon made it late for the next day.
def test_littles_law_with_an_overtime_limit_longer_than_the_afternoon():
    c = _little_centre(11, 0, overtime_limit_min=600.0)
    assert c.arrived == len(c.events)
    assert c.waits.queue_area == pytest.approx(c.waits.total, rel=1e-12)


def test_profile_rate_is_the_rate_the_model_uses():
    scenario = littles_law_scenario(1)
    breaks, rates = profile_rate(scenario)
    for day in working_days(scenario.calendar):
        model = day_rate(scenario, day)
        np.testing.assert_allclose(model.breaks - day.midnight, breaks)
        np.testing.assert_allclose(model.rates, rates, rtol=1e-12)
    assert np.dot(np.diff(breaks), rates) == pytest.approx(scenario.demand.visits_per_day)


# --- textbook_scenario and the warm-up -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "dist"), [("M/M/c", "exponential"), ("M/D/c", "deterministic"), ("M/G/c", "gamma")]
)
def test_textbook_scenario_kinds(kind, dist):
    s = textbook_scenario(kind, 12.0, 4.0, 2, 48, service_cv=0.5)
    service = s.demand.purposes["enquiry"].service_min
    assert service.dist == dist
    assert service.expected == pytest.approx(4.0)
    assert service.scv == pytest.approx({"exponential": 1.0, "deterministic": 0.0, "gamma": 0.25}[dist])
    assert len(s.staff) == 2 and len(s.fields) == 1
    assert s.equipment.ticket_machines.count == 0 and s.support_team.members == 0
    assert s.policies.closing_rule == "hold" and s.policies.lunch_rule == "hold"
    days = working_days(s.calendar)
    assert len(days) == 2
    assert all(d.sessions == ((d.midnight, d.midnight + 1440.0),) for d in days)  # round the clock
    assert day_rate(s, days[0]).expected == pytest.approx(12.0 * 24)


def test_textbook_scenario_positional_signature_still_works():
    s = textbook_scenario("M/M/c", 6.0, 7.0, 1, 24 * 3)
    assert len(working_days(s.calendar)) == 3
    with pytest.raises(ValueError, match="kind must be"):
        textbook_scenario("M/M/1", 6.0, 7.0, 1, 24)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="servers"):
        textbook_scenario("M/M/c", 6.0, 7.0, 0, 24)


def test_warmup_lengthens_the_window_and_drops_early_arrivals():
    s = textbook_scenario("M/M/c", 30.0, 5.0, 3, 30, warmup_hours=20)
    assert len(working_days(s.calendar)) == 3  # 50 h → 3 days
    out = simulate(s, 3, 0, event_log=True)
    all_waits = waits_after_warmup(out, 0.0)
    after = waits_after_warmup(out, 20.0)
    window = waits_after_warmup(out, 20.0, 50.0)
    served = [r for r in out.event_log if r[12] == "served_counter"]
    assert len(all_waits) == len(served)
    assert len(after) == sum(r[6] >= 20 * 60 for r in served) > 0
    assert len(window) == sum(20 * 60 <= r[6] < 50 * 60 for r in served)
    assert len(window) < len(after) < len(all_waits)
    # With no warm-up the event-log waits are the model's own wait KPI.
    assert all_waits.mean() == pytest.approx(out.kpis["wait_mean_min"], rel=1e-9)
    with pytest.raises(ValueError, match="event_log=True"):
        waits_after_warmup(simulate(s, 3, 0), 1.0)


def test_warmup_removes_the_empty_start_bias():
    # M/M/1 at ρ = 0.9 from empty: the first hours' visitors wait far less than in steady state.
    q = TextbookQueue("M/M/c", 9.0, 6.0, 1, hours=2.0, warmup_hours=0.0)
    early = [
        waits_after_warmup(simulate(q.scenario, 1, r, event_log=True), 0.0, 2.0).mean() for r in range(30)
    ]
    assert np.mean(early) + 3 * np.std(early, ddof=1) / math.sqrt(30) < q.mean_wait() / 2


def test_window_complete_notices_visitors_still_waiting():
    s = textbook_scenario("M/M/c", 9.5, 6.0, 1, 24)  # ρ ≈ 0.95: a queue at the end of the run
    out = simulate(s, 2, 0, event_log=True)
    assert out.kpis["visitors_in_system_end"] > 0
    assert not window_complete(out, 24.0)
    assert window_complete(out, 12.0)


def test_textbook_queue_theory_and_observer():
    q = TextbookQueue("M/M/c", 21.0, 6.0, 3, hours=24.0, warmup_hours=6.0, tail_min=(6.0,))
    assert q.utilisation == pytest.approx(0.7)
    assert q.exact and q.formula == "Erlang C"
    assert q.mean_wait() == pytest.approx(erlang_c(21 / 60, 1 / 6, 3).mean_wait)
    assert len(working_days(q.scenario.calendar)) == math.ceil((30.0 + DRAIN_HOURS) / 24)
    k = q.replicate(1, 0).kpis
    assert k["window_complete"] == 1.0 and k["window_visitors"] > 300
    assert 0 < k["window_p_wait_over_6"] < k["window_p_wait"] < 1
    assert not TextbookQueue("M/G/c", 21.0, 6.0, 3, 24.0, service_cv=0.5).exact
    assert TextbookQueue("M/D/c", 8.0, 6.0, 1, 24.0).formula == "Pollaczek–Khinchine"
    with pytest.raises(UnstableSystemError):
        TextbookQueue("M/M/c", 31.0, 6.0, 3, 24.0)
    with pytest.raises(ValueError, match="cv"):
        TextbookQueue("M/M/c", 10.0, 6.0, 3, 24.0, service_cv=0.5)


def test_run_suite_refuses_bad_arguments():
    with pytest.raises(ValueError, match="replications"):
        run_suite(quick=True, replications=2)
    with pytest.raises(ValueError, match="seed"):
        run_suite(quick=True, seed=-1)


# --- the command line ------------------------------------------------------------------------------


def _fake_suite(passed: bool):
    def run(**kwargs):
        rows = [
            CaseResult(
                "M/M/1 ρ=0.50 mean wait", "Erlang C", 6.0, 5.9, 5.5, 6.3, 10, "in 99.62% CI (±0.8)", True
            ),
            CaseResult(
                "M/M/1 ρ=0.90 mean wait",
                "Erlang C",
                54.0,
                40.0,
                38.0,
                42.0,
                10,
                "in 99.62% CI (±3)",
                passed,
                detail="39.5 days after 24 h warm-up",
            ),
        ]
        for r in rows:
            kwargs["on_result"](r)
        return rows

    return run


@pytest.mark.parametrize(("passed", "status"), [(True, 0), (False, 1)])
def test_cli_verify_prints_the_table_and_sets_the_exit_status(monkeypatch, capsys, passed, status):
    import sim.verify.suite

    calls = {}

    def fake(**kwargs):
        calls.update(kwargs)
        return _fake_suite(passed)(**kwargs)

    monkeypatch.setattr(sim.verify.suite, "run_suite", fake)
    assert cli.main(["verify", "--quick", "--replications", "5", "--seed", "7"]) == status
    out = capsys.readouterr().out
    assert "analytic" in out and "simulated mean [95% CI]" in out and "tolerance" in out
    assert "5.900 [5.500, 6.300]" in out
    assert ("FAIL" in out) is (not passed)
    assert f"2 cases: {1 + passed} passed, {1 - passed} failed" in out
    assert calls["quick"] is True and calls["replications"] == 5 and calls["seed"] == 7


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "--replications", "2"],
        ["verify", "--replications", "x"],
        ["verify", "--seed", "-1"],
        ["verify", "--workers", "0"],
        ["verify", "--bogus"],
    ],
)
def test_cli_verify_bad_flags_give_one_error_line(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        status = cli.main(argv)
        raise SystemExit(status)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
