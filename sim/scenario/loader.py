"""Read a scenario from TOML and turn every problem into one `ScenarioError`.

Input is untrusted (scenario files are shared between communes), so reading refuses anything that
is not a regular file of at most `MAX_FILE_BYTES` before parsing it, and no message quotes the
content of a file that is not a scenario: TOML syntax errors give the line and column only.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.scenario.base import SubKeyError
from sim.scenario.checks import CrossReferenceError, check_references
from sim.scenario.errors import ScenarioError
from sim.scenario.ranges import extract_ranges
from sim.scenario.schema import Scenario
from sim.scenario.variants import Provenance, allowed_roots, resolve_chain

MAX_FILE_BYTES = 1 << 20
"""A scenario file is about 20 kB; anything over 1 MiB is refused unread."""

SCENARIO_KEYS = (frozenset(Scenario.model_fields) - {"estimate_ranges"}) | {"extends"}
"""Keys that make a TOML file a scenario (ranges alone do not)."""

DIST_TAGS = ("exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical")
DIST_NAMES = ", ".join(DIST_TAGS)


def key_path(loc: tuple[Any, ...]) -> str:
    """('staff', 2, 'fields', 0) -> 'staff[2].fields[0]'; drops pydantic's union-tag entries.

    Also drops the '[key]' marker pydantic adds when a dict *key* (rather than its value) is bad, so
    `demand.purposes.visit` names the offending key itself.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part.startswith("function-") or part == "[key]" or part in DIST_TAGS):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _error_key(err: ErrorDetails) -> str:
    """The key path an error belongs to, pointing below the table where the error says so."""
    key = key_path(tuple(err["loc"]))
    sub = None
    if err["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        sub = "dist"
    elif isinstance(err.get("ctx", {}).get("error"), SubKeyError):
        sub = err["ctx"]["error"].key
    if sub:
        key = f"{key}.{sub}" if key else sub
    return key


def _shown(value: Any) -> str:
    """A short rendering of a bad value: never a whole table or array, never a long text."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"an array of {len(value)} values"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _is_date_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _id_pattern(err: ErrorDetails, key: str) -> str | None:
    """The id pattern in words; other patterns keep pydantic's message (None)."""
    if "[a-z0-9]" not in str(err.get("ctx", {})):
        return None
    return (
        "an id may use only lower-case letters a-z, digits, '_' and '-', starting with a "
        f"letter or digit, e.g. civil_status (got {_shown(err.get('input'))})"
    )


def _bad_date(err: ErrorDetails, key: str) -> str:
    """A quoted date is the usual mistake: show the line without quotes."""
    given = err.get("input")
    if isinstance(given, str) and _is_date_text(given):
        name = key.rsplit(".", 1)[-1] or "start"
        return f'a TOML date is written without quotes: {name} = {given.strip()}, not {name} = "{given}"'
    return f"{_message(err)}; write a date as YYYY-MM-DD, e.g. 2025-07-01 (got {_shown(given)})"


_EXPLAINED: dict[str, Callable[[ErrorDetails, str], str | None]] = {
    "missing": lambda err, key: "this key is required but missing",
    "union_tag_invalid": lambda err, key: (
        f"unknown distribution {err.get('ctx', {}).get('tag')!r}; allowed dist values: {DIST_NAMES}"
    ),
    "union_tag_not_found": lambda err, key: (
        f"a distribution needs a 'dist' key; allowed dist values: {DIST_NAMES}"
    ),
    "model_attributes_type": lambda err, key: (  # a non-table where a distribution belongs
        "a distribution is written as a table, e.g. "
        f'{{ dist = "lognormal", mean = 6.0, cv = 0.5 }} (got {_shown(err.get("input"))})'
    ),
    "string_pattern_mismatch": _id_pattern,
    "date_": _bad_date,
    "model_type": lambda err, key: (
        f"this should be a table ([section] or {{ key = value, ... }}) (got {_shown(err.get('input'))})"
    ),
}
"""Pydantic error types (every `date_*` type under "date_") explained in the scenario's terms; a
handler returning None leaves the generic message."""


def _message(err: ErrorDetails) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


def _describe(err: ErrorDetails, key: str = "") -> str:
    """The problem and what is allowed, for one pydantic error."""
    kind = "date_" if err["type"].startswith("date_") else err["type"]
    explain = _EXPLAINED.get(kind)
    explained = explain(err, key) if explain is not None else None
    if explained is not None:
        return explained
    msg, given = _message(err), err.get("input")
    if err["type"] not in {"value_error", "assertion_error"} and not isinstance(given, dict | list):
        return f"{msg} (got {_shown(given)})"
    return msg


def validation_problem(exc: ValidationError) -> tuple[str, str]:
    """The key path and the explained message of a pydantic error's first problem: every file
    the project reads (scenarios, studies) reports bad input in the same words."""
    err = exc.errors()[0]
    key = _error_key(err)
    return key, _describe(err, key)


def parse_scenario(
    data: dict[str, Any], source: str = "<scenario>", provenance: Provenance | None = None
) -> Scenario:
    """Validate a parsed TOML document into a frozen `Scenario`.

    With `provenance` (from an `extends` chain), an error in a key that a parent file supplied
    names that parent, since that is where the bad line is. Plausible ranges (`X_range` keys,
    `sim.scenario.ranges`) are taken out and checked first; `data` itself is not modified.
    """
    try:
        data, ranges = extract_ranges(data, source, provenance)
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        key, message = validation_problem(exc)
        raise _located(source, key, message, provenance) from None
    except RecursionError:
        raise ScenarioError(source, "", _TOO_DEEP) from None
    try:
        check_references(scenario)
    except CrossReferenceError as exc:
        raise _located(source, exc.key, str(exc), provenance) from None
    return scenario.model_copy(update={"estimate_ranges": ranges.settle()})


def _located(source: str, key: str, message: str, provenance: Provenance | None) -> ScenarioError:
    """The error under the file that supplied `key`, saying which variant inherited it."""
    file = provenance.source_of(key) if provenance is not None else source
    if file != source:
        message = f"{message} (inherited by {source})"
    return ScenarioError(file, key, message)


_TOO_DEEP = (
    "nests arrays or tables too deeply; a scenario nests them only a few levels (e.g. staff[0].leave[0])"
)

# tomllib's messages that quote the document are replaced by ones that do not; its other fixed
# messages are kept; anything else (a future Python's wording) is dropped.
_TOML_QUOTING = (
    (re.compile(r"Cannot (declare|mutate|redefine)"), "a key or table is defined twice"),
    (re.compile(r"Duplicate inline table key"), "a key appears twice in an inline table"),
    (re.compile(r"(Found invalid|Illegal) character"), "a character that is not allowed there"),
)
_TOML_FIXED = frozenset(
    {
        "Cannot overwrite a value",
        "Escaped character is not a Unicode scalar value",
        "Expected '=' after a key in a key/value pair",
        "Expected ']' at the end of a table declaration",
        "Expected ']]' at the end of an array declaration",
        "Expected newline or end of document after a statement",
        "Invalid date or datetime",
        "Invalid hex value",
        "Invalid initial character for a key part",
        "Invalid statement",
        "Invalid value",
        "Unclosed array",
        "Unclosed inline table",
        "Unescaped '\\' in a string",
        "Unterminated string",
    }
)
_TOML_AT = re.compile(
    r"^(?P<reason>.*?) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$", re.DOTALL
)


def _toml_problem(exc: tomllib.TOMLDecodeError, what: str = "a scenario file") -> str:
    """'invalid TOML at line 3, column 7 (unclosed array); ...' without quoting the file."""
    m = _TOML_AT.match(str(exc))
    where, reason = "", ""
    if m:
        where = f" at line {m['line']}, column {m['col']}" if m["line"] else " at the end of the file"
        text = m["reason"]
        reason = next(
            (r for pattern, r in _TOML_QUOTING if pattern.match(text)),
            text[0].lower() + text[1:] if text in _TOML_FIXED else "",
        )
    return (
        f"invalid TOML{where}{f' ({reason})' if reason else ''}; {what} is TOML text "
        "(key = value lines under [table] headers, see docs/scenario_format.md)"
    )


def _os_problem(exc: OSError, what: str) -> str:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return "file not found"
    if isinstance(exc, IsADirectoryError):
        return f"is a folder, not {what}"
    if exc.errno == errno.ELOOP:
        return "is a symbolic link loop; name the file itself"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {exc.strerror or exc}"


def _kind_problem(mode: int, what: str) -> str | None:
    if stat.S_ISDIR(mode):
        return f"is a folder, not {what}"
    if not stat.S_ISREG(mode):
        return f"is not a regular file (a device, pipe or socket); expected {what}"
    return None


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES, what: str = "a scenario file (.toml text)") -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a `ScenarioError`.

    Checks the kind of file before reading: opening a named pipe would wait for a writer and a
    device such as /dev/zero never ends. The open itself does not block (O_NONBLOCK), and the
    opened file is checked again, in case it was swapped between the two. `what` names the
    expected kind of file in messages.
    """
    source = str(path)
    try:
        problem = _kind_problem(os.stat(path).st_mode, what)
        if problem:
            raise ScenarioError(source, "", problem)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            problem = _kind_problem(os.fstat(fh.fileno()).st_mode, what)
            if problem:
                raise ScenarioError(source, "", problem)
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(source, "", _os_problem(exc, what)) from None
    except ValueError:  # a NUL character in the name (possible from Python, not from a shell)
        raise ScenarioError(source, "", "is not a valid file name") from None
    if len(raw) > limit:
        raise ScenarioError(
            source, "", f"is larger than {limit / (1 << 20):g} MiB, the most allowed for {what}"
        )
    return raw


def read_toml(path: str | Path, what: str = "a scenario file") -> dict[str, Any]:
    """Parse a TOML file; syntax errors name the line and column (and never quote the file).

    `what` names the kind of file in messages ("a study file")."""
    path = Path(path)
    source = str(path)
    try:
        text = read_bytes(path, what=f"{what} (.toml text)").decode("utf-8-sig")  # a BOM from Windows
    except UnicodeDecodeError:
        raise ScenarioError(
            source, "", f"is not UTF-8 text; {what} is a TOML text file saved as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, "", _toml_problem(exc, what)) from None
    except RecursionError:
        raise ScenarioError(source, "", _TOO_DEEP) from None


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """`read_toml`, refusing a TOML file that is not a scenario at all (e.g. a pyproject.toml).

    Such a file's keys are not named back: the message lists what a scenario has instead.
    """
    data = read_toml(path)
    if data and not SCENARIO_KEYS.intersection(data):
        raise ScenarioError(
            str(path),
            "",
            "is TOML but not a scenario: it has none of the "
            f"top-level keys a scenario has ({', '.join(sorted(SCENARIO_KEYS))})",
        )
    return data


def load_scenario(path: str | Path, scenario_root: str | Path | None = None) -> Scenario:
    """Load and validate a scenario file (following its `extends` chain, if any).

    `extends` may name files inside the file's own folder (or below it), inside `scenario_root`
    if given, or inside the bundled `scenarios/` folder.
    """
    path = Path(path)
    data, provenance = _resolve(path, scenario_root)
    return parse_scenario(data, str(path), provenance)


def read_document(path: str | Path, scenario_root: str | Path | None = None) -> dict[str, Any]:
    """The scenario document of a file with its `extends` chain merged in (not yet validated)."""
    return _resolve(Path(path), scenario_root)[0]


def _resolve(path: Path, scenario_root: str | Path | None) -> tuple[dict[str, Any], Provenance]:
    try:
        return resolve_chain(path, read_scenario_file, allowed_roots(path, scenario_root))
    except RecursionError:  # a document nested deep enough to pass the parser but not merging
        raise ScenarioError(str(path), "", _TOO_DEEP) from None
