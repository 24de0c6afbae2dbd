"""Assumptions that are estimates, the reproducibility block and the appendix."""

from __future__ import annotations

import datetime as dt
import platform
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiment.results import kpi_order, package_version
from sim.experiment.statistics import CONFIDENCE
from sim.report.i18n import (
    fmt_date,
    fmt_datetime,
)
from sim.report.table import kpi_section
from sim.scenario.kpis import KPIS

if TYPE_CHECKING:
    pass

from sim.report.html.base import Html, _join, _Page, _title, _value_cell, esc
from sim.report.html.figures import _figure_html, _localise, _standard_figures
from sim.report.html.scenarios import _Param, _param_rows, _part, _with_unit


def _estimate_groups(rows: list[_Param]) -> list[tuple[str, str, list[_Param]]]:
    """ESTIMATE rows (parameters the model reads), the rows of one section with the same note
    grouped, in order of first appearance: (section, note, rows)."""
    groups: dict[tuple[str, str], list[_Param]] = {}
    for r in rows:
        if "ESTIMATE" not in r.label or "not used by the current model" in r.note:
            continue
        groups.setdefault((r.section, r.note), []).append(r)
    return [(section, note, items) for (section, note), items in groups.items()]


def _estimate_lines(path: Path) -> list[str]:
    """Fallback without `sim.report.params`: the comment text of lines marked ESTIMATE."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "ESTIMATE" in line and "#" in line:
            code, _, comment = line.partition("#")
            text = comment.strip()
            out.append(f"{code.strip()}  — {text}" if code.strip() else text)
    return out


def _estimates(p: _Page) -> Html:
    path = p.sources.get(p.base.scenario.name)
    parts = [f"<p>{p.t('estimates.intro')}</p>"]
    if p.comparison is not None:
        parts.append(f'<p class="hint">{p.t("estimates.intro.compare")}</p>')
    rows = _param_rows(p.base.scenario, path) if path is not None else None
    if rows is not None:
        groups = _estimate_groups(rows)
        body = []
        last = None
        for section, note, items in groups:
            if section != last:
                body.append(f'<tr class="part"><th colspan="2">{esc(_part(p, section))}</th></tr>')
                last = section
            values = "<br>".join(
                f"<code>{esc(r.key)}</code> = {esc(_with_unit(p, r.value, r.unit))}" for r in items
            )
            body.append(f'<tr><td>{values}</td><td class="hint">{esc(note)}</td></tr>')
        if body:
            head = f"<tr><th>{p.t('col.value')}</th><th>{p.t('col.note')}</th></tr>"
            parts.append(
                f'<table class="estimates"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
            )
            return Html(
                f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
                f"{''.join(parts)}</section>"
            )
    elif path is not None and path.is_file():
        lines = _estimate_lines(path)
        if lines:
            parts.append('<ul class="estimates">' + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>")
            return Html(
                f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
                f"{''.join(parts)}</section>"
            )
    parts = [f"<p>{p.t('estimates.none')}</p>"]
    return Html(
        f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
        f"{''.join(parts)}</section>"
    )


def _rule(p: _Page) -> str:
    comp = p.comparison
    if comp is None:
        return p.text("repro.rule_fixed", replications=p.base.n_replications)
    m = re.fullmatch(r"fixed: (\d+) replications?", comp.replication_rule.strip())
    if m:
        return p.text("repro.rule_fixed", replications=int(m.group(1)))
    return comp.replication_rule


def _default_command(p: _Page) -> str | None:
    if p.comparison is not None:
        return None
    r = p.base
    return p.text(
        "repro.command_rerun",
        command=f"python -m sim run scenario.toml --replications {r.n_replications} --seed {r.seed}",
    )


def _repro(p: _Page) -> Html:
    meta = p.base.meta()
    libs = ", ".join(f"{k} {v}" for k, v in (meta.get("libraries") or {}).items() if v)
    command = p.command or _default_command(p) or p.text("repro.no_command")
    try:
        created = fmt_datetime(dt.datetime.fromisoformat(p.base.created), p.lang)
    except ValueError:
        created = p.base.created
    items = [
        ("repro.command", Html(f"<pre>{esc(command)}</pre>")),
        ("repro.seed", esc(p.base.seed)),
        ("repro.replications", esc(p.n_replications)),
        ("repro.rule", esc(_rule(p))),
        ("repro.confidence", esc(p.pct(p.comparison.confidence if p.comparison else CONFIDENCE))),
        ("repro.version", esc(package_version())),
        ("repro.python", esc(f"Python {platform.python_version()}; {libs}")),
        ("repro.created", esc(created)),
        ("repro.report_date", esc(fmt_date(dt.date.today(), p.lang))),
    ]
    if p.comparison is not None:
        names = ", ".join(r.scenario.name for r in p.runs)
        items.insert(1, ("repro.scenarios", esc(names)))
    dl = "".join(f'<dt>{p.t(k)}</dt><dd class="repro-{k.split(".")[1]}">{v}</dd>' for k, v in items)
    return Html(
        f'<section id="reproducibility"><h2>{p.t("section.repro")}</h2>'
        f'<p>{p.t("repro.intro")}</p><dl class="repro">{dl}</dl></section>'
    )


def _appendix(p: _Page) -> Html:
    keys = kpi_order({k for r in p.runs for k in r.summary})
    several = len(p.runs) > 1
    head_cells = (
        "".join(f'<th class="num">{esc(_title(r, p.lang))}</th>' for r in p.runs)
        if several
        else f'<th class="num">{p.t("col.mean")}</th>'
    )
    parts = [f"<p>{p.t('appendix.intro')}</p>"]
    for section in ("front", "back"):
        in_section = [k for k in keys if kpi_section(k) == section]
        if not in_section:
            continue
        body = []
        for key in in_section:
            cells = []
            for r in p.runs:
                s = r.summary.get(key)
                if s is None or s["n"] == 0:
                    cells.append(f'<td class="num hint">{p.t("appendix.nodata")}</td>')
                else:
                    value = _value_cell(p, key, s["mean"], s["ci_low"], s["ci_high"])
                    cells.append(f'<td class="num">{value}</td>')
            cls = "" if key in KPIS else ' class="sub"'
            body.append(f"<tr{cls}><td>{esc(p.kpi(key))}</td>{''.join(cells)}</tr>")
        parts.append(
            f'<h3>{p.t("part." + section)}</h3><table class="all"><thead><tr>'
            f"<th>{p.t('col.kpi')}</th>{head_cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    figures = []
    if p.comparison is not None:
        try:
            from sim.report.compare_plots import on_time_by_scenario_figure, wait_by_hour_by_scenario_figure
        except ImportError:
            pass
        else:
            for name, make in (
                ("wait_by_hour_by_scenario", wait_by_hour_by_scenario_figure),
                ("on_time_by_scenario", on_time_by_scenario_figure),
            ):
                fig = _localise(make(p.comparison), p, None)
                figures.append(_figure_html(fig, p.text(f"figure.{name}")))
        for r in p.runs:
            for name in ("wait_distribution", "utilisation"):
                make = _standard_figures(r)[name]
                caption = p.text("figure.of", caption=p.text(f"figure.{name}"), scenario=_title(r, p.lang))
                figures.append(_figure_html(_localise(make(r), p, r.scenario), caption))
    out = [
        f'<section id="appendix" class="newpage"><h2>{p.t("section.appendix")}</h2>{"".join(parts)}</section>'
    ]
    if figures:
        out.append(
            f'<section id="figures" class="newpage"><h2>{p.t("section.figures")}</h2>'
            f"{''.join(figures)}</section>"
        )
    return _join(out)
