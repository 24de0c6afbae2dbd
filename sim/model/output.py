"""What one replication returns: KPIs plus the few small arrays the plots need.

Everything here is bounded in size whatever the window length (streaming monitors), except the
optional event log, which is off by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

WAIT_BIN_MIN = 0.1
"""Width of the waiting-time histogram bins (minutes), for the distribution plot; the percentile
KPIs come from the raw waits."""
WAIT_BINS = 6000
"""Number of regular bins (0–600 min); one more bin at the end collects longer waits."""

EVENT_LOG_COLUMNS: tuple[str, ...] = (
    "visitor",
    "date",
    "purpose",
    "field",
    "priority",
    "returning",
    "arrival",
    "ticket",
    "call",
    "service_start",
    "service_end",
    "left",
    "outcome",
    "staff",
    "procedure",
)
"""One row per visit; times in minutes on the simulation clock (NaN when the step did not happen).
`procedure` is the procedure id of a dossier hand-in (`submit`) or of the result collected
(`collect`), empty for other purposes. New columns go at the end: readers index rows by position."""

DOSSIER_LOG_COLUMNS: tuple[str, ...] = (
    "procedure",
    "field",
    "channel",
    "received",
    "due_day",
    "finished",
    "returned",
    "status",
    "missing_papers_requests",
)
"""One row per dossier received in the window, in the order the back office classified it:
times in minutes on the simulation clock (NaN when the step did not happen), `due_day` the
calendar day number of the due date (0 = the clock's first date), `status` the portal's class code
(`sim.model.back.rules`: EARLY, ON_TIME, LATE, OPEN_WITHIN) as the KPIs count it; with `finished`
NaN, LATE means overdue."""


@dataclass(frozen=True, slots=True)
class ReplicationOutput:
    """Per-replication results of `sim.model.simulate`."""

    replication: int
    kpis: dict[str, float]
    working_days: int
    wait_histogram: np.ndarray
    """Counts of counter waits in WAIT_BIN_MIN bins; the last bin counts waits ≥ WAIT_BINS×WAIT_BIN_MIN."""
    hourly_wait_sum: np.ndarray
    """Sum of counter waits (min) by hour of day of arrival, shape (24,)."""
    hourly_wait_count: np.ndarray
    """Number of counter waits by hour of day of arrival, shape (24,)."""
    hourly_queue_area: np.ndarray
    """Visitor-minutes spent waiting for a counter in each clock hour, summed over days, shape (24,)."""
    daily: dict[str, np.ndarray] = field(default_factory=dict)
    """Back office, one value per working day of the window: "received" and "completed" (dossiers
    received in the window, counted on the day of reception / of completion) and "backlog" (all
    dossiers in progress at the end of the day)."""
    field_outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    """Per field id: counts [early, on time (not early), late, in progress within due] of the
    dossiers received in the window."""
    event_log: list[tuple] | None = field(default=None)
    """Rows in EVENT_LOG_COLUMNS order when the event log was switched on."""
    dossier_log: list[tuple] | None = field(default=None)
    """Rows in DOSSIER_LOG_COLUMNS order when the event log was switched on and the scenario has a
    back office."""
    clock_start: dt.date | None = field(default=None)
    """The date whose midnight is minute 0 of the simulation clock (the warm-up's first day when
    there is one): what turns the logs' minutes into clock times."""
