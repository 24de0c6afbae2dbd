"""The scenarios and what differs between them, parameter by parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report import i18n
from sim.report.i18n import (
    field_label,
    fmt_date,
    lower_first,
    staff_labels,
)

if TYPE_CHECKING:
    from sim.experiment.results import Results
    from sim.scenario.schema import Scenario

from sim.report.html.base import MAX_DIFF_ROWS, Html, _days, _join, _Page, _title, esc


def _roles(p: _Page, scenario: Scenario) -> str:
    counts = Counter(m.role for m in scenario.staff)
    parts = []
    for role in ("director", "deputy_director", "specialist", "civil_servant", "other"):
        n = counts.get(role, 0)
        if n:
            word = lower_first(p.text(f"role.{role}"))
            if p.lang == "en" and n > 1:
                word = "staff members" if role == "other" else word + "s"
            parts.append(f"{n} {word}")
    return ", ".join(parts)


def _facts(p: _Page, results: Results) -> dict[str, str]:
    s = results.scenario
    cal = s.calendar
    return {
        "scenario.name": s.name,
        "scenario.title": i18n.scenario_title(s, p.lang),
        "scenario.description": i18n.scenario_description(s, p.lang),
        "scenario.centre": s.scenario.centre,
        "scenario.window": p.text(
            "scenario.window_value",
            start=fmt_date(cal.start, p.lang),
            end=fmt_date(cal.end, p.lang),
            days=_days(results),
        ),
        "scenario.staff": p.text("scenario.staff_value", total=len(s.staff), roles=_roles(p, s)),
        "scenario.equipment": p.text(
            "scenario.equipment_value",
            machines=s.equipment.ticket_machines.count,
            pcs=s.equipment.lookup_pcs.count,
        ),
        "scenario.support": p.text("scenario.support_value", members=s.support_team.members),
        "scenario.back_office": p.text(
            "scenario.back_office_yes" if s.back_office is not None else "scenario.back_office_no"
        ),
    }


def _facts_table(p: _Page) -> Html:
    facts = [_facts(p, r) for r in p.runs]
    head = "".join(f"<th>{esc(_title(r, p.lang))}</th>" for r in p.runs) if len(p.runs) > 1 else ""
    body = []
    for key in facts[0]:
        values = [f[key] for f in facts]
        if not any(values) or (head and key == "scenario.title"):
            continue
        cells = "".join(
            f"<td><code>{esc(v)}</code></td>" if key == "scenario.name" else f"<td>{esc(v)}</td>"
            for v in values
        )
        body.append(f'<tr><th scope="row">{p.t(key)}</th>{cells}</tr>')
    thead = f"<thead><tr><th></th>{head}</tr></thead>" if head else ""
    return Html(f'<table class="facts">{thead}<tbody>{"".join(body)}</tbody></table>')


@dataclass(frozen=True)
class _Param:
    section: str
    key: str
    value: str
    unit: str = ""
    label: str = ""
    note: str = ""


def _param_rows(scenario: Scenario, path: Path | None) -> list[_Param] | None:
    """The scenario's parameters via `sim.report.params` (None when that module is missing)."""
    try:
        from sim.report.params import parameter_rows
    except ImportError:
        return None
    try:
        rows = parameter_rows(scenario, path)
    except Exception:  # a moved or unreadable scenario file: values without labels
        rows = parameter_rows(scenario)
    return [_Param(r.section, r.key, r.value, r.unit, r.label, r.note) for r in rows]


