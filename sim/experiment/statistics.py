"""Across-replication statistics: a mean and a Student-t confidence interval per KPI, and verdicts.

Each replication contributes one value per KPI (DESIGN.md: statistics come from replications, never
from individual visitors), so the replication means are independent and, by the central limit
theorem, close enough to normal for a t interval.

Conventions, chosen so that a planner is never shown false certainty:
- NaN values (a KPI undefined in a replication, e.g. a wait with no counter visitor) are dropped per
  KPI, and `n` counts the values kept.
- n = 0: mean and both limits are NaN.
- n = 1: the mean is the single value and both limits are NaN — one replication says nothing about
  its own variability, so no interval is reported and every target verdict is "undecided".
- All values equal (zero variance, n ≥ 2): the interval collapses to the value itself.
- A KPI with a natural range (`kpi_range`: shares 0–1, counts and durations ≥ 0, 766 scores up to
  their maximum) gets the t interval intersected with that range, so no interval shows a negative
  count or a share above 100%. The true mean lies in the range, so the intersection covers it
  whenever the t interval does: coverage is unchanged. (A Wilson or logit interval would need the
  visitors behind each share; a replication reports only the share.)
- A verdict is "met" only when the whole interval satisfies the rule, "not met" when the whole
  interval violates it, and "undecided" otherwise (including when there is no interval).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from typing import Literal, TypedDict

import numpy as np
from scipy import stats

from sim.scenario.kpis import get_kpi

CONFIDENCE = 0.95
"""Confidence level of every interval and verdict the project reports."""

Verdict = Literal["met", "not met", "undecided"]
VERDICTS: tuple[Verdict, ...] = ("met", "not met", "undecided")

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


class KpiSummary(TypedDict):
    """Mean and confidence limits of one KPI across replications (NaN where undefined)."""

    mean: float
    ci_low: float
    ci_high: float
    n: int


def kpi_range(key: str) -> tuple[float, float]:
    """The values a KPI (or a dotted breakdown) can take, from the KPI registry: (0, 1) for shares,
    (0, max) for scores, (0, ∞) for counts, minutes, days and staff time (over 100% when a person
    is over-committed); (−∞, ∞) for an unknown key."""
    kpi = get_kpi(key)
    if kpi is None:
        return -math.inf, math.inf
    if kpi.upper is not None:
        return 0.0, kpi.upper
    if kpi.out_of is not None:
        return 0.0, kpi.out_of
    return 0.0, (1.0 if kpi.kind == "share" else math.inf)


def summarise(
    values: Iterable[float], confidence: float = CONFIDENCE, bounds: tuple[float, float] | None = None
) -> KpiSummary:
    """Mean and two-sided Student-t interval of replication values, NaNs dropped; `bounds`
    (e.g. `kpi_range(key)`) clip the interval to the values the quantity can take."""
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    nan = math.nan
    if n == 0:
        return {"mean": nan, "ci_low": nan, "ci_high": nan, "n": 0}
    if np.all(x == x[0]):
        # Exact: np.mean of identical floats can differ from them in the last bit.
        value = float(x[0])
        if n == 1:
            return {"mean": value, "ci_low": nan, "ci_high": nan, "n": 1}
        return {"mean": value, "ci_low": value, "ci_high": value, "n": n}
    mean = float(np.mean(x))
    sem = float(np.std(x, ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, df=n - 1)) * sem
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": n}


def summarise_kpi(key: str, values: Iterable[float], confidence: float = CONFIDENCE) -> KpiSummary:
    """`summarise` of a KPI's replication values, its interval kept within `kpi_range(key)`."""
    return summarise(values, confidence, kpi_range(key))


def verdict(op: str, value: float, ci_low: float, ci_high: float) -> Verdict:
    """Compare a confidence interval with the rule `kpi op value`."""
    if op not in _OPS:
        raise ValueError(f"unknown operator {op!r}; allowed: {', '.join(_OPS)}")
    if math.isnan(ci_low) or math.isnan(ci_high):
        return "undecided"
    holds = _OPS[op]
    if holds(ci_low, value) and holds(ci_high, value):
        return "met"
    if not holds(ci_low, value) and not holds(ci_high, value):
        return "not met"
    return "undecided"
