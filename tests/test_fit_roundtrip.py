"""Round trip: simulate a known truth, export its ticket log and register, fit, recover the truth.

The truths (`tests/fit_truth/`) are the bundled Đào Xá scenario over a year with what a ticket log
cannot see switched off (look-ups, the support team, balking, machine failures), so that the true
inputs are exactly what the fit should find: `year.toml` for arrivals, counter times, shares and
the register; `busy.toml` (six staff, more visits, short patience) for walk-outs. Each check is a
fitted interval that must cover the truth; where many intervals are checked at once, the number of
misses must stay within a binomial bound (a correct fit misses 5% of 95% intervals).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import sim
from sim.fitting.arrivals import working_days
from sim.fitting.durations import fit_durations, fit_family, naive_fit
from sim.fitting.fit import Fitted
from sim.fitting.observations import service_observations
from sim.logs.export import write_logs
from sim.logs.read import read_tickets
from sim.model.simulate import simulate
from sim.scenario import Scenario, load_scenario

TRUTH = Path(__file__).parent / "fit_truth"
SEED = 20260101
MISS_RISK = 1e-4
"""Chance that a correct fit exceeds a test's bound on misses."""


def _max_misses(checked: int, level: float = 0.95) -> int:
    return int(stats.binom.ppf(1 - MISS_RISK, checked, 1 - level))


@dataclasses.dataclass(frozen=True)
class Trip:
    truth: Scenario
    folder: Path
    fitted: Fitted


def _trip(name: str, tmp: Path, *, validate: bool = False) -> Trip:
    truth = load_scenario(TRUTH / f"{name}.toml")
    write_logs(tmp, simulate(truth, SEED, 0, event_log=True), truth)
    fitted = sim.fit(
        tmp / "ticket_log.csv",
        dossiers=tmp / "dossier_register.csv",
        base=TRUTH / f"{name}.toml",
        out=tmp / "fitted.toml",
        validate=validate,
        replications=6,
        workers=2 if validate else 1,
    )
    return Trip(truth, tmp, fitted)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Trip:
    return _trip("year", tmp_path_factory.mktemp("year"))


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Trip:
    return _trip("busy", tmp_path_factory.mktemp("busy"))


def _covers(ci: tuple[float, float], truth: float) -> bool:
    return ci[0] <= truth <= ci[1]


WIDEN = float(stats.norm.ppf(0.9995) / stats.norm.ppf(0.975))
"""A 95% interval's half-width times this is a 99.9% one: for checks of several intervals at once
that must all cover (a correct fit fails such a check far less than 1 run in 100)."""


def _covers_999(ci: tuple[float, float], truth: float) -> bool:
    mid, half = (ci[0] + ci[1]) / 2, (ci[1] - ci[0]) / 2
    return _covers((mid - WIDEN * half, mid + WIDEN * half), truth)


def test_visits_per_day_and_the_weekday_factors_are_recovered(year: Trip) -> None:
    a = year.fitted.result.arrivals
    assert _covers(a.visits_per_day_ci, year.truth.demand.visits_per_day)
    assert a.tickets_per_visit == pytest.approx(1.0)  # nothing in this truth goes without a ticket
    demand = year.truth.demand
    # The data's factors average 1 over its own working days: the truth is normalised the same way.
    dates = working_days(year.truth, year.truth.calendar.start, year.truth.calendar.end)
    assert len(dates) == a.working_days
    level = np.mean([demand.weekday_factor(d.weekday()) for d in dates])
    assert set(a.weekday_ci) == {"mon", "tue", "wed", "thu", "fri"}
    for day, ci in a.weekday_ci.items():
        truth = demand.weekday_factors[day] / level  # type: ignore[index]
        assert _covers_999(ci, truth), (day, ci, truth)


def test_the_arrival_profile_keeps_the_truths_shape(year: Trip) -> None:
    """Within a block of the truth's profile every 30-minute slot has the same rate: each slot's
    interval, divided by its block's weight, covers the season's pooled rate per unit weight."""
    a = year.fitted.result.arrivals
    blocks = {
        "summer": year.truth.demand.hourly_profile,
        "winter": year.truth.demand.season_profiles["winter"],
    }
    checked = misses = 0
    for key, slots in a.profiles.items():
        season = a.profile_seasons.get(key, key)
        weight = {}
        for b in blocks[season]:
            start, end = (int(x[:2]) * 60 + int(x[3:]) for x in (b.start, b.end))
            for m in range(start, end, 30):
                weight[f"{m // 60:02d}:{m % 60:02d}"] = b.weight
        opening = min(weight)
        inner = [s for s in slots if s.start in weight and s.start != opening]
        assert len(inner) >= 12, season
        pooled = sum(s.rate_per_day for s in inner) / sum(weight[s.start] for s in inner)
        for s in inner:
            checked += 1
            misses += not _covers((s.ci[0] / weight[s.start], s.ci[1] / weight[s.start]), pooled)
    assert misses <= _max_misses(checked), (misses, checked)


def test_the_priority_share_is_recovered(year: Trip) -> None:
    share = {s.name: s for s in year.fitted.result.shares}["priority"]
    assert _covers(share.ci, year.truth.demand.priority_share)


def _true_service(truth: Scenario) -> dict[str, tuple[float, float]]:
    """Mean and cv of each procedure's and purpose's counter time in the truth (a certified copy's
    mean includes its extra documents; its cv is that of a mixture, left out)."""
    out: dict[str, tuple[float, float]] = {}
    for p in truth.procedures:
        mean, cv = p.service_min.expected, float(np.sqrt(p.service_min.scv))
        if p.documents is not None:
            mean += (p.documents.expected - 1.0) * p.extra_document_min
            cv = float("nan")
        out[p.id] = (mean, cv)
    for name, purpose in truth.demand.purposes.items():
        if purpose.service_min is not None:
            out[name] = (purpose.service_min.expected, float(np.sqrt(purpose.service_min.scv)))
    return out


