"""The result of comparing scenarios: the contract between the comparison logic, the CLI and the
report. Built by `sim.decide.compare.compare`; rendered by `sim.report`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.experiment.results import Results

VERDICTS = ("better", "worse", "no detectable difference")
"""Plain verdicts of an alternative against the base, for KPIs with a better direction."""

COLUMNS = ("scenario", "kpi", "mean", "ci_low", "ci_high", "difference", "diff_ci_low",
           "diff_ci_high", "verdict")
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

    @property
    def adjusted_confidence(self) -> float:
        """Per-comparison confidence after the Bonferroni adjustment: 1 − (1 − level) / m."""
        return 1.0 - (1.0 - self.confidence) / max(1, self.comparisons)

    def table(self) -> pd.DataFrame:
        """The tidy table written to comparison.csv."""
        return pd.DataFrame([[getattr(r, c) for c in COLUMNS] for r in self.rows], columns=list(COLUMNS))
