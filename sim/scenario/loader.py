"""Read a scenario from TOML and turn every problem into one `ScenarioError`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.base import SubKeyError
from sim.scenario.checks import CrossReferenceError, check_references
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario
from sim.scenario.variants import resolve

DIST_TAGS = ("exponential", "lognormal", "gamma", "deterministic", "uniform", "empirical")
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


def _error_key(err: dict[str, Any]) -> str:
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


def _describe(err: dict[str, Any]) -> str:
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    given = err.get("input")
    if err["type"] == "missing":
        return "this key is required but missing"
    if err["type"] == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag")
        return f"unknown distribution {tag!r}; allowed dist values: {DIST_NAMES}"
    if err["type"] == "union_tag_not_found":
        return f"a distribution needs a 'dist' key; allowed dist values: {DIST_NAMES}"
    if err["type"] == "model_attributes_type":  # a non-table where a distribution belongs
        return (
            "a distribution is written as a table, e.g. "
            f'{{ dist = "lognormal", mean = 6.0, cv = 0.5 }} (got {given!r})'
        )
    if err["type"] == "string_pattern_mismatch" and "[a-z0-9]" in str(err.get("ctx", {})):
        return (
            "an id may use only lower-case letters a-z, digits, '_' and '-', starting with a "
            f"letter or digit, e.g. civil_status (got {given!r})"
        )
    if err["type"].startswith("date_"):
        return f"{msg}; write a date as YYYY-MM-DD, e.g. 2025-07-01 (got {given!r})"
    if err["type"] == "model_type":
        return f"this should be a table ([section] or {{ key = value, ... }}) (got {given!r})"
    if err["type"] not in {"value_error", "assertion_error"} and not isinstance(given, dict | list):
        return f"{msg} (got {given!r})"
    return msg


def parse_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a parsed TOML document into a frozen `Scenario`."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(source, _error_key(err), _describe(err)) from None
    try:
        check_references(scenario)
    except CrossReferenceError as exc:
        raise ScenarioError(source, exc.key, str(exc)) from None
    return scenario


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; syntax errors name the line and column."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError(str(path), "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(str(path), "", "is a folder, not a scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), "", f"invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), "", "is not UTF-8 text") from None


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following its `extends` chain, if any)."""
    path = Path(path)
    return parse_scenario(read_document(path), str(path))


def read_document(path: str | Path) -> dict[str, Any]:
    """The scenario document of a file with its `extends` chain merged in (not yet validated)."""
    path = Path(path)
    return resolve(path, read_toml(path), read_toml)
