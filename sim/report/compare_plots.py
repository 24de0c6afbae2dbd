"""The plots of a scenario comparison, drawn from a `sim.decide.comparison.Comparison`.

Same conventions as `sim.report.plots`: matplotlib's object API on an Agg canvas (no pyplot, no
global state), each `*_figure` returns a `Figure`, and `write_comparison_plots` saves them all as
PNG into `plots/` (a `Comparison` writer, attached by `sim.compare`).

- `forest_figure`: each alternative's paired difference from the base for each key KPI, with its
  Bonferroni-adjusted interval, a zero line and a grey band of ± the minimum important difference,
  coloured by verdict; one panel per KPI (the KPIs have different units), one row per alternative.
- `wait_by_hour_by_scenario_figure`: mean counter wait by hour of arrival, one line per scenario,
  pooled over replications as in `sim.report.plots.wait_by_hour_figure`.
- `on_time_by_scenario_figure`: each scenario's on-time rate (portal definition) with its 95%
  interval and the target; a "no dossiers" panel when no scenario reports one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.decide.comparison import VERDICTS
from sim.report.plots import new_figure, no_data, save_figures
from sim.report.table import kpi_kind

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results

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
gain that matters is green."""
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


def _percent(share: float) -> str:
    return f"{100 * share:.4g}%"


def difference_scale(kpi: str) -> tuple[float, str]:
    """Factor and unit to show a KPI's difference: shares in percentage points, minutes, days."""
    kind = kpi_kind(kpi)
    return {
        "share": (100.0, "percentage points"),
        "minutes": (1.0, "min"),
        "days": (1.0, "days"),
        "score": (1.0, "points"),
    }.get(kind, (1.0, ""))


