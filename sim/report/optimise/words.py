"""The optimiser's answer in words, shared by the terminal, the HTML report and the figure.

One home for each sentence so that `python -m sim optimise` prints exactly what report.html says
first: the cheapest plan that meets the targets (or, plainly, that none does or that the answer
is not known yet), the stress re-run, the replications spent against a fixed design. Every word
is an English gettext msgid (`sim.report.i18n.translator`); numbers and money go through the one
formatter (`sim.report.format`). Texts keep no-break spaces; the terminal turns them into spaces.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.optimise.procedure import FEASIBLE, INFEASIBLE, NOT_NEEDED, UNDECIDED
from sim.report import format as fmt
from sim.report.i18n import (
    N_,
    attach_unit,
    fmt_kpi,
    fmt_kpi_range,
    fmt_plain,
    in_unit,
    kpi_name,
    lower_first,
    translator,
    unit_label,
)
from sim.report.table import format_threshold

if TYPE_CHECKING:
    from sim.optimise.procedure import Constraint
    from sim.optimise.result import OptimiseResult
    from sim.optimise.study import Plan, Study

PLAN_STATES: dict[str, str] = {
    FEASIBLE: N_("meets the targets"),
    INFEASIBLE: N_("fails the targets"),
    UNDECIDED: N_("undecided"),
    NOT_NEEDED: N_("not needed"),
}
"""A plan's state in words (msgids)."""

CONSTRAINT_STATES: dict[str, str] = {
    FEASIBLE: N_("met"),
    INFEASIBLE: N_("not met"),
    UNDECIDED: N_("undecided"),
    NOT_NEEDED: N_("not needed"),
}
"""One constraint's state for one plan, in words (msgids)."""

STATE_CLASS: dict[str, str] = {FEASIBLE: "good", INFEASIBLE: "bad", UNDECIDED: "warn", NOT_NEEDED: "neutral"}
"""The badge colour of a state in report.html."""

SYMBOLS = {"<=": "≤", ">=": "≥"}

Gettext = Callable[[str], str]


def gettext(lang: str) -> Gettext:
    return translator(lang).gettext


def plan_number(plan: Plan) -> str:
    """'02' for plan_02: the plan's number, the same in both languages."""
    return plan.id.removeprefix("plan_")


def plan_name(plan: Plan, lang: str) -> str:
    """'plan 02' / 'phương án 02' (candidates.csv calls it plan_02)."""
    _ = gettext(lang)
    return _("plan {number}").format(number=plan_number(plan))


def options(study: Study, plan: Plan, lang: str) -> str:
    """The plan's options: '6 cán bộ, 1 máy lấy số, giờ hiện nay'."""
    return study.plan_title(plan, lang)


def cost(plan: Plan, lang: str) -> str:
    """'63.150.000 đồng' / 'VND 63,150,000' (per month)."""
    return fmt.money(plan.cost, lang)


def per_month(plan: Plan, lang: str) -> str:
    """'63.150.000 đồng/tháng' / 'VND 63,150,000 per month'."""
    _ = gettext(lang)
    return _("{cost} per month").format(cost=cost(plan, lang))


def kpi_label(study: Study, key: str, lang: str) -> str:
    """The KPI's name (the share within the wait threshold names its minutes, from the base)."""
    return kpi_name(key, lang, study.base)


def rule(study: Study, c: Constraint, lang: str) -> str:
    """'Tỷ lệ người dân chờ không quá 15 phút ≥ 90%'."""
    value = format_threshold(c.kpi, c.threshold, lang).replace(" ", fmt.NBSP)
    _ = gettext(lang)
    return _("{kpi} {op} {value}").format(kpi=kpi_label(study, c.kpi, lang), op=SYMBOLS[c.op], value=value)


def tolerance(c: Constraint, lang: str) -> str:
    """ε in the KPI's unit: '1 điểm %' for a share, '5 phút' for minutes."""
    number = fmt_plain(round(in_unit(c.kpi, c.tolerance), 6), lang)
    return attach_unit(number, unit_label(c.kpi, lang, diff=True, number=number, short=True))


def tolerances(study: Study, lang: str) -> str:
    """'1 điểm %' for one constraint; '1 điểm % đối với …, 0,5 điểm % đối với …' for several."""
    cs = study.constraints
    if len(cs) == 1:
        return tolerance(cs[0], lang)
    _ = gettext(lang)
    return fmt.join(
        (
            _("{tolerance} for {kpi}").format(
                tolerance=tolerance(c, lang), kpi=lower_first(kpi_label(study, c.kpi, lang))
            )
            for c in cs
        ),
        lang,
    )


def confidence(study: Study, lang: str) -> str:
    """1 − α as a percentage: '95%'."""
    return fmt_plain(round(100 * (1 - study.settings.alpha), 4), lang) + "%"


