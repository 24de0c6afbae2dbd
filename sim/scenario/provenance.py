"""Where each value of a scenario comes from: SOURCED (with its sources), FITTED or ESTIMATE.

The validator ignores comments, so the labels live in the TOML text, written next to the values
(docs/scenario_format.md, "Sourced figures and estimates"):

    count = 1          # SOURCED [dao-xa-report]: 1 automatic ticket machine
    # ESTIMATE: how long a visitor will wait for the counter before leaving.
    patience_min = { dist = "lognormal", mean = 90.0, cv = 0.6 }

`SOURCED [id, id]` names sources listed in `sim/data/sources.csv` (shown in `docs/sources.md`).
`FITTED: <file>, <period>, n = …` marks a value `python -m sim fit` estimated from a centre's own
data (`sim.fitting.writer`); it counts only on the value's own line, since each fitted figure has
its own data behind it and a block above several values cannot say which.
The files are read with tomlkit, which keeps comments, and each value gets a `Note` as data:

1. the comment on the value's own line, when it names SOURCED, FITTED or ESTIMATE;
2. else the nearest comment block above it in the same top-level section (`[demand]`, `[[staff]]`):
   a run of full-line comments, or a table header's own comment, when it names SOURCED or
   ESTIMATE. A block covers the keys after it until the next block, so a block above the first
   `[[procedures]]` covers every procedure;
3. else ESTIMATE: a value nobody gave a source for is a judgement ("set in <file> without a
   label"). The comment block at the top of a file is its preamble and labels nothing.

A comment naming both SOURCED and ESTIMATE is ESTIMATE (a figure built partly on a judgement is a
judgement) and keeps the sources it cites. An own-line comment naming FITTED is FITTED even when it
mentions an estimate or a source the fit rests on ("visits = tickets / tickets per visit, an
ESTIMATE of the base"): the data decided the figure, and the note's text says what else it took.
Provenance follows the value: the note comes from the file that SETS the value, nearest the loaded
file in the `extends` chain, so a variant that changes a figure never inherits its parent's SOURCED
note for it. A value no file sets is a model default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit import items
from tomlkit.container import Container

from sim.scenario.calendar import SeasonSpec
from sim.scenario.distributions import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Uniform,
    Weibull,
)
from sim.scenario.loader import read_bytes, read_scenario_file
from sim.scenario.schema import FieldSpec, Scenario, TargetRule
from sim.scenario.variants import allowed_roots, resolve_chain

SOURCED = "SOURCED"
ESTIMATE = "ESTIMATE"
FITTED = "FITTED"
DEFAULT = "default"
KINDS = (SOURCED, ESTIMATE, FITTED, DEFAULT)

Key = tuple[str, ...]
"""A key path as segments, list entries by id or position: ("procedures", "[land_intake]", "share")."""

_LABEL = re.compile(r"\b(SOURCED|ESTIMATED?|FITTED)\b")
_SOURCE_IDS = re.compile(r"\bSOURCED\s*\[([^\]]*)\]")
_LEADING = re.compile(r"^\s*(?:SOURCED(?:\s*\[[^\]]*\])?|ESTIMATED?|FITTED)\s*[:–-]?\s*")


@dataclass(frozen=True, slots=True)
class Note:
    """The provenance of one value."""

    kind: str
    """SOURCED, ESTIMATE, FITTED, or default (not set by any file)."""
    sources: tuple[str, ...] = ()
    """Ids of the sources the note cites (`sim/data/sources.csv`)."""
    text: str = ""
    """The author's comment (English, as written), without its leading label."""
    file: str = ""
    """Name of the file that sets the value; "" for a default."""
    labelled: bool = True
    """False for a value set without a label nearby: an ESTIMATE by rule 3."""


@dataclass(frozen=True, slots=True)
class _Statement:
    key: Key
    comment: str
    block: str
    """The comment block that covers it ("" when none)."""


