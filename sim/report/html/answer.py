"""The question and the answer: sentences generated from the numbers, as context dicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.decide.comparison import (
    BETTER_MAYBE_SMALL,
    BETTER_SMALL,
    VERDICTS,
    WORSE_MAYBE_SMALL,
    WORSE_SMALL,
)
from sim.report.html.cells import amount, mean_with_range, rule_text, target_badge
from sim.report.html.page import is_missing, scenario_text, title, working_days
from sim.report.i18n import N_, diff_decimals, fmt_date, fmt_kpi_diff, fmt_kpi_range, lower_first
from sim.scenario.kpis import RUN_ANSWER_KPIS

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results
    from sim.experiment.statistics import KpiSummary
    from sim.report.html.page import Page


_SMALL = N_("{clause}, less than the smallest difference that matters ({mid})")
_MAYBE_SMALL = N_("{clause}, perhaps less than the smallest difference that matters ({mid})")
SMALL_CLAUSE = {
    BETTER_SMALL: _SMALL,
    WORSE_SMALL: _SMALL,
    BETTER_MAYBE_SMALL: _MAYBE_SMALL,
    WORSE_MAYBE_SMALL: _MAYBE_SMALL,
}
"""The clause added to a clear change that may not matter (msgids)."""


def rows_by_scenario(comp: Comparison) -> dict[tuple[str, str], KpiComparison]:
    return {(r.scenario, r.kpi): r for r in comp.rows}


def question(p: Page) -> dict[str, Any]:
    """The question the report answers, and the scenarios it is about."""
    _ = p.gettext
    cal = p.base.scenario.calendar
    start, end = fmt_date(cal.start, p.lang), fmt_date(cal.end, p.lang)
    items = [
        {
            "role": _("Base scenario") if k == 0 else _("Alternative"),
            "title": scenario_text(r.scenario, "title", p.lang),
            "name": r.scenario.name,
            "description": scenario_text(r.scenario, "description", p.lang),
        }
        for k, r in enumerate(p.runs)
    ]
    if p.comparison is None:
        text = _("How does “{scenario}” perform from {start} to {end}?").format(
            scenario=title(p.base, p.lang), start=start, end=end
        )
    else:
        alternatives = _(" or ").join(f"“{title(a, p.lang)}”" for a in p.alternatives)
        text = _("What changes if {alternatives} replaces “{base}”?").format(
            alternatives=alternatives, base=title(p.base, p.lang)
        )
    return {"text": text, "items": items}


def target_tally(p: Page, results: Results) -> str:
    _ = p.gettext
    if not results.targets:
        return _("The scenario sets no targets.")
    counts = Counter(tg["verdict"] for tg in results.targets)
    return _("Targets of “{scenario}”: {met}/{total} met, {not_met} not met, {undecided} undecided.").format(
        scenario=title(results, p.lang),
        met=counts["met"],
        total=len(results.targets),
        not_met=counts["not met"],
        undecided=counts["undecided"],
    )


def _run_item(p: Page, key: str, s: KpiSummary) -> str:
    _ = p.gettext
    cell = mean_with_range(p, key, s["mean"], s["ci_low"], s["ci_high"])
    if is_missing(s["ci_low"]):
        return _("{kpi}: {value} (no confidence interval yet)").format(kpi=p.kpi(key), value=cell["value"])
    if key == "wait_p90_min":
        return _("90% of people wait at most {value} (95% confidence interval: {ci})").format(
            value=cell["value"], ci=cell["range"]
        )
    return _("{kpi}: {value} (95% confidence interval: {ci})").format(
        kpi=p.kpi(key), value=cell["value"], ci=cell["range"]
    )


def run_targets(p: Page, results: Results) -> list[dict[str, Any]]:
    """Each target of a run with its badge, its mean and its interval."""
    return [
        {
            "badge": target_badge(p, tg["verdict"]),
            "rule": rule_text(p, tg, results),
            **mean_with_range(p, tg["kpi"], tg["mean"], tg["ci_low"], tg["ci_high"]),
        }
        for tg in results.targets
    ]


def _one_rep(p: Page, n: int) -> str:
    if n >= 2:
        return ""
    return p.gettext(
        "With a single run there is no confidence interval; run at least 2 (20 or more for decisions)."
    )


def answer_run(p: Page) -> dict[str, Any]:
    _ = p.gettext
    r = p.base
    cal = r.scenario.calendar
    summary = r.summary
    intro = _(
        "Mean of {replications} simulation runs of {start} – {end} ({days} working days), "
        "with 95% confidence intervals:"
    ).format(
        replications=r.n_replications,
        start=fmt_date(cal.start, p.lang),
        end=fmt_date(cal.end, p.lang),
        days=working_days(r),
    )
    note = _(
        "Each figure is the mean of {replications} simulation runs under the same conditions; the 95% "
        "confidence interval shows how uncertain it is. The results rest on many assumptions that are "
        "estimates (see “Assumptions that are estimates”)."
    ).format(replications=r.n_replications)
    return {
        "intro": intro,
        "items": [
            _run_item(p, k, summary[k]) for k in RUN_ANSWER_KPIS if k in summary and summary[k]["n"] > 0
        ],
        "tally": target_tally(p, r),
        "targets": run_targets(p, r),
        "note": note,
        "one_rep": _one_rep(p, r.n_replications),
    }


def clear(r: KpiComparison | None) -> bool | None:
    """True when the difference's interval excludes 0, False when it contains 0, None without one."""
    if r is None or is_missing(r.difference) or is_missing(r.diff_ci_low) or is_missing(r.diff_ci_high):
        return None
    return r.diff_ci_low > 0 or r.diff_ci_high < 0


