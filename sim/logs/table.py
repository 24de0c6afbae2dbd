"""A CSV export as a table of text cells numbered as a spreadsheet numbers its rows.

The one place that touches the file: reads it (a regular file of bounded size, like every input),
decodes it (`sim.logs.encoding`), finds the delimiter and the header, and hands back every cell as
trimmed NFC text indexed by its row number (header = row 1), so each later check can name the row
a person will find when they open the file.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.logs.encoding import decode
from sim.logs.mapping import TableMapping, normal_text
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_bytes

MAX_LOG_BYTES = 256 << 20
"""A year of tickets is a few MB; a file over 256 MiB is not one centre's export."""
DELIMITERS = (",", ";", "\t")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_PANDAS_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_DATA_LIKE = re.compile(r"^[\d\s:/.\-+TZ]*\d[\d\s:/.\-+TZ]*$")
"""A number or a date-time: a header never is one, a data row's cells often are."""


@dataclass(frozen=True, slots=True)
class RawTable:
    """Every cell as text; columns are the file's headers; the index is the spreadsheet row."""

    source: str
    cells: pd.DataFrame
    encoding: str
    delimiter: str
    lines_read: int
    """Data rows in the file, blank rows left out."""

    def find(self, wanted: str) -> str | None:
        """The file's header matching `wanted` (case, accents' encoding and spaces aside)."""
        key = normal_text(wanted)
        return next((h for h in self.cells.columns if normal_text(h) == key), None)

    def missing(self, wanted: str, canonical: str, table: str) -> ScenarioError:
        """The refusal for a column the file should have: what was found, and the nearest header."""
        found = [str(h) for h in self.cells.columns]
        close = difflib.get_close_matches(wanted, found, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        mapped = f" (the mapping's header for {canonical})" if wanted != canonical else ""
        data_like = any(_DATA_LIKE.match(h) for h in found)
        first = " The first row looks like data: the file needs a header row." if data_like else ""
        return ScenarioError(
            self.source,
            f"column {wanted!r}",
            f"the {table} has no column {wanted!r}{mapped}; columns found: {', '.join(map(repr, found))}"
            f"{hint}; name the file's header for {canonical} under [{table_key(table)}.columns] "
            f"in a mapping file (--mapping).{first}",
        )


def table_key(table: str) -> str:
    return "tickets" if table == "ticket log" else "dossiers"


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _headers(source: str, header_line: str, delimiter: str) -> list[str]:
    names = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter), [])]
    if not any(names):
        raise ScenarioError(source, "row 1", "has no header row (the first row is empty)")
    names = [h or f"(column {i + 1})" for i, h in enumerate(names)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = normal_text(name)
        if key in seen:
            raise ScenarioError(
                source,
                "row 1",
                f"the header {name!r} appears twice (columns {seen[key] + 1} and {i + 1}); "
                "each column needs its own name",
            )
        seen[key] = i
    return names


def read_table(path: str | Path, mapping: TableMapping, table: str) -> RawTable:
    """Read a CSV export into a `RawTable`; refuses a file that is not one, naming why."""
    source = str(path)
    raw = read_bytes(Path(path), MAX_LOG_BYTES, f"a {table} (.csv text)")
    if not raw.strip():
        raise ScenarioError(source, "", f"is empty; a {table} is a CSV file with a header row and data rows")
    text, encoding = decode(raw, mapping.encoding, source)
    header_line = text.split("\n", 1)[0].rstrip("\r")
    delimiter = _delimiter(header_line) if mapping.delimiter == "auto" else mapping.delimiter
    names = _headers(source, header_line, delimiter)
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=0,
            names=names,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        m = _PANDAS_LINE.search(str(exc))
        where = f"row {m[2]}" if m else ""
        cells_seen = f"{m[3]} cells where the header has {m[1]}" if m else "cells that do not line up"
        raise ScenarioError(
            source,
            where,
            f"has {cells_seen} ({_NAMES[delimiter]}-separated); a value holding a "
            f"{_NAMES[delimiter]} must be in double quotes",
        ) from None
    cells = cells.fillna("")
    for column in cells.columns:  # str.strip per cell: pandas' own .str.strip is 20 times slower here
        values = cells[column].to_numpy(dtype=object)
        cells[column] = pd.Series([v.strip() for v in values], index=cells.index, dtype="str")
    cells.index = pd.RangeIndex(2, len(cells) + 2)
    blank = (cells == "").all(axis=1)
    cells = cells[~blank]
    if cells.empty:
        raise ScenarioError(source, "", f"has a header row but no data rows; a {table} has one row per entry")
    return RawTable(source, cells, encoding, delimiter, len(cells))
