"""The KPI table printed after a run: plain text, aligned, fits an 80-column terminal.

Shares print as percentages, minutes with one decimal and a unit, counts with thousands separators,
so a planner reads "8.2 min" or "91.3%" rather than 8.2145 or 0.9126.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.scenario.kpis import KPIS

if TYPE_CHECKING:
    from sim.experiment.results import Results

NAME_WIDTH = 34
"""Longest KPI name shown in full; longer names are shortened with '…'."""


def kpi_kind(key: str) -> str:
    """'share', 'minutes', 'count' or 'number': how to print a KPI's values."""
    base = key.split(".", 1)[0]
    if "utilisation" in base or base == "wait_within_target" or base.endswith("_share"):
        return "share"
    if base.endswith(("_min", "_min_per_day")):
        return "minutes"
    if base.startswith(("visitors_", "dossiers_")):
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


def format_value(value: float, kind: str) -> str:
    """One value with its unit: '8.2 min', '91.3%', '1,234.5'."""
    text = _num(value, kind)
    if math.isnan(value):
        return text
    return text + {"share": "%", "minutes": " min"}.get(kind, "")


def format_ci(low: float, high: float, kind: str) -> str:
    """'[7.9, 8.5]' in the same unit as the mean column; '–' when there is no interval."""
    if math.isnan(low) or math.isnan(high):
        return "–"
    return f"[{_num(low, kind)}, {_num(high, kind)}]"


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def format_table(results: Results) -> str:
    """Header, KPI table (headline KPIs, then breakdowns) and target verdicts, as one string."""
    n_reps = results.n_replications
    days = results.outputs[0].working_days if results.outputs else 0
    plural = "s" if n_reps != 1 else ""
    lines = [
        f"Scenario {results.scenario.name}: {n_reps} replication{plural}, seed {results.seed}, "
        f"{days} working days each",
        "",
    ]
    summary = results.summary
    keys = list(summary)
    width = min(NAME_WIDTH, max((len(k) for k in keys), default=3))
    header = f"{'KPI':<{width}}  {'mean':>12}  95% CI"
    lines += [header, "-" * min(80, len(header) + 24)]
    partial = False
    headline = [k for k in keys if k in KPIS]
    breakdown = [k for k in keys if k not in KPIS]
    for group in (headline, breakdown):
        if group is breakdown and breakdown:
            lines.append("")
        for key in group:
            s = summary[key]
            kind = kpi_kind(key)
            row = (f"{_short(key, width):<{width}}  {format_value(s['mean'], kind):>12}  "
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
        kind = kpi_kind(t["kpi"])
        rule = f"{t['kpi']} {t['op']} {format_value(t['value'], kind)}"
        detail = (f"mean {format_value(t['mean'], kind)}, "
                  f"CI {format_ci(t['ci_low'], t['ci_high'], kind)}")
        lines.append(f"  {t['verdict']:<10} {rule}: {detail}")
        if t["label"]:
            lines.append(f"  {'':<10} {t['label']}")
    return lines
