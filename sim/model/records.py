"""Per-visit records: the event log's rows, built from a finished visitor.

One row per visit in `EVENT_LOG_COLUMNS` order (`sim.model.output`); the verification suite and
the exact tests derive their checks from these rows.
"""

from __future__ import annotations

import math

from sim.model.visitor import OUTCOME_NAMES, PURPOSE_NAMES, SERVED_COUNTER, Visitor

EventRow = tuple[object, ...]


class VisitLog:
    """Rows of the event log, appended as visits end."""

    def __init__(
        self, field_ids: tuple[str, ...], staff_ids: tuple[str, ...], dates: tuple[str, ...]
    ) -> None:
        self.field_ids = field_ids
        self.staff_ids = staff_ids
        self.dates = dates
        """ISO date of each working day, by index."""
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
            )
        )