def forest_figure(comparison: Comparison) -> Figure:
    """Paired differences (alternative − base) with adjusted intervals, one panel per key KPI."""
    keys = list(comparison.key_kpis)
    alts = [r.scenario.name for r in comparison.alternatives]
    rows_per_panel = len(alts)
    fig = new_figure(8.0, max(3.0, 1.4 + len(keys) * (0.55 + 0.32 * rows_per_panel)))
    title = f"Differences from the base ({comparison.base.scenario.name})"
    if not keys or not alts:
        return no_data(fig, title, "no key KPIs to compare")
    axes = fig.subplots(
        len(keys), 1, squeeze=False, gridspec_kw={"height_ratios": [rows_per_panel + 0.6] * len(keys)}
    )[:, 0]
    y = np.arange(rows_per_panel)[::-1]
    banded = False
    for ax, kpi in zip(axes, keys, strict=True):
        factor, unit = difference_scale(kpi)
        mid = panel_mid(comparison, kpi)
        if mid > 0:
            ax.axvspan(-factor * mid, factor * mid, color=_BAND_COLOUR, alpha=0.6, linewidth=0, zorder=0)
            banded = True
        for yi, name in zip(y, alts, strict=True):
            row = comparison.row(name, kpi)
            if row is None or math.isnan(row.difference):
                ax.text(0, yi, "no value", ha="center", va="center", fontsize=8)
                continue
            diff = factor * row.difference
            low, high = factor * row.diff_ci_low, factor * row.diff_ci_high
            err = np.nan_to_num([[diff - low], [high - diff]], nan=0.0)
            colour = VERDICT_COLOURS.get(row.verdict, VERDICT_COLOURS[""])
            ax.errorbar(
                [diff], [yi], xerr=err, fmt="o", color=colour, capsize=4, markersize=6, elinewidth=1.6
            )
            interval = "" if math.isnan(low) else f" [{low:+.3g}, {high:+.3g}]"
            ax.annotate(
                f"{diff:+.3g}{interval}  {row.verdict}".rstrip(),
                (diff, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=colour,
            )
        ax.axvline(0.0, color="black", linewidth=1, linestyle="--")
        ax.set_yticks(y, alts, fontsize=8)
        ax.set_ylim(-0.7, rows_per_panel - 0.3)
        ax.margins(x=0.25)
        band = f"; band ±{factor * mid:.3g}" if mid > 0 else ""
        ax.set_xlabel(f"{kpi}: alternative − base" + (f" ({unit})" if unit else "") + band, fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(
        f"{title}\n{_percent(comparison.confidence)} family-wise intervals "
        f"(Bonferroni over {comparison.comparisons}: {_percent(comparison.adjusted_confidence)}"
        f" each), {comparison.replications} paired replications",
        fontsize=10,
    )
    shown = {r.verdict for r in comparison.rows if r.verdict}
    handles: list[Artist] = [
        Line2D([], [], marker="o", linestyle="", color=VERDICT_COLOURS[v], label=v)
        for v in VERDICTS
        if v in shown or v in {"better", "worse", "no detectable difference"}
    ]
    if banded:
        handles.append(Patch(color=_BAND_COLOUR, alpha=0.6, label="± minimum important difference"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    return fig


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


def wait_by_hour_by_scenario_figure(comparison: Comparison) -> Figure:
    """Mean counter wait by hour of arrival, one line per scenario, pooled over replications."""
    fig = new_figure()
    title = "Mean wait by hour of arrival, by scenario"
    pooled = [(r.scenario.name, *_hourly_wait(r)) for r in comparison.scenarios if r.outputs]
    counts = np.sum([c for _, _, c in pooled], axis=0) if pooled else np.zeros(24)
    hours = np.flatnonzero(counts > 0)
    if hours.size == 0:
        return no_data(fig, title, "no counter visitors")
    ax = fig.add_subplot()
    for k, (name, wait_sum, count) in enumerate(pooled):
        mean = np.full(hours.size, math.nan)
        seen = count[hours] > 0
        mean[seen] = wait_sum[hours][seen] / count[hours][seen]
        label = f"{name} (base)" if k == 0 else name
        ax.plot(
            hours,
            mean,
            marker="o",
            linewidth=1.5,
            markersize=4,
            label=label,
            color=_SCENARIO_COLOURS[k % len(_SCENARIO_COLOURS)],
        )
    threshold = float(comparison.base.scenario.targets.wait_threshold_min)
    ax.axhline(
        threshold, color=_TARGET_COLOUR, linestyle="--", linewidth=1, label=f"threshold {threshold:g} min"
    )
    ax.set_xticks(hours, [f"{h:02d}:00" for h in hours])
    ax.set_xlabel("hour of arrival")
    ax.set_ylabel("mean wait (minutes)")
    ax.set_ylim(bottom=0)
    ax.set_title(
        f"{title}\n{comparison.replications} replications per scenario pooled, common random numbers",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    return fig


def on_time_by_scenario_figure(comparison: Comparison) -> Figure:
    """On-time rate (portal definition) per scenario with its 95% interval and the target."""
    rows = []
    for r in comparison.scenarios:
        s = r.summary.get("on_time_rate")
        if s is not None and s["n"] > 0:
            rows.append((r.scenario.name, s))
    fig = new_figure(8.0, max(3.0, 1.5 + 0.45 * len(comparison.scenarios)))
    title = "Dossiers on time (portal definition), by scenario"
    if not rows:
        return no_data(fig, title, "no dossiers")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    base = comparison.base.scenario.name
    for k, (yi, (_, s)) in enumerate(zip(y, rows, strict=True)):
        mean, low, high = 100 * s["mean"], 100 * s["ci_low"], 100 * s["ci_high"]
        err = np.nan_to_num([[mean - low], [high - mean]], nan=0.0)
        colour = _SCENARIO_COLOURS[k % len(_SCENARIO_COLOURS)]
        ax.errorbar([mean], [yi], xerr=err, fmt="o", color=colour, capsize=4, elinewidth=1.6)
        interval = "" if math.isnan(low) else f" [{low:.1f}, {high:.1f}]"
        ax.annotate(
            f"{mean:.1f}%{interval}",
            (mean, yi),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=colour,
        )
    for rule in comparison.base.scenario.targets.rules:
        if rule.kpi == "on_time_rate":
            ax.axvline(
                100 * rule.value,
                color=_TARGET_COLOUR,
                linestyle="--",
                linewidth=1,
                label=f"target {rule.op} {100 * rule.value:g}%",
            )
    ax.set_yticks(y, [f"{n} (base)" if n == base else n for n, _ in rows], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.margins(x=0.2)
    left, right = ax.get_xlim()
    ax.set_xlim(left, min(right, 100.5))
    ax.set_xlabel("on-time rate (%), bars show the 95% confidence interval")
    ax.set_title(f"{title}\n{comparison.replications} replications per scenario", fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower left")
    return fig


COMPARISON_FIGURES: dict[str, Callable[[Comparison], Figure]] = {
    "forest": forest_figure,
    "wait_by_hour_by_scenario": wait_by_hour_by_scenario_figure,
    "on_time_by_scenario": on_time_by_scenario_figure,
}
"""File stem in the comparison's `plots/` → the function that draws it (always written)."""


def write_comparison_plots(comparison: Comparison, folder: Path) -> list[Path]:
    """Save every comparison figure as `folder/plots/<name>.png`; return the paths written."""
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    return save_figures(COMPARISON_FIGURES, comparison, out)
