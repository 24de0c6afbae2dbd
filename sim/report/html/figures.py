"""Figures for the report: PNGs embedded as data URIs, in the report's language, and the forest chart."""

from __future__ import annotations

import base64
import inspect
import io
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sim.report.html.page import is_missing, title
from sim.report.i18n import (
    N_,
    PLOT_TEXT_VI,
    diff_decimals,
    field_label,
    fmt_kpi_diff,
    fmt_plain,
    staff_labels,
    unit_label,
)
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results
    from sim.report.html.page import Page
    from sim.scenario.schema import Scenario

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


def _speaks(make: Callable[..., Figure]) -> bool:
    """True when a figure function takes `_` and so draws in the report's language itself."""
    return "_" in inspect.signature(make).parameters


def draw(p: Page, make: Callable[..., Figure], arg: Any, scenario: Scenario | None) -> Figure:
    if _speaks(make):
        return make(arg, _=p.gettext)
    return _translate_figure_text(make(arg), p, scenario)


def figure(
    p: Page, make: Callable[..., Figure], arg: Any, caption: str, scenario: Scenario | None
) -> dict[str, Any]:
    return {"src": data_uri(draw(p, make, arg, scenario)), "caption": caption, "wide": False}


def run_figures(p: Page, results: Results) -> list[dict[str, Any]]:
    from sim.report.plots import BACK_OFFICE_FIGURES, FIGURES, has_back_office

    available = dict(FIGURES) | (BACK_OFFICE_FIGURES if has_back_office(results) else {})
    return [
        figure(p, available[name], results, p.gettext(caption), results.scenario)
        for name, caption in RUN_FIGURES.items()
        if name in available
    ]


def compare_figures(p: Page, comparison: Comparison) -> list[dict[str, Any]]:
    from sim.report import compare_plots

    return [
        figure(p, getattr(compare_plots, f"{name}_figure"), comparison, p.gettext(caption), None)
        for name, caption in COMPARE_FIGURES.items()
    ]


def forest(p: Page) -> dict[str, Any]:
    """The forest chart of the differences, the full width of the page."""
    comp = p.comparison
    assert comp is not None
    from sim.report.compare_plots import forest_figure

    fig = forest_figure(comp, _=p.gettext) if _speaks(forest_figure) else forest_chart(p)  # type: ignore[call-arg]
    caption = p.gettext(
        "Differences from the base scenario on the key indicators. Dots are mean differences, lines the "
        "joint {confidence} confidence intervals; a line crossing 0 means no detectable difference. The "
        "grey band is ± the minimum important difference: a difference inside it is too small to matter "
        "to people waiting."
    ).format(confidence=p.pct(comp.confidence))
    return {"src": data_uri(fig), "caption": caption, "wide": True}


# ----- transitional: English figures rewritten into Vietnamese -----------------------------------


def _exact_labels(p: Page, scenario: Scenario | None) -> dict[str, str]:
    """Texts of figures that name staff and fields by `name or id` → their labels in the language."""
    if scenario is None:
        return {}
    labels = staff_labels(scenario, p.lang)
    out = {m.name or m.id: labels[m.id] for m in scenario.staff}
    return out | {f.name or f.id: field_label(f, p.lang) for f in scenario.fields}


