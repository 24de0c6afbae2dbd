"""The column-mapping file: how a vendor's export maps onto the project's two formats.

A centre's queue system or one-stop register writes its own headers, date formats and
Vietnamese status words. A small TOML file says, per table (`[tickets]`, `[dossiers]`), which
header holds each canonical column, how dates are written and which words mean what, so that no
export needs code. Validated like a scenario: frozen, unknown keys refused with a did-you-mean.
See docs/data_formats.md for every key and scenarios/mappings/ for examples.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator

from sim.logs import formats as f
from sim.scenario.base import Strict, SubKeyError, did_you_mean
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_toml, validation_problem

MAX_HEADERS = 5
Word = Annotated[str, Field(max_length=200)]

TICKET_DURATIONS: tuple[str, ...] = ("wait_seconds", "service_seconds")
"""Duration columns a ticket export may give instead of times: wait_seconds from the ticket to its
call (or to leaving, for a ticket never called), service_seconds from start to end of service."""

CANONICAL_DATETIME_FORMATS: tuple[str, ...] = (f.DATETIME_FORMAT, "%Y-%m-%d %H:%M")
_DIRECTIVES = frozenset("aAbBdHIjmMpSfyYzT%")
_DATE_DIRECTIVES = frozenset("aAbBdjmyY%")
LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"


def normal_text(text: str) -> str:
    """How headers and words are compared: NFC (tone marks composed), trimmed, case-folded."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _check_format(value: str, key: str, directives: frozenset[str], example: str) -> None:
    used = re.findall(r"%(.)", value)
    bad = [d for d in used if d not in directives]
    if not used or bad:
        what = f"%{bad[0]} is not a directive allowed here" if bad else "it has no %-directive"
        raise SubKeyError(
            key,
            f"{value!r} is not a strptime format ({what}); write e.g. {example!r}; allowed directives: "
            + " ".join(f"%{d}" for d in sorted(directives - {"%"})),
        )