def test_counter_time_means_and_shapes_are_recovered(year: Trip) -> None:
    """Every fitted group's mean interval covers its true mean; where the truth is lognormal and the
    group is large, AIC picks the lognormal and its cv interval covers the true cv."""
    truth = _true_service(year.truth)
    fits = [d for d in year.fitted.result.durations if d.quantity == "service_min"]
    assert {d.group for d in fits} == set(truth) - {"lookup"}
    checked = misses = 0
    log = read_tickets(year.folder / "ticket_log.csv").frame
    for d in fits:
        mean, cv = truth[d.group]
        checked += 1
        misses += not _covers(d.mean_ci, mean)
        if np.isnan(cv) or d.n < 1000:
            continue
        assert d.chosen["dist"] == "lognormal", d.group
        rows = log[(log["procedure"] == d.group) & (log["outcome"] == "served")]
        obs = service_observations(
            rows["service_started"].to_numpy(),
            rows["service_ended"].to_numpy(),
            np.zeros(len(rows), bool),
            "second",
        )
        checked += 1
        misses += not _covers(fit_family(obs, "lognormal").cv_ci(), cv)
    assert checked >= 16
    assert misses <= _max_misses(checked), (misses, checked)


def test_times_written_to_the_minute_still_give_the_truth(year: Trip) -> None:
    """The same log with every time cut to the minute (as many systems print them): for the short
    collection visits (true mean 1.5 min, cv 0.5) the censored fit still covers the truth (the bias
    of a naive fit on such data is shown in tests/test_durations_fit.py)."""
    log = read_tickets(year.folder / "ticket_log.csv").frame
    rows = log[(log["procedure"] == "collect") & (log["outcome"] == "served")]
    start, end = (rows[c].dt.floor("min").to_numpy() for c in ("service_started", "service_ended"))
    obs = service_observations(start, end, np.zeros(len(rows), bool), "minute")
    assert obs.n == len(rows) > 1500
    censored = fit_durations(obs, "service_min", "collect", "purpose")
    mean, cv = _true_service(year.truth)["collect"]
    assert _covers(censored.mean_ci, mean)
    assert _covers(fit_family(obs, "lognormal").cv_ci(), cv)


def test_the_register_gives_back_the_procedure_mix_and_missing_papers(year: Trip) -> None:
    register = year.fitted.result.register
    assert register is not None
    weights = {p.id: p.share for p in year.truth.procedures}
    total = sum(weights.values())
    checked = misses = 0
    for pid, share in register.procedure_shares.items():
        checked += 1
        misses += not _covers(share.ci, weights[pid] / total)
    for p in year.truth.procedures:
        if p.missing_papers > 0 and not p.on_the_spot:
            checked += 1
            misses += not _covers(register.missing_papers[p.id].ci, p.missing_papers)
    assert checked >= 15
    assert misses <= _max_misses(checked), (misses, checked)


def test_patience_is_recovered_from_the_walk_outs(busy: Trip) -> None:
    patience = next(d for d in busy.fitted.result.durations if d.quantity == "patience_min")
    true = busy.truth.demand.patience_min
    assert true is not None
    walked = {s.name: s for s in busy.fitted.result.shares}["walked_out"]
    assert walked.successes >= 200  # enough walk-outs for the truth to be identifiable
    assert patience.chosen["dist"] == "lognormal"
    assert _covers(patience.mean_ci, true.expected)
    log = read_tickets(busy.folder / "ticket_log.csv")
    from sim.fitting.fit import opening_burst
    from sim.fitting.observations import patience_observations

    frame = log.frame
    keep = ~opening_burst(frame["issued_at"], busy.truth, log.source.first_day, log.source.last_day)
    obs = patience_observations(
        *(frame[c].to_numpy()[keep] for c in ("issued_at", "called_at", "left_at", "outcome")), "second"
    )
    assert _covers(fit_family(obs, "lognormal").cv_ci(), float(np.sqrt(true.scv)))
    # Walk-outs alone, taken as complete times, say patience is far shorter than it is.
    assert naive_fit(obs).mean < 0.75 * true.expected


def test_the_written_scenario_loads_with_the_fitted_values(year: Trip) -> None:
    fitted = year.fitted.scenario
    assert fitted.demand.visits_per_day == pytest.approx(year.fitted.result.arrivals.visits_per_day, rel=1e-3)
    assert "FITTED: ticket_log.csv" in year.fitted.text
    land = next(p for p in fitted.procedures if p.id == "land_intake")
    assert land.service_min.expected == pytest.approx(
        next(d for d in year.fitted.result.durations if d.group == "land_intake").chosen["mean"]
    )


@pytest.mark.slow
def test_the_fitted_scenario_behaves_like_the_truth(tmp_path: Path) -> None:
    """The validation step agrees on every KPI, and runs of the fitted scenario and of the truth
    over the same year (5 replications each) give overlapping intervals for the headline KPIs."""
    trip = _trip("year", tmp_path, validate=True)
    checks = trip.fitted.result.checks
    assert len(checks) == 9
    assert all(c.agree for c in checks), [c for c in checks if not c.agree]
    a = sim.run(trip.truth, replications=5, seed=7, workers=2)
    b = sim.run(trip.fitted.scenario, replications=5, seed=7, workers=2)
    for kpi in ("wait_mean_min", "wait_p90_min", "wait_within_target", "on_time_rate", "visitors_served"):
        x, y = a.summary[kpi], b.summary[kpi]
        assert x["ci_low"] <= y["ci_high"] and y["ci_low"] <= x["ci_high"], (kpi, x, y)
