"""The business case's pages: leader_page.html (one A4 page) and report.html (every table).

Self-contained files like the run reports (`sim.report.html`): the same Jinja2 environment
(autoescape, strict undefined, `_` from the catalogue), the stylesheet inlined and the figure
embedded as a PNG data URI. Python builds plain data, already formatted and translated (the
sentences come from `sim.report.business.words`, shared with the terminal); the templates
`business_leader.html.j2` and `business_report.html.j2` hold the markup.
"""

from __future__ import annotations

import datetime as dt
import platform
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiment.results import library_versions, package_version
from sim.report import format as fmt
from sim.report.business import words
from sim.report.business.figures import CAPTION, business_plots_writer, npv_figure
from sim.report.business.labels import Labels, cost_labels
from sim.report.html.figures import data_uri
from sim.report.html.page import REPORT_FILE
from sim.report.html.render import cli_command, environment, stylesheet
from sim.report.i18n import check_lang, fmt_date, fmt_plain, scenario_description

if TYPE_CHECKING:
    from sim.business.case import BusinessCase

LEADER_FILE = "leader_page.html"
LEADER_TEMPLATE = "business_leader.html.j2"
REPORT_TEMPLATE = "business_report.html.j2"

Command = str | Sequence[str] | None


def labels_for(case: BusinessCase, costs_file: str | Path | None) -> Labels | None:
    """The SOURCED / ESTIMATE note of every figure of the costs table, read from its file."""
    if costs_file is None:
        return None
    keys = ["years", "discount_rate", "value_of_hour", "trip_cost", "staff_hour", "working_days_per_year"]
    for item in case.costs.items:
        keys += [f"items.{item}.{k}" for k in ("price", "lifetime_years", "upkeep_per_year", "per_month")]
    return cost_labels(costs_file, keys)


def _numbers(case: BusinessCase, lang: str) -> list[dict[str, str]]:
    return [{"label": f.label, "value": f.value, "note": f.note} for f in words.three_numbers(case, lang)]


def _common(case: BusinessCase, lang: str, labels: Labels | None, most: int | None) -> dict[str, Any]:
    """What both pages show: the answer, the three numbers, the figure, the deciding assumptions."""
    _ = words.gettext(lang)
    kind = words.verdict(case.monte_carlo.p_positive)
    return {
        "lang": lang,
        "version": package_version(),
        "css": stylesheet(),
        "centre": case.base.scenario.scenario.centre,
        "option": words.option_name(case, lang),
        "base": words.base_name(case, lang),
        "recommendation": words.recommendation(case, lang),
        "verdict_class": words.VERDICT_CLASS[kind],
        "numbers": _numbers(case, lang),
        "deciding": words.deciding(case, labels, lang, most),
        "figure": {"src": data_uri(npv_figure(case, _=_, locale=lang)), "caption": _(CAPTION)},
        "method_note": words.method_note(case, lang),
        "prepared": _("Prepared on {date} with centre-sim {version}").format(
            date=fmt_date(dt.date.today(), lang), version=package_version()
        ),
    }


def leader_context(case: BusinessCase, lang: str, labels: Labels | None = None) -> dict[str, Any]:
    _ = words.gettext(lang)
    out = _common(case, lang, labels, words.LEADER_ESTIMATES)
    out["title"] = _("For the leaders: {option}").format(option=out["option"])
    return out


def _benefit_rows(case: BusinessCase, lang: str, labels: Labels | None) -> list[dict[str, str]]:
    _ = words.gettext(lang)
    mc = case.monte_carlo
    keys = {"citizen_hours": "value_of_hour", "wasted_trips": "trip_cost", "overtime_hours": "staff_hour"}
    rows = []
    for b in case.benefits:
        money = np.asarray(mc.benefit_per_year[b.name], dtype=float)
        low, high = np.quantile(money, [0.05, 0.95])
        quantity = float(np.mean(b.per_replication)) * b.per_year
        rows.append(
            {
                "name": words.line_name(b.name, lang),
                "quantity": fmt.number(quantity, lang, 1 if abs(quantity) < 100 else 0),
                "unit": _(words.LINE_UNITS.get(b.name, "")),
                "value": words.uncertain_money(b.unit_value, lang),
                "label": words.label_text(labels, keys[b.name], lang) if b.name in keys else "",
                "money": words.short_money(float(money.mean()), lang),
                "interval": words.money_range(float(low), float(high), lang),
            }
        )
    return rows


