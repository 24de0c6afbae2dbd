"""The figures of a scenario comparison, drawn from a `sim.decide.comparison.Comparison`.

Same conventions as `sim.report.figures.run`: matplotlib's object API on an Agg canvas (no pyplot,
no global state), each `*_figure` returns a `Figure` and takes `_` and `locale` (the report's
language), and `write_comparison_plots` saves them all as PNG into `plots/` (a `Comparison`
writer, attached by `sim.compare`).

- `forest_figure`: each alternative's paired difference from the base for each key KPI, with its
  Bonferroni-adjusted interval, a zero line and a grey band of ± the minimum important difference,
  coloured by verdict; one panel per KPI (the KPIs have different units), one row per alternative.
- `wait_by_hour_by_scenario_figure`: mean counter wait by hour of arrival, one line per scenario,
  pooled over replications as in `sim.report.figures.run.wait_by_hour_figure`.
- `on_time_by_scenario_figure`: each scenario's on-time rate (portal definition) with its 95%
  interval and the target; a "no dossiers" panel when no scenario reports one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.decide.comparison import VERDICTS
from sim.report.figures.run import FigureFunction, hour_ticks, new_figure, no_data, save_figures
from sim.report.figures.text import (
    Translate,
    english,
    interval,
    lang_of,
    localise_axes,
    number,
    percent,
    significant,
)
from sim.report.i18n import N_, kpi_name
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results
    from sim.experiment.statistics import KpiSummary

_DPI = 120
VERDICT_COLOURS: dict[str, str] = {
    "better": "#1B7837",
    "better, maybe not enough to matter": "#5B8DB8",
    "better, but too small to matter": "#7F7F7F",
    "no detectable difference": "#7F7F7F",
    "worse, but too small to matter": "#B8860B",
    "worse, maybe enough to matter": "#C44E52",
    "worse": "#C44E52",
    "": "#4C72B0",
}
"""Colour of a difference by its verdict ("" for a KPI without a better direction): only a clear
gain that matters is green. The verdicts are msgids of the catalogue."""
_BAND_COLOUR = "#D9D9D9"
_SCENARIO_COLOURS = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
)
_TARGET_COLOUR = "#C44E52"

_UNITS: dict[str, tuple[float, str]] = {
    "share": (100.0, N_("percentage points")),
    "minutes": (1.0, N_("min")),
    "days": (1.0, N_("days")),
    "score": (1.0, N_("points")),
}


__all__ = [
    "COMPARISON_FIGURES",
    "VERDICT_COLOURS",
    "difference_scale",
    "forest_figure",
    "on_time_by_scenario_figure",
    "panel_mid",
    "wait_by_hour_by_scenario_figure",
    "write_comparison_plots",
]


def difference_scale(kpi: str) -> tuple[float, str]:
    """Factor and unit (an English msgid) to show a KPI's difference: shares in percentage points,
    minutes, days."""
    return _UNITS.get(kpi_kind(kpi), (1.0, ""))


def _share(share: float, locale: str) -> str:
    """A confidence level: 0.95 -> "95%", 0.9833 -> "98.33%" (4 significant digits)."""
    return significant(100 * share, locale, 4) + "%"


def _difference_point(
    ax: Axes, yi: float, row: KpiComparison, factor: float, _: Translate, locale: str
) -> None:
    diff = factor * row.difference
    low, high = factor * row.diff_ci_low, factor * row.diff_ci_high
    err = np.nan_to_num([[diff - low], [high - diff]], nan=0.0)
    colour = VERDICT_COLOURS.get(row.verdict, VERDICT_COLOURS[""])
    ax.errorbar([diff], [yi], xerr=err, fmt="o", color=colour, capsize=4, markersize=6, elinewidth=1.6)
    text = significant(diff, locale, signed=True)
    if not math.isnan(low):
        low_text, high_text = (significant(v, locale, signed=True) for v in (low, high))
        text += " " + interval(low_text, high_text, locale)
    if row.verdict:
        text += "  " + _(row.verdict)
    ax.annotate(
        text, (diff, yi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=7, color=colour
    )


def _forest_panel(
    ax: Axes, comparison: Comparison, kpi: str, alts: list[str], _: Translate, locale: str
) -> bool:
    """One KPI's panel; True when it drew a minimum-important-difference band."""
    factor, unit = difference_scale(kpi)
    mid = panel_mid(comparison, kpi)
    if mid > 0:
        ax.axvspan(-factor * mid, factor * mid, color=_BAND_COLOUR, alpha=0.6, linewidth=0, zorder=0)
    y = np.arange(len(alts))[::-1]
    for yi, name in zip(y, alts, strict=True):
        row = comparison.row(name, kpi)
        if row is None or math.isnan(row.difference):
            ax.text(0, yi, _("no value"), ha="center", va="center", fontsize=8)
        else:
            _difference_point(ax, yi, row, factor, _, locale)
    ax.axvline(0.0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(y, alts, fontsize=8)
    ax.set_ylim(-0.7, len(alts) - 0.3)
    ax.margins(x=0.25)
    label = _("{kpi}: alternative − base").format(kpi=kpi_name(kpi, lang_of(locale)))
    label += " (" + _(unit) + ")" if unit else ""
    if mid > 0:
        label += "; " + _("band ±{value}").format(value=significant(factor * mid, locale))
    ax.set_xlabel(label, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    return mid > 0


def forest_figure(comparison: Comparison, *, _: Translate = english, locale: str = "en") -> Figure:
    """Paired differences (alternative − base) with adjusted intervals, one panel per key KPI."""
    keys = list(comparison.key_kpis)
    alts = [r.scenario.name for r in comparison.alternatives]
    fig = new_figure(8.0, max(3.0, 1.4 + len(keys) * (0.55 + 0.32 * len(alts))))
    title = _("Differences from the base ({base})").format(base=comparison.base.scenario.name)
    if not keys or not alts:
        return no_data(fig, title, _("no key KPIs to compare"))
    axes = fig.subplots(
        len(keys), 1, squeeze=False, gridspec_kw={"height_ratios": [len(alts) + 0.6] * len(keys)}
    )[:, 0]
    banded = [_forest_panel(ax, comparison, kpi, alts, _, locale) for ax, kpi in zip(axes, keys, strict=True)]
    intervals = _(
        "{confidence} family-wise intervals (Bonferroni over {comparisons}: {adjusted} each), "
        "{replications} paired replications"
    ).format(
        confidence=_share(comparison.confidence, locale),
        comparisons=comparison.comparisons,
        adjusted=_share(comparison.adjusted_confidence, locale),
        replications=comparison.replications,
    )
    fig.suptitle(f"{title}\n{intervals}", fontsize=10)
    shown = {r.verdict for r in comparison.rows if r.verdict}
    handles: list[Artist] = [
        Line2D([], [], marker="o", linestyle="", color=VERDICT_COLOURS[v], label=_(v))
        for v in VERDICTS
        if v in shown or v in {"better", "worse", "no detectable difference"}
    ]
    if any(banded):
        handles.append(Patch(color=_BAND_COLOUR, alpha=0.6, label=_("± minimum important difference")))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    return localise_axes(fig, locale)


def panel_mid(comparison: Comparison, kpi: str) -> float:
    """The minimum important difference the verdicts of `kpi` used (0 when none): one per KPI,
    since it comes from the base scenario."""
    for r in comparison.rows:
        if r.kpi == kpi and not math.isnan(r.mid):
            return r.mid
    return 0.0


def _hourly_wait(results: Results) -> tuple[np.ndarray, np.ndarray]:
    wait_sum = np.sum([o.hourly_wait_sum for o in results.outputs], axis=0, dtype=float)
    count = np.sum([o.hourly_wait_count for o in results.outputs], axis=0, dtype=float)
    return wait_sum, count


def _base_name(name: str, _: Translate) -> str:
    return _("{scenario} (base)").format(scenario=name)


def wait_by_hour_by_scenario_figure(
    comparison: Comparison, *, _: Translate = english, locale: str = "en"
) -> Figure:
    """Mean counter wait by hour of arrival, one line per scenario, pooled over replications."""
    fig = new_figure()
    title = _("Mean wait by hour of arrival, by scenario")
    pooled = [(r.scenario.name, *_hourly_wait(r)) for r in comparison.scenarios if r.outputs]
    counts = np.sum([c for _name, _sum, c in pooled], axis=0) if pooled else np.zeros(24)
    hours = np.flatnonzero(counts > 0)
    if hours.size == 0:
        return no_data(fig, title, _("no counter visitors"))
    ax = fig.add_subplot()
    for k, (name, wait_sum, count) in enumerate(pooled):
        mean = np.full(hours.size, math.nan)
        seen = count[hours] > 0
        mean[seen] = wait_sum[hours][seen] / count[hours][seen]
        ax.plot(
            hours,
            mean,
            marker="o",
            linewidth=1.5,
            markersize=4,
            label=_base_name(name, _) if k == 0 else name,
            color=_SCENARIO_COLOURS[k % len(_SCENARIO_COLOURS)],
        )
    threshold = float(comparison.base.scenario.targets.wait_threshold_min)
    label = _("threshold {value} min").format(value=number(threshold, locale))
    ax.axhline(threshold, color=_TARGET_COLOUR, linestyle="--", linewidth=1, label=label)
    hour_ticks(ax, hours)
    ax.set_xlabel(_("hour of arrival"))
    ax.set_ylabel(_("mean wait (minutes)"))
    ax.set_ylim(bottom=0)
    runs = _("{n} replications per scenario pooled, common random numbers").format(n=comparison.replications)
    ax.set_title(f"{title}\n{runs}", fontsize=10)
    ax.legend(fontsize=8)
    return localise_axes(fig, locale)


_TARGET_ANY = N_("target {share}")
_TARGET_TEXT: dict[str, str] = {
    ">=": N_("target ≥ {share}"),
    "<=": N_("target ≤ {share}"),
    ">": N_("target > {share}"),
    "<": N_("target < {share}"),
}


def _on_time_point(ax: Axes, yi: float, s: KpiSummary, colour: str, locale: str) -> None:
    mean, low, high = 100 * s["mean"], 100 * s["ci_low"], 100 * s["ci_high"]
    err = np.nan_to_num([[mean - low], [high - mean]], nan=0.0)
    ax.errorbar([mean], [yi], xerr=err, fmt="o", color=colour, capsize=4, elinewidth=1.6)
    text = percent(mean, locale)
    if not math.isnan(low):
        text += f" {interval(number(low, locale, 1), number(high, locale, 1), locale)}"
    ax.annotate(
        text, (mean, yi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8, color=colour
    )


def on_time_by_scenario_figure(
    comparison: Comparison, *, _: Translate = english, locale: str = "en"
) -> Figure:
    """On-time rate (portal definition) per scenario with its 95% interval and the target."""
    rows = []
    for r in comparison.scenarios:
        s = r.summary.get("on_time_rate")
        if s is not None and s["n"] > 0:
            rows.append((r.scenario.name, s))
    fig = new_figure(8.0, max(3.0, 1.5 + 0.45 * len(comparison.scenarios)))
    title = _("Dossiers on time (portal definition), by scenario")
    if not rows:
        return no_data(fig, title, _("no dossiers"))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    for k, (yi, (_name, s)) in enumerate(zip(y, rows, strict=True)):
        _on_time_point(ax, yi, s, _SCENARIO_COLOURS[k % len(_SCENARIO_COLOURS)], locale)
    for rule in comparison.base.scenario.targets.rules:
        if rule.kpi == "on_time_rate":
            label = _(_TARGET_TEXT.get(rule.op, _TARGET_ANY))
            share = percent(100 * rule.value, locale, 0)
            ax.axvline(
                100 * rule.value,
                color=_TARGET_COLOUR,
                linestyle="--",
                linewidth=1,
                label=label.format(share=share),
            )
    base = comparison.base.scenario.name
    ax.set_yticks(y, [_base_name(n, _) if n == base else n for n, _s in rows], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.margins(x=0.2)
    left, right = ax.get_xlim()
    ax.set_xlim(left, min(right, 100.5))
    ax.set_xlabel(_("on-time rate (%), bars show the 95% confidence interval"))
    runs = _("{n} replications per scenario").format(n=comparison.replications)
    ax.set_title(f"{title}\n{runs}", fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower left")
    return localise_axes(fig, locale)


COMPARISON_FIGURES: dict[str, FigureFunction] = {
    "forest": forest_figure,
    "wait_by_hour_by_scenario": wait_by_hour_by_scenario_figure,
    "on_time_by_scenario": on_time_by_scenario_figure,
}
"""File stem in the comparison's `plots/` → the function that draws it (always written)."""


def write_comparison_plots(
    comparison: Comparison, folder: Path, *, _: Translate = english, locale: str = "en"
) -> list[Path]:
    """Save every comparison figure as `folder/plots/<name>.png`; return the paths written."""
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    return save_figures(COMPARISON_FIGURES, comparison, out, _=_, locale=locale)
