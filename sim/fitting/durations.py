"""Service times (and patience) fitted by censored maximum likelihood, chosen by AIC, tested for fit.

Each of the four families is fitted to every observation as it was recorded (`Observations`);
candidates are ranked by AIC = 2k − 2 log L. The best family that passes its goodness-of-fit test
at the 1% level is written to the scenario; when none passes, an empirical table of 40 quantiles
is written instead and the record says so. The naive fit (midpoints as exact, censored as complete)
rides along so the report can show the bias the censored fit avoids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.fitting.families import FAMILIES, Family
from sim.fitting.gof import GofResult, goodness_of_fit, kaplan_meier
from sim.fitting.likelihood import Batch, maximise
from sim.fitting.observations import Observations
from sim.fitting.results import CONFIDENCE, Candidate, DurationFit, Interval
from sim.scenario.distributions import CV_MAX, CV_MIN

GOF_LEVEL = 0.01
"""A family is rejected when its goodness-of-fit p-value is at most this (with 99 Monte Carlo
samples the smallest p-value is 1/100, and P(p ≤ 0.01) = 0.01 when the family is right)."""
GOF_SAMPLES = 99
"""Monte Carlo samples per goodness-of-fit test: p-values to ±0.02 near 0.05, in well under a second."""
MIN_EVENTS = 10
"""Fewer completed durations than this: nothing is written (the base's estimate stays)."""
EMPIRICAL_POINTS = 40
NAN_INTERVAL: Interval = (math.nan, math.nan)
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))


@dataclass(frozen=True)
class FamilyFit:
    """One family's maximum-likelihood fit with its observed information."""

    family: Family
    theta: np.ndarray
    covariance: np.ndarray
    log_likelihood: float

    @property
    def mean(self) -> float:
        return float(np.exp(self.theta[0]))

    @property
    def shape(self) -> float:
        return float(np.exp(self.theta[1])) if self.family.n_params == 2 else 1.0

    @property
    def cv(self) -> float:
        return float(self.family.cv(np.array(self.shape)))

    @property
    def aic(self) -> float:
        return 2 * self.family.n_params - 2 * self.log_likelihood

    def mean_ci(self) -> Interval:
        """Wald interval on the log of the mean (from the inverse observed information)."""
        se = math.sqrt(self.covariance[0, 0]) if self.covariance[0, 0] >= 0 else math.nan
        return math.exp(self.theta[0] - _Z * se), math.exp(self.theta[0] + _Z * se)

    def cv_ci(self) -> Interval:
        """Wald interval on log cv by the delta method (a point for the exponential)."""
        if self.family.n_params == 1:
            return 1.0, 1.0
        h = 1e-5
        slope = (
            math.log(self.family.cv(np.exp(self.theta[1] + h)))
            - math.log(self.family.cv(np.exp(self.theta[1] - h)))
        ) / (2 * h)
        se = abs(slope) * math.sqrt(self.covariance[1, 1])
        return self.cv * math.exp(-_Z * se), self.cv * math.exp(_Z * se)

    def candidate(self, gof: GofResult | None = None) -> Candidate:
        dist = self.family.scipy_dist(self.mean, self.shape)
        return Candidate(
            family=self.family.name,
            mean=self.mean,
            cv=self.cv,
            log_likelihood=self.log_likelihood,
            aic=self.aic,
            gof_statistic=gof.statistic if gof else math.nan,
            gof_pvalue=gof.pvalue if gof else math.nan,
            scipy_params=(*dist.args, dist.kwds["loc"], dist.kwds["scale"]),
        )


def fit_family(obs: Observations, family: str) -> FamilyFit:
    """Maximum likelihood of one family (loc = 0) on every observation as recorded."""
    fam = FAMILIES[family]
    fit = maximise(fam, Batch.one(obs))
    return FamilyFit(fam, fit.theta[0], fit.covariance[0], float(fit.log_likelihood[0]))


def fit_all(obs: Observations) -> list[FamilyFit]:
    """Every family that fits to a finite likelihood, best AIC first."""
    fits = [fit_family(obs, name) for name in FAMILIES]
    return sorted((f for f in fits if math.isfinite(f.log_likelihood)), key=lambda f: f.aic)