def _translate(text: str, lang: str, exact: Mapping[str, str]) -> str:
    if text in exact:
        return exact[text]
    if lang != "vi":
        return text
    for pattern, repl in PLOT_TEXT_VI:
        text = re.sub(pattern, repl, text, flags=re.M)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _translate_figure_text(fig: Figure, p: Page, scenario: Scenario | None) -> Figure:
    """TRANSITIONAL (delete when every figure function takes `_`): rewrite an English figure's text
    and number formats into the report's language with the `PLOT_TEXT_VI` regex pass."""
    from matplotlib.dates import ConciseDateFormatter, num2date
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter, ScalarFormatter

    lang, exact = p.lang, _exact_labels(p, scenario)
    if lang == "en" and not exact:
        return fig
    for item in fig.findobj(Text):
        if item.get_text():
            item.set_text(_translate(item.get_text(), lang, exact))
    for axis in (a for ax in fig.axes for a in (ax.xaxis, ax.yaxis)):
        fmt = axis.get_major_formatter()
        if isinstance(fmt, FixedFormatter | FuncFormatter):  # tick labels given as text
            axis.set_major_formatter(
                FuncFormatter(lambda v, pos, old=fmt: _translate(str(old(v, pos)), lang, exact))
            )
        elif lang == "vi" and isinstance(fmt, ScalarFormatter):
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, "vi")))
        elif lang == "vi" and isinstance(fmt, ConciseDateFormatter):
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{num2date(v).day}/{num2date(v).month}"))
    return fig


# ----- the forest chart in the report's language -------------------------------------------------


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _forest_panel(p: Page, ax: Axes, kpi: str, y: Any) -> bool:
    """One KPI's differences, one row per alternative; True when it has a band that matters."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    from sim.report.compare_plots import VERDICT_COLOURS, panel_mid

    comp = p.comparison
    assert comp is not None
    rows = {(r.scenario, r.kpi): r for r in comp.rows}
    scale = 100.0 if kpi_kind(kpi) == "share" else 1.0
    mid = panel_mid(comp, kpi)
    if mid > 0:
        ax.axvspan(-scale * mid, scale * mid, color="#D9D9D9", alpha=0.6, linewidth=0, zorder=0)
    for yi, alt in zip(y, p.alternatives, strict=True):
        r = rows.get((alt.scenario.name, kpi))
        if r is None or is_missing(r.difference):
            continue
        d, lo, hi = scale * r.difference, scale * r.diff_ci_low, scale * r.diff_ci_high
        colour = VERDICT_COLOURS.get(r.verdict, VERDICT_COLOURS[""])
        err = np.nan_to_num([[d - lo], [hi - d]], nan=0.0)
        ax.errorbar([d], [yi], xerr=err, fmt="o", color=colour, capsize=4, markersize=5, elinewidth=1.6)
        dec = diff_decimals(kpi, (r.difference, r.diff_ci_low, r.diff_ci_high))
        label = fmt_kpi_diff(kpi, r.difference, p.lang, dec, short=True)
        label += f"  {p.gettext(r.verdict)}" if r.verdict else ""
        ax.annotate(
            label, (d, yi), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7, color=colour
        )
    ax.axvline(0.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [_short(title(a, p.lang), 28) for a in p.alternatives], fontsize=8)
    ax.set_ylim(-0.7, len(p.alternatives) - 0.2)
    ax.margins(x=0.3)
    unit = unit_label(kpi, p.lang, diff=True, number="2")
    ax.set_title(f"{p.kpi(kpi)} ({unit})" if unit else p.kpi(kpi), fontsize=9, loc="left")
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, p.lang)))
    return mid > 0


def forest_chart(p: Page) -> Figure:
    """Differences from the base for each key KPI with their adjusted intervals, in the language."""
    import numpy as np
    from matplotlib.patches import Patch

    from sim.report.plots import new_figure

    comp = p.comparison
    assert comp is not None
    keys, n = list(comp.key_kpis), max(1, len(p.alternatives))
    fig = new_figure(8.0, max(2.6, 0.9 + len(keys) * (0.6 + 0.3 * n)), dpi=120)
    fig.suptitle(p.gettext("Difference from “{base}”").format(base=title(p.base, p.lang)), fontsize=10)
    if not keys or not p.alternatives:
        return fig
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    y = np.arange(n)[::-1]
    banded = [_forest_panel(p, ax, kpi, y) for ax, kpi in zip(axes, keys, strict=True)]
    if any(banded):
        label = p.gettext("± minimum important difference")
        fig.legend(
            handles=[Patch(color="#D9D9D9", alpha=0.6, label=label)], loc="outside lower center", fontsize=8
        )
    return fig
