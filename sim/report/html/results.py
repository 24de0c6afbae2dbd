"""The results table and the target verdicts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.report.i18n import (
    attach_unit,
    diff_decimals,
    fmt_ci,
    fmt_kpi_diff,
    fmt_plain,
    unit_label,
)

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results

from sim.report.html.answer import _rows, _rule_text
from sim.report.html.base import (
    _TARGET_CLASS,
    _VERDICT_CLASS,
    RUN_KEY_KPIS,
    Html,
    _badge,
    _kpi_cell,
    _Page,
    _title,
    _value_cell,
    esc,
)
from sim.report.html.figures import _figure_html, _forest, _localise, _standard_figures
from sim.report.table import kpi_kind


def _run_keys(results: Results) -> list[str]:
    wanted = [*RUN_KEY_KPIS, *(tg["kpi"] for tg in results.targets)]
    summary = results.summary
    return [k for k in dict.fromkeys(wanted) if k in summary and summary[k]["n"] > 0]


def _results_run(p: _Page) -> Html:
    r = p.base
    body = []
    for key in _run_keys(r):
        s = r.summary[key]
        body.append(
            f'<tr><td>{_kpi_cell(p, key)}</td><td class="num">'
            f"{_value_cell(p, key, s['mean'], s['ci_low'], s['ci_high'], s['n'], r.n_replications)}"
            "</td></tr>"
        )
    table = (
        f'<table class="results"><thead><tr><th>{p.t("col.kpi")}</th><th class="num">'
        f"{p.t('col.mean')}</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    figures = []
    for name, make in _standard_figures(r).items():
        fig = _localise(make(r), p, r.scenario)
        figures.append(_figure_html(fig, p.text(f"figure.{name}")))
    intro = p.t("results.intro.run", replications=r.n_replications)
    return Html(f"<p>{intro}</p>{table}{_staff_time(p, r)}{''.join(figures)}")


def _staff_time(p: _Page, r: Results) -> Html:
    """Each person's busy share of time at work with its 95% CI, and its parts beside it (counter,
    back office, numbers written by hand): the staff headline, because the counter share alone
    makes people who spend the day on dossiers look idle."""
    from sim.report.i18n import staff_labels

    summary = r.summary
    if "staff_busy_share" not in summary:
        return Html("")
    labels = staff_labels(r.scenario, p.lang)
    parts = ("staff_busy_counter_share", "staff_busy_back_office_share", "staff_busy_manual_share")
    body = []
    for sid, label in [*((m.id, labels[m.id]) for m in r.scenario.staff), ("", p.text("staff_time.all"))]:
        suffix = f".{sid}" if sid else ""
        s = summary.get(f"staff_busy_share{suffix}")
        if s is None or s["n"] == 0:
            continue
        total = _value_cell(p, "staff_busy_share", s["mean"], s["ci_low"], s["ci_high"])
        cells = [f'<td class="num">{total}</td>']
        for key in parts:
            part = summary.get(f"{key}{suffix}")
            value = esc(p.pct(part["mean"])) if part is not None and not math.isnan(part["mean"]) else "–"
            cells.append(f'<td class="num">{value}</td>')
        body.append(f"<tr><td>{esc(label)}</td>{''.join(cells)}</tr>")
    head = "".join(f'<th class="num">{p.t(f"kpi.{key}")}</th>' for key in parts)
    return Html(
        f"<h3>{p.t('staff_time.title')}</h3><p>{p.t('staff_time.intro')}</p>"
        f'<table class="results"><thead><tr><th>{p.t("staff_time.person")}</th>'
        f'<th class="num">{p.t("kpi.staff_busy_share")} {p.t("col.mean")}</th>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )


def _band_hint(p: _Page, key: str, comp: Comparison) -> Html:
    """ "Smallest difference that matters: ±1 min" under a key KPI's name (nothing without a band)."""
    from sim.report.compare_plots import panel_mid

    mid = panel_mid(comp, key)
    if not mid > 0:
        return Html("")
    number = fmt_plain(100 * mid if kpi_kind(key) == "share" else mid, p.lang)
    amount = attach_unit(number, unit_label(key, p.lang, diff=True, number=number))
    return Html(f'<div class="hint">{p.t("results.band", mid=amount)}</div>')


