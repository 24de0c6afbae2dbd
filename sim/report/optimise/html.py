"""report.html of a study: the answer first, then the stress test, every plan, the method and its
guarantee, what was assumed and how to reproduce it.

One self-contained file like the run reports (`sim.report.html`): the same Jinja2 environment
(autoescape, strict undefined, `_` from the catalogue), the stylesheet inlined and the figure
embedded as a PNG data URI. Python builds plain data, already formatted and translated (the
sentences come from `sim.report.optimise.words`, shared with the terminal); the template
`optimise.html.j2` holds the markup.
"""

from __future__ import annotations

import datetime as dt
import platform
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.results import library_versions, package_version
from sim.experiment.statistics import summarise_kpi
from sim.report import format as fmt
from sim.report.html.figures import data_uri
from sim.report.html.page import REPORT_FILE
from sim.report.html.render import cli_command, environment, stylesheet
from sim.report.i18n import (
    attach_unit,
    check_lang,
    fmt_date,
    fmt_datetime,
    fmt_kpi,
    fmt_kpi_range,
    fmt_plain,
    in_unit,
    kpi_help,
    lower_first,
    scenario_description,
    scenario_title,
    unit_label,
)
from sim.report.optimise import words
from sim.report.optimise.figures import CAPTION, cost_performance_figure

if TYPE_CHECKING:
    from sim.optimise.procedure import Constraint
    from sim.optimise.result import OptimiseResult

TEMPLATE = "optimise.html.j2"


def _badge(state: str, names: dict[str, str], lang: str) -> dict[str, str]:
    return {"cls": words.STATE_CLASS.get(state, "neutral"), "text": words.gettext(lang)(names[state])}


def _estimate(result: OptimiseResult, index: int, c: Constraint, state: str, lang: str) -> dict[str, Any]:
    return {
        "rule": words.rule(result.study, c, lang),
        "value": words.mean(result, index, c.kpi, lang),
        "range": words.interval(result, index, c.kpi, lang),
        "badge": _badge(state, words.CONSTRAINT_STATES, lang),
    }


def _chosen(result: OptimiseResult, lang: str) -> dict[str, Any] | None:
    """The box under the answer: the chosen plan's options, cost and estimates against targets."""
    i = result.outcome.chosen
    if i is None:
        return None
    study, plan = result.study, result.study.plans[i]
    po = result.outcome.plans[i]
    return {
        "name": words.plan_name(plan, lang),
        "options": [
            {
                "lever": lv.text(lang),
                "option": lv.options[k].text(lang),
                "cost": fmt.money(lv.options[k].cost, lang),
            }
            for lv, k in zip(study.levers, plan.choice, strict=True)
        ],
        "cost": words.per_month(plan, lang),
        "estimates": [
            _estimate(result, i, c, co.state, lang)
            for c, co in zip(study.constraints, po.constraints, strict=True)
        ],
        "replications": fmt.number(po.replications, lang),
    }


def _stress(result: OptimiseResult, lang: str) -> dict[str, Any] | None:
    sentence = words.stress(result, lang)
    if sentence is None:
        return None
    run = result.stress
    rows = []
    if run is not None:
        for c, co in zip(result.study.constraints, run.plan.constraints, strict=True):
            s = summarise_kpi(c.kpi, run.plan.values.get(c.kpi, []))
            rows.append(
                {
                    "rule": words.rule(result.study, c, lang),
                    "value": _value(c.kpi, s["mean"], s["n"], lang),
                    "range": _range(c.kpi, s, lang),
                    "badge": _badge(co.state, words.CONSTRAINT_STATES, lang),
                }
            )
    return {"sentence": sentence, "rows": rows}


def _stress_title(result: OptimiseResult, lang: str) -> str:
    s = result.study.stress
    if s is None:
        return ""
    return (s.title_vi or s.title or s.name) if lang == "vi" else (s.title or s.name)


def _value(kpi: str, mean: float, n: int, lang: str) -> str:
    return fmt_kpi(kpi, mean, lang) if n else fmt.MISSING