def parse_note(comment: str, *, own_line: bool = True) -> tuple[str, tuple[str, ...]] | None:
    """(kind, source ids) of a comment, or None when it names no label.

    FITTED counts only in a value's own-line comment (`own_line`); in a block it is ignored."""
    found = {m.group(1) for m in _LABEL.finditer(comment)}
    found = {ESTIMATE if f == "ESTIMATED" else f for f in found}
    if not own_line:
        found.discard(FITTED)
    if not found:
        return None
    ids = tuple(
        dict.fromkeys(
            i.strip() for m in _SOURCE_IDS.finditer(comment) for i in m.group(1).split(",") if i.strip()
        )
    )
    kind = next(k for k in (FITTED, ESTIMATE, SOURCED) if k in found)
    return kind, ids


def _strip_label(text: str) -> str:
    """The comment without its leading label (kept when it names several, unless it opens with
    FITTED: what follows is then the fit's data and method)."""
    if len(_LABEL.findall(text)) == 1 or text.lstrip().startswith(FITTED):
        return _LEADING.sub("", text, count=1).strip()
    return text.strip()


@dataclass(slots=True)
class _Walk:
    """Walks a tomlkit document in text order, keeping the comment block that covers each key."""

    statements: list[_Statement] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)
    covering: dict[str, str] = field(default_factory=dict)
    started: bool = False

    def comment(self, line: str) -> None:
        self.pending.append(line.strip().lstrip("#").strip())

    def blank(self) -> None:
        if self.pending:
            self.floating, self.pending = self.pending, []

    def _enter(self, section: str, own_comment: str = "") -> None:
        block = self.pending or self.floating
        if block and self.started:
            self.covering[section] = " ".join(t for t in block if t)
        self.pending, self.floating = [], []
        self.started = True
        if own_comment:
            self.covering[section] = own_comment

    def header(self, key: Key, comment: str) -> None:
        self._enter(key[0], comment.lstrip("#").strip())

    def value(self, key: Key, comment: str) -> None:
        self._enter(key[0])
        self.statements.append(_Statement(key, comment.lstrip("#").strip(), self.covering.get(key[0], "")))

    def container(self, body: Container | items.Table, key: Key) -> None:
        for name, item in body.value.body if isinstance(body, items.Table) else body.body:
            self.item(key, name, item)

    def item(self, key: Key, name: Any, item: Any) -> None:
        name = name.key if isinstance(name, items.Key) else name
        if isinstance(item, items.Comment):
            self.comment(item.as_string())
        elif isinstance(item, items.Whitespace):
            if "\n" in item.as_string() and not item.as_string().strip("\n \t\r"):
                self.blank()
        elif isinstance(item, items.AoT):
            for i, entry in enumerate(item.body):
                tag = entry.get("id", i)
                self.table((*key, str(name), f"[{tag}]"), entry)
        elif isinstance(item, items.Table):
            self.table((*key, str(name)), item)
        elif name is not None:
            self.value((*key, str(name)), item.trivia.comment)

    def table(self, key: Key, table: items.Table) -> None:
        if not table.is_super_table():
            self.header(key, table.trivia.comment)
        self.container(table, key)


def statements(text: str) -> list[_Statement]:
    """Every key a scenario file's text sets, in order, with its own comment and covering block."""
    walk = _Walk()
    walk.container(tomlkit.parse(text), ())
    return walk.statements


def _note(s: _Statement, file: str) -> Note:
    own = parse_note(s.comment)
    if own is not None:
        return Note(own[0], own[1], _strip_label(s.comment), file)
    block = parse_note(s.block, own_line=False)
    if block is not None:
        return Note(block[0], block[1], s.comment or _strip_label(s.block), file)
    return Note(ESTIMATE, (), s.comment, file, labelled=False)


@dataclass(frozen=True, slots=True)
class FileNotes:
    """The notes of the keys one file sets."""

    name: str
    notes: Mapping[Key, Note]

    def find(self, key: Key) -> Note | None:
        """The note of `key` if this file sets it: the key, a table written inline around it, or
        (for a value shown whole, such as a list of tables) the first key set inside it."""
        for k, note in self.notes.items():
            n = min(len(k), len(key))
            if k[:n] == key[:n]:
                return note
        return None


