"""Patience: how long people will wait before leaving, from tickets mostly served (right-censored).

Most visitors are called before they lose patience, so most patience times are only known to
exceed the wait: the mean of the walk-outs' times alone is far too short. The families are fitted
with the censoring (`fit_durations`), and the Kaplan–Meier curve with its interval goes in the
record for the report. With fewer than `MIN_EVENTS` walk-outs nothing is written: the base
scenario's estimate stays.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from sim.fitting.durations import GOF_SAMPLES, fit_durations, km_values
from sim.fitting.observations import Observations
from sim.fitting.results import CONFIDENCE, DurationFit


def survival_curve(obs: Observations) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier (time, survival, low, high) by `scipy.stats.ecdf`, with its pointwise interval.

    Someone absent when called left at an unknown time before the call; the curve counts them as
    leaving at the call (it cannot take an interval), so it slightly overstates survival before it.
    """
    values, censored = km_values(obs)
    if not len(values):
        empty = np.zeros(0)
        return empty, empty, empty, empty
    data = stats.CensoredData(uncensored=values[~censored], right=values[censored])
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings():  # undefined where survival is 0 or 1: NaN there, as documented
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        ci = sf.confidence_interval(confidence_level=CONFIDENCE)
    return sf.quantiles, sf.probabilities, ci.low.probabilities, ci.high.probabilities


def fit_patience(obs: Observations, *, seed: int = 0, gof_samples: int = GOF_SAMPLES) -> DurationFit:
    """Patience in minutes, fitted with every walk-out, absence and call (see the module docstring)."""
    return fit_durations(
        obs, "patience_min", "", "all", seed=seed, gof_samples=gof_samples, survival=survival_curve(obs)
    )