def _range(kpi: str, s: Any, lang: str) -> str:
    return fmt_kpi_range(kpi, s["ci_low"], s["ci_high"], lang) if s["n"] >= 2 else ""


def _plans(result: OptimiseResult, lang: str) -> list[dict[str, Any]]:
    _ = words.gettext(lang)
    study, o = result.study, result.outcome
    rows = []
    for i, plan in enumerate(study.plans):
        po = o.plans[i]
        cells = []
        for c, co in zip(study.constraints, po.constraints, strict=True):
            cell = _estimate(result, i, c, co.state, lang)
            cell["implied"] = (
                ""
                if co.implied_by is None
                else _("from plan {number}").format(number=words.plan_number(study.plans[co.implied_by]))
            )
            cells.append(cell)
        rows.append(
            {
                "number": words.plan_number(plan),
                "options": study.plan_title(plan, lang),
                "cost": fmt.number(plan.cost / 1e6, lang, 2),
                "badge": _badge(po.state, words.PLAN_STATES, lang),
                "cells": cells,
                "replications": fmt.number(po.replications, lang),
                "chosen": o.chosen == i,
            }
        )
    return rows


def _targets(result: OptimiseResult, lang: str) -> list[dict[str, str]]:
    """The constraints as column headers and in the method: rule, tolerance, explanation."""
    study = result.study
    return [
        {
            "rule": words.rule(study, c, lang),
            "kpi": words.kpi_label(study, c.kpi, lang),
            "tolerance": words.tolerance(c, lang),
            "help": kpi_help(c.kpi.split(".", 1)[0], lang),
        }
        for c in study.constraints
    ]


def _method(result: OptimiseResult, lang: str) -> dict[str, Any]:
    """The numbers the method's paragraphs quote."""
    study, o = result.study, result.outcome
    s = study.settings
    decisions = len(study.plans) * len(study.constraints)
    monotone = [lv.text(lang) for lv in study.levers if lv.monotone]
    tie_kpi = s.tie_kpi
    delta = ""
    if tie_kpi is not None:
        number = fmt_plain(in_unit(tie_kpi, s.tie_tolerance), lang)
        delta = attach_unit(number, unit_label(tie_kpi, lang, diff=True, number=number, short=True))
    return {
        "first_stage": fmt.number(s.first_stage, lang),
        "batch": fmt.number(s.batch, lang),
        "cap": fmt.number(s.max_replications, lang),
        "plans": fmt.number(len(study.plans), lang),
        "targets": fmt.number(len(study.constraints), lang),
        "decisions": fmt.number(decisions, lang),
        "beta": fmt_plain(float(f"{o.beta:.3g}"), lang) if o.beta > 0 else fmt.MISSING,
        "alpha": fmt_plain(s.alpha, lang),
        "confidence": words.confidence(study, lang),
        "monotone": fmt.join(monotone, lang) if monotone else "",
        "tie_kpi": lower_first(words.kpi_label(study, tie_kpi, lang)) if tie_kpi else "",
        "delta": delta,
        "replications": words.replications(result, lang),
    }


def _levers(result: OptimiseResult, lang: str) -> list[dict[str, Any]]:
    out = []
    for lv in result.study.levers:
        out.append(
            {
                "name": lv.text(lang),
                "options": [
                    {
                        "label": o.text(lang),
                        "description": (o.description_vi or o.description) if lang == "vi" else o.description,
                        "cost": fmt.money(o.cost, lang),
                    }
                    for o in lv.options
                ],
            }
        )
    return out


def _base(result: OptimiseResult, lang: str) -> dict[str, str]:
    study = result.study
    return {
        "title": scenario_title(study.base, lang),
        "description": scenario_description(study.base, lang),
        "file": str(study.base_path) if study.base_path else study.base.name,
    }


def _command(result: OptimiseResult, command: str | Sequence[str] | None) -> str:
    if command is not None:
        return command if isinstance(command, str) else shlex.join(command)
    own = cli_command()
    if own is not None and " optimise " in f"{own} ":
        return own
    study, s = result.study, result.study.settings
    return shlex.join(
        [
            *("python", "-m", "sim", "optimise", study.source),
            *("--alpha", f"{s.alpha:g}", "--max-replications", str(s.max_replications)),
            *("--seed", str(study.seed)),
        ]
    )


