"""The fit's own refusals: a value the base scenario does not know, named by its row.

The readers (`sim.logs.read`) check a file against the formats; only the fit knows the base
scenario, so only it can refuse a service that is not one of the base's fields or a procedure the
base does not have. Both name the row as the file shows it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.scenario.errors import ScenarioError


def row_label(frame: pd.DataFrame, position: int) -> str:
    """Where a row is, as a spreadsheet shows it: the frame's `row` index when the reader keeps
    one, else its position after the header."""
    if frame.index.name == "row":
        return f"row {frame.index[position]}"
    return f"row {position + 2}"


def refuse_unknown(
    frame: pd.DataFrame, file: str, column: str, allowed: Sequence[str], what: str, hint: str = ""
) -> None:
    """Refuse the first row whose `column` is not in `allowed` ("" counts as allowed only if
    listed), naming file, row, column, the value and what is allowed."""
    bad = ~frame[column].isin(list(allowed)).to_numpy()
    if not bad.any():
        return
    pos = int(bad.nonzero()[0][0])
    shown = [a for a in allowed if a]
    raise ScenarioError(
        file,
        f"{row_label(frame, pos)}, column {column!r}",
        f"{frame[column].iloc[pos]!r} is not {what}; allowed: {', '.join(shown)}{hint}",
    )
