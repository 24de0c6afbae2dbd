"""A scenario's parameters as rows (`sim.report.params`), their values in the report's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.format import join
from sim.report.i18n import field_label, staff_labels
from sim.report.param_labels import SECTIONS, key_label

if TYPE_CHECKING:
    from sim.report.html.page import Page
    from sim.scenario.schema import Scenario

PRESENT = "\0present"
"""Value of a collapsed row: the whole list entry is there."""


@dataclass(frozen=True)
class Param:
    """One parameter as the report shows it: its texts already in the report's language."""

    section: str
    key: str
    value: str
    """The value in words, in the report's language (`sim.report.params` makes it there)."""
    unit: str = ""
    """The unit's English msgid ("" for none): what decides how the value is written."""
    unit_text: str = ""
    kind: str = ""
    """SOURCED, ESTIMATE, FITTED or default; "" when the scenario's file is not known."""
    used: bool = True
    note: str = ""
    raw: str = ""
    """The value as written in the scenario file when it is text (ids and settings), else ""."""


def _raw(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return ""


def param_rows(p: Page, scenario: Scenario, path: Path | None) -> list[Param]:
    """The scenario's parameters in the report's language via `sim.report.params`; with the file,
    each value's provenance (SOURCED, ESTIMATE, FITTED or default) from the file that sets it."""
    from sim.report.params import parameters

    known = path is not None
    try:
        rows = parameters(scenario, path, _=p.gettext, locale=p.lang)
    except Exception:  # a moved or unreadable scenario file: values without provenance
        rows, known = parameters(scenario, _=p.gettext, locale=p.lang), False
    return [
        Param(
            r.section,
            r.key,
            r.value_text,
            r.unit,
            r.unit_text,
            r.note.kind if known else "",
            r.used,
            r.note_text,
            _raw(r.value),
        )
        for r in rows
    ]


UNITLESS = {"date", "clock time", "share", "probability", "relative weight", "relative rate"}


def with_unit(p: Page, row: Param) -> str:
    if row.value == PRESENT:
        return p.gettext("present")
    if not row.unit or row.unit in UNITLESS or not row.unit_text:
        return row.value
    if row.unit == "counter no.":
        return f"{row.unit_text} {row.value}"
    return f"{row.value} {row.unit_text}"


IDENTIFIERS = re.compile(r"[a-z][a-z0-9_]*(, [a-z][a-z0-9_]*)*")
"""A value that names ids or settings of the scenario file (`spec_social`, `serve_all`, `edd`)."""


FIELD_IDS = {"fields", "cross_trained"}
STAFF_IDS = {"signers", "lunch_cover", "manual_staff"}
"""Parameters whose value names fields or staff members by their ids."""


def id_names(p: Page, row: Param) -> str:
    """A value naming fields or staff members, in words ("Hộ tịch và Đất đai – môi trường"), from
    the first scenario of the report that has them all; "" for any other value."""
    last = row.key.rsplit(".", 1)[-1]
    if not row.raw or last not in FIELD_IDS | STAFF_IDS:
        return ""
    ids = row.raw.split(", ")
    for r in p.runs:
        sc = r.scenario
        names = (
            staff_labels(sc, p.lang)
            if last in STAFF_IDS
            else {f.id: field_label(f, p.lang) for f in sc.fields}
        )
        if all(i in names for i in ids):
            return join([names[i] for i in ids], p.lang)
    return ""


def shown_value(p: Page, row: Param) -> dict[str, str | bool]:
    """A parameter's value for a template: in words (staff members and fields by their names), or
    as code when it is the file's own ids (`serve_all`, `edd`)."""
    names = id_names(p, row)
    if names:
        return {"text": names, "code": False}
    text = with_unit(p, row)
    return {"text": text, "code": text == row.raw and bool(IDENTIFIERS.fullmatch(text))}


NO_VALUE: dict[str, str | bool] = {"text": "", "code": False}


def part_name(p: Page, section: str) -> str:
    return p.gettext(SECTIONS[section]) if section in SECTIONS else section


def named_key(p: Page, key: str, shown: str | None = None) -> dict[str, str]:
    """A key for a template: its label in the report's language ("" when it has none, and the
    template shows the key alone) and the key as the scenario file writes it (`shown`, or whole)."""
    return {"label": key_label(key, p.gettext), "key": key if shown is None else shown}


ENTRY = re.compile(r"^(staff|fields|procedures)\[([^\]]+)\]")


def entry_name(p: Page, scenario: Scenario, key: str) -> str:
    """The readable name of the staff member, field or procedure a key belongs to ("" for others).

    A procedure has only an English `name` (often empty): English shows it, else its field's name;
    Vietnamese shows its field's name (the id, shown beside it, tells procedures of a field apart)."""
    m = ENTRY.match(key)
    if not m:
        return ""
    kind, ident = m.groups()
    fields = {f.id: f for f in scenario.fields}
    if kind == "staff":
        return staff_labels(scenario, p.lang).get(ident, "")
    if kind == "fields":
        return field_label(fields[ident], p.lang) if ident in fields else ""
    procedure = next((x for x in scenario.procedures if x.id == ident), None)
    if procedure is None:
        return ""
    if p.lang == "en" and procedure.name:
        return procedure.name
    return field_label(fields[procedure.field], p.lang) if procedure.field in fields else ""
