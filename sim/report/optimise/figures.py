"""The cost–performance figure of a study: each plan's monthly cost against each constrained KPI.

One panel per constraint, sharing the cost axis (million đồng per month): each plan's mean with
its 95% interval, marked by its state (meets the targets, fails, undecided, not needed), the
threshold as a dashed line with its ±ε band shaded, and the chosen plan ringed and labelled. Drawn
in the report's language through `_` and `locale` like every figure (`sim.report.figures.text`),
on its own Agg canvas, saved without timestamps so that the bytes are reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.optimiser.procedure import FEASIBLE, INFEASIBLE, NOT_NEEDED, UNDECIDED
from sim.report.figures.run import figures_writer, new_figure, save_figures
from sim.report.figures.text import Translate, english, lang_of, localise_axes
from sim.report.i18n import N_, in_unit, kpi_kind
from sim.report.optimise import words
from sim.report.optimise.words import PLAN_STATES

if TYPE_CHECKING:
    from sim.optimiser.result import OptimiseResult

FIGURE = "cost_performance"
"""plots/cost_performance.png"""

_STYLE: dict[str, tuple[str, str, bool]] = {
    FEASIBLE: ("#1B7837", "o", True),
    INFEASIBLE: ("#C44E52", "X", True),
    UNDECIDED: ("#DD8452", "^", True),
    NOT_NEEDED: ("#8C8C8C", "s", False),
}
"""Colour, marker and whether it is filled, per plan state."""
_THRESHOLD = "#C44E52"
_CHOSEN = "#1F4E8C"


def _unit(kpi: str, _: Translate) -> str:
    """The y axis's unit: % for shares, minutes for minutes, else none."""
    kind = kpi_kind(kpi)
    if kind == "share":
        return "%"
    if kind == "minutes":
        return _("minutes")
    return ""


def cost_performance_figure(result: OptimiseResult, *, _: Translate = english, locale: str = "en") -> Figure:
    """Each plan's cost against each constrained KPI, with the thresholds and the chosen plan."""
    lang = lang_of(locale)
    study = result.study
    n = len(study.constraints)
    fig = new_figure(8.0, 1.2 + 2.6 * n)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    x = np.array([p.cost / 1e6 for p in study.plans])
    chosen = result.outcome.chosen
    states = [p.state for p in result.outcome.plans]
    for ax, c in zip(axes, study.constraints, strict=True):
        unit = _unit(c.kpi, _)
        threshold = in_unit(c.kpi, c.threshold)
        eps = in_unit(c.kpi, c.tolerance)
        ax.axhspan(threshold - eps, threshold + eps, color=_THRESHOLD, alpha=0.12, linewidth=0)
        ax.axhline(threshold, color=_THRESHOLD, linestyle="--", linewidth=1)
        for state, (colour, marker, filled) in _STYLE.items():
            idx = [i for i, s in enumerate(states) if s == state]
            pts = [_estimate(result, i, c.kpi) for i in idx]
            pts = [p for p in pts if math.isfinite(p[1])]
            if not pts:
                continue
            xs = x[[p[0] for p in pts]]
            ys = np.array([p[1] for p in pts])
            err = np.array([[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]])
            err = np.maximum(np.where(np.isfinite(err), err, 0.0), 0.0)
            ax.errorbar(xs, ys, yerr=err, fmt="none", ecolor=colour, elinewidth=0.8, alpha=0.7)
            ax.scatter(
                xs,
                ys,
                s=28,
                marker=marker,
                c=colour if filled else "none",
                edgecolors=colour,
                linewidths=1.0,
                zorder=3,
            )
        if chosen is not None:
            _i, cy, _lo, _hi = _estimate(result, chosen, c.kpi)
            if math.isfinite(cy):
                _mark_chosen(ax, x[chosen], cy, result, _)
        ax.set_title(
            _("{rule} (tolerance ±{tolerance})").format(
                rule=words.rule(study, c, lang), tolerance=words.tolerance(c, lang)
            ),
            fontsize=9,
            loc="left",
        )
        ax.set_ylabel(f"{_('mean')} ({unit})" if unit else _("mean"), fontsize=8)
        ax.grid(True, axis="both", linewidth=0.4, alpha=0.4)
        ax.margins(y=0.12)
    axes[-1].set_xlabel(_("cost (million VND per month)"))
    fig.legend(handles=_legend(_), loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(_("Cost and performance of every plan, with 95% confidence intervals"), fontsize=10)
    return localise_axes(fig, locale)


def _estimate(result: OptimiseResult, index: int, kpi: str) -> tuple[int, float, float, float]:
    """(index, mean, low, high) in the KPI's unit; NaN mean for a plan without replications."""
    s = result.estimate(index, kpi)
    if not s["n"]:
        return index, math.nan, math.nan, math.nan
    return index, in_unit(kpi, s["mean"]), in_unit(kpi, s["ci_low"]), in_unit(kpi, s["ci_high"])


def _mark_chosen(ax: Axes, cx: float, cy: float, result: OptimiseResult, _: Translate) -> None:
    """A ring round the chosen plan and its label, below the point when it is near the top."""
    ax.scatter([cx], [cy], s=150, facecolors="none", edgecolors=_CHOSEN, linewidths=1.8, zorder=4)
    plan = result.study.plans[result.outcome.chosen or 0]
    ax.margins(y=0.12)
    ax.autoscale_view()
    low, high = ax.get_ylim()
    near_top = high > low and (cy - low) / (high - low) > 0.7
    ax.annotate(
        _("chosen: plan {number}").format(number=plan.id.removeprefix("plan_")),
        (cx, cy),
        xytext=(9, -9 if near_top else 9),
        textcoords="offset points",
        va="top" if near_top else "bottom",
        fontsize=8,
        color=_CHOSEN,
        fontweight="bold",
    )


def _legend(_: Translate) -> list[Line2D | Patch]:
    handles: list[Line2D | Patch] = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=marker,
            markerfacecolor=colour if filled else "none",
            markeredgecolor=colour,
            label=_(PLAN_STATES[state]),
        )
        for state, (colour, marker, filled) in _STYLE.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=10,
            markerfacecolor="none",
            markeredgecolor=_CHOSEN,
            label=_("chosen plan"),
        )
    )
    handles.append(Patch(facecolor=_THRESHOLD, alpha=0.3, label=_("threshold ± tolerance")))
    return handles


OPTIMISE_FIGURES: dict[str, Callable[..., Figure]] = {FIGURE: cost_performance_figure}
"""The figures of a study's results folder (plots/<name>.png)."""

CAPTION = N_(
    "Each plan's monthly cost against each target's indicator: dots are means, bars their 95% "
    "confidence intervals; the dashed line is the target, the shaded band ± its tolerance."
)


def write_optimise_plots(
    result: OptimiseResult, folder: Path, *, _: Translate = english, locale: str = "en"
) -> list[Path]:
    """Save `folder/plots/cost_performance.png`; return the paths written."""
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    return save_figures(dict(OPTIMISE_FIGURES), result, out, _=_, locale=locale)


def optimise_plots_writer(lang: str = "vi") -> Callable[[OptimiseResult, Path], None]:
    """A writer for `OptimiseResult.writers`: its plots in `lang`."""
    return figures_writer(OPTIMISE_FIGURES, lang)


__all__ = [
    "CAPTION",
    "FIGURE",
    "OPTIMISE_FIGURES",
    "cost_performance_figure",
    "optimise_plots_writer",
    "write_optimise_plots",
]
