"""Goodness of fit of one fitted family, by the test the data allow.

- exact durations: Kolmogorov–Smirnov with a Monte Carlo p-value, the parameters re-fitted to each
  simulated sample (what `scipy.stats.goodness_of_fit` does; done here with the batched fitter,
  since scipy's generic `fit` per sample would take seconds for the gamma and the Weibull);
- minute-rounded durations: chi-square on the whole-minute bins, merged until each expects ≥ 5,
  the degrees of freedom reduced by the fitted parameters;
- any right-censoring: the largest distance between the Kaplan–Meier curve and the fitted CDF (up
  to the last observation), against a parametric bootstrap that redraws durations from the fit and
  censoring times from the censoring times' own Kaplan–Meier curve (random censorship), rounds
  them as the data were rounded, and re-fits.

With more than `MAX_N` durations the test runs on `MAX_N` of them drawn at random: still a valid
test of the same distribution, with power to spare (at 2,000 a KS distance of 0.04 is already
rejected), and a year's largest group then costs a fraction of a second instead of seconds.

Plain intervals (absent when called) are left out of the test: the Kaplan–Meier curve cannot use
them, so the family is re-fitted to the rest first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.fitting.families import Family
from sim.fitting.likelihood import Batch, maximise
from sim.fitting.observations import Observations

MAX_N = 2000
"""Largest sample a test runs on (see the module docstring)."""
REFIT_STEPS = 3
"""Newton steps of a bootstrap re-fit from the data's estimate: the first already leaves an error of
order 1/n (one-step estimator), the later ones square it."""


@dataclass(frozen=True)
class GofResult:
    method: str
    """"ks", "chi2" or "km"."""
    statistic: float
    pvalue: float


def _params(family: Family, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, shape) columns for broadcasting against rows of durations."""
    m = np.exp(theta[:, :1])
    k = np.exp(theta[:, 1:2]) if family.n_params == 2 else np.ones_like(m)
    return m, k


