"""Parameter tables of a scenario: every input with its value, unit and provenance, as data.

`parameters(path, _=..., locale=...)` walks the validated scenario (defaults included) and gives one
`Parameter` per input: its key path, value, unit, and provenance (`sim.scenario.provenance.Note`:
SOURCED with source ids, FITTED from a centre's data, ESTIMATE, or a model default, from the file
that SETS the value in the `extends` chain), with the texts a report shows made in the report's
language where the row is made: the value in words, the unit, the kind ("ƯỚC TÍNH", "CÓ NGUỒN",
"TỪ DỮ LIỆU") and a note. The author's comments are English and are shown only in English; the
Vietnamese note names the sources by their Vietnamese short names (`sim/data/sources.csv`), and a
fitted value's data (file, period, observations).

`parameter_rows(path)` is the older English view (`ParamRow`), kept for the HTML report and the
generated `docs/parameters_*.md` (`parameter_markdown`).

Key paths name list entries by id where they have one (`procedures[land_intake].work_min`,
`staff[director].meetings`) and by position otherwise (`calendar.seasons[0]`, `targets.rules[1]`).
Lists of small tables (sessions, arrival-profile blocks, meetings, leave) and distributions are one
row each, written out in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.report.figures.text import Translate, english, lang_of
from sim.report.format import number
from sim.report.i18n import N_, scenario_description, scenario_title
from sim.report.param_words import unit_of, words
from sim.scenario.loader import load_scenario
from sim.scenario.provenance import (
    DEFAULT,
    ESTIMATE,
    FITTED,
    SOURCED,
    FileNotes,
    Key,
    Note,
    chain_notes,
    key_text,
    note_for,
    parameter_keys,
)
from sim.scenario.schema import Scenario
from sim.scenario.sources import sources

LABELS = (SOURCED, ESTIMATE)
"""The two labels of docs/scenario_format.md, "Sourced figures and estimates"."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("calendar", N_("Calendar")),
    ("demand", N_("Demand")),
    ("fields", N_("Fields (lĩnh vực)")),
    ("procedures", N_("Procedures (thủ tục)")),
    ("staff", N_("Staff")),
    ("equipment", N_("Equipment")),
    ("support_team", N_("Support team (tổ hỗ trợ)")),
    ("policies", N_("Policies")),
    ("back_office", N_("Back office")),
    ("online", N_("Online channel")),
    ("targets", N_("Targets")),
    ("run", N_("Run defaults")),
)
"""Sections in print order with their headings ([scenario] names the document instead)."""

NOT_USED = {("procedures", "fee_share"), ("procedures", "online_payment_share")}
"""(section, key) of parameters that are recorded but not read by the current model."""

KIND_TEXT: dict[str, str] = {
    SOURCED: N_("SOURCED"),
    ESTIMATE: N_("ESTIMATE"),
    FITTED: N_("FITTED"),
    DEFAULT: N_("default"),
}
"""A provenance kind as shown (msgids): "CÓ NGUỒN", "ƯỚC TÍNH", "TỪ DỮ LIỆU", "mặc định" in Vietnamese."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a scenario: the data, and its texts in the language it was made in."""

    section: str
    key: str
    """Key path, e.g. `procedures[land_intake].work_min`."""
    value: Any
    """The validated value."""
    unit: str
    """The unit (an English msgid; "" for none)."""
    note: Note
    """Provenance: kind, source ids, the author's comment, the file that set the value."""
    used: bool
    """False for a parameter the current model records but does not read."""
    value_text: str
    unit_text: str
    kind_text: str
    note_text: str
    """English: the author's comment (and the sources); Vietnamese: the sources' short names."""


@dataclass(frozen=True, slots=True)
class ParamRow:
    """One parameter of a scenario as a tidy English row (`parameter_rows`)."""

    section: str
    key: str
    value: str
    unit: str
    label: str
    """"SOURCED", "ESTIMATE", "FITTED" or "default"."""
    note: str
    file: str
    """Name of the file that sets the parameter; "" for a default."""


def _sources_text(note: Note, lang: str) -> str:
    table = sources()
    return "; ".join(table[i].short_name(lang) if i in table else i for i in note.sources)


_COUNT = re.compile(r"\bn = ([\d,]+)")


def _fitted_data(text: str, lang: str) -> str:
    """The data part of a FITTED note ("tickets.csv, 2025-07-01–2025-08-25, n = 1.234"), without
    the English words on how it was fitted, the count written in the report's language."""
    data = text.split(";", 1)[0].strip()
    return _COUNT.sub(lambda m: "n = " + number(int(m.group(1).replace(",", "")), lang), data)


def _note_text(note: Note, used: bool, _: Translate, locale: str) -> str:
    lang = lang_of(locale)
    parts: list[str] = []
    if lang == "en" and note.text:
        parts.append(note.text)  # the author's words, in the language they were written in
    elif note.kind == FITTED and note.text:
        parts.append(_fitted_data(note.text, lang))  # a file name, dates and a count
    if not note.labelled:
        parts.append(_("set in {file} without a source").format(file=note.file))
    if note.sources:
        cited = _("sources: {names}") if note.kind == SOURCED else _("based on: {names}")
        parts.append(cited.format(names=_sources_text(note, lang)))
    if not used:
        parts.append(_("not used by the current model"))
    return "; ".join(parts)


