"""Parameter tables generated from a scenario file: every input with its value, unit and label.

`parameter_rows(path)` walks the validated scenario (defaults included) and gives one tidy row per
parameter: section, key path, value as readable text, unit, label, note and the file that sets it.
`parameter_markdown(path)` renders those rows as markdown tables, one per section (one per entry
for procedures, staff and back-office pools). `docs/generate.py` writes the committed
`docs/parameters_*.md` from them, and a test checks that the committed files are up to date.

Key paths name list entries by id where they have one (`procedures[land_intake].work_min`,
`staff[director].meetings`) and by position otherwise (`calendar.seasons[0]`, `targets.rules[1]`).
Lists of small tables (sessions, arrival-profile blocks, meetings, leave) and distributions are one
row each, written out in words.

**Where the label and the note come from.** The validator ignores comments, so the labels SOURCED
and ESTIMATE live only in the TOML text (docs/scenario_format.md, "Sourced figures and
estimates"). The text of the scenario file (and of each parent in its `extends` chain) is scanned
line by line — table headers, `key = value` statements (values may run over several lines) and
comment lines — and a parameter is matched to the statement that sets it: the key itself, a table
written inline around it (`balking = { ... }` sets `demand.balking.queue_length`), or, for a
parameter shown as one row, the first statement inside it (`[[demand.hourly_profile]]` blocks). The
file nearest the variant wins, as in the merge. Then:

1. the comment at the end of that statement's line (or at the end of its last line, for a value over
   several lines) is the note;
2. the label is the first of SOURCED / ESTIMATE found in that comment; when it names neither, or
   there is no such comment, the label comes from the nearest comment block above the statement in
   the same top-level section (`[demand]`, `[[staff]]`, ...): a run of full-line comments, or the
   comment at the end of a table header. A comment block therefore covers everything after it in
   its section until the next block, which is how a label written above `[[procedures]]` covers all
   procedures. The block is also the note when the statement has no comment of its own;
3. a comment naming both words gives both, in the order written ("SOURCED / ESTIMATE"); "ESTIMATED"
   counts as ESTIMATE; the words must be in capitals;
4. the comment block at the top of a file, before its first table or key, is the file's preamble
   and labels nothing;
5. a parameter that no file in the chain sets is labelled **default**; one that is set but for which
   no label is found is left unlabelled ("").

The heuristic reads comments, not meaning: a block above a later part of a section can label a key
it was not written for. Put a label on the key's own line when it differs from the block above.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.report.i18n import scenario_description, scenario_title
from sim.scenario.calendar import SeasonSpec, SessionSpec
from sim.scenario.distributions import Deterministic, Empirical, Exponential, Gamma, LogNormal, Uniform
from sim.scenario.loader import load_scenario, read_toml
from sim.scenario.schema import FieldSpec, LeaveSpec, MeetingSpec, RateBlock, Scenario, TargetRule

Path_ = tuple[str, ...]
"""A key path as segments: ("procedures", "[land_intake]", "work_min")."""

LABELS = ("SOURCED", "ESTIMATE")
"""The two labels of docs/scenario_format.md, "Sourced figures and estimates"."""
_LABEL_RE = re.compile(r"\b(" + "|".join(LABELS) + ")")
DEFAULT = "default"
_LEADING_LABEL = re.compile(r"^(?:SOURCED|ESTIMATED?)\b\s*[:–-]?\s*")

SECTIONS: tuple[tuple[str, str], ...] = (
    ("calendar", "Calendar"),
    ("demand", "Demand"),
    ("fields", "Fields (lĩnh vực)"),
    ("procedures", "Procedures (thủ tục)"),
    ("staff", "Staff"),
    ("equipment", "Equipment"),
    ("support_team", "Support team (tổ hỗ trợ)"),
    ("policies", "Policies"),
    ("back_office", "Back office"),
    ("online", "Online channel"),
    ("targets", "Targets"),
    ("run", "Run defaults"),
)
"""Sections in print order with their headings ([scenario] names the document instead)."""

NOT_USED = {("procedures", "fee_share"), ("procedures", "online_payment_share")}
"""(section, key) of parameters that are recorded but not read by the current model."""


@dataclass(frozen=True, slots=True)
class ParamRow:
    """One parameter of a scenario, as a tidy row."""

    section: str
    """Top-level table: "demand", "procedures", ..."""
    key: str
    """Key path, e.g. `procedures[land_intake].work_min`."""
    value: str
    """The value in words, e.g. "lognormal, mean 90, cv 0.6"."""
    unit: str
    label: str
    """"SOURCED", "ESTIMATE", both ("SOURCED / ESTIMATE"), "default", or "" (set but unlabelled)."""
    note: str
    """The comment the label was found in (or the statement's own comment), without '#'."""
    file: str
    """Name of the file that sets the parameter; "" for a default."""


# --- reading the TOML text -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Statement:
    path: Path_
    line: int
    section: str
    comment: str
    """Comment at the end of the statement (its first line, else its last)."""


@dataclass(frozen=True, slots=True)
class _Block:
    line: int
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class _FileComments:
    """The statements and comment blocks of one scenario file."""

    name: str
    statements: tuple[_Statement, ...]
    blocks: tuple[_Block, ...]

    def find(self, key: Path_) -> _Statement | None:
        """The statement that sets `key`: the key, an inline table around it, or the first inside it."""
        inside: _Statement | None = None
        for s in self.statements:
            n = min(len(s.path), len(key))
            if s.path[:n] != key[:n]:
                continue
            if len(s.path) <= len(key):
                return s
            if inside is None or s.line < inside.line:
                inside = s
        return inside

    def block_before(self, s: _Statement) -> _Block | None:
        best: _Block | None = None
        for b in self.blocks:
            if b.section == s.section and b.line < s.line and (best is None or b.line > best.line):
                best = b
        return best


def _split_key(text: str) -> list[str]:
    """`a.b."c d"` -> ['a', 'b', 'c d'] (TOML dotted keys, bare or quoted)."""
    parts: list[str] = []
    buf = ""
    quote = ""
    for ch in text.strip():
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts


class _Scanner:
    """Finds comments outside strings, and where a value spread over several lines ends."""

    def __init__(self) -> None:
        self.depth = 0
        self.string = ""  # the open string's delimiter: ", ', \"\"\" or '''

    def line(self, text: str) -> str:
        """Scan one line; return its comment ("" if none)."""
        i = 0
        while i < len(text):
            ch = text[i]
            if self.string:
                if self.string in ('"', '"""') and ch == "\\":  # escapes exist in basic strings only
                    i += 2
                    continue
                if text.startswith(self.string, i):
                    i += len(self.string)
                    self.string = ""
                    continue
                i += 1
                continue
            if ch == "#":
                return text[i + 1 :].strip()
            if ch in "\"'":
                triple = ch * 3
                self.string = triple if text.startswith(triple, i) else ch
                i += len(self.string)
                continue
            if ch in "[{":
                self.depth += 1
            elif ch in "]}":
                self.depth -= 1
            i += 1
        if self.string in ('"', "'"):
            self.string = ""  # a single-line string cannot span lines (a TOML error anyway)
        return ""

    @property
    def done(self) -> bool:
        return self.depth <= 0 and not self.string


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(?:#(.*))?$")
_KEY = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_ASSIGN = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=(.*)$")


def scan_comments(text: str, name: str = "") -> _FileComments:
    """Index the statements and comment blocks of a scenario file's text (see the module doc)."""
    lines = text.splitlines()
    raw: list[tuple[tuple[str | int, ...], int, str]] = []
    ids: dict[tuple[str | int, ...], str] = {}
    blocks: list[tuple[int, str]] = []  # (line, text); section filled in from the next statement
    block_sections: list[str] = []
    pending: list[tuple[int, str]] = []
    table: tuple[str | int, ...] = ()
    arrays: dict[tuple[str | int, ...], int] = {}
    seen_statement = False
    i = 0

    def close_pending(section: str) -> None:
        if pending and seen_statement:
            blocks.append((pending[0][0], " ".join(t for _, t in pending if t)))
            block_sections.append(section)
        pending.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            if pending and seen_statement:
                blocks.append((pending[0][0], " ".join(t for _, t in pending if t)))
                block_sections.append("")  # section unknown until the next statement
            pending.clear()
            i += 1
            continue
        if stripped.startswith("#"):
            pending.append((i, stripped.lstrip("#").strip()))
            i += 1
            continue
        header = _HEADER.match(line)
        if header:
            is_array = header.group(1) == "[["
            parts = _split_key(header.group(2))
            resolved: tuple[str | int, ...] = ()
            for k, part in enumerate(parts):
                resolved = (*resolved, part)
                last = k == len(parts) - 1
                if last and is_array:
                    arrays[resolved] = arrays.get(resolved, 0) + 1
                    resolved = (*resolved, arrays[resolved] - 1)
                elif resolved in arrays:
                    resolved = (*resolved, arrays[resolved] - 1)
            table = resolved
            section = str(parts[0])
            _fill_sections(block_sections, section)
            close_pending(section)
            seen_statement = True
            if header.group(4) and header.group(4).strip():
                blocks.append((i, header.group(4).strip()))
                block_sections.append(section)
            i += 1
            continue
        assign = _ASSIGN.match(line)
        if not assign:  # not something this scanner understands: skip it
            i += 1
            continue
        key = (*table, *_split_key(assign.group(1)))
        section = str(key[0])
        _fill_sections(block_sections, section)
        close_pending(section)
        seen_statement = True
        scanner = _Scanner()
        first = i
        comment = scanner.line(assign.group(2))
        value_text = assign.group(2)
        while not scanner.done and i + 1 < len(lines):
            i += 1
            last_comment = scanner.line(lines[i])
            if scanner.done and not comment:
                comment = last_comment
        raw.append((key, first, comment))
        if key[-1] == "id" and len(key) >= 2 and isinstance(key[-2], int):
            with contextlib.suppress(tomllib.TOMLDecodeError):
                ids[key[:-1]] = str(tomllib.loads("x = " + value_text.split("#")[0])["x"])
        i += 1

    statements = tuple(
        _Statement(_named(path, ids), line, str(path[0]), comment) for path, line, comment in raw
    )
    file_blocks = tuple(
        _Block(line, section, text)
        for (line, text), section in zip(blocks, block_sections, strict=True)
        if text and section
    )
    return _FileComments(name, statements, file_blocks)


def _fill_sections(block_sections: list[str], section: str) -> None:
    """Blocks closed by a blank line belong to the section of the next statement."""
    for k in range(len(block_sections) - 1, -1, -1):
        if block_sections[k]:
            break
        block_sections[k] = section


def _named(path: tuple[str | int, ...], ids: dict[tuple[str | int, ...], str]) -> Path_:
    """Replace array positions by `[id]` (entries with an id) or `[position]`."""
    out: list[str] = []
    for k, part in enumerate(path):
        if isinstance(part, int):
            out.append(f"[{ids.get(path[: k + 1], part)}]")
        else:
            out.append(part)
    return tuple(out)


def _labels(text: str) -> str:
    found: list[str] = []
    for m in _LABEL_RE.finditer(text):
        if m.group(1) not in found:
            found.append(m.group(1))
    return " / ".join(found)


def _chain(path: Path) -> list[Path]:
    """The file and its `extends` parents, the file first (the loader has checked the chain)."""
    out = [path]
    data = read_toml(path)
    while isinstance(data.get("extends"), str):
        path = (path.parent / data["extends"]).resolve()
        if path in out:
            break
        out.append(path)
        data = read_toml(path)
    return out


def _comment_for(key: Path_, files: list[_FileComments]) -> tuple[str, str, str]:
    """(label, note, file name) for a parameter, following the rules of the module doc."""
    for fc in files:
        s = fc.find(key)
        if s is None:
            continue
        label = _labels(s.comment)
        note = s.comment
        if not label:
            block = fc.block_before(s)
            if block is not None:
                label = _labels(block.text)
                note = note or block.text
        if label and note.count("SOURCED") + note.count("ESTIMATE") == 1:
            note = _LEADING_LABEL.sub("", note, count=1)
        return label, note, fc.name
    return DEFAULT, "", ""


# --- values in words --------------------------------------------------------------------------------


def _num(x: float | int) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return str(int(x))
    return repr(float(x))


def _dist(d: Any) -> str:
    if isinstance(d, Exponential):
        return f"exponential, mean {_num(d.mean)}"
    if isinstance(d, LogNormal):
        return f"lognormal, mean {_num(d.mean)}, cv {_num(d.cv)}"
    if isinstance(d, Gamma):
        return f"gamma, mean {_num(d.mean)}, cv {_num(d.cv)}"
    if isinstance(d, Deterministic):
        return f"fixed {_num(d.value)}"
    if isinstance(d, Uniform):
        return f"uniform {_num(d.low)}–{_num(d.high)}"
    if isinstance(d, Empirical):
        values = ", ".join(_num(v) for v in d.values)
        if d.weights is None:
            return f"empirical: {values}, equally likely"
        return f"empirical: {values} with weights {', '.join(_num(w) for w in d.weights)}"
    raise TypeError(f"not a distribution: {d!r}")


_DISTS = (Exponential, LogNormal, Gamma, Deterministic, Uniform, Empirical)


def _sessions(items: Iterable[SessionSpec]) -> str:
    return ", ".join(f"{s.name} {s.start}–{s.end}" for s in items) or "none"


def _words(value: Any) -> str:
    """A value as readable text."""
    if value is None:
        return "none"
    if isinstance(value, _DISTS):
        return _dist(value)
    if isinstance(value, bool | int | float):
        return _num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value or "(empty)"
    if isinstance(value, SeasonSpec):
        return f"{value.name}, {value.start} to {value.end}: {_sessions(value.sessions)}"
    if isinstance(value, FieldSpec):
        names = " / ".join(x for x in (value.name, value.name_vi) if x)
        return names or value.id
    if isinstance(value, TargetRule):
        text = f"{value.kpi} {value.op} {_num(value.value)}"
        return f"{text} ({value.label})" if value.label else text
    if isinstance(value, dict):
        return ", ".join(f"{k} {_words(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        first = value[0]
        if isinstance(first, SessionSpec):
            return _sessions(value)
        if isinstance(first, RateBlock):
            return "; ".join(f"{b.start}–{b.end} × {_num(b.weight)}" for b in value)
        if isinstance(first, MeetingSpec):
            return ", ".join(f"{m.weekday} {m.session}" for m in value)
        if isinstance(first, LeaveSpec):
            return ", ".join(f"{x.start} to {x.end}" for x in value)
        return ", ".join(_words(v) for v in value)
    return str(value)


# --- units ------------------------------------------------------------------------------------------

_UNITS_BY_KEY: dict[str, str] = {
    "statutory_days": "working days",
    "supply_days": "working days",
    "external_days": "working days",
    "visits_per_day": "visits / working day",
    "dossiers_per_day": "dossiers / calendar day",
    "weekday_factors": "× visits_per_day",
    "hourly_profile": "relative rate",
    "season_profiles": "relative rate",
    "missing_papers": "probability",
    "second_request": "probability",
    "online_weight": "relative weight",
    "documents": "documents",
    "extra_document_min": "min / extra document",
    "tickets_per_roll": "tickets",
    "max_queue": "people waiting",
    "queue_length": "people waiting",
    "probability": "probability",
    "members": "people",
    "workers": "people",
    "counter": "counter no.",
    "priority_interleave": "calls",
    "initial_backlog": "dossiers",
    "replications": "replications",
    "counter_time_factor": "× counter time",
    "start": "",
    "end": "",
}

_UNITS_BY_SECTION_KEY: dict[tuple[str, str], str] = {
    ("procedures", "share"): "relative weight",
    ("back_office", "share"): "share of working time",
}


def _unit(key: Path_, value: Any) -> str:
    name = key[-1]
    section = key[0]
    if name.startswith("["):  # a list entry shown whole
        name = key[-2]
    if section == "equipment" and name == "count":
        return "machines" if key[1] == "ticket_machines" else "PCs"
    if (section, name) in _UNITS_BY_SECTION_KEY:
        return _UNITS_BY_SECTION_KEY[(section, name)]
    if section == "demand" and len(key) >= 2 and key[1] == "season_profiles":
        return "relative rate"
    if name in _UNITS_BY_KEY:
        unit = _UNITS_BY_KEY[name]
        if name in ("start", "end") and isinstance(value, dt.date):
            return "date"
        return unit
    if name.endswith("_min"):
        return "min"
    if name.endswith("_days"):
        return "working days"
    if name.endswith("_share") or name == "share":
        return "share"
    if name in ("times", "same_day_cutoff"):
        return "clock time"
    if isinstance(value, dt.date) or (isinstance(value, list) and value and isinstance(value[0], dt.date)):
        return "date"
    return ""


# --- walking the scenario ---------------------------------------------------------------------------

_WHOLE = (SeasonSpec, FieldSpec, TargetRule)
"""Tables shown as one row each (a season, a field, a target rule)."""


def _walk(model: BaseModel, key: Path_, out: list[tuple[Path_, Any]]) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*key, name)
        if name == "id" and key and key[-1].startswith("["):
            continue  # the id is in the key path
        if isinstance(value, (*_DISTS, *_WHOLE)):
            out.append((here, value))
        elif isinstance(value, BaseModel):
            _walk(value, here, out)
        elif isinstance(value, list) and value and isinstance(value[0], _WHOLE):
            for i, item in enumerate(value):
                tag = getattr(item, "id", None) or str(i)
                out.append(((*here, f"[{tag}]"), item))
        elif (
            isinstance(value, list) and value and isinstance(value[0], BaseModel) and hasattr(value[0], "id")
        ):
            for item in value:
                _walk(item, (*here, f"[{item.id}]"), out)
        elif isinstance(value, dict) and value and all(isinstance(v, BaseModel) for v in value.values()):
            for k, v in value.items():
                _walk(v, (*here, str(k)), out)
        elif name == "season_profiles" and value:
            for k, v in value.items():
                out.append(((*here, str(k)), v))
        else:
            out.append((here, value))


def _key_text(key: Path_) -> str:
    text = ""
    for part in key:
        text += part if part.startswith("[") or not text else "." + part
    return text


def parameter_rows(scenario: Scenario | str | Path, path: str | Path | None = None) -> list[ParamRow]:
    """Every parameter of a scenario (defaults included) as tidy rows, in the scenario's order.

    Give the scenario file's path (or a loaded `Scenario` and its `path`) to get labels and notes
    from its comments; a `Scenario` alone gives values and units with empty labels.
    """
    if not isinstance(scenario, Scenario):
        path = Path(scenario)
        scenario = load_scenario(path)
    files: list[_FileComments] = []
    if path is not None:
        for p in _chain(Path(path)):
            files.append(scan_comments(p.read_text(encoding="utf-8"), p.name))
    items: list[tuple[Path_, Any]] = []
    _walk(scenario, (), items)
    rows: list[ParamRow] = []
    order = {name: i for i, (name, _) in enumerate(SECTIONS)}
    for key, value in items:
        section = key[0]
        if section not in order:
            continue
        if files:
            label, note, file = _comment_for(key, files)
        else:
            label, note, file = "", "", ""
        if (section, key[-1]) in NOT_USED:
            note = f"{note} (not used by the current model)" if note else "not used by the current model"
        rows.append(ParamRow(section, _key_text(key), _words(value), _unit(key, value), label, note, file))
    if scenario.back_office is None:
        rows.append(
            ParamRow(
                "back_office", "back_office", "none (the model stops at the counter)", "", DEFAULT, "", ""
            )
        )
    rows.sort(key=lambda r: order[r.section])  # stable: keeps the scenario's order within a section
    return rows


# --- markdown ---------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or " "


def _entry_of(row: ParamRow) -> str | None:
    """For procedures, staff and pools: the entry a row belongs to (its id), else None."""
    m = re.match(r"^(procedures|staff|back_office\.pools)\[([^\]]+)\]", row.key)
    return f"{m.group(1)}[{m.group(2)}]" if m else None


def _table(rows: list[ParamRow], show_file: bool) -> list[str]:
    head = ["Parameter", "Value", "Unit", "Label", "Note"] + (["Set in"] if show_file else [])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    previous = None
    for r in rows:
        note = r.note
        if note and note == previous:
            note = "(as above)"
        else:
            previous = r.note
        cells = [f"`{r.key}`", r.value, r.unit, r.label or "—", note] + ([r.file or "—"] if show_file else [])
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return out


def parameter_markdown(scenario_path: str | Path, display_path: str | None = None) -> str:
    """The parameter tables of a scenario file as a markdown document (deterministic text)."""
    path = Path(scenario_path)
    shown = display_path or str(scenario_path)
    scenario = load_scenario(path)
    rows = parameter_rows(scenario, path)
    chain = _chain(path)
    show_file = len(chain) > 1
    lines = [
        f"<!-- generated from {shown} by docs/generate.py; do not edit -->",
        "",
        f"# Parameters: {scenario_title(scenario, 'en')}",
        "",
        f"*Generated from [`{shown}`](../{shown}) by `python docs/generate.py`; do not edit by hand.*",
        "",
    ]
    description = scenario_description(scenario, "en")
    if description:
        lines += [description, ""]
    if show_file:
        parents = ", ".join(f"`{p.name}`" for p in chain[1:])
        lines += [
            f"This scenario extends {parents}: the **Set in** column names the file each value comes from.",
            "",
        ]
    counts = {k: sum(1 for r in rows if r.label == k) for k in ("SOURCED", "ESTIMATE", DEFAULT)}
    both = sum(1 for r in rows if "/" in r.label)
    unlabelled = sum(1 for r in rows if not r.label)
    lines += [
        f"{len(rows)} parameters: {counts['SOURCED']} SOURCED, {counts['ESTIMATE']} ESTIMATE, "
        f"{both} with both labels, {unlabelled} set without a label, {counts[DEFAULT]} left at their "
        "default.",
        "",
        "**Label** comes from the comments of the scenario file: **SOURCED** (the figure has a named "
        "source), **ESTIMATE** (a judgement to replace with the centre's own data), both when the "
        "comment names both, **default** (not set in the file: the model's default, see "
        "[the scenario format](scenario_format.md)), or — (set without a label). The **Note** is the "
        "comment the label was found in. How comments are matched to keys is described in "
        "`sim/report/params.py`; a comment block covers the keys after it in its section, so read "
        "a label together with its note.",
        "",
    ]
    for section, title in SECTIONS:
        part = [r for r in rows if r.section == section]
        if not part:
            continue
        lines += [f"## {title}", ""]
        plain = [r for r in part if _entry_of(r) is None]
        if plain:
            lines += [*_table(plain, show_file), ""]
        entries: dict[str, list[ParamRow]] = {}
        for r in part:
            entry = _entry_of(r)
            if entry is not None:
                entries.setdefault(entry, []).append(r)
        for entry, entry_rows in entries.items():
            lines += [f"### `{entry}`", "", *_table(entry_rows, show_file), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
