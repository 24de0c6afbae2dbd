"""The scenarios side by side, and what differs between them parameter by parameter."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from sim.report.html.page import scenario_text, title, working_days
from sim.report.html.parameters import PRESENT, Param, entry_name, named_key, param_rows, shown_value
from sim.report.i18n import N_, fmt_date, lower_first

if TYPE_CHECKING:
    from sim.experiment.results import Results
    from sim.report.html.page import Page
    from sim.scenario.schema import Scenario

MAX_DIFF_ROWS = 20
"""Parameters listed per alternative in "what differs"; the rest are counted."""

ROLES = {
    "director": N_("Director"),
    "deputy_director": N_("Deputy director"),
    "specialist": N_("Specialist"),
    "civil_servant": N_("Civil servant"),
    "other": N_("Staff member"),
}

IGNORED_SECTIONS = {"scenario", "run"}

ENTRY = re.compile(r"([a-z_.]+\[[^\]]+\])")


def roles(p: Page, scenario: Scenario) -> str:
    counts: Counter[str] = Counter(m.role for m in scenario.staff)
    parts = []
    for role, name in ROLES.items():
        n = counts.get(role, 0)
        if n:
            word = lower_first(p.gettext(name))
            if p.lang == "en" and n > 1:
                word = "staff members" if role == "other" else word + "s"
            parts.append(f"{n} {word}")
    return ", ".join(parts)


def facts(p: Page, results: Results) -> list[tuple[str, Any]]:
    """(label, value) of one scenario; title and description are {"text", "untranslated"} dicts."""
    _ = p.gettext
    s, cal = results.scenario, results.scenario.calendar
    window = _("{start} – {end} ({days} working days)").format(
        start=fmt_date(cal.start, p.lang), end=fmt_date(cal.end, p.lang), days=working_days(results)
    )
    equipment = _("{machines} ticket machine(s), {pcs} lookup PC(s)").format(
        machines=s.equipment.ticket_machines.count, pcs=s.equipment.lookup_pcs.count
    )
    return [
        (_("Scenario id"), s.name),
        (_("Title"), scenario_text(s, "title", p.lang)),
        (_("Description"), scenario_text(s, "description", p.lang)),
        (_("Period"), window),
        (_("Staff"), _("{total}: {roles}").format(total=len(s.staff), roles=roles(p, s))),
        (_("Equipment"), equipment),
        (_("Support team"), _("{members} member(s)").format(members=s.support_team.members)),
        (_("Dossier processing"), _("simulated") if s.back_office is not None else _("not simulated")),
    ]


def _shown(value: Any) -> bool:
    return bool(value["text"] if isinstance(value, dict) else value)


def facts_table(p: Page) -> dict[str, Any]:
    """The key facts of each scenario side by side (one column per scenario)."""
    columns = [facts(p, r) for r in p.runs]
    several = len(p.runs) > 1
    rows = []
    for i, (label, _value) in enumerate(columns[0]):
        values = [c[i][1] for c in columns]
        if not any(_shown(v) for v in values) or i in (1, 2):  # title and description: in the question
            continue
        rows.append({"label": label, "values": values, "code": i == 0})
    return {"head": [title(r, p.lang) for r in p.runs] if several else [], "rows": rows}


def differences(base: list[Param], alt: list[Param]) -> list[tuple[Param | None, Param | None]]:
    before = {r.key: r for r in base if r.section not in IGNORED_SECTIONS}
    after = {r.key: r for r in alt if r.section not in IGNORED_SECTIONS}
    keys = list(after) + [k for k in before if k not in after]
    pairs = [(before.get(k), after.get(k)) for k in keys]
    return [(a, b) for a, b in pairs if a is None or b is None or (a.value, a.unit) != (b.value, b.unit)]


def _entry(row: Param) -> str | None:
    m = ENTRY.match(row.key)  # the entry a key is in
    return m.group(1) if m else None


def collapse(diffs: list[tuple[Param | None, Param | None]]) -> list[tuple[Param | None, Param | None]]:
    """A list entry (staff member, procedure, ...) present on one side only becomes one row."""
    sides: dict[str, set[bool | None]] = {}  # entry -> for each of its rows: the base side missing?
    for a, b in diffs:
        entry = _entry(b or a)  # type: ignore[arg-type]
        if entry:
            sides.setdefault(entry, set()).add(a is None if (a is None) != (b is None) else None)
    out: list[tuple[Param | None, Param | None]] = []
    done: set[str] = set()
    for a, b in diffs:
        row = b or a
        assert row is not None
        entry = _entry(row)
        if entry is None or sides[entry] not in ({True}, {False}):
            out.append((a, b))
        elif entry not in done:
            done.add(entry)
            whole = Param(row.section, entry, PRESENT)
            out.append((None, whole) if a is None else (whole, None))
    return out


def entry_hint(p: Page, key: str) -> str:
    """The readable name of the staff member, field or procedure a key belongs to ("" for other
    keys), from the first scenario that has the entry."""
    return next((name for r in p.runs if (name := entry_name(p, r.scenario, key))), "")


def diff_name(p: Page, key: str) -> dict[str, str]:
    """A differing key's label with the entry it belongs to ("Specialist, land: fields in charge";
    "Staff member: Specialist, land" for a whole entry), and the key itself."""
    name, hint = named_key(p, key), entry_hint(p, key)
    if name["label"] and hint:
        whole = ENTRY.fullmatch(key) is not None
        name["label"] = f"{name['label']}: {hint}" if whole else f"{hint}: {lower_first(name['label'])}"
    return name


def _diff_row(p: Page, a: Param | None, b: Param | None) -> dict[str, Any]:
    row = b or a
    assert row is not None
    absent = {"text": p.gettext("(none)"), "code": False}
    # Notes are the authors' English comments; a FITTED note is also shown in Vietnamese, as its
    # data (file, period, count) is written in the report's language.
    shown_note = b is not None and b.note and b.kind != "default" and (p.lang == "en" or b.kind == "FITTED")
    return {
        "name": diff_name(p, row.key),
        "hint": entry_hint(p, row.key),
        "before": shown_value(p, a) if a else absent,
        "after": shown_value(p, b) if b else absent,
        "note": b.note if shown_note and b is not None else "",
    }


def diff_tables(p: Page) -> list[dict[str, Any]]:
    """For each alternative, the parameters that differ from the base (at most MAX_DIFF_ROWS)."""
    _ = p.gettext
    base_params = param_rows(p, p.base.scenario, p.sources.get(p.base.scenario.name))
    out = []
    for alt in p.alternatives:
        alt_params = param_rows(p, alt.scenario, p.sources.get(alt.scenario.name))
        diffs = collapse(differences(base_params, alt_params))
        more = len(diffs) - MAX_DIFF_ROWS
        out.append(
            {
                "heading": _("How “{alternative}” differs from “{base}”").format(
                    alternative=title(alt, p.lang), base=title(p.base, p.lang)
                ),
                "base": title(p.base, p.lang),
                "alternative": title(alt, p.lang),
                "rows": [_diff_row(p, a, b) for a, b in diffs[:MAX_DIFF_ROWS]],
                "more": _("… and {count} more parameters.").format(count=more) if more > 0 else "",
            }
        )
    return out


def scenarios(p: Page) -> dict[str, Any]:
    _ = p.gettext
    return {
        "title": _("The scenario") if p.comparison is None else _("The scenarios and what differs"),
        "facts": facts_table(p),
        "diffs": diff_tables(p) if p.comparison is not None else [],
    }
