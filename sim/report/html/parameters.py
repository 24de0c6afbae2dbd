"""A scenario's parameters as rows (`sim.report.params`), their values in the report's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.i18n import N_

if TYPE_CHECKING:
    from sim.report.html.page import Page
    from sim.scenario.schema import Scenario

PRESENT = "\0present"
"""Value of a collapsed row: the whole list entry is there."""

PARTS: dict[str, str] = {
    "scenario": N_("Scenario details"),
    "calendar": N_("Calendar"),
    "demand": N_("Demand"),
    "fields": N_("Fields"),
    "procedures": N_("Procedures"),
    "staff": N_("Staff"),
    "equipment": N_("Equipment"),
    "support_team": N_("Support team"),
    "policies": N_("Policies"),
    "back_office": N_("Dossier processing"),
    "online": N_("Online dossiers"),
    "targets": N_("Targets"),
    "run": N_("Run settings"),
}
"""Top-level sections of a scenario → their names (msgids)."""


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
    """SOURCED, ESTIMATE or default; "" when the scenario's file is not known."""
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
    each value's provenance (SOURCED, ESTIMATE or default) from the file that sets it."""
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


def shown_value(p: Page, row: Param) -> dict[str, str | bool]:
    """A parameter's value for a template: in words, or as code when it is the file's own ids."""
    text = with_unit(p, row)
    return {"text": text, "code": text == row.raw and bool(IDENTIFIERS.fullmatch(text))}


NO_VALUE: dict[str, str | bool] = {"text": "", "code": False}


def part_name(p: Page, section: str) -> str:
    return p.gettext(PARTS[section]) if section in PARTS else section
