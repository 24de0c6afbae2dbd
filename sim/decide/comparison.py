"""The result of comparing scenarios, and its folder: the contract between the comparison logic,
the CLI and the report. Built by `sim.decide.compare.compare`; rendered by `sim.report`.

A comparison folder is written whole or not at all, never over an existing one:

    <folder>/
      comparison.csv            tidy: one row per scenario and KPI (`COLUMNS`)
      meta.json                 command line, seed, replications and how they were chosen, versions
      plots/*.png               from the writers passed in (`sim.report.compare_plots`)
      scenarios/<name>/         per scenario, what `Results.save` writes: scenario.toml, meta.json,
                                summary.json (with target verdicts), replications.csv, plots/

Scenario folders sit under `scenarios/` so that a scenario named e.g. "plots" cannot collide with
the comparison's own files. Like `Results.save`, everything is assembled in a hidden sibling folder
and renamed into place only when complete; plots and reports come in as writers (callables
`(comparison, folder)`), so this layer never imports `sim.report`.
"""

from __future__ import annotations

import csv
import math
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.folders import save_with_writers
from sim.experiment.results import Results, csv_cell, library_versions, package_version, write_json
from sim.experiment.sensitivity import Sensitivity
from sim.scenario.kpis import N_

if TYPE_CHECKING:
    import pandas as pd

ComparisonWriter = Callable[["Comparison", Path], object]
"""Writes extra files (plots, a report) for a `Comparison` into a folder being assembled."""

# Verdicts are data (comparison.csv) in English and msgids: the reports translate them where shown.
BETTER, WORSE, NO_DIFFERENCE = N_("better"), N_("worse"), N_("no detectable difference")
BETTER_MAYBE_SMALL = N_("better, maybe not enough to matter")
BETTER_SMALL = N_("better, but too small to matter")
WORSE_MAYBE_SMALL = N_("worse, maybe enough to matter")
WORSE_SMALL = N_("worse, but too small to matter")

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
    sensitivity: tuple[tuple[str, str, Sensitivity], ...] = ()
    """With `--sensitivity`: (alternative, key KPI, sweep) — the paired difference of the first key
    KPI with each ranged estimate of the base at its low and high end (`sim.decide.sweep`)."""
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
        """Write a new comparison folder (see `save_comparison`); never overwrites."""
        return save_comparison(self, folder)

    @property
    def adjusted_confidence(self) -> float:
        """Per-comparison confidence after the Bonferroni adjustment: 1 − (1 − level) / m."""
        return 1.0 - (1.0 - self.confidence) / max(1, self.comparisons)

    def table(self) -> pd.DataFrame:
        """The tidy table written to comparison.csv."""
        import pandas as pd

        return pd.DataFrame([[getattr(r, c) for c in COLUMNS] for r in self.rows], columns=list(COLUMNS))


# ----- the comparison's folder ----------------------------------------------------------------

SCENARIOS_DIR = "scenarios"
"""Sub-folder holding one folder per scenario, named by the scenario's name."""


def scenario_folder(folder: str | Path, name: str) -> Path:
    """Where a scenario's results sit inside a comparison folder."""
    return Path(folder) / SCENARIOS_DIR / name


def save_comparison(comparison: Comparison, folder: str | Path) -> Path:
    """Write a new comparison folder and return its path; refuse a folder that already exists."""

    return save_with_writers(folder, comparison, lambda tmp: write_files(comparison, tmp), comparison.writers)


def write_files(comparison: Comparison, folder: Path) -> None:
    """comparison.csv, meta.json and each scenario's folder, into an existing folder."""
    write_table(comparison, folder / "comparison.csv")
    write_json(folder / "meta.json", meta(comparison))
    for results in comparison.scenarios:
        _write_scenario(results, scenario_folder(folder, results.scenario.name))


def write_table(comparison: Comparison, path: Path) -> None:
    """The tidy table: floats as repr (exact round trip), NaN as an empty cell."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in comparison.rows:
            out.writerow([csv_cell(getattr(row, c)) for c in COLUMNS])


def _write_scenario(results: Results, folder: Path) -> None:
    folder.mkdir(parents=True)
    results.write_files(folder)
    for writer in results.writers:
        writer(results, folder)


def meta(comparison: Comparison) -> dict[str, Any]:
    """How the comparison was made: the command, seed, replications and rule, versions."""
    base = comparison.base
    return {
        "package": "centre-sim",
        "version": package_version(),
        "command_line": list(sys.argv),
        "base": base.scenario.name,
        "alternatives": [r.scenario.name for r in comparison.alternatives],
        "seed": base.seed,
        "common_random_numbers": True,
        "replications": comparison.replications,
        "replication_rule": comparison.replication_rule,
        "precision_checks": [
            {
                "alternative": c.alternative,
                "kpi": c.kpi,
                "half_width": c.half_width,
                "bound": c.bound,
                "met": c.met,
            }
            for c in comparison.precision_checks
        ],
        "key_kpis": list(comparison.key_kpis),
        "sensitivity": [
            {
                "alternative": alt,
                "kpi": kpi,
                "decision": "mean paired difference (alternative - base)",
                "central": sweep.central,
                "holds": sweep.holds,
                "bars": [
                    {
                        "key": b.key,
                        "value": b.value,
                        "low": b.low,
                        "high": b.high,
                        "at_low": b.at_low,
                        "at_high": b.at_high,
                        "flip": b.flip,
                    }
                    for b in sweep.bars
                ],
            }
            for alt, kpi, sweep in comparison.sensitivity
        ],
        "confidence": comparison.confidence,
        "comparisons": comparison.comparisons,
        "adjusted_confidence": comparison.adjusted_confidence,
        "workers": max(r.workers for r in comparison.scenarios),
        "wall_time_s": sum(r.wall_time_s for r in comparison.scenarios),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": library_versions(),
        "created": base.created,
        "scenario_folders": {
            r.scenario.name: f"{SCENARIOS_DIR}/{r.scenario.name}" for r in comparison.scenarios
        },
    }


__all__ = [
    "BETTER",
    "BETTER_MAYBE_SMALL",
    "BETTER_SMALL",
    "COLUMNS",
    "NO_DIFFERENCE",
    "SCENARIOS_DIR",
    "VERDICTS",
    "WORSE",
    "WORSE_MAYBE_SMALL",
    "WORSE_SMALL",
    "Comparison",
    "ComparisonWriter",
    "KpiComparison",
    "PrecisionCheck",
    "meta",
    "save_comparison",
    "scenario_folder",
    "write_files",
    "write_table",
]
