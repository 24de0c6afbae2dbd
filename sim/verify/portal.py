"""Real portal data for validation: the 766-index figures of Phú Thọ's 148 communes.

The national public-service portal publishes, per commune and month, dossiers received, on time,
overdue and the average processing days (see `data/phu_tho_766/README.md` for the provenance).
This module loads those tables with clear errors for malformed files, picks out one commune, and
places a simulated figure within the province's distribution.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_bytes

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "phu_tho_766"
PROGRESS_COLUMNS = (
    "code",
    "name",
    "level",
    "received",
    "on_time",
    "overdue",
    "avg_processing_days",
    "on_time_ratio_pct",
    "score",
    "max_score",
)
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


MAX_CSV_BYTES = 16 << 20
"""A portal table is about 12 kB; anything over 16 MiB is refused unread."""

_NUMBERS = ("received", "on_time", "overdue", "avg_processing_days")


def load_progress(path: str | Path | None = None) -> list[Unit]:
    """Read a `progress_*.csv` table; any problem is a `ScenarioError` naming file, line and column.

    Accepts a UTF-8 byte-order mark (spreadsheet programs write one); blank lines are skipped.
    """
    path = Path(path) if path is not None else DATA_DIR / "progress_2026-08.csv"
    source = str(path)
    try:
        text = read_bytes(path, MAX_CSV_BYTES, "a portal table (.csv text)").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "is not UTF-8 text; save the table as CSV in UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    units: list[Unit] = []
    header: list[str] | None = None
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [v.strip() for v in values]
                missing = [c for c in PROGRESS_COLUMNS if c not in header]
                if missing:
                    raise ScenarioError(
                        source,
                        "header",
                        f"missing column {missing[0]!r}; expected columns: {', '.join(PROGRESS_COLUMNS)}",
                    )
                continue
            units.append(_unit(source, reader.line_num, header, values))
    except csv.Error as exc:
        raise ScenarioError(
            source,
            f"line {reader.line_num}",
            f"not readable as CSV ({exc}); "
            "a table is comma-separated, with text containing commas in "
            "double quotes",
        ) from None
    if not units:
        raise ScenarioError(source, "", "no data rows; expected a header line and one line per unit")
    return units


def _unit(source: str, line: int, header: list[str], values: list[str]) -> Unit:
    """One data row as a `Unit`; a short or long row or a bad number names its line and column."""
    if len(values) != len(header):
        raise ScenarioError(
            source,
            f"line {line}",
            f"has {len(values)} values but the header "
            f"has {len(header)} columns; every row needs one value per column "
            "(text containing commas goes in double quotes)",
        )
    row = {c: v.strip() for c, v in zip(header, values, strict=True)}
    for column in _NUMBERS:
        if not _parses(
            row[column], float if column == "avg_processing_days" else int, empty_ok=column == "overdue"
        ):
            shown = row[column] if len(row[column]) <= 40 else row[column][:37] + "..."
            raise ScenarioError(
                source,
                f"line {line}.{column}",
                f"{shown!r} is not a number; "
                "received, on_time and overdue are whole numbers (overdue may be "
                "empty), avg_processing_days a decimal",
            )
    return Unit(
        code=row["code"],
        name=row["name"],
        level=row["level"],
        received=int(row["received"]),
        on_time=int(row["on_time"]),
        overdue=int(row["overdue"]) if row["overdue"] else None,
        avg_processing_days=float(row["avg_processing_days"]),
    )


def _parses(text: str, kind: type[int] | type[float], empty_ok: bool) -> bool:
    if not text:
        return empty_ok
    try:
        value = kind(text)
    except ValueError:
        return False
    return math.isfinite(value)


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
        "processing_days_percentile": percentile_rank(processing_days, [u.avg_processing_days for u in cs]),
        "communes": float(len(cs)),
        "province_on_time_median": float(np.median([u.on_time_rate for u in cs])),
        "province_processing_days_median": float(np.median([u.avg_processing_days for u in cs])),
    }
