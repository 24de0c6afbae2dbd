"""Plausible ranges of ESTIMATE values: `X_range = { low, high, reason }` next to the number `X`.

A scenario says how sure it is of a judgement by writing its plausible range beside it:

    visits_per_day = 58.0                # ESTIMATE
    visits_per_day_range = { low = 45.0, high = 72.0, reason = "..." }

The loader takes every `X_range` key out of the merged document (after `extends`, so a variant
inherits its parent's ranges like any key) before pydantic sees it, checks it, and hands the ranges
to `Scenario.estimate_ranges`. A results folder's `scenario.toml` writes them back as
`[[estimate_ranges]]` tables (key, low, high, reason), which this module reads as well.

Key paths use dots, and `[id]` for entries of an array of tables with ids (`staff[director].
counter_share`), so a variant that reorders or removes entries keeps the right key; other arrays use
the position (`demand.hourly_profile[2].weight`). The sensitivity sweep sets one value with
`with_value` and parses the document again.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from sim.scenario.base import Strict
from sim.scenario.errors import ScenarioError
from sim.scenario.variants import Provenance

SUFFIX = "_range"
RANGE_KEYS = ("low", "high", "reason")
DIRECT_KEY = "estimate_ranges"
"""The top-level array of tables that gives ranges by key path (what results folders write)."""

FREE_KEY_TABLES = frozenset(
    {"demand.season_profiles", "back_office.initial_backlog", "targets.minimum_important_difference"}
)
"""Tables whose keys are names the user chooses (seasons, field ids, KPIs): a key ending in
`_range` there is a name, not a range."""

BOUND_MAX = 1e9
"""No value of a scenario comes near it (`sim.scenario.schema.TARGET_VALUE_MAX` alike)."""

REASON_MAX = 300
"""A reason is one line: the judgement behind the range, not an essay."""

_WHY = "why the value may lie anywhere from low to high"
_NEXT_TO = "a range belongs next to the number it brackets"
_FORM = '{ low = 45.0, high = 72.0, reason = "why the value may lie anywhere in between" }'


class EstimateRange(Strict):
    """The plausible range of one ESTIMATE value, with the reason for it."""

    key: Annotated[str, Field(min_length=1, max_length=300)]
    """Key path of the value, e.g. `procedures[land_intake].work_min.mean`."""
    low: float
    high: float
    reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX)]
    value: float = Field(exclude=True)
    """The value in the scenario. Derived from the document, so not written back: a results
    folder's scenario.toml edited by hand cannot disagree with itself."""


@dataclass(frozen=True, slots=True)
class _Found:
    """A range as read, with both spellings of where it is: by id (shown) and by position
    (`Provenance` finds the file that supplied it)."""

    key: str
    """Key path of the value, ids for id-arrays (`EstimateRange.key`)."""
    at: str
    """Key path of the range itself, by position as in every error message of the loader (and as
    `Provenance.source_of` reads it)."""
    value_pos: str
    """Key path of the value, by position ("" when there is none)."""
    spec: Any
    value: Any


# ----- key paths ---------------------------------------------------------------------------------

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\[\]]+)\]")


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in value)
    )


def _labels(items: list[Any]) -> list[str]:
    """How the entries of an array are named in a key path: their ids, or their positions (one
    look at the whole array, so a long one costs linear time)."""
    return [str(x["id"]) for x in items] if _is_id_list(items) else [str(i) for i in range(len(items))]


def _parts(key: str) -> list[tuple[str, bool]]:
    """'staff[director].counter_share' -> [('staff', False), ('director', True), ('counter_share', False)]."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _SEGMENT.finditer(key):
        between = key[pos : m.start()]
        if between not in ("", "."):
            raise KeyError(key)
        out.append((m.group(1), False) if m.group(1) is not None else (m.group(2), True))
        pos = m.end()
    if pos != len(key) or not out or key.startswith(".") or key.endswith("."):
        raise KeyError(key)
    return out


def _locate(doc: Any, key: str) -> tuple[Any, str | int, str]:
    """The container holding `key`'s value, the name of the value in it, and its positional path."""
    node, pos = doc, ""
    parts = _parts(key)
    for n, (name, bracket) in enumerate(parts):
        last = n == len(parts) - 1
        if bracket:
            if not isinstance(node, list):
                raise KeyError(key)
            ids = [i for i, label in enumerate(_labels(node)) if label == name]
            if not ids:
                raise KeyError(key)
            index: str | int = ids[0]
            pos += f"[{index}]"
        else:
            if not isinstance(node, dict) or name not in node:
                raise KeyError(key)
            index = name
            pos += ("." if pos else "") + name
        if last:
            return node, index, pos
        node = node[index]
    raise KeyError(key)  # pragma: no cover - _parts never returns an empty list


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_at(document: Mapping[str, Any], key: str) -> Any:
    """The value at a key path of a (merged, unvalidated) document; KeyError if there is none."""
    container, name, _ = _locate(document, key)
    return container[name]


