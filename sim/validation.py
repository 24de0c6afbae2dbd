"""Real portal data for validation: the 766-index figures of Phú Thọ's 148 communes.

The national public-service portal publishes, per commune and month, dossiers received, on time,
overdue and the average processing days (see `data/phu_tho_766/README.md` for the provenance).
This module loads those tables with clear errors for malformed files, picks out one commune, and
places a simulated figure within the province's distribution.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.scenario.errors import ScenarioError

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "phu_tho_766"
PROGRESS_COLUMNS = ("code", "name", "level", "received", "on_time", "overdue", "avg_processing_days",
                    "on_time_ratio_pct", "score", "max_score")
DAO_XA = "H44.145"


@dataclass(frozen=True, slots=True)
class Unit:
    """One row of a progress table (a commune, a department or the province)."""

    code: str
    name: str
    level: str
    received: int
    on_time: int
    overdue: int | None
    avg_processing_days: float

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.received if self.received else float("nan")


def load_progress(path: str | Path | None = None) -> list[Unit]:
    """Read a `progress_*.csv` table; any problem is a `ScenarioError` naming file, row and column."""
    path = Path(path) if path is not None else DATA_DIR / "progress_2026-08.csv"
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, "", "file not found") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "is not UTF-8 text") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise ScenarioError(source, "", "no data rows")
    missing = [c for c in PROGRESS_COLUMNS if c not in rows[0]]
    if missing:
        raise ScenarioError(source, "header", f"missing column {missing[0]!r}; expected columns: "
                            f"{', '.join(PROGRESS_COLUMNS)}")
    units: list[Unit] = []
    for i, row in enumerate(rows, start=2):
        try:
            overdue = row["overdue"].strip()
            units.append(Unit(
                code=row["code"], name=row["name"], level=row["level"],
                received=int(row["received"]), on_time=int(row["on_time"]),
                overdue=int(overdue) if overdue else None,
                avg_processing_days=float(row["avg_processing_days"]),
            ))
        except (ValueError, TypeError):
            bad = next((c for c in ("received", "on_time", "overdue", "avg_processing_days")
                        if not _number(row.get(c))), "row")
            raise ScenarioError(source, f"line {i}.{bad}", f"{row.get(bad)!r} is not a number; "
                                "received, on_time and overdue are whole numbers, "
                                "avg_processing_days a decimal") from None
    return units


def _number(text: str | None) -> bool:
    if text is None:
        return False
    if text.strip() == "":
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def communes(units: list[Unit]) -> list[Unit]:
    """The province's communes and wards (level COMMUNE) with at least one dossier."""
    return [u for u in units if u.level == "COMMUNE" and u.received > 0]


def unit(units: list[Unit], code: str = DAO_XA) -> Unit:
    for u in units:
        if u.code == code:
            return u
    raise KeyError(f"no unit with code {code!r}")


def percentile_rank(value: float, population: list[float]) -> float:
    """Share of the population (0–100) at or below `value` — where a figure sits in the province."""
    arr = np.asarray(population, dtype=float)
    return float(100.0 * np.mean(arr <= value))


def position(on_time_rate: float, processing_days: float, units: list[Unit]) -> dict[str, float]:
    """Where a (simulated) centre sits among the province's communes on both portal measures."""
    cs = communes(units)
    return {
        "on_time_rate_percentile": percentile_rank(on_time_rate, [u.on_time_rate for u in cs]),
        "processing_days_percentile": percentile_rank(processing_days,
                                                      [u.avg_processing_days for u in cs]),
        "communes": float(len(cs)),
        "province_on_time_median": float(np.median([u.on_time_rate for u in cs])),
        "province_processing_days_median": float(np.median([u.avg_processing_days for u in cs])),
    }