class TableMapping(Strict):
    """One table's mapping; the subclasses fix which canonical columns and words exist."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    DURATIONS: ClassVar[tuple[str, ...]] = ()
    WORDS: ClassVar[dict[str, tuple[str, ...]]] = {}
    FREE_VALUES: ClassVar[tuple[str, ...]] = ()
    """Columns of ids whose vendor words may be translated (then only the listed words are allowed)."""
    TABLE: ClassVar[str] = ""

    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    """canonical column -> the vendor's header (a list: the first non-empty cell of these wins)."""
    datetime_format: str | Annotated[list[str], Field(min_length=1, max_length=5)] = ""
    """strptime format(s) of the clock times; "" = the canonical YYYY-MM-DD HH:MM[:SS]."""
    date_format: str = ""
    """strptime format of the dates (a register's due date); "" = YYYY-MM-DD."""
    timezone: str = LOCAL_TIMEZONE
    """Times written with a UTC offset (%z, e.g. ...Z) are converted to this zone's clock time."""
    values: dict[str, dict[Word, Word]] = Field(default_factory=dict)
    """canonical column -> {vendor word: canonical word}."""
    encoding: str = "auto"
    delimiter: Literal["auto", ",", ";", "\t"] = "auto"

    @model_validator(mode="after")
    def _consistent(self) -> TableMapping:
        allowed = (*self.COLUMNS, *self.DURATIONS)
        for name, value in self.columns.items():
            if name not in allowed:
                hint = did_you_mean(name, allowed)
                raise SubKeyError(
                    f"columns.{name}",
                    f"{name!r} is not a column of the {self.TABLE}{hint}; allowed: {', '.join(allowed)}",
                )
            given = [value] if isinstance(value, str) else value
            if not 1 <= len(given) <= MAX_HEADERS or not all(h.strip() and len(h) <= 200 for h in given):
                raise SubKeyError(
                    f"columns.{name}",
                    f"needs the export's header for {name} (a text, or a list of 1 to {MAX_HEADERS} "
                    "headers of which the first non-empty cell counts)",
                )
        for time, duration in (("called_at", "wait_seconds"), ("service_ended", "service_seconds")):
            if duration in self.DURATIONS and time in self.columns and duration in self.columns:
                raise SubKeyError(
                    f"columns.{duration}",
                    f"give {time} or {duration}, not both ({duration} stands in for a missing {time})",
                )
        formats = [self.datetime_format] if isinstance(self.datetime_format, str) else self.datetime_format
        for i, fmt in enumerate(formats):
            if fmt or not isinstance(self.datetime_format, str):
                key = "datetime_format" if isinstance(self.datetime_format, str) else f"datetime_format[{i}]"
                _check_format(fmt, key, _DIRECTIVES, "%d/%m/%Y %H:%M:%S")
        if self.date_format:
            _check_format(self.date_format, "date_format", _DATE_DIRECTIVES, "%d/%m/%Y")
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SubKeyError(
                "timezone", f"{self.timezone!r} is not a time zone name; write e.g. {LOCAL_TIMEZONE!r}"
            ) from None
        if self.encoding != "auto":
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise SubKeyError(
                    "encoding",
                    f"{self.encoding!r} is not an encoding; allowed: auto, utf-8, utf-8-sig, utf-16, "
                    "utf-16-le, utf-16-be, cp1258",
                ) from None
        self._check_values()
        return self

    def _check_values(self) -> None:
        allowed = (*self.WORDS, *self.FREE_VALUES)
        for column, table in self.values.items():
            if column not in allowed:
                hint = did_you_mean(column, allowed)
                raise SubKeyError(
                    f"values.{column}",
                    f"{column!r} has no words to translate{hint}; allowed: {', '.join(allowed)}",
                )
            words = self.WORDS.get(column)
            seen: dict[str, str] = {}
            for word, target in table.items():
                key = f"values.{column}.{word!r}"
                if words is not None and target not in words:
                    raise SubKeyError(
                        key, f"{target!r} is not one of the {column} words; allowed: {', '.join(words)}"
                    )
                if words is None and not target.strip():
                    raise SubKeyError(key, f"needs the {column} it stands for (an id), not an empty text")
                norm = normal_text(word)
                if norm in seen:
                    raise SubKeyError(key, f"is the same word as {seen[norm]!r} (case and accents aside)")
                seen[norm] = word

    def headers(self, column: str) -> tuple[str, ...]:
        """The vendor's header(s) for a canonical column (its own name when not mapped)."""
        given = self.columns.get(column, column if column in self.COLUMNS else "")
        if not given:
            return ()
        return (given,) if isinstance(given, str) else tuple(given)

    def is_mapped(self, column: str) -> bool:
        return column in self.columns

    def translation(self, column: str) -> dict[str, str]:
        """{normal_text(vendor word): canonical word} for one column ({} when none)."""
        return {normal_text(k): v for k, v in self.values.get(column, {}).items()}

    def datetime_formats(self) -> tuple[str, ...]:
        if isinstance(self.datetime_format, list):
            return tuple(self.datetime_format)
        return (self.datetime_format,) if self.datetime_format else CANONICAL_DATETIME_FORMATS

    def date_formats(self) -> tuple[str, ...]:
        return (self.date_format or f.DATE_FORMAT,)


class TicketMapping(TableMapping):
    COLUMNS = f.TICKET_COLUMNS
    DURATIONS = TICKET_DURATIONS
    WORDS: ClassVar[dict[str, tuple[str, ...]]] = {"priority": f.PRIORITIES, "outcome": f.OUTCOMES}
    FREE_VALUES = ("service", "procedure", "counter", "staff_id")
    TABLE = "ticket log"


class DossierMapping(TableMapping):
    COLUMNS = f.DOSSIER_COLUMNS
    WORDS: ClassVar[dict[str, tuple[str, ...]]] = {"channel": f.CHANNELS, "status": f.STATUSES}
    FREE_VALUES = ("procedure", "field")
    TABLE = "dossier register"


class Mapping(Strict):
    """A whole mapping file: a line saying what export it is for, and the two tables."""

    description: Annotated[str, Field(max_length=500)] = ""
    tickets: TicketMapping = Field(default_factory=TicketMapping)
    dossiers: DossierMapping = Field(default_factory=DossierMapping)


CANONICAL = Mapping()
"""The project's own formats: no renaming, the canonical words and times."""


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; every problem is a `ScenarioError(file, key, message)`."""
    source = str(path)
    data: dict[str, Any] = read_toml(path, "a mapping file")
    if data and not {"tickets", "dossiers"} & set(data):
        raise ScenarioError(
            source, "", "is TOML but not a mapping file: it has neither a [tickets] nor a [dossiers] table"
        )
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        key, message = validation_problem(exc)
        raise ScenarioError(source, key, message) from None
