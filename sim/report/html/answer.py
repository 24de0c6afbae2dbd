"""The report's header, question and answer: sentences generated from the numbers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.decide.comparison import (
    BETTER_MAYBE_SMALL,
    BETTER_SMALL,
    VERDICTS,
    WORSE_MAYBE_SMALL,
    WORSE_SMALL,
)
from sim.experiment.results import package_version
from sim.report import i18n
from sim.report.i18n import (
    diff_decimals,
    fmt_date,
    fmt_kpi,
    fmt_kpi_diff,
    fmt_kpi_range,
    fmt_plain,
    kpi_decimals,
    lower_first,
)
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results

from sim.report.html.base import (
    _OPS,
    _TARGET_CLASS,
    RUN_ANSWER_KPIS,
    Html,
    _badge,
    _days,
    _join,
    _missing,
    _Page,
    _title,
    esc,
)


def _rows(comp: Comparison) -> dict[tuple[str, str], KpiComparison]:
    return {(r.scenario, r.kpi): r for r in comp.rows}


def _header(p: _Page) -> Html:
    key = "title.compare" if p.comparison is not None else "title.run"
    centre = p.base.scenario.scenario.centre
    kicker = f'<p class="kicker">{esc(centre)}</p>' if centre else ""
    prepared = p.t("prepared", date=fmt_date(dt.date.today(), p.lang), version=package_version())
    return Html(
        f"<header>{kicker}<h1>{p.t(key, scenario=_title(p.base, p.lang))}</h1>"
        f'<p class="meta">{prepared}</p></header>'
    )


def _question(p: _Page) -> Html:
    cal = p.base.scenario.calendar
    start, end = fmt_date(cal.start, p.lang), fmt_date(cal.end, p.lang)
    if p.comparison is None:
        q = p.t("question.run", scenario=_title(p.base, p.lang), start=start, end=end)
        desc = i18n.scenario_description(p.base.scenario, p.lang)
        extra = f"<p>{esc(desc)}</p>" if desc else ""
    else:
        alts = p.text("question.or").join(f"“{_title(a, p.lang)}”" for a in p.alternatives)
        q = p.t("question.compare", alternatives=alts, base=_title(p.base, p.lang))
        items = []
        for k, r in enumerate(p.runs):
            role = p.t("question.base" if k == 0 else "question.alternative")
            desc = i18n.scenario_description(r.scenario, p.lang)
            tail = f" — {esc(desc)}" if desc else ""
            items.append(
                f"<li><strong>{role}:</strong> {esc(_title(r, p.lang))} "
                f"<code>{esc(r.scenario.name)}</code>{tail}</li>"
            )
        extra = f"<ul>{''.join(items)}</ul>"
    return Html(
        f'<section id="question"><h2>{p.t("section.question")}</h2>'
        f'<p class="question">{q}</p>{extra}</section>'
    )


def _target_tally(p: _Page, results: Results) -> Html:
    if not results.targets:
        return p.t("answer.no_targets")
    counts = Counter(tg["verdict"] for tg in results.targets)
    return p.t(
        "answer.targets",
        scenario=_title(results, p.lang),
        met=counts["met"],
        total=len(results.targets),
        not_met=counts["not met"],
        undecided=counts["undecided"],
    )


def _rule_text(p: _Page, rule: Mapping[str, Any], results: Results) -> str:
    key = rule["kpi"]
    value = rule["value"]
    number = fmt_plain(100 * value if kpi_kind(key) == "share" else value, p.lang)
    unit = i18n.unit_label(key, p.lang, diff=False, number=number)
    threshold = i18n.attach_unit(number, unit)
    return p.text(
        "targets.rule", kpi=p.kpi(key, results), op=_OPS.get(rule["op"], rule["op"]), value=threshold
    )


def _answer_run(p: _Page) -> Html:
    r = p.base
    cal = r.scenario.calendar
    items = []
    for key in RUN_ANSWER_KPIS:
        s = r.summary.get(key)
        if s is None or s["n"] == 0:
            continue
        dec = kpi_decimals(key, s["mean"])
        value = fmt_kpi(key, s["mean"], p.lang, dec)
        if _missing(s["ci_low"]):
            items.append(p.t("answer.run.item_noci", kpi=p.kpi(key), value=value))
        else:
            ci = fmt_kpi_range(key, s["ci_low"], s["ci_high"], p.lang, decimals=dec)
            items.append(p.t("answer.run.item", kpi=p.kpi(key), value=value, ci=ci))
    intro = p.t(
        "answer.run.intro",
        replications=r.n_replications,
        start=fmt_date(cal.start, p.lang),
        end=fmt_date(cal.end, p.lang),
        days=_days(r),
    )
    targets = [f"<p>{_target_tally(p, r)}</p>"]
    if r.targets:
        lis = []
        for tg in r.targets:
            cls = _TARGET_CLASS.get(tg["verdict"], "neutral")
            dec = kpi_decimals(tg["kpi"], tg["mean"])
            value = fmt_kpi(tg["kpi"], tg["mean"], p.lang, dec)
            ci = fmt_kpi_range(tg["kpi"], tg["ci_low"], tg["ci_high"], p.lang, decimals=dec)
            badge = _badge(cls, p.text("target." + tg["verdict"]))
            lis.append(
                f"<li>{badge} {esc(_rule_text(p, tg, r))}: {esc(value)} "
                f'<span class="ci">({esc(ci)})</span></li>'
            )
        targets.append(f'<ul class="targets">{"".join(lis)}</ul>')
    note = p.t("answer.note.run", replications=r.n_replications)
    if r.n_replications < 2:
        note = Html(f"{note} {p.t('answer.one_rep')}")
    return Html(
        f"<p>{intro}</p><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"
        f'{"".join(targets)}<p class="note">{note}</p>'
    )


def _clear(r: KpiComparison | None) -> bool | None:
    """True when the difference's interval excludes 0, False when it contains 0, None without one."""
    if r is None or _missing(r.difference) or _missing(r.diff_ci_low) or _missing(r.diff_ci_high):
        return None
    return r.diff_ci_low > 0 or r.diff_ci_high < 0


