"""The KPIs a ticket log and a register show directly, computed the same way for data and model.

The validation step compares a fitted scenario with the centre's data. Comparing the model's own
KPIs with figures computed from the data would mix two definitions (the model's wait starts before
the ticket machine; the data's at the ticket); so both sides go through these functions: the data
as read, the model through the ticket log and register it writes (`sim.logs.export`).

Per-day sums are the unit of resampling: days are close to independent, tickets within a day are
not (one long queue delays everybody), so the data's intervals come from a bootstrap over days.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from sim.logs.formats import (
    ABSENT,
    EARLY,
    IN_PROGRESS,
    ON_TIME,
    SERVICE_OUTCOMES,
    WALKED_OUT,
)

TICKET_KPIS: tuple[str, ...] = (
    "tickets_per_day",
    "wait_mean_min",
    "wait_p90_min",
    "wait_within_target",
    "service_mean_min",
    "walked_out_share",
)
"""Ticket-log KPIs, in the order the report lists them."""
REGISTER_KPIS: tuple[str, ...] = ("dossiers_per_day", "on_time_rate", "processing_days_mean")

ON_TIME_STATUSES = frozenset({EARLY, ON_TIME, IN_PROGRESS})
"""The portal's on-time count: finished early or on time, or still within the due date (the
model's `on_time_rate` counts the same classes out of all dossiers received)."""

BOOTSTRAP_SAMPLES = 400


def _minutes(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier).dt.total_seconds() / 60.0).to_numpy(dtype=float)


Columns = dict[str, np.ndarray]
"""One numpy array per quantity, one entry per row: what the KPIs need, taken from a frame once."""


def ticket_columns(frame: pd.DataFrame) -> Columns:
    """Waits (NaN when never called), service times (NaN when not served), walk-outs."""
    served = frame["outcome"].isin(SERVICE_OUTCOMES).to_numpy()
    service = _minutes(frame["service_ended"], frame["service_started"])
    return {
        "wait": _minutes(frame["called_at"], frame["issued_at"]),
        "service": np.where(served, service, np.nan),
        "walked": frame["outcome"].isin((WALKED_OUT, ABSENT)).to_numpy(dtype=float),
    }


def register_columns(frame: pd.DataFrame) -> Columns:
    """On-time flags (the portal's classes) and processing days (NaN when not finished)."""
    days = (frame["finished_at"] - frame["received_at"]).dt.total_seconds().to_numpy(dtype=float) / 86400.0
    return {
        "on_time": frame["status"].isin(ON_TIME_STATUSES).to_numpy(dtype=float),
        "processing": days,
    }


def _mean(x: np.ndarray) -> float:
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else math.nan


def ticket_kpis_of(cols: Columns, days: int, threshold_min: float) -> dict[str, float]:
    """The ticket-log KPIs of some rows (`ticket_columns`) over `days` working days."""
    waits = cols["wait"][~np.isnan(cols["wait"])]
    n = len(cols["wait"])
    nan = math.nan
    return {
        "tickets_per_day": n / days if days else nan,
        "wait_mean_min": float(waits.mean()) if waits.size else nan,
        "wait_p90_min": float(np.quantile(waits, 0.9)) if waits.size else nan,
        "wait_within_target": float((waits <= threshold_min).mean()) if waits.size else nan,
        "service_mean_min": _mean(cols["service"]),
        "walked_out_share": float(cols["walked"].mean()) if n else nan,
    }


def register_kpis_of(cols: Columns, days: int) -> dict[str, float]:
    """The register KPIs of some rows (`register_columns`) over `days` working days."""
    n = len(cols["on_time"])
    nan = math.nan
    return {
        "dossiers_per_day": n / days if days else nan,
        "on_time_rate": float(cols["on_time"].mean()) if n else nan,
        "processing_days_mean": _mean(cols["processing"]),
    }


def ticket_kpis(frame: pd.DataFrame, threshold_min: float, days: int) -> dict[str, float]:
    """The ticket-log KPIs of a canonical frame over `days` working days."""
    return ticket_kpis_of(ticket_columns(frame), days, threshold_min)


def register_kpis(frame: pd.DataFrame, days: int) -> dict[str, float]:
    """The register KPIs of a canonical frame over `days` working days."""
    return register_kpis_of(register_columns(frame), days)


class DayParts:
    """Rows cut into one piece per working day (empty pieces for days without a row), so a
    bootstrap over days costs a few index concatenations."""

    def __init__(self, day: pd.Series, cols: Columns, working_days: tuple[object, ...]) -> None:
        keys = day.dt.normalize().to_numpy()
        order = np.argsort(keys, kind="stable")
        self.cols = {k: v[order] for k, v in cols.items()}
        keys = keys[order]
        wanted = pd.DatetimeIndex([pd.Timestamp(d) for d in working_days]).to_numpy()
        self.starts = np.searchsorted(keys, wanted, side="left")
        self.ends = np.searchsorted(keys, wanted, side="right")
        self.days = len(working_days)

    def _take(self, which: np.ndarray) -> Columns:
        pieces = [np.arange(self.starts[i], self.ends[i]) for i in which]
        rows = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        return {k: v[rows] for k, v in self.cols.items()}

    def all(self) -> Columns:
        """Every row on a working day, once."""
        return self._take(np.arange(self.days))

    def resample(self, rng: np.random.Generator) -> Columns:
        """The rows of `days` days drawn with replacement."""
        return self._take(rng.integers(0, self.days, self.days))


def bootstrap_over_days(
    parts: DayParts,
    kpis: Callable[[Columns, int], Mapping[str, float]],
    *,
    confidence: float = 0.95,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> dict[str, tuple[float, float, float]]:
    """Each KPI of `kpis(columns, days)` with a percentile interval from resampling whole days:
    (point estimate, low, high)."""
    point = kpis(parts.all(), parts.days)
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {k: [] for k in point}
    for _ in range(samples):
        for k, v in kpis(parts.resample(rng), parts.days).items():
            draws[k].append(v)
    tail = (1.0 - confidence) / 2.0
    out: dict[str, tuple[float, float, float]] = {}
    for k, v in point.items():
        x = np.asarray(draws[k], dtype=float)
        x = x[~np.isnan(x)]
        if math.isnan(v) or not x.size:
            out[k] = (v, math.nan, math.nan)
        else:
            out[k] = (v, float(np.quantile(x, tail)), float(np.quantile(x, 1.0 - tail)))
    return out