def _cost_rows(case: BusinessCase, lang: str, labels: Labels | None) -> list[dict[str, str]]:
    rows = []
    for c in case.option_costs:
        key = f"items.{c.name}"
        rows.append(
            {
                "name": words.item_name(case, c.name, lang),
                "count": fmt.number(c.count, lang),
                "price": words.uncertain_money(c.price, lang) if c.price.high else fmt.MISSING,
                "price_label": words.label_text(labels, f"{key}.price", lang) if c.price.high else "",
                "lifetime": fmt_plain(c.lifetime_years, lang) if c.price.high else fmt.MISSING,
                "upkeep": words.uncertain_money(c.upkeep_per_year, lang)
                if c.upkeep_per_year.high
                else fmt.MISSING,
                "upkeep_label": (
                    words.label_text(labels, f"{key}.upkeep_per_year", lang) if c.upkeep_per_year.high else ""
                ),
                "per_month": words.uncertain_money(c.per_month, lang) if c.per_month.high else fmt.MISSING,
                "per_month_label": words.label_text(labels, f"{key}.per_month", lang)
                if c.per_month.high
                else "",
                "yearly": words.short_money(words.yearly_cost(case, c), lang),
            }
        )
    return rows


def _switch_rows(case: BusinessCase, lang: str) -> list[dict[str, str]]:
    return [
        {
            "name": _upper_first(s.name(case, lang)),
            "central": words.short_money(s.central, lang),
            "value": words.short_money(s.value, lang) if s.value is not None else fmt.MISSING,
            "sentence": s.sentence(case, lang),
        }
        for s in words.switches(case)
    ]


def _upper_first(text: str) -> str:
    """A phrase used inside sentences ('giá máy cấp số') as a table's first cell ('Giá máy cấp số')."""
    return text[:1].upper() + text[1:]


def _settings(case: BusinessCase, lang: str, labels: Labels | None) -> list[dict[str, str]]:
    _ = words.gettext(lang)
    c = case.costs
    rate = c.discount_rate
    rate_text = (
        fmt.percent(rate.low, lang, 0)
        if rate.is_certain
        else _("{range} (most likely {mode})").format(
            range=f"{fmt.percent(rate.low, lang, 0)}–{fmt.percent(rate.high, lang, 0)}",
            mode=fmt.percent(rate.central, lang, 0),
        )
    )
    return [
        {
            "name": _("Appraisal period"),
            "value": _("{n} years").format(n=fmt.number(c.years, lang)),
            "label": words.label_text(labels, "years", lang),
        },
        {
            "name": _("Discount rate (yearly, real)"),
            "value": rate_text,
            "label": words.label_text(labels, "discount_rate", lang),
        },
        {
            "name": _("Working days a year"),
            "value": fmt.number(c.working_days_per_year, lang),
            "label": words.label_text(labels, "working_days_per_year", lang),
        },
        {
            "name": _("Overtime pay, times a staff hour"),
            "value": fmt_plain(c.overtime_factor, lang),
            "label": "",
        },
    ]


def _command(case: BusinessCase, command: Command) -> str:
    if command is not None:
        return command if isinstance(command, str) else shlex.join(command)
    own = cli_command()
    if own is not None and " business-case " in f"{own} ":
        return own
    return shlex.join(
        ["python", "-m", "sim", "business-case", case.base.scenario.name, case.option.scenario.name]
    )


def _repro(case: BusinessCase, lang: str, command: Command) -> list[dict[str, str]]:
    _ = words.gettext(lang)
    mc = case.monte_carlo
    libs = ", ".join(f"{k} {v}" for k, v in library_versions().items() if v)
    items = [
        ("command", _("Command"), _command(case, command)),
        ("seed", _("Random seed"), str(case.base.seed)),
        ("replications", _("Replications of each option"), fmt.number(case.base.n_replications, lang)),
        ("draws", _("Monte Carlo draws (seed)"), f"{fmt.number(mc.draws, lang)} ({mc.seed})"),
        ("version", _("centre-sim version"), package_version()),
        ("python", _("Python and libraries"), f"Python {platform.python_version()}; {libs}"),
    ]
    return [{"id": i, "label": label, "value": value} for i, label, value in items]