def _magnitude(r: KpiComparison) -> float:
    """Largest of |difference| and its interval's limits: sets the decimals of all three."""
    return max(
        (abs(x) for x in (r.difference, r.diff_ci_low, r.diff_ci_high) if not _missing(x)), default=0.0
    )


def _and(p: _Page, items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + p.text("list.and") + items[-1]


def _clause(p: _Page, key: str, r: KpiComparison | None) -> Html:
    """One KPI's change in words: a clear change with its interval, or why there is no verdict."""
    name = lower_first(p.kpi(key))
    if r is None or _missing(r.difference):
        return p.t("answer.clause.nodata", kpi=name)
    d, lo, hi = r.difference, r.diff_ci_low, r.diff_ci_high
    dec = diff_decimals(key, (d, lo, hi))
    if _missing(lo) or _missing(hi):
        return p.t("answer.clause.noci", kpi=name, amount=fmt_kpi_diff(key, d, p.lang, dec))
    if lo > 0 or hi < 0:
        if d < 0:
            clause = p.t(
                "answer.clause.down",
                kpi=name,
                amount=fmt_kpi_diff(key, d, p.lang, dec, signed=False),
                ci=fmt_kpi_range(key, -hi, -lo, p.lang, diff=True, decimals=dec),
            )
        else:
            clause = p.t(
                "answer.clause.up",
                kpi=name,
                amount=fmt_kpi_diff(key, d, p.lang, dec, signed=False),
                ci=fmt_kpi_range(key, lo, hi, p.lang, diff=True, decimals=dec),
            )
        small = {
            BETTER_SMALL: "answer.clause.small",
            WORSE_SMALL: "answer.clause.small",
            BETTER_MAYBE_SMALL: "answer.clause.maybe_small",
            WORSE_MAYBE_SMALL: "answer.clause.maybe_small",
        }.get(r.verdict)
        if small is None or _missing(r.mid):
            return clause
        number = fmt_plain(100 * r.mid if kpi_kind(key) == "share" else r.mid, p.lang)
        mid = i18n.attach_unit(number, i18n.unit_label(key, p.lang, diff=True, number=number))
        return p.t(small, clause=clause, mid=mid)
    raise ValueError("no clear change: see _answer_compare")


def _tally(p: _Page, total: int, verdicts: Counter[str]) -> Html:
    """ "In short, on 5 key indicators: better on 1, …": the verdicts that occur, best first."""
    parts = [
        p.text("answer.tally.part", verdict=p.text("verdict." + v), n=verdicts[v])
        for v in VERDICTS
        if verdicts[v]
    ]
    return p.t("answer.tally", total=total, parts="; ".join(parts))  # verdicts hold commas


def _answer_compare(p: _Page) -> Html:
    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    out = []
    for alt in p.alternatives:
        clauses = [
            _clause(p, k, rows.get((alt.scenario.name, k)))
            for k in comp.key_kpis
            if _clear(rows.get((alt.scenario.name, k))) is not False
        ]
        same = [
            lower_first(p.kpi(k)) for k in comp.key_kpis if _clear(rows.get((alt.scenario.name, k))) is False
        ]
        if same:
            clauses.append(
                p.t("answer.clause.same_many" if len(same) > 1 else "answer.clause.same", kpis=_and(p, same))
            )
        verdicts = Counter(
            rows[(alt.scenario.name, k)].verdict for k in comp.key_kpis if (alt.scenario.name, k) in rows
        )
        tally = _tally(p, len(comp.key_kpis), verdicts)
        lead = Html(f"<strong>{esc(_title(alt, p.lang))}</strong>")
        out.append(f'<p class="verdict">{lead}: {"; ".join(clauses)}. {tally}</p>')
    with_targets = [r for r in p.runs if r.targets]
    if with_targets:
        out.append(
            '<ul class="tally">' + "".join(f"<li>{_target_tally(p, r)}</li>" for r in with_targets) + "</ul>"
        )
    else:
        out.append(f"<p>{p.t('answer.no_targets')}</p>")
    note = p.t(
        "answer.note.compare",
        replications=comp.replications,
        confidence=p.pct(comp.confidence),
        comparisons=comp.comparisons,
        adjusted=p.pct(comp.adjusted_confidence),
    )
    if comp.replications < 2:
        note = Html(f"{note} {p.t('answer.one_rep')}")
    out.append(f'<p class="note">{note}</p>')
    return _join(out)


def _answer(p: _Page) -> Html:
    body = _answer_run(p) if p.comparison is None else _answer_compare(p)
    return Html(f'<section id="answer" class="answer"><h2>{p.t("section.answer")}</h2>{body}</section>')
