"""Table cells and badges as context dicts: numbers formatted here, markup in templates/macros.html.j2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.report.i18n import (
    N_,
    attach_unit,
    fmt_ci,
    fmt_kpi,
    fmt_kpi_range,
    fmt_plain,
    kpi_decimals,
    kpi_help,
    unit_label,
)
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from sim.experiment.results import Results
    from sim.report.html.page import Page

OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}

TARGET_CLASS = {"met": "good", "not met": "bad", "undecided": "warn"}

TARGET_TEXT = {"met": N_("met"), "not met": N_("not met"), "undecided": N_("undecided")}

VERDICT_CLASS = {
    "better": "good",
    "better, maybe not enough to matter": "neutral",
    "better, but too small to matter": "neutral",
    "no detectable difference": "neutral",
    "worse, but too small to matter": "warn",
    "worse, maybe enough to matter": "bad",
    "worse": "bad",
}
"""Badge of each verdict: only a clear gain that matters is green; a loss that may matter is red.
The verdicts are also the msgids of their text (sim.decide.comparison.VERDICTS)."""


def kpi_cell(p: Page, key: str, results: Results | None = None) -> dict[str, str]:
    return {"name": p.kpi(key, results), "hint": kpi_help(key, p.lang)}


def value_cell(
    p: Page, key: str, mean: float, low: float, high: float, n: int | None = None, total: int | None = None
) -> dict[str, str]:
    """A KPI's mean with its interval; "data in n of N runs" when it was defined in only some."""
    dec = kpi_decimals(key, mean)
    note = ""
    if n is not None and total is not None and 0 < n < total:
        note = p.gettext("data in {n} of {total} runs").format(n=n, total=total)
    return {
        "value": fmt_kpi(key, mean, p.lang, dec),
        "ci": fmt_ci(key, low, high, p.lang, dec),
        "note": note,
    }


def badge(cls: str, text: str) -> dict[str, str]:
    return {"cls": cls, "text": text}


def target_badge(p: Page, verdict: str) -> dict[str, str]:
    return badge(TARGET_CLASS.get(verdict, "neutral"), p.gettext(TARGET_TEXT.get(verdict, verdict)))


def verdict_badge(p: Page, verdict: str) -> dict[str, str]:
    if not verdict:
        return badge("neutral", p.gettext("not judged"))
    return badge(VERDICT_CLASS.get(verdict, "neutral"), p.gettext(verdict))


def amount(p: Page, key: str, value: float, *, diff: bool) -> str:
    """A threshold or band in the KPI's unit: "15 phút", "80%", "1 điểm phần trăm"."""
    number = fmt_plain(100 * value if kpi_kind(key) == "share" else value, p.lang)
    return attach_unit(number, unit_label(key, p.lang, diff=diff, number=number))


def rule_text(p: Page, rule: Mapping[str, Any], results: Results) -> str:
    """A target in words: "Thời gian chờ của 90% người dân ≤ 15 phút"."""
    key = rule["kpi"]
    return p.gettext("{kpi} {op} {value}").format(
        kpi=p.kpi(key, results),
        op=OPS.get(rule["op"], rule["op"]),
        value=amount(p, key, rule["value"], diff=False),
    )


def mean_with_range(p: Page, key: str, mean: float, low: float, high: float) -> dict[str, str]:
    """A mean and its interval as a range ("3,3 phút", "2,9–3,7 phút") for sentences."""
    dec = kpi_decimals(key, mean)
    return {
        "value": fmt_kpi(key, mean, p.lang, dec),
        "range": fmt_kpi_range(key, low, high, p.lang, decimals=dec),
    }
