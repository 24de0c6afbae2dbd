"""The result of comparing scenarios: the contract between the comparison logic, the CLI and the
report. Built by `sim.decide.compare.compare`; rendered by `sim.report`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiment.results import Results

ComparisonWriter = Callable[["Comparison", Path], None]
"""Writes extra files (plots, a report) for a `Comparison` into a folder being assembled."""

BETTER, WORSE, NO_DIFFERENCE = "better", "worse", "no detectable difference"
BETTER_MAYBE_SMALL = "better, maybe not enough to matter"
BETTER_SMALL = "better, but too small to matter"
WORSE_MAYBE_SMALL = "worse, maybe enough to matter"
WORSE_SMALL = "worse, but too small to matter"

VERDICTS = (BETTER, BETTER_MAYBE_SMALL, BETTER_SMALL, NO_DIFFERENCE, WORSE_SMALL, WORSE_MAYBE_SMALL, WORSE)
"""Verdicts of an alternative against the base for a KPI with a better direction, from best to
worst. With a minimum important difference δ > 0 (`[targets] minimum_important_difference`):
the interval of the gain wholly beyond +δ is "better"; wholly between 0 and +δ "better, but too
small to matter"; across +δ "better, maybe not enough to matter"; mirrored for losses; across 0
"no detectable difference". With δ = 0 only "better", "worse" and "no detectable difference"."""

COLUMNS = (
    "scenario",
    "kpi",
    "mean",
    "ci_low",
    "ci_high",
    "difference",
    "diff_ci_low",
    "diff_ci_high",
    "mid",
    "verdict",
)
"""Columns of `comparison.csv` (tidy: one row per scenario and KPI)."""


@dataclass(frozen=True, slots=True)
class KpiComparison:
    """One scenario's KPI, and for an alternative its paired difference from the base."""

    scenario: str
    kpi: str
    mean: float
    ci_low: float
    ci_high: float
    difference: float = float("nan")
    """alternative − base, mean over paired replications (NaN for the base row)."""
    diff_ci_low: float = float("nan")
    diff_ci_high: float = float("nan")
    """Bonferroni-adjusted confidence interval of the paired difference."""
    verdict: str = ""
    """One of VERDICTS for an alternative's KPI with a direction; "" for the base or a neutral KPI."""
    mid: float = float("nan")
    """Minimum important difference the verdict used, in the KPI's unit (NaN: not a key KPI)."""


@dataclass(frozen=True, slots=True)
class PrecisionCheck:
    """The `--replications auto` rule on one key difference, at the replications finally used."""

    alternative: str
    kpi: str
    half_width: float
    """Half-width of the difference's Bonferroni-adjusted interval (NaN if it has none)."""
    bound: float
    """What the rule asked for: max(precision × |base mean|, the KPI's absolute bound)."""

    @property
    def met(self) -> bool:
        return not math.isnan(self.half_width) and self.half_width <= self.bound


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything a comparison report needs."""

    base: Results
    alternatives: tuple[Results, ...]
    rows: tuple[KpiComparison, ...]
    key_kpis: tuple[str, ...]
    """KPIs whose differences get verdicts (and drive `--replications auto`)."""
    confidence: float
    """Family-wise confidence level, e.g. 0.95."""
    comparisons: int
    """Number of (alternative, key KPI) differences judged: the Bonferroni divisor."""
    replications: int
    replication_rule: str
    """How the number of replications was chosen, in words (fixed, or the auto rule's outcome)."""
    precision_checks: tuple[PrecisionCheck, ...] = ()
    """With `replications="auto"`: each key difference's half-width against its bound; else empty."""
    writers: tuple[ComparisonWriter, ...] = ()
    """Run by `save` inside the folder being assembled (plots, report); `sim.compare` adds the plots."""

    @property
    def scenarios(self) -> tuple[Results, ...]:
        """The base, then the alternatives."""
        return (self.base, *self.alternatives)

    def row(self, scenario: str, kpi: str) -> KpiComparison | None:
        """The row of one scenario's KPI, or None if that scenario did not report it."""
        for r in self.rows:
            if r.scenario == scenario and r.kpi == kpi:
                return r
        return None

    def save(self, folder: str | Path) -> Path:
        """Write a new comparison folder (see `sim.decide.output.save_comparison`); never overwrites."""
        from sim.decide.output import save_comparison

        return save_comparison(self, folder)

    @property
    def adjusted_confidence(self) -> float:
        """Per-comparison confidence after the Bonferroni adjustment: 1 − (1 − level) / m."""
        return 1.0 - (1.0 - self.confidence) / max(1, self.comparisons)

    def table(self) -> pd.DataFrame:
        """The tidy table written to comparison.csv."""
        return pd.DataFrame([[getattr(r, c) for c in COLUMNS] for r in self.rows], columns=list(COLUMNS))