def kaplan_meier(values: np.ndarray, censored: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier CDF of each row, at its sorted values (events before censorings at ties).

    Returns (sorted values, CDF just after each value, CDF just before it). Within a tie the running
    product passes through values between the two sides, so the largest distance to a continuous CDF
    over these points is the one over the unique times; `tests/test_durations_fit.py` checks the
    curve against `scipy.stats.ecdf`.
    """
    order = np.argsort(censored, axis=1, kind="stable")
    v = np.take_along_axis(values, order, axis=1)
    c = np.take_along_axis(censored, order, axis=1)
    order = np.argsort(v, axis=1, kind="stable")
    v = np.take_along_axis(v, order, axis=1)
    c = np.take_along_axis(c, order, axis=1)
    n = values.shape[1]
    at_risk = n - np.arange(n)
    survival = np.cumprod(1 - (~c) / at_risk, axis=1)
    before = np.concatenate([np.ones((len(v), 1)), survival[:, :-1]], axis=1)
    return v, 1 - survival, 1 - before


MIN_AT_RISK = 10
"""The Kaplan–Meier distance is taken where at least this many are still at risk: beyond, the curve
rests on a handful of people and the censoring there is barely known to the bootstrap."""


def km_distance(family: Family, theta: np.ndarray, values: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """Per row: the largest |Kaplan–Meier CDF − fitted CDF| over the observed times with at least
    `MIN_AT_RISK` still at risk."""
    v, after, before = kaplan_meier(values, censored)
    m, k = _params(family, theta)
    fitted = family.cdf(v, m, k)
    distance = np.maximum(np.abs(after - fitted), np.abs(before - fitted))
    n = values.shape[1]
    return distance[:, : max(n - MIN_AT_RISK + 1, 1)].max(axis=1)


def _rows(obs: Observations) -> tuple[np.ndarray, np.ndarray, bool]:
    """The data as one row of values with censoring flags (intervals excluded)."""
    rounded = len(obs.rounded) > 0
    values = np.concatenate([obs.exact, obs.rounded, obs.right])
    censored = np.concatenate(
        [np.zeros(len(obs.exact) + len(obs.rounded), dtype=bool), np.ones(obs.n_right, bool)]
    )
    return values[None, :], censored[None, :], rounded


def _round(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole-minute differences of two clock times written to the minute, for true durations y."""
    start = rng.uniform(0.0, 1.0, y.shape)
    return np.floor(start + y) - np.floor(start)


def _censoring_draws(
    values: np.ndarray, censored: np.ndarray, size: tuple[int, int], rng: np.random.Generator
) -> np.ndarray:
    """Censoring times from their own Kaplan–Meier curve (the events censor them); the mass past its
    last point goes to the last time seen (no one in the data was followed longer)."""
    v, cdf, _ = kaplan_meier(values, ~censored)
    u = rng.uniform(0.0, 1.0, size)
    i = np.searchsorted(cdf[0], u, side="left")
    return v[0, np.minimum(i, v.shape[1] - 1)]


def km_test(family: Family, obs: Observations, samples: int, rng: np.random.Generator) -> GofResult:
    """Kaplan–Meier distance with a re-fitting parametric bootstrap (see the module docstring)."""
    obs = obs.without_intervals()
    fit = maximise(family, Batch.one(obs))
    values, censored, rounded = _rows(obs)
    if rounded:  # a censored d was stored as d − 1: compare it where it was seen
        values = np.where(censored, values + 1, values)
    observed = float(km_distance(family, fit.theta, values, censored)[0])
    n = values.shape[1]
    m, k = _params(family, np.repeat(fit.theta, samples, axis=0))
    durations = family.sample(rng, m, k, (samples, n))
    cuts = _censoring_draws(values, censored, (samples, n), rng)
    sim_cens = cuts < durations
    y = np.minimum(durations, cuts)
    if rounded:
        y = _round(y, rng)
        batch = Batch.rows(np.where(sim_cens, np.maximum(y - 1, 0), y), sim_cens, rounded=True)
    else:
        y = np.maximum(y, 1e-6)
        batch = Batch.rows(y, sim_cens)
    refit = maximise(family, batch, start=np.repeat(fit.theta, samples, axis=0), max_iter=REFIT_STEPS)
    simulated = km_distance(family, refit.theta, y, sim_cens)
    return GofResult("km", observed, float((1 + np.sum(simulated >= observed)) / (samples + 1)))


def ks_test(family: Family, obs: Observations, samples: int, rng: np.random.Generator) -> GofResult:
    """Kolmogorov–Smirnov with a Monte Carlo p-value, parameters re-fitted to each sample."""
    fit = maximise(family, Batch.one(Observations(obs.exact, np.zeros(0), np.zeros(0), np.zeros(0))))
    x = obs.exact[None, :]
    none = np.zeros(x.shape, dtype=bool)
    observed = float(km_distance(family, fit.theta, x, none)[0])
    m, k = _params(family, np.repeat(fit.theta, samples, axis=0))
    y = family.sample(rng, m, k, (samples, x.shape[1]))
    refit = maximise(family, Batch.rows(y), start=np.repeat(fit.theta, samples, axis=0), max_iter=REFIT_STEPS)
    simulated = km_distance(family, refit.theta, y, np.zeros(y.shape, dtype=bool))
    return GofResult("ks", observed, float((1 + np.sum(simulated >= observed)) / (samples + 1)))


def chi2_test(family: Family, theta: np.ndarray, rounded: np.ndarray) -> GofResult:
    """Chi-square on whole-minute bins of rounded durations (merged to an expected count ≥ 5)."""
    n = len(rounded)
    top = int(rounded.max())
    d = np.arange(top + 1, dtype=float)
    m, k = _params(family, theta)
    p = np.exp(family.rounded_logprob(d, m[0], k[0]))
    p[-1] = max(1.0 - p[:-1].sum(), p[-1])  # the last bin takes the tail
    observed = np.bincount(rounded.astype(int), minlength=top + 1).astype(float)
    groups_o, groups_e, o, e = [], [], 0.0, 0.0
    for oi, ei in zip(observed, n * p, strict=True):
        o, e = o + oi, e + ei
        if e >= 5:
            groups_o.append(o)
            groups_e.append(e)
            o, e = 0.0, 0.0
    if groups_e and e > 0:
        groups_o[-1] += o
        groups_e[-1] += e
    dof = len(groups_e) - 1 - family.n_params
    if dof < 1:
        return GofResult("chi2", float("nan"), float("nan"))
    go, ge = np.array(groups_o), np.array(groups_e)
    statistic = float(np.sum((go - ge) ** 2 / ge))
    return GofResult("chi2", statistic, float(stats.chi2.sf(statistic, dof)))


def goodness_of_fit(
    family: Family, theta: np.ndarray, obs: Observations, samples: int, rng: np.random.Generator
) -> GofResult:
    """The test the data allow (see the module docstring); `theta` is the fit to `obs`."""
    if obs.n > MAX_N:
        obs = obs.subsample(MAX_N, rng)
        theta = maximise(family, Batch.one(obs)).theta
    if obs.n_right:
        return km_test(family, obs, samples, rng)
    if len(obs.rounded):
        return chi2_test(family, theta, obs.rounded)
    return ks_test(family, obs, samples, rng)
