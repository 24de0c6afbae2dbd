"""The KPI table printed after a run: plain text, aligned, fits an 80-column terminal.

Shares print as percentages, minutes with one decimal and a unit, counts with thousands separators,
days with two decimals and "d", 766 scores with two decimals out of their maximum, so a planner
reads "8.2 min", "91.3%", "3.09 d" or "19.90 / 20" rather than 8.2145 or 0.9126.

The table has two sections, "Front office" (visitors, queues, counters) and "Back office
(dossiers)", each with its headline KPIs first and then its breakdowns (`key.<staff or field>`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sim.scenario.kpis import KPIS

if TYPE_CHECKING:
    from sim.experiment.results import Results

NAME_WIDTH = 34
"""Longest KPI name shown in full; longer names are shortened with '…'."""

BACK_OFFICE_KPIS: tuple[str, ...] = (
    "dossiers_received", "dossiers_online", "dossiers_completed", "on_time_rate", "early_rate",
    "late_dossiers", "processing_days_mean", "backlog_end", "apology_slips", "back_office_utilisation",
    "score_progress_766", "score_handling_satisfaction_766",
)
"""Headline KPIs of the back office; they and their dotted breakdowns form the second section.
(`dossiers_submitted_*` count hand-ins at the front office and stay in the first section.)"""

SCORE_MAX: dict[str, float] = {"score_progress_766": 20.0, "score_handling_satisfaction_766": 6.0}
"""Maximum points of the 766-index scores the model computes (progress 20, handling satisfaction 6)."""

SECTIONS: tuple[tuple[str, str], ...] = (("front", "Front office"), ("back", "Back office (dossiers)"))
"""Section id and title, in print order."""

_INDENT = "  "


def kpi_section(key: str) -> str:
    """'back' for back-office KPIs and their breakdowns, 'front' for everything else."""
    return "back" if key.split(".", 1)[0] in BACK_OFFICE_KPIS else "front"


def kpi_kind(key: str) -> str:
    """'share', 'minutes', 'days', 'score', 'count' or 'number': how to print a KPI's values."""
    base = key.split(".", 1)[0]
    if ("utilisation" in base or base == "wait_within_target"
            or base.endswith(("_share", "_rate"))):
        return "share"
    if base.endswith(("_min", "_min_per_day")):
        return "minutes"
    if base.endswith(("_days", "_days_mean")):
        return "days"
    if base in SCORE_MAX:
        return "score"
    if (base.startswith(("visitors_", "dossiers_"))
            or base in {"late_dossiers", "backlog_end", "apology_slips"}):
        return "count"
    return "number"


def _num(value: float, kind: str) -> str:
    if math.isnan(value):
        return "–"
    if kind == "share":
        return f"{100 * value:.1f}"
    if kind in {"minutes", "count"}:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _unit(kind: str, out_of: float | None) -> str:
    if kind == "score" and out_of is not None:
        return f" / {out_of:g}"
    return {"share": "%", "minutes": " min", "days": " d"}.get(kind, "")


def format_value(value: float, kind: str, out_of: float | None = None) -> str:
    """One value with its unit: '8.2 min', '91.3%', '1,234.5', '3.09 d', '19.90 / 20' (out_of=20)."""
    text = _num(value, kind)
    if math.isnan(value):
        return text
    return text + _unit(kind, out_of)


def format_kpi(key: str, value: float) -> str:
    """A value of the KPI `key` in that KPI's format: format_kpi('on_time_rate', 0.987) == '98.7%'."""
    return format_value(value, kpi_kind(key), SCORE_MAX.get(key.split(".", 1)[0]))


def format_threshold(key: str, value: float) -> str:
    """A target's value, without trailing zeros: 'on_time_rate >= 98%', 'wait_p90_min <= 15 min'."""
    kind = kpi_kind(key)
    number = 100 * value if kind == "share" else value
    text = f"{number:,.6g}" if abs(number) < 1e6 else f"{number:,.0f}"
    return text + _unit(kind, SCORE_MAX.get(key.split(".", 1)[0]))