def with_value(document: Mapping[str, Any], key: str, value: float) -> dict[str, Any]:
    """A copy of the document with the number at `key` replaced (the sweep parses it again).

    The document is left as it is; `key` must name a number that is there (KeyError otherwise).
    """
    out = copy.deepcopy(dict(document))
    container, name, _ = _locate(out, key)
    if not _is_number(container[name]):
        raise KeyError(key)
    container[name] = value
    return out


# ----- reading ranges out of a document ------------------------------------------------------------


def _walk(node: Any, key: str, pos: str) -> Iterator[tuple[dict[str, Any], str, str]]:
    """Every table of the document with its key path (ids) and positional path."""
    if isinstance(node, dict):
        if key in FREE_KEY_TABLES:
            return
        yield node, key, pos
        for k, v in node.items():
            yield from _walk(v, f"{key}.{k}" if key else str(k), f"{pos}.{k}" if pos else str(k))
    elif isinstance(node, list):
        for i, (v, label) in enumerate(zip(node, _labels(node), strict=True)):
            yield from _walk(v, f"{key}[{label}]", f"{pos}[{i}]")


def _strip(doc: dict[str, Any]) -> list[_Found]:
    """Take every `X_range` key out of the document (in place), in document order."""
    found: list[_Found] = []
    for table, key, pos in list(_walk(doc, "", "")):
        for name in [k for k in table if isinstance(k, str) and k.endswith(SUFFIX) and len(k) > len(SUFFIX)]:
            target = name[: -len(SUFFIX)]
            join = "." if key else ""
            found.append(
                _Found(
                    key=f"{key}{join}{target}",
                    at=f"{pos}{join}{name}",
                    value_pos=f"{pos}{join}{target}",
                    spec=table.pop(name),
                    value=table.get(target),
                )
            )
    return found


def _direct(doc: dict[str, Any], source: str) -> list[_Found]:
    """The ranges given by key path in `[[estimate_ranges]]` (taken out of the document)."""
    given = doc.pop(DIRECT_KEY, [])
    if not isinstance(given, list | tuple) or not all(isinstance(x, dict) for x in given):
        raise ScenarioError(
            source,
            DIRECT_KEY,
            'must be an array of tables: [[estimate_ranges]] with key = "...", low, high, reason',
        )
    found = []
    for i, entry in enumerate(given):
        at = f"{DIRECT_KEY}[{i}]"
        entry = dict(entry)
        key = entry.pop("key", None)
        if not isinstance(key, str) or not key:
            raise ScenarioError(
                source, f"{at}.key", 'is required: the key path of the value, e.g. "demand.visits_per_day"'
            )
        try:
            container, name, value_pos = _locate(doc, key)
            value = container[name]
        except KeyError:
            value, value_pos = None, ""
        found.append(_Found(key, at, value_pos, entry, value))
    return found


def _bound_problem(spec: dict[str, Any]) -> tuple[str, str] | None:
    """(low or high, message) for a bound that is missing, not a finite number, or absurd."""
    for bound in ("low", "high"):
        x = spec.get(bound)
        if x is None:
            return bound, f"is required; a range is written {_FORM}"
        if not _is_number(x) or not math.isfinite(x):
            return bound, f"must be a finite number (got {x!r})"
        if abs(x) > BOUND_MAX:
            limit = f"{BOUND_MAX:.0f}"
            return bound, f"must be between -{limit} and {limit} (no scenario value reaches it), got {x!r}"
    return None


def _form_problem(f: _Found) -> tuple[str, str] | None:
    """(which part, message) of what is wrong with a range's own form, or None."""
    spec = f.spec
    if not isinstance(spec, dict):
        return "range", f"a range is a table, e.g. {_FORM}"
    unknown = [k for k in spec if k not in RANGE_KEYS]
    if unknown:
        return "range", f"unknown key {unknown[0]!r}; a range has only low, high and reason, e.g. {_FORM}"
    problem = _bound_problem(spec)
    if problem is None and spec["low"] > spec["high"]:
        problem = (
            "range",
            (f"low ({spec['low']:g}) is above high ({spec['high']:g}); write the smaller number as low"),
        )
    if problem is not None:
        return problem
    reason = spec.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return "reason", f"every range needs its one-line reason: {_WHY}"
    if len(reason) > REASON_MAX or "\n" in reason.strip():
        return "reason", f"a reason is one line of at most {REASON_MAX} characters"
    return None