def _repro(result: OptimiseResult, lang: str, command: str | Sequence[str] | None) -> list[dict[str, str]]:
    _ = words.gettext(lang)
    study, s = result.study, result.study.settings
    libs = ", ".join(f"{k} {v}" for k, v in library_versions().items() if v)
    try:
        created = fmt_datetime(dt.datetime.fromisoformat(result.created), lang)
    except ValueError:
        created = result.created
    items = [
        ("command", _("Command"), _command(result, command)),
        ("study", _("Study file"), study.source),
        ("seed", _("Random seed"), str(study.seed)),
        (
            "settings",
            _("Settings of the procedure"),
            _(
                "α = {alpha}; first stage {first} replications, then {batch} at a time, "
                "at most {cap} per plan"
            ).format(
                alpha=fmt_plain(s.alpha, lang),
                first=fmt.number(s.first_stage, lang),
                batch=fmt.number(s.batch, lang),
                cap=fmt.number(s.max_replications, lang),
            ),
        ),
        ("version", _("centre-sim version"), package_version()),
        ("python", _("Python and libraries"), f"Python {platform.python_version()}; {libs}"),
        ("created", _("Run at"), created),
    ]
    return [{"id": i, "label": label, "value": value} for i, label, value in items]


def context(result: OptimiseResult, lang: str, command: str | Sequence[str] | None = None) -> dict[str, Any]:
    """Everything the template shows, as plain data."""
    _ = words.gettext(lang)
    study = result.study
    title = (study.title_vi or study.title) if lang == "vi" else (study.title or study.title_vi)
    description = (
        (study.description_vi or study.description)
        if lang == "vi"
        else (study.description or study.description_vi)
    )
    fig = cost_performance_figure(result, _=_, locale=lang)
    return {
        "lang": lang,
        "title": _("Optimisation report: {study}").format(study=title or study.name),
        "description": description,
        "centre": study.base.scenario.centre,
        "prepared": _("Prepared on {date} with centre-sim {version}").format(
            date=fmt_date(dt.date.today(), lang), version=package_version()
        ),
        "version": package_version(),
        "css": stylesheet(),
        "answer": words.answer(result, lang),
        "found": result.outcome.answer == "found",
        "chosen": _chosen(result, lang),
        "stress": _stress(result, lang),
        "stress_title": _stress_title(result, lang),
        "figure": {"src": data_uri(fig), "caption": _(CAPTION)},
        "targets": _targets(result, lang),
        "plans": _plans(result, lang),
        "method": _method(result, lang),
        "levers": _levers(result, lang),
        "base": _base(result, lang),
        "discount_rate": fmt_plain(_discount_rate(result), lang),
        "repro": _repro(result, lang, command),
        "name": study.name,
    }


def _discount_rate(result: OptimiseResult) -> float:
    objective = result.study.document.get("objective") or {}
    return float(objective.get("discount_rate", 0.0) or 0.0)


def render_optimise_report(
    result: OptimiseResult, lang: str = "vi", command: str | Sequence[str] | None = None
) -> str:
    """The study's report as one complete HTML document in `lang` ("vi" or "en")."""
    check_lang(lang)
    return environment(lang).get_template(TEMPLATE).render(context(result, lang, command))


def write_optimise_report(
    result: OptimiseResult, folder: str | Path, lang: str = "vi", command: str | Sequence[str] | None = None
) -> Path:
    """Write `folder/report.html`; return its path."""
    path = Path(folder) / REPORT_FILE
    path.write_text(render_optimise_report(result, lang, command), encoding="utf-8")
    return path


def optimise_report_writer(
    lang: str = "vi", command: str | Sequence[str] | None = None
) -> Callable[[OptimiseResult, Path], None]:
    """A writer for `OptimiseResult.writers` that adds report.html to the results folder."""
    check_lang(lang)

    def write(result: OptimiseResult, folder: Path) -> None:
        write_optimise_report(result, folder, lang, command)

    return write


__all__ = ["context", "optimise_report_writer", "render_optimise_report", "write_optimise_report"]