def and_list(p: Page, items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + p.gettext(" and ") + items[-1]


def _clear_clause(p: Page, key: str, r: KpiComparison, dec: int) -> str:
    _ = p.gettext
    name = lower_first(p.kpi(key))
    d, lo, hi = r.difference, r.diff_ci_low, r.diff_ci_high
    size = fmt_kpi_diff(key, d, p.lang, dec, signed=False)
    if d < 0:
        ci = fmt_kpi_range(key, -hi, -lo, p.lang, diff=True, decimals=dec)
        clause = _("{kpi} falls by {amount} (95% confidence interval: {ci})").format(
            kpi=name, amount=size, ci=ci
        )
    else:
        ci = fmt_kpi_range(key, lo, hi, p.lang, diff=True, decimals=dec)
        clause = _("{kpi} rises by {amount} (95% confidence interval: {ci})").format(
            kpi=name, amount=size, ci=ci
        )
    small = SMALL_CLAUSE.get(r.verdict)
    if small is None or is_missing(r.mid):
        return clause
    return _(small).format(clause=clause, mid=amount(p, key, r.mid, diff=True))


def clause(p: Page, key: str, r: KpiComparison | None) -> str:
    """One KPI's change in words: a clear change with its interval, or why there is no verdict."""
    _ = p.gettext
    name = lower_first(p.kpi(key))
    if r is None or is_missing(r.difference):
        return _("{kpi}: not enough data to compare").format(kpi=name)
    dec = diff_decimals(key, (r.difference, r.diff_ci_low, r.diff_ci_high))
    if is_missing(r.diff_ci_low) or is_missing(r.diff_ci_high):
        return _("{kpi} differs by {amount} (no confidence interval: at least 2 runs are needed)").format(
            kpi=name, amount=fmt_kpi_diff(key, r.difference, p.lang, dec)
        )
    if not clear(r):
        raise ValueError("no clear change: see answer_compare")
    return _clear_clause(p, key, r, dec)


def tally(p: Page, total: int, verdicts: Counter[str]) -> str:
    """ "In short, on 5 key indicators: better on 1, …": the verdicts that occur, best first."""
    _ = p.gettext
    parts = [_("{verdict} on {n}").format(verdict=_(v), n=verdicts[v]) for v in VERDICTS if verdicts[v]]
    return _("In short, on {total} key indicators: {parts}.").format(total=total, parts="; ".join(parts))


def _alternative(p: Page, comp: Comparison, alt: Results) -> dict[str, Any]:
    _ = p.gettext
    rows = rows_by_scenario(comp)
    name = alt.scenario.name
    changed = [k for k in comp.key_kpis if clear(rows.get((name, k))) is not False]
    same = [lower_first(p.kpi(k)) for k in comp.key_kpis if clear(rows.get((name, k))) is False]
    clauses = [clause(p, k, rows.get((name, k))) for k in changed]
    if same:
        text = _("{kpis} show no clear change") if len(same) > 1 else _("{kpis} shows no clear change")
        clauses.append(text.format(kpis=and_list(p, same)))
    verdicts = Counter(rows[(name, k)].verdict for k in comp.key_kpis if (name, k) in rows)
    return {"title": title(alt, p.lang), "clauses": clauses, "tally": tally(p, len(comp.key_kpis), verdicts)}


def answer_compare(p: Page) -> dict[str, Any]:
    _ = p.gettext
    comp = p.comparison
    assert comp is not None
    note = _(
        "Each scenario was simulated {replications} times with the same stream of arriving visitors (a "
        "paired comparison). A difference counts as clear when its confidence interval excludes 0, and as "
        "important when the whole interval lies beyond the indicator's minimum important difference (by "
        "default 1 minute of mean wait, 2 minutes of the 90th percentile, 1 percentage point, 1 late "
        "dossier; the scenario can set its own). The intervals of the differences hold jointly at "
        "{confidence} for all {comparisons} comparisons (Bonferroni adjustment, {adjusted} each); each "
        "difference with its interval is under “Results”. The results rest on many assumptions that are "
        "estimates."
    ).format(
        replications=comp.replications,
        confidence=p.pct(comp.confidence),
        comparisons=comp.comparisons,
        adjusted=p.pct(comp.adjusted_confidence),
    )
    with_targets = [r for r in p.runs if r.targets]
    return {
        "alternatives": [_alternative(p, comp, alt) for alt in p.alternatives],
        "tallies": [target_tally(p, r) for r in with_targets],
        "no_targets": "" if with_targets else _("The scenario sets no targets."),
        "note": note,
        "one_rep": _one_rep(p, comp.replications),
    }


def answer(p: Page) -> dict[str, Any]:
    return answer_run(p) if p.comparison is None else answer_compare(p)