def _flat(value: Any, path: str, out: dict[str, Any]) -> None:
    """Fallback flattening of `model_dump()`: lists of tables keyed by id (or name, or position)."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flat(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        for i, item in enumerate(value):
            tag = item.get("id") or item.get("name") or i
            _flat({k: v for k, v in item.items() if k != "id"}, f"{path}[{tag}]", out)
    else:
        out[path] = value


def _fallback_params(scenario: Scenario) -> list[_Param]:
    flat: dict[str, Any] = {}
    _flat(scenario.model_dump(mode="python"), "", flat)
    return [_Param(k.split(".", 1)[0].split("[", 1)[0], k, _plain_value(v)) for k, v in flat.items()]


def _plain_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None else str(value)


def _params(p: _Page, results: Results) -> list[_Param]:
    rows = _param_rows(results.scenario, p.sources.get(results.scenario.name))
    return _fallback_params(results.scenario) if rows is None else rows


_PARAM_WORDS_VI: tuple[tuple[str, str], ...] = (
    (r"\bnone\b", "không có"),
    (r"\btrue\b", "có"),
    (r"\bfalse\b", "không"),
    (r"\blognormal\b", "log-chuẩn"),
    (r"\bexponential\b", "mũ"),
    (r"\bgamma\b", "gamma"),
    (r"\buniform\b", "đều"),
    (r"\bfixed\b", "cố định"),
    (r"\bempirical\b", "thực nghiệm"),
    (r"\bwith weights\b", "với trọng số"),
    (r"\bequally likely\b", "đồng khả năng"),
    (r"\bmean\b", "trung bình"),
    (r"\bmachines\b", "máy"),
    (r"\bPCs\b", "máy"),
    (r"\bworking days\b", "ngày làm việc"),
    (r"\bcalendar day\b", "ngày"),
    (r"\bworking day\b", "ngày làm việc"),
    (r"\bmin / extra document\b", "phút / giấy tờ thêm"),
    (r"\bmin\b", "phút"),
    (r"\bshare of working time\b", "tỷ lệ thời gian làm việc"),
    (r"\bshare\b", "tỷ lệ"),
    (r"\bprobability\b", "xác suất"),
    (r"\brelative weight\b", "trọng số tương đối"),
    (r"\brelative rate\b", "hệ số tương đối"),
    (r"\bpeople waiting\b", "người chờ"),
    (r"\bpeople\b", "người"),
    (r"\bdossiers\b", "hồ sơ"),
    (r"\bdocuments\b", "giấy tờ"),
    (r"\bvisits\b", "lượt người dân"),
    (r"\btickets\b", "phiếu"),
    (r"\bcounter no\.", "quầy số"),
    (r"\bclock time\b", "giờ"),
    (r"\bdate\b", "ngày"),
    (r"\bcalls\b", "lượt gọi"),
    (r"\breplications\b", "lần mô phỏng"),
    (r"× counter time\b", "× thời gian tại quầy"),
    (r"\bto\b", "đến"),
)


def _param_text(p: _Page, text: str) -> str:
    """A parameter value or unit in words (`sim.report.params`) in the report's language."""
    if p.lang != "vi" or not text:
        return text
    for pattern, repl in _PARAM_WORDS_VI:
        text = re.sub(pattern, repl, text)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


_UNITLESS = {"date", "clock time", "share", "probability", "relative weight", "relative rate"}


def _with_unit(p: _Page, value: str, unit: str) -> str:
    if value == PRESENT:
        return p.text("diff.present")
    value = _param_text(p, value)
    if not unit or unit in _UNITLESS or value in {"none", "không có"}:
        return value
    if unit == "counter no.":
        return f"{_param_text(p, unit)} {value}"
    return f"{value} {_param_text(p, unit)}"


def _part(p: _Page, section: str) -> str:
    key = f"part.{section}"
    return p.text(key) if key in i18n.MESSAGES[p.lang] else section


_IGNORED_SECTIONS = {"scenario", "run"}


def _differences(base: list[_Param], alt: list[_Param]) -> list[tuple[_Param | None, _Param | None]]:
    before = {r.key: r for r in base if r.section not in _IGNORED_SECTIONS}
    after = {r.key: r for r in alt if r.section not in _IGNORED_SECTIONS}
    keys = list(after) + [k for k in before if k not in after]
    out = []
    for k in keys:
        a, b = before.get(k), after.get(k)
        if a is None or b is None or (a.value, a.unit) != (b.value, b.unit):
            out.append((a, b))
    return out


