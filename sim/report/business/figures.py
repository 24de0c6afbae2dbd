"""The NPV distribution of a business case: the Monte Carlo's draws as a histogram.

Bars below 0 (the option does not pay off) are red, above 0 green, so the chance of paying off is
the green share at a glance; 0 is a dashed line, the mean a solid one, the 90% interval shaded.
Small enough for the leader's page, in the report's language through `_` and `locale` like every
figure (`sim.report.figures.text`), on its own Agg canvas, saved without timestamps so that the
bytes are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.report.figures.run import figures_writer, new_figure, save_figures
from sim.report.figures.text import Translate, english, localise_axes
from sim.report.i18n import N_

if TYPE_CHECKING:
    from sim.business.case import BusinessCase

FIGURE = "npv_distribution"
"""plots/npv_distribution.png"""

BINS = 40
_LOSS = "#C44E52"
_GAIN = "#1B7837"
_MEAN = "#1F4E8C"
_BAND = "#8C8C8C"

CAPTION = N_(
    "Net present value over the draws: each draw takes every price, value and the simulation's "
    "results at random within their ranges. Green: the option pays off; red: it does not. The "
    "shaded band holds 90% of the draws."
)


def _unit(values: np.ndarray, _: Translate) -> tuple[float, str]:
    """Millions, or billions for large sums: the axis's divisor and label."""
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    if largest >= 1e9:
        return 1e9, _("net present value (billion đồng)")
    return 1e6, _("net present value (million đồng)")


def npv_figure(case: BusinessCase, *, _: Translate = english, locale: str = "en") -> Figure:
    """The histogram of `case.monte_carlo.npv` with 0, the mean and the 90% interval marked."""
    mc = case.monte_carlo
    values = np.asarray(mc.npv, dtype=float)
    scale, label = _unit(values, _)
    x = values / scale
    fig = new_figure(6.4, 2.5)
    ax = fig.subplots()
    low, high = mc.p05 / scale, mc.p95 / scale
    ax.axvspan(low, high, color=_BAND, alpha=0.15, linewidth=0, zorder=0)
    if x.size and float(np.ptp(x)) > 0:
        counts, edges = np.histogram(x, bins=BINS)
        share = 100.0 * counts / x.size
        centres = (edges[:-1] + edges[1:]) / 2
        colours = [_GAIN if c > 0 else _LOSS for c in centres]
        ax.bar(centres, share, width=np.diff(edges), color=colours, alpha=0.85, linewidth=0, zorder=2)
    else:  # every draw the same (all inputs certain): one bar
        ax.bar([float(x[0]) if x.size else 0.0], [100.0], width=1.0, color=_GAIN if mc.mean > 0 else _LOSS)
    ax.axvline(0.0, color="#333333", linestyle="--", linewidth=1.1, zorder=3)
    ax.axvline(mc.mean / scale, color=_MEAN, linewidth=1.6, zorder=3)
    ax.set_xlabel(label, fontsize=8)
    ax.set_ylabel(_("% of draws"), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="y", linewidth=0.4, alpha=0.4)
    ax.set_axisbelow(True)
    handles = [
        Patch(facecolor=_GAIN, alpha=0.85, label=_("pays off")),
        Patch(facecolor=_LOSS, alpha=0.85, label=_("does not pay off")),
        Patch(facecolor=_BAND, alpha=0.3, label=_("90% of draws")),
        Line2D([], [], color=_MEAN, linewidth=1.6, label=_("mean")),
        Line2D([], [], color="#333333", linestyle="--", linewidth=1.1, label=_("break-even (0)")),
    ]
    ax.legend(handles=handles, fontsize=6.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return localise_axes(fig, locale)


BUSINESS_FIGURES: dict[str, Callable[..., Figure]] = {FIGURE: npv_figure}
"""The figures of a business case's results folder (plots/<name>.png)."""


def write_business_plots(
    case: BusinessCase, folder: Path, *, _: Translate = english, locale: str = "en"
) -> list[Path]:
    """Save `folder/plots/npv_distribution.png`; return the paths written."""
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    return save_figures(dict(BUSINESS_FIGURES), case, out, _=_, locale=locale)


def business_plots_writer(lang: str = "vi") -> Callable[[BusinessCase, Path], None]:
    """A writer for `BusinessCase.writers`: its plots in `lang`."""
    return figures_writer(BUSINESS_FIGURES, lang)


__all__ = [
    "BUSINESS_FIGURES",
    "CAPTION",
    "FIGURE",
    "business_plots_writer",
    "npv_figure",
    "write_business_plots",
]
