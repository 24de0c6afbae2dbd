"""The folder of a comparison, written whole or not at all, never over an existing one.

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
import platform
import sys
from pathlib import Path
from typing import Any

from sim.decide.comparison import COLUMNS, Comparison
from sim.experiment.folders import write_new_folder
from sim.experiment.results import Results, csv_cell, library_versions, package_version, write_json

SCENARIOS_DIR = "scenarios"
"""Sub-folder holding one folder per scenario, named by the scenario's name."""


def scenario_folder(folder: str | Path, name: str) -> Path:
    """Where a scenario's results sit inside a comparison folder."""
    return Path(folder) / SCENARIOS_DIR / name


def save_comparison(comparison: Comparison, folder: str | Path) -> Path:
    """Write a new comparison folder and return its path; refuse a folder that already exists."""

    def fill(tmp: Path) -> None:
        write_files(comparison, tmp)
        for writer in comparison.writers:
            writer(comparison, tmp)

    return write_new_folder(folder, fill)


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


__all__ = ["SCENARIOS_DIR", "meta", "save_comparison", "scenario_folder", "write_files", "write_table"]
