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
    section: str
    key: str
    value: str
    unit: str = ""
    label: str = ""
    note: str = ""


def param_rows(scenario: Scenario, path: Path | None) -> list[Param]:
    """The scenario's parameters via `sim.report.params`; labels and notes when its file is known."""
    from sim.report.params import parameter_rows

    try:
        rows = parameter_rows(scenario, path)
    except Exception:  # a moved or unreadable scenario file: values without labels
        rows = parameter_rows(scenario)
    return [Param(r.section, r.key, r.value, r.unit, r.label, r.note) for r in rows]


VALUE_WORDS_VI: tuple[tuple[str, str], ...] = (
    (r"\bmon\b", "thứ Hai"),
    (r"\btue\b", "thứ Ba"),
    (r"\bwed\b", "thứ Tư"),
    (r"\bthu\b", "thứ Năm"),
    (r"\bfri\b", "thứ Sáu"),
    (r"\bsat\b", "thứ Bảy"),
    (r"\bsun\b", "Chủ nhật"),
    (r"\bmorning\b", "buổi sáng"),
    (r"\bafternoon\b", "buổi chiều"),
    (r"\bnone\b", "không có"),
    (r"\btrue\b", "có"),
    (r"\bfalse\b", "không"),
    (r"\blognormal\b", "log-chuẩn"),
    (r"\bexponential\b", "mũ"),
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
"""The words of `sim.report.params` values and units in Vietnamese (whole words only)."""


def value_text(lang: str, text: str) -> str:
    """A parameter value or unit in words, in the report's language."""
    if lang != "vi" or not text:
        return text
    for pattern, repl in VALUE_WORDS_VI:
        text = re.sub(pattern, repl, text)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


UNITLESS = {"date", "clock time", "share", "probability", "relative weight", "relative rate"}


def with_unit(p: Page, value: str, unit: str) -> str:
    if value == PRESENT:
        return p.gettext("present")
    value = value_text(p.lang, value)
    if not unit or unit in UNITLESS or value in {"none", "không có"}:
        return value
    if unit == "counter no.":
        return f"{value_text(p.lang, unit)} {value}"
    return f"{value} {value_text(p.lang, unit)}"


IDENTIFIERS = re.compile(r"[a-z][a-z0-9_]*(, [a-z][a-z0-9_]*)*")
"""A value that names ids or settings of the scenario file (`spec_social`, `serve_all`, `edd`)."""


def shown_value(p: Page, value: str, unit: str) -> dict[str, str | bool]:
    """A parameter's value for a template: in words, or as code when it is the file's own ids."""
    text = with_unit(p, value, unit)
    return {"text": text, "code": text == value and bool(IDENTIFIERS.fullmatch(value))}


NO_VALUE: dict[str, str | bool] = {"text": "", "code": False}


def part_name(p: Page, section: str) -> str:
    return p.gettext(PARTS[section]) if section in PARTS else section
