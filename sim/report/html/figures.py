"""Figures for the report: PNGs embedded as data URIs, in the report's language, and the forest chart."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.report.i18n import N_

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results
    from sim.report.html.page import Page

PNG_DPI = 110

RUN_FIGURES: dict[str, str] = {
    "wait_by_hour": N_("Mean wait by hour of arrival."),
    "wait_distribution": N_("Distribution of the wait for the counter."),
    "utilisation": N_(
        "Each member of staff's busy share of time at work, split into counter, back office and manual "
        "numbers; the utilisation of each piece of equipment."
    ),
    "dossiers_weekly": N_("Dossiers received and completed per week."),
    "backlog": N_("Dossiers in progress at the end of each working day."),
    "on_time_by_field": N_("Dossier outcomes by field."),
}
"""The figures of a run's report, in order, with their captions (the rest are in `plots/`)."""

COMPARE_FIGURES: dict[str, str] = {
    "wait_by_hour_by_scenario": N_("Mean wait by hour of arrival, each scenario."),
    "on_time_by_scenario": N_("On-time rate of each scenario, with its 95% confidence interval."),
}


def data_uri(fig: Figure) -> str:
    """The figure as an embedded PNG (figures live on their own Agg canvas: no pyplot state)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure(p: Page, make: Callable[..., Figure], arg: Any, caption: str) -> dict[str, Any]:
    """One figure drawn in the report's language (its function takes `_` and `locale`)."""
    return {"src": data_uri(make(arg, _=p.gettext, locale=p.lang)), "caption": caption, "wide": False}


def run_figures(p: Page, results: Results) -> list[dict[str, Any]]:
    from sim.report.plots import BACK_OFFICE_FIGURES, FIGURES, has_back_office

    available = dict(FIGURES) | (BACK_OFFICE_FIGURES if has_back_office(results) else {})
    return [
        figure(p, available[name], results, p.gettext(caption))
        for name, caption in RUN_FIGURES.items()
        if name in available
    ]


def compare_figures(p: Page, comparison: Comparison) -> list[dict[str, Any]]:
    from sim.report import compare_plots

    return [
        figure(p, getattr(compare_plots, f"{name}_figure"), comparison, p.gettext(caption))
        for name, caption in COMPARE_FIGURES.items()
    ] + tornado_figures(p, comparison)


def tornado_figures(p: Page, comparison: Comparison) -> list[dict[str, Any]]:
    """With `--sensitivity`: one tornado per alternative, its caption the verdict in words."""
    from sim.report.compare_table import sensitivity_sentence
    from sim.report.figures.tornado import tornado_figure
    from sim.report.i18n import kpi_name

    out = []
    for alt, kpi, sweep in comparison.sensitivity:
        axis = p.gettext("difference in {kpi} (alternative − base)").format(
            kpi=kpi_name(kpi, p.lang, comparison.base.scenario)
        )
        fig = tornado_figure(sweep, _=p.gettext, locale=p.lang, scale=1.0, value_label=axis)
        caption = sensitivity_sentence(comparison, alt, kpi, sweep, p.lang)
        out.append({"src": data_uri(fig), "caption": caption, "wide": True})
    return out


def forest(p: Page) -> dict[str, Any]:
    """The forest chart of the differences, the full width of the page."""
    comp = p.comparison
    assert comp is not None
    from sim.report.compare_plots import forest_figure

    fig = forest_figure(comp, _=p.gettext, locale=p.lang)
    caption = p.gettext(
        "Differences from the base scenario on the key indicators. Dots are mean differences, lines the "
        "joint {confidence} confidence intervals; a line crossing 0 means no detectable difference. The "
        "grey band is ± the minimum important difference: a difference inside it is too small to matter "
        "to people waiting."
    ).format(confidence=p.pct(comp.confidence))
    return {"src": data_uri(fig), "caption": caption, "wide": True}
