"""Confidence intervals the fitters share: Wilson for shares, Student t for means over days.

The t interval is the experiment layer's (`sim.experiment.statistics.summarise`), so a figure
fitted from data and the same figure from replications carry intervals built the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from scipy import stats

from sim.experiment.statistics import summarise
from sim.fitting.results import CONFIDENCE, Interval, Share

NAN_INTERVAL: Interval = (math.nan, math.nan)


def wilson(successes: int, total: int, confidence: float = CONFIDENCE) -> Interval:
    """Wilson score interval of a proportion (NaN without observations): it stays inside [0, 1]
    and keeps its coverage near 0 and 1, where the normal approximation does not."""
    if total <= 0:
        return NAN_INTERVAL
    test = stats.binomtest(int(successes), int(total))
    ci = test.proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def share(name: str, successes: int, total: int, confidence: float = CONFIDENCE) -> Share:
    """A `Share` with its Wilson interval (estimate NaN when `total` is 0)."""
    estimate = successes / total if total > 0 else math.nan
    return Share(name, int(successes), int(total), estimate, wilson(successes, total, confidence))


def mean_interval(
    values: Iterable[float], confidence: float = CONFIDENCE, low_bound: float = 0.0
) -> tuple[float, Interval]:
    """Mean and Student-t interval over independent units (days, dossiers), kept at or above
    `low_bound` (counts and durations are never negative)."""
    s = summarise(values, confidence, (low_bound, math.inf))
    return s["mean"], (s["ci_low"], s["ci_high"])


def normal_quantile(confidence: float = CONFIDENCE) -> float:
    """z of a two-sided interval at `confidence` (for delta-method intervals)."""
    return float(stats.norm.ppf(0.5 + confidence / 2))