def mean(result: OptimiseResult, index: int, kpi: str, lang: str) -> str:
    """A plan's mean of a KPI with its unit ('91,2%'); '–' when it has no replication."""
    s = result.estimate(index, kpi)
    return fmt_kpi(kpi, s["mean"], lang) if s["n"] else fmt.MISSING


def interval(result: OptimiseResult, index: int, kpi: str, lang: str) -> str:
    """The 95% interval in prose with the unit: '90,1–92,3%'; '' without two replications."""
    s = result.estimate(index, kpi)
    if s["n"] < 2 or not math.isfinite(s["ci_low"]) or not math.isfinite(s["ci_high"]):
        return ""
    return fmt_kpi_range(kpi, s["ci_low"], s["ci_high"], lang)


# ----- the answer ---------------------------------------------------------------------------------


def answer(result: OptimiseResult, lang: str) -> list[str]:
    """The answer in sentences, the first one being the answer itself."""
    o = result.outcome
    if o.answer == "found" and result.chosen is not None:
        return [_found(result, lang), *_tie(result, lang)]
    if o.answer == "none_feasible":
        return _none_feasible(result, lang)
    return _undecided(result, lang)


def _found(result: OptimiseResult, lang: str) -> str:
    _ = gettext(lang)
    study, plan = result.study, result.chosen
    assert plan is not None
    return _(
        "Cheapest plan that meets the targets: {options} — cost {cost}; confidence ≥ {confidence} "
        "(tolerance {tolerances})."
    ).format(
        options=options(study, plan, lang),
        cost=per_month(plan, lang),
        confidence=confidence(study, lang),
        tolerances=tolerances(study, lang),
    )


def _tie(result: OptimiseResult, lang: str) -> list[str]:
    tie, study = result.outcome.tie, result.study
    if tie is None or study.settings.tie_kpi is None:
        return []
    _ = gettext(lang)
    kpi = lower_first(kpi_label(study, study.settings.tie_kpi, lang))
    names = fmt.join((plan_name(study.plans[i], lang) for i in tie.tied), lang)
    chosen = plan_name(study.plans[tie.chosen], lang)
    if len(tie.survivors) == 1:
        return [
            _(
                "{plans} cost the same and all meet the targets; {chosen} was chosen for its better {kpi} "
                "(paired comparison)."
            ).format(plans=names, chosen=chosen, kpi=kpi)
        ]
    delta = attach_unit(
        fmt_plain(in_unit(study.settings.tie_kpi, study.settings.tie_tolerance), lang),
        unit_label(study.settings.tie_kpi, lang, diff=True, short=True),
    )
    return [
        _(
            "{plans} cost the same and all meet the targets; within the cap, a paired comparison could "
            "not tell their {kpi} apart (differences under {delta} count as a tie), so {chosen} is shown; "
            "any of them meets the targets at that cost."
        ).format(plans=names, kpi=kpi, delta=delta, chosen=chosen)
    ]


def _named(result: OptimiseResult, plan: Plan, lang: str) -> str:
    """'plan 03 (5 cán bộ, giờ hiện nay; 40.000.000 đồng/tháng)'."""
    _ = gettext(lang)
    return _("{plan} ({options}; {cost})").format(
        plan=plan_name(plan, lang), options=options(result.study, plan, lang), cost=per_month(plan, lang)
    )


def _undecided(result: OptimiseResult, lang: str) -> list[str]:
    _ = gettext(lang)
    o, study = result.outcome, result.study
    out = [
        _(
            "No answer yet: the cheapest plan that meets the targets could not be decided within "
            "{cap} replications per plan."
        ).format(cap=fmt.number(study.settings.max_replications, lang))
    ]
    blocking = [study.plans[i] for i in o.blocking] or [
        study.plans[p.index] for p in o.plans if p.state == UNDECIDED
    ][:1]
    if blocking:
        out.append(
            _("Still undecided: {plans}.").format(
                plans=fmt.join((_named(result, p, lang) for p in blocking), lang)
            )
        )
    best = result.best_known
    if best is not None:
        out.append(
            _(
                "The cheapest plan known to meet the targets is {plan}, but a cheaper plan above may meet "
                "them too, so it is not the answer."
            ).format(plan=_named(result, best, lang))
        )
    else:
        out.append(_("No plan has been shown to meet the targets."))
    out.append(_("Run the study again with a higher cap (--max-replications) to decide."))
    return out