def _value_problem(f: _Found) -> tuple[str, str] | None:
    """(which part, message) when the range's key names no number or the value lies outside."""
    name = f.key.rsplit(".", 1)[-1].rsplit("]", 1)[-1]
    if not _is_number(f.value):
        what = "there is no such key" if f.value is None else f"{f.key} is not a number"
        return "range", f"{_NEXT_TO}: {what}; write {name}_range beside a number"
    low, high = f.spec["low"], f.spec["high"]
    if not low <= f.value <= high:
        return "value", (
            f"the value {f.value:g} is outside its range [{low:g}, {high:g}]; change the range "
            f"together with the value ({name}_range next to it)"
        )
    return None


def _files(f: _Found, provenance: Provenance) -> list[str]:
    """The files that supplied a range and each of its keys (a variant may set only some)."""
    keys = f.spec if isinstance(f.spec, dict) else {}
    return [provenance.source_of(f.at), *(provenance.source_of(f"{f.at}.{k}") for k in keys)]


def _where(f: _Found, part: str, source: str, provenance: Provenance | None) -> tuple[str, str, str]:
    """(file, key, note) of an error: the file whose line is at fault. For a whole range, the
    loaded file if it set any of it; for a value outside an inherited range, the file that moved
    the value (or the range)."""
    at = f.at if part in ("range", "value") else f"{f.at}.{part}"
    if provenance is None:
        return source, at, ""
    if part in RANGE_KEYS:
        files = [provenance.source_of(f"{f.at}.{part}")]
    elif part == "value" and f.value_pos:
        files = [provenance.source_of(f.value_pos), *_files(f, provenance)]
    else:
        files = _files(f, provenance)
    file = source if source in files else files[0]
    return file, at, "" if file == source else f" (inherited by {source})"


def _stale_reason(f: _Found, source: str, provenance: Provenance | None) -> ScenarioError | None:
    """A variant that sets a bound of an inherited range but not its reason: the parent's reason
    was written for the parent's range."""
    if provenance is None:
        return None
    reason_file = provenance.source_of(f"{f.at}.reason")
    moved = [b for b in ("low", "high") if provenance.source_of(f"{f.at}.{b}") != reason_file]
    if not moved:
        return None
    file = provenance.source_of(f"{f.at}.{moved[0]}")
    return ScenarioError(
        file,
        f"{f.at}.reason",
        f"this file sets the range's {moved[0]} but its reason comes from {reason_file}: give the "
        "reason for the new range in the same table"
        + _named(f)
        + ("" if file == source else f" (inherited by {source})"),
    )


def _named(f: _Found) -> str:
    """' (the range of staff[director].counter_share)' where the error's positional key does not say it."""
    return "" if f.at == f.key + SUFFIX else f" (the range of {f.key})"


def _refusal(
    f: _Found, problem: tuple[str, str], source: str, provenance: Provenance | None
) -> ScenarioError:
    part, message = problem
    file, at, note = _where(f, part, source, provenance)
    return ScenarioError(file, at, message + _named(f) + note)


@dataclass(frozen=True, slots=True)
class Pending:
    """Ranges taken out of a document, their own form checked; `settle` checks them against the
    values once the scenario has validated (so a bad value gets the schema's message first)."""

    found: tuple[_Found, ...]
    source: str
    provenance: Provenance | None

    def settle(self) -> tuple[EstimateRange, ...]:
        """The ranges, refusing one whose key names no number or whose value lies outside it.

        Without provenance the document was built by a program, not read from files (a stress
        test scaling demand, a property test): a range its value has left (or whose key path it
        removed) no longer describes the value and is dropped, so every range kept brackets its
        value. Only a range written next to something that is not a number is refused there.
        """
        out = []
        for f in self.found:
            problem = _value_problem(f)
            if problem is not None and self.provenance is None and (problem[0] == "value" or not f.value_pos):
                continue
            if problem is not None:
                raise _refusal(f, problem, self.source, self.provenance)
            out.append(
                EstimateRange(
                    key=f.key,
                    low=float(f.spec["low"]),
                    high=float(f.spec["high"]),
                    reason=f.spec["reason"].strip(),
                    value=float(f.value),
                )
            )
        return tuple(out)


def extract_ranges(
    data: dict[str, Any], source: str = "<scenario>", provenance: Provenance | None = None
) -> tuple[dict[str, Any], Pending]:
    """The document without its ranges (`data` is not modified), and the ranges, their form checked.

    With `provenance`, an error names the file that supplied the range, or, for a value moved
    outside an inherited range, the file that set the value.
    """
    doc = copy.deepcopy(data)
    found = _strip(doc) + _direct(doc, source)
    seen: dict[str, str] = {}
    for f in found:
        problem = _form_problem(f)
        if problem is not None:
            raise _refusal(f, problem, source, provenance)
        stale = _stale_reason(f, source, provenance)
        if stale is not None:
            raise stale
        if f.key in seen:
            raise ScenarioError(
                source, f.at, f"{f.key} already has a range ({seen[f.key]}); give one range per value"
            )
        seen[f.key] = f.at
    return doc, Pending(tuple(found), source, provenance)