def naive_fit(obs: Observations) -> Candidate:
    """The best family by AIC when censoring is ignored: every duration taken as exactly its
    midpoint (a rounded d as d; absent as half their wait) and every censored one as complete."""
    values = np.maximum(np.concatenate([obs.midpoints(), obs.right]), 1 / 120)
    naive = Observations(values, np.zeros(0), np.zeros(0), np.zeros(0))
    return fit_all(naive)[0].candidate()


def _scenario_table(c: Candidate) -> dict[str, Any]:
    """The candidate's table with 4 significant figures and cv kept within what the loader accepts."""
    table = c.table
    table["mean"] = float(f"{c.mean:.4g}")
    if "cv" in table:
        table["cv"] = float(f"{min(max(c.cv, CV_MIN), CV_MAX):.4g}")
    return table


def km_values(obs: Observations) -> tuple[np.ndarray, np.ndarray]:
    """Durations as a Kaplan–Meier curve reads them (rounded d at d, plain intervals at their upper
    end: someone absent had left by then), with right-censoring flags."""
    values = np.concatenate([obs.exact, obs.rounded, obs.high, obs.right])
    censored = np.zeros(len(values), dtype=bool)
    censored[obs.n_events :] = True
    return values, censored


def empirical_table(obs: Observations) -> dict[str, Any]:
    """40 quantile midpoints of the Kaplan–Meier curve with equal weights, to 0.1 min (what the
    scenario's `Empirical` accepts); quantiles past the curve's end take the largest time seen."""
    values, censored = km_values(obs)
    v, cdf, _ = kaplan_meier(values[None, :], censored[None, :])
    q = (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS
    i = np.minimum(np.searchsorted(cdf[0], q, side="left"), v.shape[1] - 1)
    points = np.maximum(np.round(v[0, i], 1), 0.1)
    return {
        "dist": "empirical",
        "values": [float(x) for x in points],
        "weights": [1.0] * EMPIRICAL_POINTS,
    }


def _empirical_mean_ci(obs: Observations, best: FamilyFit) -> Interval:
    """Without censoring, the t interval of the midpoints' mean (a rounded d is unbiased for its
    duration); with it, the best family's interval."""
    if obs.n_right:
        return best.mean_ci()
    x = obs.midpoints()
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, len(x) - 1)) * float(np.std(x, ddof=1)) / math.sqrt(len(x))
    return float(x.mean() - half), float(x.mean() + half)


def fit_durations(
    obs: Observations,
    quantity: str,
    group: str,
    level: str,
    *,
    seed: int = 0,
    gof_samples: int = GOF_SAMPLES,
    survival: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> DurationFit:
    """Fit, rank, test and choose (see the module docstring). `gof_samples = 0` skips the Monte Carlo
    tests (the chi-square on minute bins still runs): then the best AIC is chosen untested."""
    censored = km_values(obs)[1]
    record: dict[str, Any] = {
        "quantity": quantity,
        "group": group,
        "level": level,
        "n": obs.n,
        "n_interval": obs.n_interval,
        "n_right": obs.n_right,
        "values": np.concatenate([obs.midpoints(), obs.right]),
        "censored": censored,
        "survival": survival,
    }
    if obs.n_events < MIN_EVENTS:
        return DurationFit(candidates=(), chosen={}, mean_ci=NAN_INTERVAL, **record)
    fits = fit_all(obs)
    rng = np.random.default_rng(seed)
    tested: dict[int, GofResult] = {}
    chosen: FamilyFit | None = None
    for i, f in enumerate(fits):
        if gof_samples == 0 and (obs.n_right or not len(obs.rounded)):
            chosen = fits[0]
            break
        tested[i] = goodness_of_fit(f.family, f.theta[None, :], obs, gof_samples, rng)
        if not tested[i].pvalue <= GOF_LEVEL:  # NaN (too few bins to test) is not a rejection
            chosen = f
            break
    candidates = tuple(f.candidate(tested.get(i)) for i, f in enumerate(fits))
    naive = naive_fit(obs)
    if chosen is None:
        return DurationFit(
            candidates=candidates,
            chosen=empirical_table(obs),
            mean_ci=_empirical_mean_ci(obs, fits[0]),
            naive=naive,
            **record,
        )
    return DurationFit(
        candidates=candidates,
        chosen=_scenario_table(chosen.candidate()),
        mean_ci=chosen.mean_ci(),
        naive=naive,
        **record,
    )