def _parameter(key: Key, value: Any, files: list[FileNotes], _: Translate, locale: str) -> Parameter:
    note = note_for(key, files) if files else Note(DEFAULT)
    used = (key[0], key[-1]) not in NOT_USED
    unit = unit_of(key, value)
    return Parameter(
        section=key[0],
        key=key_text(key),
        value=value,
        unit=unit,
        note=note,
        used=used,
        value_text=words(value, _, locale),
        unit_text=_(unit) if unit else "",
        kind_text=_(KIND_TEXT[note.kind]),
        note_text=_note_text(note, used, _, locale),
    )


def parameters(
    scenario: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    _: Translate = english,
    locale: str = "en",
) -> list[Parameter]:
    """Every parameter of a scenario (defaults included), sections in print order.

    Give the scenario file's path (or a loaded `Scenario` and its `path`) for provenance; a
    `Scenario` alone gives every value the kind "default" (no file to read it from).
    """
    if not isinstance(scenario, Scenario):
        path = Path(scenario)
        scenario = load_scenario(path)
    files = chain_notes(path) if path is not None else []
    order = {name: i for i, (name, _title) in enumerate(SECTIONS)}
    rows = [
        _parameter(key, value, files, _, locale) for key, value in parameter_keys(scenario) if key[0] in order
    ]
    if scenario.back_office is None:
        row = _parameter(("back_office",), None, [], _, locale)
        rows.append(replace(row, value_text=_("none (the model stops at the counter)")))
    rows.sort(key=lambda r: order[r.section])  # stable: keeps the scenario's order within a section
    return rows


def parameter_rows(scenario: Scenario | str | Path, path: str | Path | None = None) -> list[ParamRow]:
    """`parameters` in English as `ParamRow`s (the HTML report's and the docs' view).

    A `Scenario` without its path gives values and units with empty labels.
    """
    out = []
    for p in parameters(scenario, path):
        label = p.note.kind if (path is not None or not isinstance(scenario, Scenario)) else ""
        out.append(ParamRow(p.section, p.key, p.value_text, p.unit, label, p.note_text, p.note.file))
    return out


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


def _intro(rows: list[ParamRow], chain: list[str], shown: str) -> list[str]:
    lines = []
    if len(chain) > 1:
        parents = ", ".join(f"`{name}`" for name in chain[1:])
        lines += [
            f"This scenario extends {parents}: the **Set in** column names the file each value comes from.",
            "",
        ]
    counts = {k: sum(1 for r in rows if r.label == k) for k in (SOURCED, ESTIMATE, FITTED, DEFAULT)}
    fitted = f"{counts[FITTED]} FITTED from the centre's data, " if counts[FITTED] else ""
    lines += [
        f"{len(rows)} parameters: {counts[SOURCED]} SOURCED, {fitted}{counts[ESTIMATE]} ESTIMATE, "
        f"{counts[DEFAULT]} left at their default.",
        "",
        "**Label** is the provenance of the value, read from the comments of the file that sets it "
        "(`sim/scenario/provenance.py`): **SOURCED** (the figure has a named source, listed in "
        "[the sources](sources.md)), **ESTIMATE** (a judgement to replace with the centre's own "
        "data; a value set without a label counts as one), "
        + ("**FITTED** (estimated from the centre's own data by `python -m sim fit`), " if fitted else "")
        + "or **default** (not set in the file: the "
        "model's default, see [the scenario format](scenario_format.md)). A value a variant changes "
        "takes the variant's note, never its parent's. The **Note** is the comment the label was "
        f"found in. Generated from `{shown}`.",
        "",
    ]
    return lines


def parameter_markdown(scenario_path: str | Path, display_path: str | None = None) -> str:
    """The parameter tables of a scenario file as a markdown document (deterministic text)."""
    path = Path(scenario_path)
    shown = display_path or str(scenario_path)
    scenario = load_scenario(path)
    rows = parameter_rows(scenario, path)
    chain = [fn.name for fn in chain_notes(path)]
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
    lines += _intro(rows, chain, shown)
    for section, title in SECTIONS:
        part = [r for r in rows if r.section == section]
        if part:
            lines += _section(title, part, show_file)
    return "\n".join(lines).rstrip("\n") + "\n"


def _section(title: str, part: list[ParamRow], show_file: bool) -> list[str]:
    lines = [f"## {title}", ""]
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
    return lines


def sources_markdown() -> str:
    """`docs/sources.md`: every source the scenarios cite, with its full reference (deterministic)."""
    lines = [
        "<!-- generated from sim/data/sources.csv by docs/generate.py; do not edit -->",
        "",
        "# Sources",
        "",
        "*Generated from [`sim/data/sources.csv`](../sim/data/sources.csv) by `python docs/generate.py`; "
        "do not edit by hand.*",
        "",
        "Every figure labelled **SOURCED** in a scenario file names one or more of these sources by id, "
        "`SOURCED [id]: ...` (`sim/scenario/provenance.py`); the reports show the short name in their "
        "language. Everything else is an **ESTIMATE**: a judgement to replace with the centre's own "
        "data, explained in [the assumptions](assumptions.md). A test checks that every id a bundled "
        "scenario cites is listed here.",
        "",
    ]
    for s in sources().values():
        lines += [
            f"## `{s.id}`: {s.name}",
            "",
            f"*{s.name_vi}*",
            "",
            f"**Reference.** {s.reference}",
            "",
            f"**What the project takes from it.** {s.facts}",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
