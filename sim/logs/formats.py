"""The project's two data formats, in one place: a centre's ticket log and its dossier register.

A planner brings two exports: the queue-ticket system's (one row per ticket) and the one-stop
information system's dossier register (one row per dossier). Both are plain CSV, UTF-8, with a
header row; `docs/data_formats.md` documents them for people, this module for code. A vendor's
export with other column names, date formats or Vietnamese status words is read through a
column-mapping file (`sim.logs.mapping`), never by changing code.

Times are local clock times `YYYY-MM-DD HH:MM:SS` (seconds may be left out: the reader then knows
the times were rounded to the minute and the fits treat durations as interval-censored). Dates are
`YYYY-MM-DD`. An empty cell means "did not happen" (a ticket never called has no `called_at`).

The same module defines the in-memory tables the readers return (`TicketLog`, `DossierRegister`):
pandas frames with exactly the canonical columns and dtypes, plus what the reader learned about
the file (period, rows read and dropped, time resolution), so every fit can say where it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd

# --- ticket log -------------------------------------------------------------------------------

TICKET_COLUMNS: tuple[str, ...] = (
    "ticket_id",
    "service",
    "procedure",
    "priority",
    "issued_at",
    "called_at",
    "service_started",
    "service_ended",
    "left_at",
    "counter",
    "staff_id",
    "outcome",
)
"""The ticket log's columns, in the order the model writes them."""

TICKET_REQUIRED: tuple[str, ...] = ("ticket_id", "service", "issued_at", "outcome")
"""Columns a ticket log must have; the others may be missing (then empty for every row)."""

TICKET_TIMES: tuple[str, ...] = ("issued_at", "called_at", "service_started", "service_ended", "left_at")
"""The ticket log's clock-time columns, in the order they must happen (left_at: instead of a call)."""

SERVED, SENT_BACK, ABSENT, WALKED_OUT, NOT_SERVED, CUT_AT_CLOSE = (
    "served",
    "sent_back",
    "absent",
    "walked_out",
    "not_served",
    "cut_at_close",
)
OUTCOMES: tuple[str, ...] = (SERVED, SENT_BACK, ABSENT, WALKED_OUT, NOT_SERVED, CUT_AT_CLOSE)
"""What became of a ticket:

- served: called and served; service_started and service_ended are set;
- sent_back: called and served, then sent back for missing papers (a served visit; counted apart);
- absent: called, nobody came to the counter (left at some time before the call);
- walked_out: left before being called; left_at, when the system records it, is when;
- not_served: still waiting when the centre closed (sent home); left_at is that time;
- cut_at_close: service stopped at closing before it was finished; service_ended is when it
  stopped, so the true service time is longer (right-censored).
"""
SERVICE_OUTCOMES: frozenset[str] = frozenset({SERVED, SENT_BACK, CUT_AT_CLOSE})
"""Outcomes with a service at a counter (service_started and service_ended required)."""

NORMAL, PRIORITY = "normal", "priority"
PRIORITIES: tuple[str, ...] = (NORMAL, PRIORITY)
"""Priority classes: ordinary tickets and priority tickets (elderly, disabled, pregnant, ...)."""

VISIT_PURPOSES: tuple[str, ...] = ("collect", "enquiry", "online_help")
"""Words the `procedure` column may hold for a ticket that hands in no dossier (the scenario's
`[demand.purposes]` served at a counter); any other value names a procedure id."""

# --- dossier register -------------------------------------------------------------------------

DOSSIER_COLUMNS: tuple[str, ...] = (
    "dossier_id",
    "procedure",
    "field",
    "channel",
    "received_at",
    "due_date",
    "finished_at",
    "returned_at",
    "status",
    "missing_papers_requests",
)
"""The dossier register's columns, in the order the model writes them."""

DOSSIER_REQUIRED: tuple[str, ...] = ("dossier_id", "procedure", "channel", "received_at", "status")
"""Columns a register must have; `field` may be left out when the scenario knows each procedure's."""

COUNTER_CHANNEL, ONLINE_SUPPORT_CHANNEL, ONLINE_CHANNEL = "counter", "online_support", "online"
CHANNELS: tuple[str, ...] = (COUNTER_CHANNEL, ONLINE_SUPPORT_CHANNEL, ONLINE_CHANNEL)
"""How a dossier came in: handed in at a counter, filed online with the support team's help at the
centre, or filed online by the citizen (a register that knows only counter/online uses those two)."""

EARLY, ON_TIME, LATE, IN_PROGRESS, OVERDUE = "early", "on_time", "late", "in_progress", "overdue"
STATUSES: tuple[str, ...] = (EARLY, ON_TIME, LATE, IN_PROGRESS, OVERDUE)
"""The portal's classes (Decision 766): finished early / on time / late; not finished, within its
due date / past it. `finished_at` is set exactly for the first three."""
FINISHED_STATUSES: frozenset[str] = frozenset({EARLY, ON_TIME, LATE})

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""How the model writes clock times; the reader also takes `%Y-%m-%d %H:%M`."""
DATE_FORMAT = "%Y-%m-%d"

# --- limits: absurd values are bad input ------------------------------------------------------

MAX_WAIT_MIN = 12 * 60.0
"""Longest plausible time from a ticket to its call or to leaving (a ticket is for one day)."""
MAX_SERVICE_MIN = 8 * 60.0
"""Longest plausible counter service (a whole working day)."""
MAX_PROCESSING_DAYS = 366
"""Longest plausible time from reception to result, in calendar days."""


# --- the tables in memory ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DroppedRow:
    """A row left out under `--drop-bad-rows`: where it was and why."""

    row: int
    """Row number as a spreadsheet shows it (the header is row 1)."""
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a table came from, for the FITTED labels and the fit report."""

    file: str
    """The file's name as the user gave it."""
    first_day: dt.date
    last_day: dt.date
    rows_read: int
    """Data rows in the file (the header not counted)."""
    dropped: tuple[DroppedRow, ...] = ()
    encoding: str = "utf-8"
    time_resolution: Literal["second", "minute"] = "second"
    """"minute" when every clock time of the file has zero seconds (or none are written)."""

    @property
    def rows_kept(self) -> int:
        return self.rows_read - len(self.dropped)

    @property
    def period(self) -> str:
        """The data period as the FITTED labels write it: `2025-07-01–2025-08-25`."""
        return f"{self.first_day.isoformat()}–{self.last_day.isoformat()}"


@dataclass(frozen=True, slots=True)
class TicketLog:
    """An accepted ticket log: one row per ticket, exactly `TICKET_COLUMNS`.

    dtypes: ticket_id, service, procedure, staff_id: str ("" when missing); priority, outcome:
    str, one of PRIORITIES / OUTCOMES; the TICKET_TIMES: datetime64 (NaT when missing); counter:
    nullable Int64. Rows are in the order of `issued_at` (ties by file order).
    """

    frame: pd.DataFrame
    source: Provenance

    @property
    def has_staff(self) -> bool:
        return bool((self.frame["staff_id"] != "").any())

    @property
    def has_procedure(self) -> bool:
        return bool((self.frame["procedure"] != "").any())


@dataclass(frozen=True, slots=True)
class DossierRegister:
    """An accepted dossier register: one row per dossier, exactly `DOSSIER_COLUMNS`.

    dtypes: dossier_id, procedure, field, channel, status: str; received_at, finished_at,
    returned_at: datetime64 (NaT when missing); due_date: datetime64 at midnight (NaT when the
    register has none); missing_papers_requests: int64 (0 when missing).
    """

    frame: pd.DataFrame
    source: Provenance