def _sensitivity(case: BusinessCase, lang: str) -> dict[str, Any] | None:
    """The sweep's sentences, the tornado chart and one row per estimate; None without a sweep."""
    sweep = case.sensitivity
    if sweep is None or not sweep.bars:
        return None
    from sim.report.figures.tornado import tornado_figure

    _ = words.gettext(lang)
    rows = [
        {
            "name": words.estimate_name(b.key, lang),
            "key": b.key,
            "reason": b.reason if lang == "en" else "",  # typed in English in the scenario
            "range": f"{fmt_plain(b.low, lang)} – {fmt_plain(b.high, lang)}",
            "value": fmt_plain(b.value, lang),
            "at_low": words.short_money(b.at_low, lang),
            "at_high": words.short_money(b.at_high, lang),
            "flip": fmt_plain(float(f"{b.flip:.3g}"), lang) if b.flip is not None else fmt.MISSING,
        }
        for b in sweep.bars
    ]
    without = case.simulation_only
    return {
        "sentences": words.sensitivity(case, lang, None),
        "figure": data_uri(tornado_figure(sweep, _=_, locale=lang)),
        "rows": rows,
        "central": words.short_money(sweep.central, lang),
        "without": words.probability(without.p_positive, lang) if without is not None else "",
        "with": words.probability(case.monte_carlo.p_positive, lang),
    }


def report_context(
    case: BusinessCase, lang: str, labels: Labels | None = None, command: Command = None
) -> dict[str, Any]:
    _ = words.gettext(lang)
    out = _common(case, lang, labels, None)
    out.update(
        {
            "title": _("Business case: {option}").format(option=out["option"]),
            "description": scenario_description(case.option.scenario, lang),
            "benefits": _benefit_rows(case, lang, labels),
            "costs": _cost_rows(case, lang, labels),
            "equivalent_cost": words.short_money(float(np.mean(case.monte_carlo.cost_per_year)), lang),
            "switches": _switch_rows(case, lang),
            "quality": [
                {"name": q.name, "difference": q.difference, "interval": q.interval}
                for q in words.quality(case, lang)
            ],
            "settings": _settings(case, lang, labels),
            "thresholds": {
                "recommend": fmt.percent(words.RECOMMEND_AT, lang, 0),
                "against": fmt.percent(words.ADVISE_AGAINST_AT, lang, 0),
            },
            "replications": fmt.number(case.base.n_replications, lang),
            "draws": fmt.number(case.monte_carlo.draws, lang),
            "years": fmt.number(case.costs.years, lang),
            "repro": _repro(case, lang, command),
            "sensitivity": _sensitivity(case, lang),
        }
    )
    return out


def render_leader_page(case: BusinessCase, lang: str = "vi", labels: Labels | None = None) -> str:
    """The leader's one-page answer as one complete HTML document in `lang`."""
    check_lang(lang)
    return environment(lang).get_template(LEADER_TEMPLATE).render(leader_context(case, lang, labels))


def render_business_report(
    case: BusinessCase, lang: str = "vi", labels: Labels | None = None, command: Command = None
) -> str:
    """The full business-case report as one complete HTML document in `lang`."""
    check_lang(lang)
    return environment(lang).get_template(REPORT_TEMPLATE).render(report_context(case, lang, labels, command))


def write_leader_page(
    case: BusinessCase, folder: str | Path, lang: str = "vi", labels: Labels | None = None
) -> Path:
    path = Path(folder) / LEADER_FILE
    path.write_text(render_leader_page(case, lang, labels), encoding="utf-8")
    return path


def write_business_report(
    case: BusinessCase,
    folder: str | Path,
    lang: str = "vi",
    labels: Labels | None = None,
    command: Command = None,
) -> Path:
    path = Path(folder) / REPORT_FILE
    path.write_text(render_business_report(case, lang, labels, command), encoding="utf-8")
    return path


def business_report_writers(
    lang: str = "vi", costs_file: str | Path | None = None, command: Command = None
) -> tuple[Callable[[BusinessCase, Path], object], ...]:
    """Writers for `BusinessCase.writers`: plots/npv_distribution.png, leader_page.html and
    report.html in `lang`. `costs_file` (the `--costs` file) gives each figure its SOURCED or
    ESTIMATE label; without it every figure is shown as an ESTIMATE."""
    check_lang(lang)

    def pages(case: BusinessCase, folder: Path) -> None:
        labels = labels_for(case, costs_file)
        write_leader_page(case, folder, lang, labels)
        write_business_report(case, folder, lang, labels, command)

    return (business_plots_writer(lang), pages)


__all__ = [
    "LEADER_FILE",
    "business_report_writers",
    "labels_for",
    "leader_context",
    "render_business_report",
    "render_leader_page",
    "report_context",
    "write_business_report",
    "write_leader_page",
]