def format_ci(low: float, high: float, kind: str) -> str:
    """'[7.9, 8.5]' in the same unit as the mean column; '–' when there is no interval."""
    if math.isnan(low) or math.isnan(high):
        return "–"
    return f"[{_num(low, kind)}, {_num(high, kind)}]"


MAX_SIGN_DECIMALS = 4
"""Most decimals `sign_decimals` adds: a difference smaller than that prints as 0."""


def sign_decimals(values: Iterable[float], decimals: int, scale: float = 1.0,
                  most: int = MAX_SIGN_DECIMALS) -> int:
    """The decimals, from `decimals` up to `most`, at which no non-zero value prints as zero.

    A difference "+0.05 [−0.04, +0.13]" rounded to one decimal reads "+0.0 [-0.0, +0.1]": the
    sign of the mean and of the lower bound, which is what a reader of an interval looks at, is
    lost. `scale` is the factor the values are printed with (100 for shares in points).
    """
    shown = [abs(scale * v) for v in values if math.isfinite(v) and v != 0]
    d = decimals
    while d < most and any(float(f"{v:.{d}f}") == 0 for v in shown):
        d += 1
    return d


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def format_table(results: Results) -> str:
    """Header, KPI table by section (headlines, then breakdowns) and target verdicts, as one string."""
    n_reps = results.n_replications
    days = results.outputs[0].working_days if results.outputs else 0
    plural = "s" if n_reps != 1 else ""
    lines = [
        f"Scenario {results.scenario.name}: {n_reps} replication{plural}, seed {results.seed}, "
        f"{days} working days each",
        "",
    ]
    start = results.scenario.back_office_start
    if start is not None:
        lines[-1:-1] = textwrap.wrap(f"Back office starts {start}", 80, subsequent_indent="  ")
    summary = results.summary
    keys = list(summary)
    width = min(NAME_WIDTH, max((len(k) for k in keys), default=3))
    header = f"{'KPI':<{width + len(_INDENT)}}  {'mean':>12}  95% CI"
    lines += [header, "-" * min(80, len(header) + 24)]
    partial = False
    for section, title in SECTIONS:
        in_section = [k for k in keys if kpi_section(k) == section]
        if not in_section:
            continue
        if lines[-1] and not lines[-1].startswith("-"):
            lines.append("")
        lines.append(title)
        headline = [k for k in in_section if k in KPIS]
        breakdown = [k for k in in_section if k not in KPIS]
        for group in (headline, breakdown):
            if group is breakdown and headline and breakdown:
                lines.append("")
            for key in group:
                s = summary[key]
                kind = kpi_kind(key)
                row = (f"{_INDENT}{_short(key, width):<{width}}  {format_kpi(key, s['mean']):>12}  "
                       f"{format_ci(s['ci_low'], s['ci_high'], kind)}")
                if 0 < s["n"] < n_reps:
                    row += f"  (n={s['n']})"
                    partial = True
                elif s["n"] == 0:
                    row += "  (no data)"
                lines.append(row)
    if partial:
        lines.append("(n=…: replications in which the KPI was defined, e.g. had counter visitors)")
    if n_reps == 1:
        lines.append("One replication gives no confidence interval; run at least 2 (20 or more "
                     "for decisions).")
    lines += _targets(results)
    return "\n".join(lines)


def _targets(results: Results) -> list[str]:
    if not results.targets:
        return []
    lines = ["", "Targets (judged on the 95% CI: met / not met / undecided)"]
    for t in results.targets:
        key = t["kpi"]
        kind = kpi_kind(key)
        rule = f"{key} {t['op']} {format_threshold(key, t['value'])}"
        detail = (f"mean {format_kpi(key, t['mean'])}, "
                  f"CI {format_ci(t['ci_low'], t['ci_high'], kind)}")
        lines.append(f"  {t['verdict']:<10} {rule}: {detail}")
        if t["label"]:
            lines.append(f"  {'':<10} {t['label']}")
    return lines
