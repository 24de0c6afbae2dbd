"""The standard plots of a results folder, drawn from replication outputs.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot), so drawing never
changes the global backend of a notebook and leaves no figures open. Each `*_figure` function
returns a `Figure` for notebooks; `write_plots` saves them all as PNG into `plots/`.

Pooled quantities (histograms, hourly sums) add raw sums over replications before dividing, so a
longer replication weighs in proportion to its visitors and days.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.model.output import WAIT_BIN_MIN

if TYPE_CHECKING:
    from sim.experiment.results import Results

EQUIPMENT: dict[str, str] = {
    "ticket_machine_utilisation": "ticket machine",
    "lookup_pc_utilisation": "lookup PC",
    "support_team_utilisation": "support team",
}

_DPI = 120
_STAFF_COLOUR = "#4C72B0"
_EQUIPMENT_COLOUR = "#DD8452"
_TARGET_COLOUR = "#C44E52"


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _no_data(fig: Figure, title: str, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _subtitle(results: Results) -> str:
    n = results.n_replications
    return f"{results.scenario.name}, {n} replication{'s' if n != 1 else ''} pooled"


def wait_distribution_figure(results: Results) -> Figure:
    """Histogram of counter waits (share of visitors per bin) with the CDF, p90 and threshold."""
    fig = _figure()
    title = "Waiting time for the counter"
    hist = np.sum([o.wait_histogram for o in results.outputs], axis=0, dtype=float) \
        if results.outputs else np.zeros(1)
    total = float(hist.sum())
    if total == 0:
        return _no_data(fig, title, "no counter visitors")
    threshold = float(results.scenario.targets.wait_threshold_min)
    regular = hist[:-1]
    cum = np.cumsum(regular) / total
    # Show up to where 99.5% of waits are, and past the threshold; a note counts what is cut off.
    reach = int(np.searchsorted(cum, 0.995)) + 1
    upper = max(reach * WAIT_BIN_MIN, threshold * 1.2, 5.0)
    upper = min(5.0 * math.ceil(upper / 5.0), regular.size * WAIT_BIN_MIN)
    width = 1.0 if upper <= 120 else 2.0 if upper <= 240 else 5.0
    per = max(1, round(width / WAIT_BIN_MIN))
    n_fine = round(upper / WAIT_BIN_MIN)
    n_bars = math.ceil(n_fine / per)
    coarse = np.add.reduceat(regular[: n_bars * per], np.arange(0, n_bars * per, per))
    edges = np.arange(n_bars) * per * WAIT_BIN_MIN

    ax = fig.add_subplot()
    ax.bar(edges, 100 * coarse / total, width=per * WAIT_BIN_MIN, align="edge",
           color=_STAFF_COLOUR, alpha=0.8, label=f"share of visitors per {width:g} min")
    ax.set_xlim(0, upper)
    ax.set_xlabel("wait from arrival to the counter call (minutes)")
    ax.set_ylabel("share of visitors (%)")
    ax.set_title(f"{title}\n{_subtitle(results)}")

    cdf_ax = ax.twinx()
    x = np.arange(1, n_fine + 1) * WAIT_BIN_MIN
    cdf_ax.plot(x, 100 * cum[:n_fine], color="black", linewidth=1.2, label="cumulative share")
    cdf_ax.set_ylim(0, 101)
    cdf_ax.set_ylabel("cumulative share (%)")

    ax.axvline(threshold, color=_TARGET_COLOUR, linestyle="--",
               label=f"threshold {threshold:g} min")
    p90 = results.summary.get("wait_p90_min", {}).get("mean", math.nan)
    if not math.isnan(p90):
        ax.axvline(p90, color="black", linestyle=":", label=f"p90 {p90:.1f} min (mean)")
    beyond = 1 - float(cum[n_fine - 1])
    if beyond > 0:
        ax.set_xlabel(f"wait from arrival to the counter call (minutes); {100 * beyond:.2f}% "
                      f"waited over {upper:g} min (not shown)")
    lines = ax.get_legend_handles_labels()
    cdf_lines = cdf_ax.get_legend_handles_labels()
    ax.legend(lines[0] + cdf_lines[0], lines[1] + cdf_lines[1], loc="center right", fontsize=8)
    return fig


def _hours(results: Results) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    wait_sum = np.sum([o.hourly_wait_sum for o in results.outputs], axis=0, dtype=float)
    wait_count = np.sum([o.hourly_wait_count for o in results.outputs], axis=0, dtype=float)
    area = np.sum([o.hourly_queue_area for o in results.outputs], axis=0, dtype=float)
    days = sum(o.working_days for o in results.outputs)
    return wait_sum, wait_count, area, days


def _hour_axis(ax: Axes, hours: np.ndarray) -> None:
    ax.set_xticks(hours, [f"{h:02d}:00" for h in hours])
    ax.set_xlabel("hour of day")


def wait_by_hour_figure(results: Results) -> Figure:
    """Mean counter wait by hour of arrival, pooled over replications; hours with visitors only."""
    fig = _figure()
    title = "Mean wait by hour of arrival"
    if not results.outputs:
        return _no_data(fig, title, "no replications")
    wait_sum, wait_count, _, _ = _hours(results)
    hours = np.flatnonzero(wait_count > 0)
    if hours.size == 0:
        return _no_data(fig, title, "no counter visitors")
    ax = fig.add_subplot()
    ax.bar(hours, wait_sum[hours] / wait_count[hours], color=_STAFF_COLOUR, width=0.8)
    threshold = float(results.scenario.targets.wait_threshold_min)
    ax.axhline(threshold, color=_TARGET_COLOUR, linestyle="--",
               label=f"threshold {threshold:g} min")
    _hour_axis(ax, hours)
    ax.set_ylabel("mean wait (minutes)")
    ax.set_title(f"{title}\n{_subtitle(results)}")
    ax.legend(fontsize=8)
    return fig


def queue_by_hour_figure(results: Results) -> Figure:
    """Time-average number waiting for a counter in each clock hour over all working days."""
    fig = _figure()
    title = "Mean queue length by hour of day"
    if not results.outputs:
        return _no_data(fig, title, "no replications")
    _, wait_count, area, days = _hours(results)
    hours = np.flatnonzero((area > 0) | (wait_count > 0))
    if hours.size == 0 or days == 0:
        return _no_data(fig, title, "no counter visitors")
    ax = fig.add_subplot()
    ax.bar(hours, area[hours] / (days * 60.0), color=_STAFF_COLOUR, width=0.8)
    _hour_axis(ax, hours)
    ax.set_ylabel("visitors waiting (time average)")
    ax.set_title(f"{title}\n{_subtitle(results)}")
    return fig


def utilisation_figure(results: Results) -> Figure:
    """Busy share of each staff member and piece of equipment, with 95% CI error bars."""
    summary = results.summary
    rows: list[tuple[str, str, dict]] = []
    for member in results.scenario.staff:
        s = summary.get(f"staff_utilisation.{member.id}")
        if s is not None and s["n"] > 0:
            rows.append((member.name or member.id, _STAFF_COLOUR, dict(s)))
    for key, label in EQUIPMENT.items():
        s = summary.get(key)
        if s is not None and s["n"] > 0:
            rows.append((label, _EQUIPMENT_COLOUR, dict(s)))
    fig = _figure(8.0, max(3.0, 0.9 + 0.38 * len(rows)))
    title = "Utilisation (busy share of present time)"
    if not rows:
        return _no_data(fig, title, "no utilisation KPIs reported")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    means = np.array([100 * r[2]["mean"] for r in rows])
    low = np.array([100 * r[2]["ci_low"] for r in rows])
    high = np.array([100 * r[2]["ci_high"] for r in rows])
    err = np.nan_to_num(np.vstack([means - low, high - means]), nan=0.0)
    ax.barh(y, means, xerr=err, color=[r[1] for r in rows], capsize=3,
            error_kw={"elinewidth": 1})
    ax.set_yticks(y, [r[0] for r in rows])
    ax.set_xlim(0, 100)
    ax.set_xlabel("utilisation (%), bars show the 95% confidence interval")
    ax.set_title(f"{title}\n{results.scenario.name}, {results.n_replications} replications")
    return fig


FIGURES: dict[str, Callable[[Results], Figure]] = {
    "wait_distribution": wait_distribution_figure,
    "wait_by_hour": wait_by_hour_figure,
    "queue_by_hour": queue_by_hour_figure,
    "utilisation": utilisation_figure,
}
"""File stem in `plots/` → the function that draws it."""


def write_plots(results: Results, folder: Path) -> list[Path]:
    """Save every standard figure as `folder/plots/<name>.png`; return the paths written."""
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        path = out / f"{name}.png"
        make(results).savefig(path, dpi=_DPI, metadata={"Software": None})
        written.append(path)
    return written
