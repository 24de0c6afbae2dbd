"""The outcome of an experiment: per-replication outputs, summaries, verdicts, and a results folder.

Layering: the experiment layer writes only data files (scenario, metadata, summary, replication
table, event log, and with it the first replication's ticket log and dossier register). Anything
drawn from the data — plots, reports — lives in layers above and is plugged in as `writers`:
callables `(results, folder)` run inside the temporary folder before it is renamed into place.
`sim.run` (in `sim.api`) returns `Results` with the plot writer from
`sim.report` attached, so `sim.run(...).save(folder)` writes data and plots while
`sim.experiment` never imports `sim.report`.

A results folder is written whole or not at all: everything goes into a hidden sibling folder which
is renamed to its final name only when complete. An existing folder is never overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from sim.experiment.folders import save_with_writers
from sim.experiment.statistics import CONFIDENCE, KpiSummary, summarise_kpi, verdict
from sim.logs.export import exportable, write_logs
from sim.model.output import EVENT_LOG_COLUMNS, ReplicationOutput
from sim.scenario.kpis import KPIS
from sim.scenario.schema import Scenario
from sim.scenario.warnings import scenario_warnings

Writer = Callable[["Results", Path], object]
"""Writes extra files (plots, reports) for `Results` into a folder that is being assembled."""

LIBRARIES: tuple[str, ...] = ("simpy", "numpy", "scipy", "pandas", "matplotlib", "pydantic")
"""Libraries whose versions go into meta.json: the ones that can change a printed figure."""


def kpi_order(keys: Sequence[str] | set[str]) -> list[str]:
    """Headline KPIs in the order of `KPIS`, then every other key (breakdowns) sorted."""
    present = set(keys)
    headline = [k for k in KPIS if k in present]
    return headline + sorted(present - set(headline))


def package_version() -> str:
    """Installed distribution version, or the source tree's `sim.__version__`."""
    try:
        return metadata.version("centre-sim")
    except metadata.PackageNotFoundError:
        from sim._version import __version__

        return __version__


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _json_safe(value: Any) -> Any:
    """NaN and infinities become null: JSON has no NaN, and null reads as "no value"."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _drop_none(value: Any) -> Any:
    """TOML has no null: leave keys with None out (the schema's default is then None again)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(_json_safe(data), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def csv_cell(value: Any) -> Any:
    """Floats as repr (shortest exact round trip), NaN and None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    return value


@dataclass(eq=False)
class Results:
    """Replication outputs of one scenario and everything derived from them.

    `scenario` is the scenario as run: its `[run]` table holds the replications, seed and event-log
    switch actually used, so rerunning the saved `scenario.toml` reproduces every figure.
    Replication `i` (the `replication` column) is `sim.model.simulate(scenario, seed, i)`.
    """

    scenario: Scenario
    seed: int
    outputs: list[ReplicationOutput]
    workers: int = 1
    wall_time_s: float = math.nan
    writers: tuple[Writer, ...] = field(default=())
    created: str = field(default_factory=lambda: dt.datetime.now().astimezone().isoformat(timespec="seconds"))

    def __repr__(self) -> str:  # the outputs hold large arrays: keep notebooks readable
        return (
            f"Results(scenario={self.scenario.name!r}, replications={self.n_replications}, "
            f"seed={self.seed}, workers={self.workers}, wall_time_s={self.wall_time_s:.2f})"
        )

    @property
    def n_replications(self) -> int:
        return len(self.outputs)

    @property
    def event_log_collected(self) -> bool:
        return any(o.event_log is not None for o in self.outputs)

    @cached_property
    def replications(self) -> pd.DataFrame:
        """One row per replication: `replication`, then KPI columns in `kpi_order`."""
        keys = kpi_order({k for o in self.outputs for k in o.kpis})
        rows = {k: [float(o.kpis.get(k, math.nan)) for o in self.outputs] for k in keys}
        frame = pd.DataFrame(
            {"replication": [o.replication for o in self.outputs], **rows},
            columns=["replication", *keys],
        )
        return frame.astype({"replication": "int64", **dict.fromkeys(keys, "float64")})

    @cached_property
    def summary(self) -> dict[str, KpiSummary]:
        """KPI → mean, 95% CI limits and n (replications with a value), in column order."""
        frame = self.replications
        return {k: summarise_kpi(k, frame[k].to_numpy()) for k in frame.columns[1:]}

    @cached_property
    def targets(self) -> list[dict[str, Any]]:
        """The scenario's target rules with the KPI's mean, interval and verdict."""
        nan = math.nan
        out = []
        for rule in self.scenario.targets.rules:
            s = self.summary.get(rule.kpi)
            mean, low, high = (s["mean"], s["ci_low"], s["ci_high"]) if s else (nan, nan, nan)
            out.append(
                {
                    "kpi": rule.kpi,
                    "op": rule.op,
                    "value": rule.value,
                    "label": rule.label,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "verdict": verdict(rule.op, rule.value, low, high),
                }
            )
        return out

    # ----- writing a results folder -------------------------------------------------------------

    def save(self, folder: str | Path) -> Path:
        """Write a new results folder and return its path; refuse a folder that already exists."""

        return save_with_writers(folder, self, self.write_files, self.writers)

    def write_files(self, folder: Path) -> None:
        """The data files of a results folder (no plots) into an existing folder."""
        resolved = _drop_none(self.scenario.model_dump(mode="python"))
        header = (
            f"# Scenario {self.scenario.name!r} as run by centre-sim {package_version()}, "
            "every default filled in.\n# `python -m sim run scenario.toml` reruns it with "
            "the same replications and seed.\n\n"
        )
        (folder / "scenario.toml").write_text(header + tomli_w.dumps(resolved), encoding="utf-8")
        write_json(folder / "meta.json", self.meta())
        write_json(folder / "summary.json", self.summary_document())
        self.replications.to_csv(folder / "replications.csv", index=False, na_rep="", lineterminator="\n")
        if self.event_log_collected:
            self.write_event_log(folder / "event_log.csv")
            first = next(o for o in self.outputs if o.event_log is not None)
            if exportable(first):
                # One replication only: one simulated history of the centre, as a real export is.
                write_logs(folder, first, self.scenario)

    def meta(self) -> dict[str, Any]:
        """How the results were made: versions, seed, command line, timing."""
        return {
            "package": "centre-sim",
            "version": package_version(),
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replications": self.n_replications,
            "workers": self.workers,
            "confidence": CONFIDENCE,
            "command_line": list(sys.argv),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "libraries": library_versions(),
            "wall_time_s": self.wall_time_s,
            "created": self.created,
        }

    def summary_document(self) -> dict[str, Any]:
        """The content of summary.json."""
        return {
            "scenario": self.scenario.name,
            "replications": self.n_replications,
            "seed": self.seed,
            "back_office_start": self.scenario.back_office_start,
            "kpis": {k: dict(v) for k, v in self.summary.items()},
            "targets": self.targets,
            "warnings": list(scenario_warnings(self.scenario)),
        }

    def write_event_log(self, path: Path) -> None:
        """All replications' visit rows, streamed, with a leading `replication` column."""
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(("replication", *EVENT_LOG_COLUMNS))
            for o in self.outputs:
                for row in o.event_log or ():
                    out.writerow((o.replication, *(csv_cell(v) for v in row)))
