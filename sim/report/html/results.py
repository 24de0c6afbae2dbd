"""The results tables (run and comparison), the staff-time table and the target verdicts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.report.html.answer import rows_by_scenario
from sim.report.html.cells import amount, kpi_cell, rule_text, target_badge, value_cell, verdict_badge
from sim.report.html.figures import forest, run_figures
from sim.report.html.page import title
from sim.report.i18n import diff_decimals, fmt_ci, fmt_kpi_diff
from sim.scenario.kpis import RUN_REPORT_KPIS

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results
    from sim.report.html.page import Page

STAFF_PARTS = ("staff_busy_counter_share", "staff_busy_back_office_share", "staff_busy_manual_share")


def run_keys(results: Results) -> list[str]:
    wanted = [*RUN_REPORT_KPIS, *(tg["kpi"] for tg in results.targets)]
    summary = results.summary
    return [k for k in dict.fromkeys(wanted) if k in summary and summary[k]["n"] > 0]


def _staff_row(p: Page, r: Results, label: str, suffix: str) -> dict[str, Any] | None:
    s = r.summary.get(f"staff_busy_share{suffix}")
    if s is None or s["n"] == 0:
        return None
    parts = []
    for key in STAFF_PARTS:
        part = r.summary.get(f"{key}{suffix}")
        parts.append(p.pct(part["mean"]) if part is not None and not math.isnan(part["mean"]) else "–")
    total = value_cell(p, "staff_busy_share", s["mean"], s["ci_low"], s["ci_high"])
    return {"label": label, "total": total, "parts": parts}


def staff_time(p: Page, r: Results) -> dict[str, Any] | None:
    """Each person's busy share of time at work with its parts (counter, back office, numbers written
    by hand): the staff headline, since the counter share alone makes desk workers look idle."""
    from sim.report.i18n import staff_labels

    if "staff_busy_share" not in r.summary:
        return None
    labels = staff_labels(r.scenario, p.lang)
    people = [(labels[m.id], f".{m.id}") for m in r.scenario.staff]
    rows = [
        _staff_row(p, r, label, suffix) for label, suffix in [*people, (p.gettext("Average over staff"), "")]
    ]
    return {
        "total": p.kpi("staff_busy_share"),
        "parts": [p.kpi(key) for key in STAFF_PARTS],
        "rows": [row for row in rows if row is not None],
    }


def results_run(p: Page) -> dict[str, Any]:
    r = p.base
    rows = []
    for key in run_keys(r):
        s = r.summary[key]
        cell = value_cell(p, key, s["mean"], s["ci_low"], s["ci_high"], s["n"], r.n_replications)
        rows.append({"kpi": kpi_cell(p, key), "cell": cell})
    intro = p.gettext("Mean of {replications} simulation runs, 95% confidence interval in brackets.")
    return {
        "intro": intro.format(replications=r.n_replications),
        "rows": rows,
        "staff": staff_time(p, r),
        "figures": run_figures(p, r),
    }


def band_hint(p: Page, key: str, comp: Comparison) -> str:
    """ "Smallest difference that matters: ±1 min" under a key KPI's name ("" without a band)."""
    from sim.report.compare_plots import panel_mid

    mid = panel_mid(comp, key)
    if not mid > 0:
        return ""
    return p.gettext("Smallest difference that matters: ±{mid}").format(mid=amount(p, key, mid, diff=True))


def _difference(p: Page, key: str, row: KpiComparison) -> dict[str, str]:
    dec = diff_decimals(key, (row.difference, row.diff_ci_low, row.diff_ci_high))
    return {
        "value": fmt_kpi_diff(key, row.difference, p.lang, dec, short=True),
        "ci": fmt_ci(key, row.diff_ci_low, row.diff_ci_high, p.lang, dec, signed=True),
        "note": "",
    }


def _scenario_row(p: Page, key: str, res: Results, row: KpiComparison | None) -> dict[str, Any]:
    s = res.summary.get(key)
    if row is not None:
        mean, low, high = row.mean, row.ci_low, row.ci_high
    elif s is not None:
        mean, low, high = s["mean"], s["ci_low"], s["ci_high"]
    else:
        mean = low = high = math.nan
    is_base = res is p.base
    compared = not is_base and row is not None
    return {
        "scenario": title(res, p.lang),
        "is_base": is_base,
        "cell": value_cell(p, key, mean, low, high),
        "diff": _difference(p, key, row) if compared and row is not None else None,
        "verdict": verdict_badge(p, row.verdict) if compared and row is not None else None,
    }


def results_compare(p: Page) -> dict[str, Any]:
    comp = p.comparison
    assert comp is not None
    rows = rows_by_scenario(comp)
    groups = []
    for key in comp.key_kpis:
        present = [r for r in p.runs if (r.scenario.name, key) in rows or key in r.summary]
        groups.append(
            {
                "kpi": kpi_cell(p, key),
                "band": band_hint(p, key, comp),
                "rows": [_scenario_row(p, key, r, rows.get((r.scenario.name, key))) for r in present],
            }
        )
    intro = p.gettext(
        "Mean of {replications} simulation runs per scenario, 95% confidence interval in brackets; the "
        "difference from the base scenario with its joint {confidence} confidence interval."
    )
    return {
        "intro": intro.format(replications=comp.replications, confidence=p.pct(comp.confidence)),
        "groups": groups,
        "forest": forest(p),
    }


def results(p: Page) -> dict[str, Any]:
    return results_run(p) if p.comparison is None else results_compare(p)


def _shown_label(p: Page, label: str) -> str:
    """A target's own label: English labels only in the English report (no English in Vietnamese)."""
    return label if label and (p.lang == "en" or any(ord(c) > 127 for c in label)) else ""


def targets(p: Page) -> list[dict[str, Any]]:
    """Target rules, each with its verdict in every scenario that sets it (same rule, one group)."""
    by_rule: dict[tuple[str, str, float], list[dict[str, Any]]] = {}
    for r in p.runs:
        for tg in r.targets:
            entry = {
                "scenario": title(r, p.lang),
                "rule": rule_text(p, tg, r),
                "label": _shown_label(p, tg.get("label") or ""),
                "cell": value_cell(p, tg["kpi"], tg["mean"], tg["ci_low"], tg["ci_high"]),
                "badge": target_badge(p, tg["verdict"]),
            }
            by_rule.setdefault((tg["kpi"], tg["op"], tg["value"]), []).append(entry)
    return [{"rule": e[0]["rule"], "label": e[0]["label"], "entries": e} for e in by_rule.values()]
