"""Per-visit and per-dossier records: the event log's rows and the dossier log's rows.

Visits: one row per visit in `EVENT_LOG_COLUMNS` order (`sim.model.output`), built from a
finished visitor; the verification suite and the exact tests derive their checks from these rows.
Dossiers: one row per dossier received in the window in `DOSSIER_LOG_COLUMNS` order, built when the
back office classifies it (finished, or still open at the end). Both exist only with the event log
switched on, and recording draws no random number: the run is the same with or without them.
`sim.logs.export` turns them into a ticket log and a dossier register.
"""

from __future__ import annotations

import math

from sim.model.dossier import CHANNELS, Dossier
from sim.model.visitor import COLLECT, OUTCOME_NAMES, PURPOSE_NAMES, SERVED_COUNTER, SUBMIT, Visitor

EventRow = tuple[object, ...]


class VisitLog:
    """Rows of the event log, appended as visits end."""

    def __init__(
        self,
        field_ids: tuple[str, ...],
        staff_ids: tuple[str, ...],
        dates: tuple[str, ...],
        procedure_ids: tuple[str, ...],
    ) -> None:
        self.field_ids = field_ids
        self.staff_ids = staff_ids
        self.dates = dates
        """ISO date of each working day, by index."""
        self.procedure_ids = procedure_ids
        self.rows: list[EventRow] = []

    def add(self, v: Visitor) -> None:
        served = v.outcome == SERVED_COUNTER
        self.rows.append(
            (
                v.id,
                self.dates[v.day],
                PURPOSE_NAMES[v.purpose],
                self.field_ids[v.field],
                v.priority,
                v.returning,
                v.arrival,
                v.ticket,
                v.call,
                v.call if served else math.nan,
                v.end if served else math.nan,
                v.end,
                OUTCOME_NAMES[v.outcome],
                self.staff_ids[v.staff] if v.staff >= 0 else "",
                # Other visits also carry a drawn procedure (it fixes their field), but they hand
                # in nothing: only a hand-in's or a collection's procedure is a fact of the visit.
                self.procedure_ids[v.procedure] if v.purpose in (SUBMIT, COLLECT) else "",
            )
        )


class DossierLog:
    """Rows of the dossier log, appended as the back office classifies dossiers of the window."""

    def __init__(self, procedure_ids: tuple[str, ...], field_ids: tuple[str, ...]) -> None:
        self.procedure_ids = procedure_ids
        self.field_ids = field_ids
        self.rows: list[EventRow] = []

    def add(self, d: Dossier, due_day: int, status: int, returned: float) -> None:
        """A dossier classified as the KPIs count it: `status` a class of `sim.model.back.rules`,
        `due_day` the calendar day number of its (final) due date."""
        self.rows.append(
            (
                self.procedure_ids[d.procedure],
                self.field_ids[d.field],
                CHANNELS[d.channel],
                d.received,
                due_day,
                d.completed,
                returned,
                status,
                d.requests_made,
            )
        )