PRESENT = "\0present"


"""Value of a collapsed row: the whole list entry is there."""


_ENTRY = re.compile(r"^([a-z_.]+\[[^\]]+\])")


def _collapse(diffs: list[tuple[_Param | None, _Param | None]]) -> list[tuple[_Param | None, _Param | None]]:
    """A list entry (staff member, procedure, ...) present on one side only becomes one row."""
    sides: dict[str, set[bool]] = {}  # entry -> which sides have it: {a is None} for each of its rows
    for a, b in diffs:
        m = _ENTRY.match((b or a).key)  # type: ignore[union-attr]
        if m:
            sides.setdefault(m.group(1), set()).add(a is None if (a is None) != (b is None) else None)
    out: list[tuple[_Param | None, _Param | None]] = []
    done: set[str] = set()
    for a, b in diffs:
        row = b or a
        assert row is not None
        m = _ENTRY.match(row.key)
        entry = m.group(1) if m else None
        if entry is None or sides[entry] not in ({True}, {False}):
            out.append((a, b))
        elif entry not in done:
            done.add(entry)
            whole = _Param(row.section, entry, PRESENT)
            out.append((None, whole) if a is None else (whole, None))
    return out


def _entry_hint(p: _Page, key: str) -> str:
    m = re.fullmatch(r"(staff|fields)\[([^\]]+)\](?:\..*)?", key)
    if not m:
        return ""
    for r in p.runs:
        sc = r.scenario
        if m.group(1) == "staff" and any(x.id == m.group(2) for x in sc.staff):
            return staff_labels(sc, p.lang)[m.group(2)]
        if m.group(1) == "fields":
            for f in sc.fields:
                if f.id == m.group(2):
                    return field_label(f, p.lang)
    return ""


def _diff_section(p: _Page) -> Html:
    base_params = _params(p, p.base)
    parts = [f'<p class="hint">{p.t("diff.intro")}</p>']
    for alt in p.alternatives:
        diffs = _collapse(_differences(base_params, _params(p, alt)))
        heading = p.t("diff.heading", alternative=_title(alt, p.lang), base=_title(p.base, p.lang))
        parts.append(f"<h3>{heading}</h3>")
        if not diffs:
            parts.append(f"<p>{p.t('diff.none')}</p>")
            continue
        absent = p.text("diff.absent")
        body = []
        for a, b in diffs[:MAX_DIFF_ROWS]:
            row = b or a
            assert row is not None
            note = b.note if b is not None and b.note and b.label != "default" else ""
            hint = _entry_hint(p, row.key)
            key = Html(
                f"<code>{esc(row.key)}</code>" + (f'<div class="hint">{esc(hint)}</div>' if hint else "")
            )
            body.append(
                f"<tr><td>{esc(_part(p, row.section))}</td><td>{key}</td>"
                f"<td>{esc(_with_unit(p, a.value, a.unit) if a else absent)}</td>"
                f"<td><strong>{esc(_with_unit(p, b.value, b.unit) if b else absent)}</strong></td>"
                f'<td class="hint">{esc(note)}</td></tr>'
            )
        head = (
            f"<tr><th>{p.t('diff.section')}</th><th>{p.t('diff.key')}</th>"
            f"<th>{esc(_title(p.base, p.lang))}</th><th>{esc(_title(alt, p.lang))}</th>"
            f"<th>{p.t('col.note')}</th></tr>"
        )
        parts.append(f'<table class="diff"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')
        if len(diffs) > MAX_DIFF_ROWS:
            parts.append(f'<p class="hint">{p.t("diff.more", count=len(diffs) - MAX_DIFF_ROWS)}</p>')
    return _join(parts)


def _scenarios(p: _Page) -> Html:
    title = p.t("section.scenario" if p.comparison is None else "section.scenarios")
    body = _facts_table(p)
    if p.comparison is not None:
        body = Html(body + _diff_section(p))
    return Html(f'<section id="scenarios" class="newpage"><h2>{title}</h2>{body}</section>')