def _none_feasible(result: OptimiseResult, lang: str) -> list[str]:
    _ = gettext(lang)
    study, o = result.study, result.outcome
    out = [_("No plan meets the targets.")]
    failures = Counter(k for p in o.plans for k, co in enumerate(p.constraints) if co.state == INFEASIBLE)
    if failures:
        k, n = max(failures.items(), key=lambda kv: (kv[1], -kv[0]))
        c = study.constraints[k]
        out.append(
            _("The target missed most often: {rule}, not met by {n} of the {total} plans.").format(
                rule=rule(study, c, lang), n=fmt.number(n, lang), total=fmt.number(len(study.plans), lang)
            )
        )
        best = _best_on(result, k)
        if best is not None:
            out.append(
                _("The best plan on it, {plan}, reaches {value}.").format(
                    plan=_named(result, study.plans[best], lang), value=mean(result, best, c.kpi, lang)
                )
            )
    return out


def _best_on(result: OptimiseResult, k: int) -> int | None:
    """The plan whose mean is best on constraint k (highest for ≥, lowest for ≤)."""
    c = result.study.constraints[k]
    sign = 1.0 if c.op == ">=" else -1.0
    scored = [
        (sign * result.estimate(i, c.kpi)["mean"], -i)
        for i in range(len(result.study.plans))
        if result.estimate(i, c.kpi)["n"]
    ]
    scored = [s for s in scored if math.isfinite(s[0])]
    return -max(scored)[1] if scored else None


# ----- the stress re-run ------------------------------------------------------------------------


def stress_name(result: OptimiseResult, lang: str) -> str:
    """'With demand up 20%' / 'Với nhu cầu tăng 20%' (and the variant's title when it does more)."""
    s = result.study.stress
    assert s is not None
    _ = gettext(lang)
    title = (s.title_vi or s.title or s.name) if lang == "vi" else (s.title or s.name)
    change = round(100 * (s.demand_factor - 1), 4)
    if change == 0:
        return _("Under the stress variant “{title}”").format(title=title)
    percent = fmt_plain(abs(change), lang) + "%"
    text = (_("With demand up {percent}") if change > 0 else _("With demand down {percent}")).format(
        percent=percent
    )
    return f"{text} ({title})" if s.overlay else text


def stress(result: OptimiseResult, lang: str) -> str | None:
    """Whether the chosen plan still meets the targets under the study's stress variant."""
    run, study = result.stress, result.study
    if study.stress is None:
        return None
    _ = gettext(lang)
    if run is None:
        return _("The stress test was not run: no plan was chosen.")
    what = stress_name(result, lang)
    n = fmt.number(run.plan.replications, lang)
    if run.state == FEASIBLE:
        return _("{stress}, this plan still meets the targets ({n} replications).").format(stress=what, n=n)
    if run.state == INFEASIBLE:
        failed = [
            _("{rule}: mean {mean}").format(
                rule=rule(study, c, lang), mean=fmt_kpi(c.kpi, _stress_mean(result, c.kpi), lang)
            )
            for c, co in zip(study.constraints, run.plan.constraints, strict=True)
            if co.state == INFEASIBLE
        ]
        return _("{stress}, this plan no longer meets the targets: {failed}.").format(
            stress=what, failed=fmt.join(failed, lang)
        )
    return _(
        "{stress}, it could not be decided within {n} replications whether this plan still meets the targets."
    ).format(stress=what, n=n)


def _stress_mean(result: OptimiseResult, kpi: str) -> float:
    assert result.stress is not None
    values = result.stress.plan.values.get(kpi)
    return float("nan") if values is None or not len(values) else float(sum(values) / len(values))


# ----- the work done --------------------------------------------------------------------------------


def replications(result: OptimiseResult, lang: str) -> str:
    """'Replications: 420 spent; a fixed design would need 1,600 (80 plans × 20); ratio 0.26.'"""
    _ = gettext(lang)
    o = result.outcome
    fixed = result.fixed_design
    ratio = fmt.number(o.spent / fixed, lang, 2) if fixed else fmt.MISSING
    text = _(
        "Replications: {spent} spent; a fixed design with the same guarantee would need {fixed} "
        "({plans} plans × {most}); ratio {ratio}."
    ).format(
        spent=fmt.number(o.spent, lang),
        fixed=fmt.number(fixed, lang),
        plans=fmt.number(len(result.study.plans), lang),
        most=fmt.number(o.max_used, lang),
        ratio=ratio,
    )
    if result.stress is not None:
        text += " " + _("The stress test took {n} more.").format(
            n=fmt.number(result.stress.outcome.spent, lang)
        )
    return text


__all__ = [
    "CONSTRAINT_STATES",
    "PLAN_STATES",
    "STATE_CLASS",
    "answer",
    "confidence",
    "cost",
    "interval",
    "kpi_label",
    "mean",
    "options",
    "per_month",
    "plan_name",
    "plan_number",
    "replications",
    "rule",
    "stress",
    "stress_name",
    "tolerance",
    "tolerances",
]
