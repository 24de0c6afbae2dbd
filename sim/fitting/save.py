"""A fit's results folder: tidy tables for researchers, the report for readers, the new file.

The folder (`results/fit-<name>-<date>-<time>/` by default) is written whole or not at all
(`sim.experiment.folders`), then the new scenario file, which must not exist: a fit never
overwrites either.

    fits.csv              one row per (group, family): n, censored, mean, cv, AIC, ΔAIC, p, chosen
    arrival_profile.csv   one row per (season, 30-minute slot): tickets per day and its interval
    shares.csv            one row per share: count, total, estimate, interval
    checks.csv            the validation: KPI, data and model values with their intervals
    values.csv            what the new scenario overrides: key path, value, n, method
    scenario.toml         a copy of the new scenario file's text
    meta.json             versions, files read, rows, seed, command line
    fit_report.html       the report (figures embedded)
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.experiment.folders import save_with_writers
from sim.experiment.results import library_versions, package_version, write_json
from sim.fitting.fit import Fitted, written_candidate
from sim.scenario import ScenarioError


def _cell(value: object) -> object:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(round(value, 10))
    return value


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for row in rows:
            out.writerow([_cell(v) for v in row])


def fit_rows(fitted: Fitted) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for d in fitted.result.durations:
        best, written = d.best, written_candidate(d)
        for c in d.candidates:
            chosen = written is not None and c.family == written.family
            delta = c.aic - best.aic if best is not None else math.nan
            rows.append(
                (d.quantity, d.level, d.group, d.n, d.n_interval, d.n_right, c.family, c.mean, c.cv,
                 c.log_likelihood, c.aic, delta, c.gof_statistic, c.gof_pvalue, chosen)
            )  # fmt: skip
        if d.empirical:
            nan = math.nan
            rows.append((d.quantity, d.level, d.group, d.n, d.n_interval, d.n_right, "empirical",
                         nan, nan, nan, nan, nan, nan, nan, True))  # fmt: skip
    return rows


def write_tables(fitted: Fitted, folder: Path) -> None:
    """The data files of a fit's folder."""
    r = fitted.result
    _write_csv(
        folder / "fits.csv",
        (
            "quantity",
            "level",
            "group",
            "n",
            "n_interval",
            "n_right",
            "family",
            "mean",
            "cv",
            "log_likelihood",
            "aic",
            "delta_aic",
            "gof_statistic",
            "gof_pvalue",
            "chosen",
        ),
        fit_rows(fitted),
    )
    _write_csv(
        folder / "arrival_profile.csv",
        ("season", "start", "end", "tickets_per_day", "ci_low", "ci_high", "weight"),
        (
            (season, s.start, s.end, s.rate_per_day, s.ci[0], s.ci[1], s.weight)
            for season, slots in r.arrivals.profiles.items()
            for s in slots
        ),
    )
    _write_csv(
        folder / "shares.csv",
        ("share", "count", "total", "estimate", "ci_low", "ci_high"),
        ((s.name, s.successes, s.total, s.estimate, s.ci[0], s.ci[1]) for s in r.shares),
    )
    _write_csv(
        folder / "checks.csv",
        ("kpi", "data", "data_low", "data_high", "model", "model_low", "model_high", "agree"),
        ((c.kpi, c.data, *c.data_ci, c.model, *c.model_ci, c.agree) for c in r.checks),
    )
    _write_csv(
        folder / "values.csv",
        ("key", "value", "file", "period", "n", "method"),
        (
            (".".join(v.path), json.dumps(v.value, ensure_ascii=False), v.file, v.period, v.n, v.method)
            for v in r.values
        ),
    )
    (folder / "scenario.toml").write_text(fitted.text, encoding="utf-8")
    write_json(folder / "meta.json", meta(fitted))


def _source(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "file": p.file,
        "first_day": p.first_day.isoformat(),
        "last_day": p.last_day.isoformat(),
        "rows_read": p.rows_read,
        "rows_dropped": len(p.dropped),
        "encoding": p.encoding,
        "time_resolution": p.time_resolution,
    }


def meta(fitted: Fitted) -> dict[str, Any]:
    q = fitted.request
    return {
        "package": "centre-sim",
        "version": package_version(),
        "command": "fit",
        "tickets": _source(fitted.result.tickets),
        "dossiers": _source(fitted.result.dossiers),
        "base": str(q.base),
        "scenario_file": str(q.out),
        "validation_replications": q.replications if q.validate else 0,
        "seed": q.seed,
        "command_line": list(sys.argv),
        "libraries": library_versions(),
    }


def save(
    fitted: Fitted,
    folder: Path,
    writers: Sequence[Callable[[Fitted, Path], object]] = (),
) -> Path:
    """Write the results folder, then the new scenario file (refused if it exists)."""
    out = fitted.request.out
    if out.exists():
        raise ScenarioError(str(out), "", "already exists; a fit never overwrites a file, choose a new name")
    written = save_with_writers(folder, fitted, lambda where: write_tables(fitted, where), writers)
    try:
        with out.open("x", encoding="utf-8") as fh:  # "x": fails if `out` appeared meanwhile
            fh.write(fitted.text)
    except FileExistsError:
        raise ScenarioError(
            str(out), "", "already exists; a fit never overwrites a file, choose a new name"
        ) from None
    except OSError:
        out.unlink(missing_ok=True)
        raise
    return written
