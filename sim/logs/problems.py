"""Bad rows, found column by column with vectorised masks and reported as a person reads a file.

Each check marks the rows it refuses (a boolean mask over the spreadsheet row numbers) with the
column to name and a reason built from the row's own values. A row keeps only its first problem,
in the order the checks run, so the refusal and the `--drop-bad-rows` record agree. Without
dropping, the first bad row of the file is refused; with it, every bad row is left out and noted.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sim.logs.formats import DroppedRow
from sim.scenario.errors import ScenarioError

DROP_HINT = "--drop-bad-rows leaves such rows out"


class RowProblems:
    """The bad rows of one table, in check order; `ok` is the mask of rows still good."""

    def __init__(self, source: str, index: pd.Index) -> None:
        self.source = source
        self.ok = pd.Series(True, index=index)
        self._found: dict[int, tuple[str, str]] = {}

    def flag(self, mask: pd.Series, column: str, reason: Callable[[int], str]) -> None:
        """Mark the rows of `mask` (not already bad) as bad in `column`; `reason(row)` says why."""
        new = mask.fillna(False).astype(bool) & self.ok
        if not new.any():
            return
        for row in new.index[new]:
            self._found[int(row)] = (column, reason(int(row)))
        self.ok &= ~new

    def settle(self, drop: bool) -> tuple[DroppedRow, ...]:
        """Refuse the first bad row, or (drop) the record of every row left out."""
        if not self._found:
            return ()
        rows = sorted(self._found)
        if not drop or len(rows) == len(self.ok):
            row = rows[0]
            column, reason = self._found[row]
            if drop:
                tail = f" (every row of the file has a problem; this is the first of {len(rows)})"
            elif len(rows) > 1:
                tail = f" ({len(rows)} rows have problems; {DROP_HINT})"
            else:
                tail = f" ({DROP_HINT})"
            raise ScenarioError(self.source, f"row {row}, column {column!r}", reason + tail)
        return tuple(DroppedRow(row, *self._found[row]) for row in rows)