def _results_compare(p: _Page) -> Html:
    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    body = []
    for key in comp.key_kpis:
        present = [r for r in p.runs if (r.scenario.name, key) in rows or key in r.summary]
        for k, res in enumerate(present):
            row = rows.get((res.scenario.name, key))
            s = res.summary.get(key)
            mean, low, high = (
                (row.mean, row.ci_low, row.ci_high)
                if row is not None
                else (s["mean"], s["ci_low"], s["ci_high"])
                if s is not None
                else (math.nan,) * 3
            )
            is_base = res is p.base
            name = f"{esc(_title(res, p.lang))}" + (
                f' <span class="hint">({p.t("col.base")})</span>' if is_base else ""
            )
            if is_base or row is None:
                diff, verdict = Html(""), Html("")
            else:
                dec = diff_decimals(key, (row.difference, row.diff_ci_low, row.diff_ci_high))
                amount = fmt_kpi_diff(key, row.difference, p.lang, dec, short=True)
                ci = fmt_ci(key, row.diff_ci_low, row.diff_ci_high, p.lang, dec, signed=True)
                diff = Html(f'<span class="v">{esc(amount)}</span> <span class="ci">{esc(ci)}</span>')
                verdict = (
                    _badge(_VERDICT_CLASS.get(row.verdict, "neutral"), p.text("verdict." + row.verdict))
                    if row.verdict
                    else _badge("neutral", p.text("verdict.neutral"))
                )
            first = (
                f'<td rowspan="{len(present)}" class="kpi">{_kpi_cell(p, key)}{_band_hint(p, key, comp)}</td>'
                if k == 0
                else ""
            )
            cls = ' class="group"' if k == 0 else ""
            body.append(
                f'<tr{cls}>{first}<td>{name}</td><td class="num">'
                f'{_value_cell(p, key, mean, low, high)}</td><td class="num">{diff}</td>'
                f"<td>{verdict}</td></tr>"
            )
    head = (
        f'<tr><th>{p.t("col.kpi")}</th><th>{p.t("col.scenario")}</th><th class="num">'
        f'{p.t("col.mean")}</th><th class="num">{p.t("col.difference")}</th>'
        f"<th>{p.t('col.verdict')}</th></tr>"
    )
    table = f'<table class="results compare"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
    intro = p.t("results.intro.compare", replications=comp.replications, confidence=p.pct(comp.confidence))
    forest = _figure_html(
        _localise(_forest(p), p, None), p.text("figure.forest", confidence=p.pct(comp.confidence))
    )
    return Html(f"<p>{intro}</p>{table}{forest}")


def _results(p: _Page) -> Html:
    body = _results_run(p) if p.comparison is None else _results_compare(p)
    return Html(f'<section id="results" class="newpage"><h2>{p.t("section.results")}</h2>{body}</section>')


def _targets(p: _Page) -> Html:
    if not any(r.targets for r in p.runs):
        body = Html(f"<p>{p.t('targets.none')}</p>")
    else:
        rows = []
        several = len(p.runs) > 1
        by_rule: dict[tuple[str, str, float], list[tuple[Results, dict[str, Any]]]] = {}
        for r in p.runs:
            for tg in r.targets:
                by_rule.setdefault((tg["kpi"], tg["op"], tg["value"]), []).append((r, tg))
        for entries in by_rule.values():
            for k, (r, tg) in enumerate(entries):
                cls = _TARGET_CLASS.get(tg["verdict"], "neutral")
                label = tg.get("label") or ""
                show_label = label and (p.lang == "en" or any(ord(c) > 127 for c in label))
                rule = esc(_rule_text(p, tg, r)) + (
                    Html(f'<div class="hint">{esc(label)}</div>') if show_label else ""
                )
                first = f'<td rowspan="{len(entries)}">{rule}</td>' if k == 0 else ""
                scen = f"<td>{esc(_title(r, p.lang))}</td>" if several else ""
                group = ' class="group"' if k == 0 and several else ""
                rows.append(
                    f'<tr{group}>{first}{scen}<td class="num">'
                    f"{_value_cell(p, tg['kpi'], tg['mean'], tg['ci_low'], tg['ci_high'])}</td>"
                    f"<td>{_badge(cls, p.text('target.' + tg['verdict']))}</td></tr>"
                )
        scen_head = f"<th>{p.t('col.scenario')}</th>" if several else ""
        head = (
            f'<tr><th>{p.t("col.target")}</th>{scen_head}<th class="num">{p.t("col.mean")}</th>'
            f"<th>{p.t('col.verdict')}</th></tr>"
        )
        body = Html(
            f'<table class="targets"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="hint">{p.t("target.legend")}</p>'
        )
    return Html(f'<section id="targets"><h2>{p.t("section.targets")}</h2>{body}</section>')
