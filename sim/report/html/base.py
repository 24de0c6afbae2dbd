"""Shared pieces of the report: escaping, the page model, KPI cells and badges."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.report import i18n
from sim.report.i18n import (
    fmt_ci,
    fmt_kpi,
    fmt_plain,
    kpi_decimals,
    kpi_help,
    kpi_name,
)

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results


REPORT_FILE = "report.html"


"""Name of the report in a results or comparison folder (one language per folder)."""


RUN_KEY_KPIS: tuple[str, ...] = (
    "visitors_arrived",
    "visitors_served_counter",
    "wait_mean_min",
    "wait_p90_min",
    "wait_within_target",
    "queue_mean",
    "staff_busy_share",
    "overtime_min_per_day",
    "dossiers_received",
    "dossiers_completed",
    "on_time_rate",
    "late_dossiers",
    "processing_days_mean",
    "apology_slips",
    "backlog_end",
    "score_progress_766",
)


"""KPIs in the results table of a run (those the run reports), plus every KPI with a target."""


RUN_ANSWER_KPIS: tuple[str, ...] = (
    "dossiers_received",
    "on_time_rate",
    "wait_mean_min",
    "wait_p90_min",
    "overtime_min_per_day",
)


"""KPIs quoted in the answer of a run."""


MAX_DIFF_ROWS = 60


"""Parameters listed per alternative in "what differs"; the rest are counted."""


_OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


_TARGET_CLASS = {"met": "good", "not met": "bad", "undecided": "warn"}


_VERDICT_CLASS = {
    "better": "good",
    "better, maybe not enough to matter": "neutral",
    "better, but too small to matter": "neutral",
    "no detectable difference": "neutral",
    "worse, but too small to matter": "warn",
    "worse, maybe enough to matter": "bad",
    "worse": "bad",
    "": "neutral",
}
"""Badge of each verdict: only a clear gain that matters is green; a loss that may matter is red."""


_PNG_DPI = 110


class Html(str):
    """Text that is already HTML: `esc` leaves it as it is."""

    __slots__ = ()


def esc(value: Any) -> Html:
    """HTML-escape anything but `Html`."""
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def _join(parts: Sequence[str], sep: str = "\n") -> Html:
    return Html(sep.join(parts))


@dataclass
class _Page:
    lang: str
    runs: tuple[Results, ...]
    comparison: Comparison | None
    command: str | None
    sources: dict[str, Path] = field(default_factory=dict)

    def t(self, key: str, **values: Any) -> Html:
        """A message as HTML: the template and every value escaped (values that are `Html` kept)."""
        template = html.escape(i18n.MESSAGES[self.lang][key], quote=False)
        return Html(template.format(**{k: esc(v) for k, v in values.items()}) if values else template)

    def text(self, key: str, **values: Any) -> str:
        """A message as plain text (for figures and attributes)."""
        return i18n.t(key, self.lang, **values)

    @property
    def base(self) -> Results:
        return self.runs[0]

    @property
    def alternatives(self) -> tuple[Results, ...]:
        return self.runs[1:]

    @property
    def n_replications(self) -> int:
        return self.comparison.replications if self.comparison is not None else self.base.n_replications

    def kpi(self, key: str, results: Results | None = None) -> str:
        return kpi_name(key, self.lang, (results or self.base).scenario)

    def pct(self, share: float) -> str:
        return fmt_plain(round(100 * share, 2), self.lang) + "%"


def _title(results: Results, lang: str) -> str:
    """The scenario's title in the report's language (`sim.report.i18n.scenario_title`)."""
    return i18n.scenario_title(results.scenario, lang)


def _days(results: Results) -> int:
    if results.outputs:
        return results.outputs[0].working_days
    from sim.scenario.calendar import working_days

    return len(working_days(results.scenario.calendar))


def _missing(x: float) -> bool:
    return x is None or math.isnan(x)


def _badge(cls: str, text: str) -> Html:
    return Html(f'<span class="badge {cls}">{esc(text)}</span>')


def _kpi_cell(p: _Page, key: str, results: Results | None = None) -> Html:
    help_text = kpi_help(key, p.lang)
    hint = f'<div class="hint">{esc(help_text)}</div>' if help_text else ""
    return Html(f"{esc(p.kpi(key, results))}{hint}")


def _value_cell(
    p: _Page, key: str, mean: float, low: float, high: float, n: int | None = None, total: int | None = None
) -> Html:
    dec = kpi_decimals(key, mean)
    value = esc(fmt_kpi(key, mean, p.lang, dec))
    ci = fmt_ci(key, low, high, p.lang, dec)
    extra = ""
    if n is not None and total is not None and 0 < n < total:
        extra = f'<div class="hint">{p.t("col.n", n=n, total=total)}</div>'
    return Html(f'<span class="v">{value}</span> <span class="ci">{esc(ci)}</span>{extra}')
