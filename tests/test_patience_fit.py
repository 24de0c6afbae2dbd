"""Patience fits: outcomes become the right observations, walk-outs' times alone are far too short,
the censored fit covers the truth, and too few walk-outs write nothing."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from sim.fitting.durations import fit_family
from sim.fitting.observations import Observations, patience_observations
from sim.fitting.patience import fit_patience

E = np.zeros(0)
SIGMA = math.sqrt(math.log1p(0.6**2))


def _patience(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.lognormal(math.log(30.0) - SIGMA**2 / 2, SIGMA, n)


def _walkouts(rng: np.random.Generator, n: int = 3000, wait_mean: float = 14.5) -> Observations:
    patience, waits = _patience(n, rng), rng.exponential(wait_mean, n)
    walked = patience < waits
    return Observations(patience[walked], E, E, waits[~walked])


def test_outcomes_become_events_intervals_and_censorings() -> None:
    t0 = np.datetime64("2025-07-01T08:00:00")
    issued = np.full(6, t0)
    minute = np.timedelta64(60, "s")
    called = np.array(
        [t0 + 5 * minute, t0 + 7 * minute, "NaT", "NaT", "NaT", t0 + 9 * minute], dtype="datetime64[s]"
    )
    left = np.array(["NaT", "NaT", t0 + 12 * minute, "NaT", t0 + 40 * minute, "NaT"], dtype="datetime64[s]")
    outcome = np.array(["served", "absent", "walked_out", "walked_out", "not_served", "cut_at_close"])
    obs = patience_observations(issued, called, left, outcome, "second")
    assert list(obs.exact) == [12.0] and obs.dropped == 1
    assert list(obs.low) == [0.0] and list(obs.high) == [7.0]
    assert sorted(obs.right) == [5.0, 9.0, 40.0]
    rounded = patience_observations(issued, called, left, outcome, "minute")
    assert (
        list(rounded.rounded) == [12.0]
        and list(rounded.high) == [8.0]
        and sorted(rounded.right) == [4.0, 8.0, 39.0]
    )


def test_walkouts_alone_are_far_too_short_and_the_censored_fit_covers_the_truth() -> None:
    obs = _walkouts(np.random.default_rng(1))
    assert 0.75 < obs.n_right / obs.n < 0.85
    fit = fit_patience(obs)
    assert fit.chosen["dist"] in ("lognormal", "gamma", "weibull", "exponential")
    assert fit.mean_ci[0] <= 30.0 <= fit.mean_ci[1]
    walkouts = fit_family(Observations(obs.exact, E, E, E), "lognormal")
    low, high = walkouts.mean_ci()
    half = (math.log(high) - math.log(low)) / 2
    assert math.log(30.0) - math.log(walkouts.mean) > 3 * half  # far below, outside its own interval
    assert fit.naive is not None and fit.naive.mean < fit.mean_ci[0]


def test_survival_curve_with_its_interval_covers_the_truth() -> None:
    fit = fit_patience(_walkouts(np.random.default_rng(2)), gof_samples=0)
    assert fit.survival is not None
    time, survival, low, high = fit.survival
    truth = stats.lognorm(SIGMA, scale=30.0 * math.exp(-(SIGMA**2) / 2)).sf(time)
    # pointwise 95% intervals, widened to about a simultaneous band, up to 40 min (many at risk)
    seen = (time <= 40.0) & np.isfinite(low) & np.isfinite(high)
    assert seen.sum() > 100 and np.all(np.diff(survival) <= 0)
    assert np.all(np.abs(survival - truth)[seen] <= (high - low)[seen] + 0.005)


def test_fewer_than_ten_walkouts_write_nothing_but_keep_the_curve() -> None:
    rng = np.random.default_rng(3)
    obs = Observations(_patience(9, rng), E, E, rng.uniform(1, 20, 200))
    fit = fit_patience(obs)
    assert fit.chosen == {} and fit.candidates == ()
    assert fit.survival is not None and len(fit.survival[0]) > 0 and fit.n == 209
