"""From text cells to typed columns, all at once per column (pandas), flagging what will not parse.

`Columns` finds each canonical column's cells through the mapping; the parsers turn a column of
text into words, times, numbers or integers and mark the rows that are bad, with a reason that
quotes the cell and says what is allowed and which mapping key changes it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.logs.mapping import TableMapping, normal_text
from sim.logs.problems import RowProblems
from sim.logs.table import RawTable, table_key

_SAMPLE = dt.datetime(2025, 7, 16, 8, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
TIME_DTYPE = "datetime64[us]"


class Columns:
    """A table's canonical columns as the file holds them, with the header to name in messages."""

    def __init__(self, raw: RawTable, mapping: TableMapping, table: str, required: tuple[str, ...]) -> None:
        self.raw, self.mapping, self.table = raw, mapping, table
        self.key = table_key(table)
        self._headers: dict[str, tuple[str, ...]] = {}
        for column in (*mapping.COLUMNS, *mapping.DURATIONS):
            wanted = mapping.headers(column)
            found = tuple(raw.find(h) for h in wanted)
            present = tuple(h for h in found if h is not None)
            if wanted and (mapping.is_mapped(column) or column in required) and len(present) < len(wanted):
                missing = next(w for w, h in zip(wanted, found, strict=True) if h is None)
                raise raw.missing(missing, column, table)
            if present:
                self._headers[column] = present

    def has(self, column: str) -> bool:
        return column in self._headers

    def label(self, column: str) -> str:
        """The file's header for `column`, as messages name it."""
        return " / ".join(self._headers.get(column, (column,)))

    def text(self, column: str) -> pd.Series:
        """The column's cells ("" where absent); with several headers, the first non-empty cell."""
        headers = self._headers.get(column, ())
        if not headers:
            return pd.Series("", index=self.raw.cells.index, dtype="str")
        out = self.raw.cells[headers[0]]
        for header in headers[1:]:
            out = out.where(out != "", self.raw.cells[header])
        return out

    def where_key(self, key: str) -> str:
        return f"[{self.key}] {key}"


def words(
    cols: Columns, problems: RowProblems, column: str, allowed: tuple[str, ...] | None, default: str = ""
) -> pd.Series:
    """A column of words: canonical ones, or vendor words the mapping's `values` translate.

    `allowed` None means free ids (a field, a procedure): kept as written unless the mapping
    lists words for the column, which then are the only ones accepted. Empty cells get `default`
    ("" = refused when the column is required is the caller's check).
    """
    cells = cols.text(column)
    translation = cols.mapping.translation(column)
    if allowed is None and not translation:
        return cells.where(cells != "", default)
    table = {normal_text(w): w for w in allowed or ()} | translation
    mapped = cells.str.casefold().map(table)
    bad = (cells != "") & mapped.isna()
    listed = ", ".join(map(repr, cols.mapping.values.get(column, {})))
    vendor = f" or a word listed under [{cols.key}.values.{column}] in the mapping file" + (
        f" ({listed})" if listed else ""
    )
    if allowed:
        choices = f"one of {', '.join(allowed)}{vendor}"
    else:
        choices = f"a word listed under [{cols.key}.values.{column}] ({listed})"
    problems.flag(
        bad, cols.label(column), lambda r: f"{cells[r]!r} is not allowed as the {column}; allowed: {choices}"
    )
    return mapped.where(cells != "", default).fillna(default).astype("str")


def required(cols: Columns, problems: RowProblems, column: str, values: pd.Series, what: str) -> None:
    problems.flag(values == "", cols.label(column), lambda r: f"the {what} is empty; every row needs one")


def _format_text(formats: tuple[str, ...]) -> str:
    return " or ".join(f"{fmt} (e.g. {_SAMPLE.strftime(fmt)})" for fmt in formats)


def times(cols: Columns, problems: RowProblems, column: str, *, dates: bool = False) -> pd.Series:
    """Clock times (or dates) parsed with the mapping's formats; NaT where empty.

    Tried format by format on the cells not yet parsed (vectorised: `pd.to_datetime` with an
    explicit format). Times written with a UTC offset are converted to the mapping's time zone.
    """
    cells = cols.text(column)
    formats = cols.mapping.date_formats() if dates else cols.mapping.datetime_formats()
    out = pd.Series(pd.NaT, index=cells.index, dtype=TIME_DTYPE)
    todo = cells != ""
    for fmt in formats:
        if not todo.any():
            break
        aware = "%z" in fmt
        parsed = pd.to_datetime(cells[todo], format=fmt, errors="coerce", utc=aware)
        if aware:
            parsed = parsed.dt.tz_convert(cols.mapping.timezone).dt.tz_localize(None)
        parsed = parsed.astype(TIME_DTYPE)
        done = parsed.notna()
        out.loc[done.index[done]] = parsed[done]
        todo.loc[done.index[done]] = False
    key = "date_format" if dates else "datetime_format"
    problems.flag(
        todo,
        cols.label(column),
        lambda r: (
            f"{cells[r]!r} is not a {'date' if dates else 'date-time'} written "
            f"{_format_text(formats)}; set {cols.where_key(key)} in the mapping file to the export's format"
        ),
    )
    return out


def seconds(cols: Columns, problems: RowProblems, column: str, limit_min: float) -> pd.Series:
    """A duration in seconds: a finite number, not negative, at most `limit_min` minutes."""
    cells = cols.text(column)
    label = cols.label(column)
    number = pd.to_numeric(cells.str.replace(",", ".", regex=False).where(cells != ""), errors="coerce")
    number = number.astype("float64")
    text_nan = cells.str.casefold().isin({"nan", "+nan", "-nan"})
    problems.flag(
        (cells != "") & number.isna() & ~text_nan,
        label,
        lambda r: f"{cells[r]!r} is not a number of seconds",
    )
    problems.flag(
        text_nan | np.isinf(number),
        label,
        lambda r: f"{cells[r]!r} is not a finite number of seconds",
    )
    problems.flag(number < 0, label, lambda r: f"{cells[r]!r}: a duration cannot be negative")
    problems.flag(
        number > limit_min * 60,
        label,
        lambda r: (
            f"{cells[r]!r} seconds is {number[r] / 3600:.1f} h, more than the {limit_min / 60:g} h "
            "the formats allow (an absurd value: a typo or a unit in minutes?)"
        ),
    )
    return number.where(np.isfinite(number) & (number >= 0))


def integers(
    cols: Columns, problems: RowProblems, column: str, lowest: int, highest: int, default: int | None
) -> pd.Series:
    """Whole numbers from `lowest` to `highest` (after the mapping's word translation, if any)."""
    cells = words(cols, problems, column, None)
    label = cols.label(column)
    number = pd.to_numeric(cells.where(cells != ""), errors="coerce").astype("float64")
    whole = np.isfinite(number) & (number == np.round(number))
    bad = (cells != "") & ~(whole & (number >= lowest) & (number <= highest))
    problems.flag(bad, label, lambda r: f"{cells[r]!r} is not a whole number from {lowest} to {highest}")
    out = number.where(whole & ~bad).round().astype("Int64")
    return out.fillna(default) if default is not None else out


def minute_resolution(formats: tuple[str, ...], columns: list[pd.Series], durations: list[pd.Series]) -> bool:
    """True when no time of the file carries seconds (or its formats cannot write them)."""
    if not any("%S" in fmt or "%T" in fmt for fmt in formats):
        return True
    for t in columns:
        t = t.dropna()
        if ((t.dt.second != 0) | (t.dt.microsecond != 0)).any():
            return False
    return all(((d.dropna() % 60) == 0).all() for d in durations)
