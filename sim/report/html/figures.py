"""Figures for the report: embedded PNGs, translated labels, the forest chart."""

from __future__ import annotations

import base64
import inspect
import io
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sim.report import i18n
from sim.report.i18n import (
    diff_decimals,
    field_label,
    fmt_kpi_diff,
    fmt_plain,
    staff_labels,
)
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.results import Results
    from sim.scenario.schema import Scenario

from sim.report.compare_plots import VERDICT_COLOURS
from sim.report.html.answer import _rows
from sim.report.html.base import _PNG_DPI, Html, _missing, _Page, _title, esc


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_PNG_DPI, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure_html(fig: Figure, caption: str) -> Html:
    data = _png(fig)
    return Html(
        f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def _exact_labels(p: _Page, scenario: Scenario | None) -> dict[str, str]:
    """Texts of figures that name staff and fields by `name or id` → their labels in the language."""
    if scenario is None:
        return {}
    out: dict[str, str] = {}
    labels = staff_labels(scenario, p.lang)
    for m in scenario.staff:
        out[m.name or m.id] = labels[m.id]
    for f in scenario.fields:
        out[f.name or f.id] = field_label(f, p.lang)
    return out


def _translate(text: str, lang: str, exact: Mapping[str, str]) -> str:
    if text in exact:
        return exact[text]
    if lang != "vi":
        return text
    for pattern, repl in i18n.PLOT_TEXT_VI:
        text = re.sub(pattern, repl, text, flags=re.M)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _localise(fig: Figure, p: _Page, scenario: Scenario | None) -> Figure:
    """Translate a standard figure's text and number formats into the report's language."""
    from matplotlib.dates import ConciseDateFormatter, num2date
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter, ScalarFormatter

    exact = _exact_labels(p, scenario)
    if p.lang == "en" and not exact:
        return fig
    for item in fig.findobj(Text):
        text = item.get_text()
        if text:
            item.set_text(_translate(text, p.lang, exact))
    lang = p.lang
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if isinstance(fmt, FixedFormatter | FuncFormatter):  # tick labels given as text
                axis.set_major_formatter(
                    FuncFormatter(lambda v, pos, old=fmt: _translate(str(old(v, pos)), lang, exact))
                )
            elif lang == "vi" and isinstance(fmt, ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, "vi")))
            elif lang == "vi" and isinstance(fmt, ConciseDateFormatter):
                axis.set_major_formatter(
                    FuncFormatter(lambda v, _pos: f"{num2date(v).day}/{num2date(v).month}")
                )
    return fig


def _standard_figures(results: Results) -> dict[str, Callable[[Results], Figure]]:
    from sim.report.plots import BACK_OFFICE_FIGURES, FIGURES, has_back_office

    figures = dict(FIGURES)
    if has_back_office(results):
        figures |= BACK_OFFICE_FIGURES
    return figures


def _forest_own(p: _Page) -> Figure:
    """Differences from the base for each key KPI with their adjusted intervals, in the language."""
    import numpy as np
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    from sim.report.compare_plots import panel_mid
    from sim.report.plots import new_figure

    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    keys = list(comp.key_kpis)
    alts = list(p.alternatives)
    n = max(1, len(alts))
    fig = new_figure(8.0, max(2.6, 0.9 + len(keys) * (0.75 + 0.34 * n)), dpi=120)
    fig.suptitle(p.text("figure.forest.title", base=_title(p.base, p.lang)), fontsize=10)
    if not keys or not alts:
        return fig
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    y = np.arange(n)[::-1]
    banded = False
    for ax, kpi in zip(axes, keys, strict=True):
        scale = 100.0 if kpi_kind(kpi) == "share" else 1.0
        mid = panel_mid(comp, kpi)
        if mid > 0:
            ax.axvspan(-scale * mid, scale * mid, color="#D9D9D9", alpha=0.6, linewidth=0, zorder=0)
            banded = True
        for yi, alt in zip(y, alts, strict=True):
            r = rows.get((alt.scenario.name, kpi))
            if r is None or _missing(r.difference):
                continue
            d, lo, hi = scale * r.difference, scale * r.diff_ci_low, scale * r.diff_ci_high
            err = np.nan_to_num([[d - lo], [hi - d]], nan=0.0)
            colour = VERDICT_COLOURS.get(r.verdict, VERDICT_COLOURS[""])
            ax.errorbar([d], [yi], xerr=err, fmt="o", color=colour, capsize=4, markersize=5, elinewidth=1.6)
            dec = diff_decimals(kpi, (r.difference, r.diff_ci_low, r.diff_ci_high))
            label = fmt_kpi_diff(kpi, r.difference, p.lang, dec, short=True)
            if r.verdict:
                label += f"  {p.text('verdict.' + r.verdict)}"
            ax.annotate(
                label,
                (d, yi),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=colour,
            )
        ax.axvline(0.0, color="black", linewidth=0.8, linestyle="--")
        ax.set_yticks(y, [_short(a.scenario.name, 28) for a in alts], fontsize=8)
        ax.set_ylim(-0.7, n - 0.2)
        ax.margins(x=0.3)
        unit = i18n.unit_label(kpi, p.lang, diff=True, number="2")
        ax.set_title(f"{p.kpi(kpi)} ({unit})" if unit else p.kpi(kpi), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, p.lang)))
    if banded:
        fig.legend(
            handles=[Patch(color="#D9D9D9", alpha=0.6, label=p.text("figure.forest.band"))],
            loc="outside lower center",
            fontsize=8,
        )
    return fig


def _forest(p: _Page) -> Figure:
    """The other helper's forest chart when it can speak the language, else ours."""
    try:
        from sim.report.compare_plots import forest_figure
    except ImportError:
        return _forest_own(p)
    if "lang" in inspect.signature(forest_figure).parameters:
        return forest_figure(p.comparison, lang=p.lang)  # type: ignore[call-arg]
    if p.lang == "en":
        return forest_figure(p.comparison)
    return _forest_own(p)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