def file_notes(text: str, name: str) -> FileNotes:
    """The notes of every key a file sets (see the module doc for the rules)."""
    return FileNotes(name, {s.key: _note(s, name) for s in statements(text)})


def chain(path: str | Path, scenario_root: str | Path | None = None) -> list[Path]:
    """The file and its `extends` parents, the file first, checked as the loader checks them."""
    path = Path(path)
    files: list[Path] = []

    def read(p: Path) -> dict[str, Any]:
        files.append(p)
        return read_scenario_file(p)

    resolve_chain(path, read, allowed_roots(path, scenario_root))
    return files


def chain_notes(path: str | Path, scenario_root: str | Path | None = None) -> list[FileNotes]:
    """The notes of each file of the chain, the loaded file first."""
    return [file_notes(read_bytes(p).decode("utf-8-sig"), p.name) for p in chain(path, scenario_root)]


def note_for(key: Key, files: list[FileNotes]) -> Note:
    """The note of the file nearest the loaded one that sets `key`, as the merge takes the value."""
    for fn in files:
        note = fn.find(key)
        if note is not None:
            return note
    return Note(DEFAULT)


def all_notes(files: list[FileNotes]) -> Iterator[Note]:
    """Every note of every file of a chain (for checks that each SOURCED note cites a source)."""
    for fn in files:
        yield from fn.notes.values()


# --- the parameters a note is asked for -------------------------------------------------------------

DISTRIBUTIONS = (Exponential, LogNormal, Gamma, Weibull, Deterministic, Uniform, Empirical)
WHOLE = (SeasonSpec, FieldSpec, TargetRule)
"""Tables that are one parameter each (a season, a field, a target rule), as distributions are."""


def parameter_keys(scenario: Scenario) -> list[tuple[Key, Any]]:
    """(key path, value) of every parameter of a validated scenario (defaults included), in order.

    The reports' parameter tables and `sim.fitting.estimates` list parameters by these keys, so
    both ask `note_for` the same question: list entries by id (`("procedures", "[land_intake]",
    "work_min")`), lists of small tables without ids (arrival-profile blocks, sessions) and
    distributions as one parameter each."""
    out: list[tuple[Key, Any]] = []
    _walk_model(scenario, (), out)
    return out


def _walk_model(model: BaseModel, key: Key, out: list[tuple[Key, Any]]) -> None:
    for name in type(model).model_fields:
        if name == "id" and key and key[-1].startswith("["):
            continue  # the id is in the key path
        _walk_value(getattr(model, name), (*key, name), out)


def _walk_value(value: Any, here: Key, out: list[tuple[Key, Any]]) -> None:
    if isinstance(value, (*DISTRIBUTIONS, *WHOLE)):
        out.append((here, value))
    elif isinstance(value, BaseModel):
        _walk_model(value, here, out)
    elif isinstance(value, list) and value and isinstance(value[0], WHOLE):
        out.extend(((*here, f"[{getattr(item, 'id', None) or i}]"), item) for i, item in enumerate(value))
    elif isinstance(value, list) and value and isinstance(value[0], BaseModel) and hasattr(value[0], "id"):
        for item in value:
            _walk_model(item, (*here, f"[{item.id}]"), out)
    elif isinstance(value, dict) and value and all(isinstance(v, BaseModel) for v in value.values()):
        for k, v in value.items():
            _walk_model(v, (*here, str(k)), out)
    elif here[-1] == "season_profiles" and value:
        out.extend(((*here, str(k)), v) for k, v in value.items())
    else:
        out.append((here, value))


def key_text(key: Key) -> str:
    """A key path as the reports write it: `procedures[land_intake].work_min`."""
    text = ""
    for part in key:
        text += part if part.startswith("[") or not text else "." + part
    return text
