"""The standard plots of a results folder, drawn from replication outputs.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot), so drawing never
changes the global backend of a notebook and leaves no figures open. Each `*_figure` function
returns a `Figure` for notebooks; `write_plots` saves them all as PNG into `plots/`.

Pooled quantities (histograms, hourly sums, dossier outcomes) add raw sums over replications before
dividing, so a longer replication weighs in proportion to its visitors and days. Time series
(dossiers per week, backlog per day) show the mean over replications with a 95% Student-t interval
(`sim.experiment.statistics.summarise`), one value per replication and point.

The back-office figures read `ReplicationOutput.daily` and `.field_outcomes`; when the model reports
no dossiers they draw a "no dossiers" panel, and `write_plots` leaves them out altogether.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.experiment.statistics import summarise
from sim.model.output import WAIT_BIN_MIN
from sim.scenario.calendar import working_days

if TYPE_CHECKING:
    from sim.experiment.results import Results

EQUIPMENT: dict[str, str] = {
    "ticket_machine_utilisation": "ticket machine",
    "lookup_pc_utilisation": "lookup PC",
    "support_team_utilisation": "support team",
}

STAFF_TIME_PARTS: dict[str, tuple[str, str]] = {
    "staff_busy_counter_share": ("counter", "#4C72B0"),
    "staff_busy_back_office_share": ("back office", "#55A868"),
    "staff_busy_manual_share": ("manual numbers", "#8172B2"),
}
"""The stacked parts of each person's busy share of time at work: label and colour."""

_DPI = 120
_STAFF_COLOUR = "#4C72B0"
_EQUIPMENT_COLOUR = "#DD8452"
_TARGET_COLOUR = "#C44E52"
_RECEIVED_COLOUR = "#4C72B0"
_COMPLETED_COLOUR = "#55A868"

OUTCOMES: tuple[str, ...] = ("early", "on time", "late", "in progress within due")
"""The columns of `ReplicationOutput.field_outcomes[field]`, in order (portal categories: trước hạn,
đúng hạn, trễ hạn; plus dossiers still in progress within their appointment date)."""
ON_TIME_OUTCOMES: tuple[int, ...] = (0, 1, 3)
"""Outcome columns the portal counts as on time: early, on time, in progress within due."""
_OUTCOME_COLOURS: dict[str, str] = {
    "early": "#1B7837",
    "on time": "#7FBF7B",
    "in progress within due": "#A6CEE3",
    "late": "#C44E52",
}
_MAX_WEEK_LABELS = 18
_OUTCOME_STACK: tuple[int, ...] = (0, 1, 3, 2)
"""Stacking order left to right: the on-time part first, so the late segment starts at the on-time rate."""


class PlainTextFigure(Figure):
    """A figure that draws every text exactly as typed, never as mathtext.

    Staff, field and scenario names are what a user typed: "$\\undefinedcommand$" would make
    matplotlib's mathtext parser raise at draw time, and "$5 – $10" would lose its dollar signs.
    Every text drawn (titles, labels, legends, annotations, and tick labels, which matplotlib
    creates while drawing) is drawn with `parse_math` off, so no figure code needs to escape names.
    """

    def draw(self, renderer: Any) -> None:
        with rc_context({"text.parse_math": False}):
            for text in self.findobj(Text):
                text.set_parse_math(False)
            super().draw(renderer)


def new_figure(width: float = 8.0, height: float = 4.5, dpi: float = _DPI) -> Figure:
    """A figure on its own Agg canvas (no pyplot state) that draws text as plain text."""
    fig = PlainTextFigure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def no_data(fig: Figure, title: str, message: str) -> Figure:
    """A figure that says there is nothing to plot, instead of failing."""
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
    fig = new_figure()
    title = "Waiting time for the counter"
    hist = (
        np.sum([o.wait_histogram for o in results.outputs], axis=0, dtype=float)
        if results.outputs
        else np.zeros(1)
    )
    total = float(hist.sum())
    if total == 0:
        return no_data(fig, title, "no counter visitors")
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
    ax.bar(
        edges,
        100 * coarse / total,
        width=per * WAIT_BIN_MIN,
        align="edge",
        color=_STAFF_COLOUR,
        alpha=0.8,
        label=f"share of visitors per {width:g} min",
    )
    ax.set_xlim(0, upper)
    ax.set_xlabel("wait for the counter call (minutes)")
    ax.set_ylabel("share of visitors (%)")
    ax.set_title(f"{title}\n{_subtitle(results)}")

    cdf_ax = ax.twinx()
    x = np.arange(1, n_fine + 1) * WAIT_BIN_MIN
    cdf_ax.plot(x, 100 * cum[:n_fine], color="black", linewidth=1.2, label="cumulative share")
    cdf_ax.set_ylim(0, 101)
    cdf_ax.set_ylabel("cumulative share (%)")

    ax.axvline(threshold, color=_TARGET_COLOUR, linestyle="--", label=f"threshold {threshold:g} min")
    p90 = results.summary.get("wait_p90_min", {}).get("mean", math.nan)
    if not math.isnan(p90):
        ax.axvline(p90, color="black", linestyle=":", label=f"p90 {p90:.1f} min (mean)")
    beyond = 1 - float(cum[n_fine - 1])
    if beyond > 0:
        ax.set_xlabel(
            f"wait for the counter call (minutes); {100 * beyond:.2f}% waited over {upper:g} min (not shown)"
        )
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


def opening_minutes(results: Results) -> tuple[float, float] | None:
    """Earliest and latest opening time of the window's working days (minutes after midnight)."""
    opens = [day.opens % 1440.0 for day in working_days(results.scenario.calendar)]
    return (min(opens), max(opens)) if opens else None


def _clock(minutes: float) -> str:
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}"


def wait_by_hour_figure(results: Results) -> Figure:
    """Mean counter wait by hour of arrival, pooled over replications; hours with visitors only.

    A visitor's wait starts when they step into the ticket line, so people who come before the
    centre opens wait at the door until it does: the hours before opening have the longest waits,
    while the queue-length plot, which counts a visitor from the moment they hold a number, shows
    nobody then. Those bars are hatched and the legend says so, rather than leaving the two plots
    to contradict each other.
    """
    fig = new_figure()
    title = "Mean wait by hour of arrival"
    if not results.outputs:
        return no_data(fig, title, "no replications")
    wait_sum, wait_count, _, _ = _hours(results)
    hours = np.flatnonzero(wait_count > 0)
    if hours.size == 0:
        return no_data(fig, title, "no counter visitors")
    ax = fig.add_subplot()
    mean = wait_sum[hours] / wait_count[hours]
    opening = opening_minutes(results)
    early = hours * 60.0 < opening[1] if opening is not None else np.zeros(hours.size, dtype=bool)
    ax.bar(hours[~early], mean[~early], color=_STAFF_COLOUR, width=0.8)
    if early.any() and opening is not None:
        opens = (
            _clock(opening[1]) if opening[0] == opening[1] else f"{_clock(opening[0])}–{_clock(opening[1])}"
        )
        ax.bar(
            hours[early],
            mean[early],
            color="white",
            edgecolor=_STAFF_COLOUR,
            hatch="///",
            width=0.8,
            label=f"arrived before opening ({opens}): includes the wait at the door",
        )
    threshold = float(results.scenario.targets.wait_threshold_min)
    ax.axhline(threshold, color=_TARGET_COLOUR, linestyle="--", label=f"threshold {threshold:g} min")
    _hour_axis(ax, hours)
    ax.set_xlabel("hour of arrival (the wait runs from stepping into the ticket line to the counter call)")
    ax.set_ylabel("mean wait (minutes)")
    ax.set_title(f"{title}\n{_subtitle(results)}")
    ax.legend(fontsize=8)
    return fig


def queue_by_hour_figure(results: Results) -> Figure:
    """Time-average number waiting for a counter in each clock hour over all working days."""
    fig = new_figure()
    title = "Mean queue length by hour of day"
    if not results.outputs:
        return no_data(fig, title, "no replications")
    _, wait_count, area, days = _hours(results)
    hours = np.flatnonzero((area > 0) | (wait_count > 0))
    if hours.size == 0 or days == 0:
        return no_data(fig, title, "no counter visitors")
    ax = fig.add_subplot()
    ax.bar(hours, area[hours] / (days * 60.0), color=_STAFF_COLOUR, width=0.8)
    _hour_axis(ax, hours)
    ax.set_ylabel("visitors waiting (time average)")
    ax.set_title(f"{title}\n{_subtitle(results)}")
    return fig


def utilisation_figure(results: Results) -> Figure:
    """Each staff member's busy share of time at work, stacked by part (counter, back office,
    numbers written by hand) with the 95% CI of the total; then each piece of equipment's busy
    share of its hours. Results without the staff-time KPIs (saved by an older version) show
    counter utilisation as before."""
    summary = results.summary
    stacked = "staff_busy_share" in summary
    rows: list[tuple[str, dict, list[tuple[float, str]]]] = []
    """(label, summary of the total, [(part mean, colour)])"""
    for member in results.scenario.staff:
        label = member.name or member.id
        if stacked:
            s = summary.get(f"staff_busy_share.{member.id}")
            if s is not None and s["n"] > 0:
                parts = [
                    (summary[f"{key}.{member.id}"]["mean"], colour)
                    for key, (_, colour) in STAFF_TIME_PARTS.items()
                    if f"{key}.{member.id}" in summary
                ]
                rows.append((label, dict(s), parts))
        else:
            s = summary.get(f"staff_utilisation.{member.id}")
            if s is not None and s["n"] > 0:
                rows.append((label, dict(s), [(s["mean"], _STAFF_COLOUR)]))
    for key, label in EQUIPMENT.items():
        s = summary.get(key)
        if s is not None and s["n"] > 0:
            rows.append((label, dict(s), [(s["mean"], _EQUIPMENT_COLOUR)]))
    fig = new_figure(8.0, max(3.0, 1.3 + 0.38 * len(rows)))
    title = (
        "Staff: busy share of time at work\nEquipment: busy share of its hours"
        if stacked
        else "Utilisation (busy share of present time)"
    )
    if not rows:
        return no_data(fig, title, "no utilisation KPIs reported")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    for yi, (_, _, parts) in zip(y, rows, strict=True):
        left = 0.0
        for mean, colour in parts:
            width = 100 * mean if not math.isnan(mean) else 0.0
            ax.barh(yi, width, left=left, color=colour)
            left += width
    means = np.array([100 * r[1]["mean"] for r in rows])
    low = np.array([100 * r[1]["ci_low"] for r in rows])
    high = np.array([100 * r[1]["ci_high"] for r in rows])
    err = np.nan_to_num(np.vstack([means - low, high - means]), nan=0.0)
    ax.errorbar(np.nan_to_num(means), y, xerr=err, fmt="none", ecolor="black", capsize=3, elinewidth=1)
    ax.set_yticks(y, [r[0] for r in rows])
    ax.set_xlim(0, max(100.0, float(np.nanmax(high, initial=0.0)) + 5.0))
    if stacked:
        from matplotlib.patches import Patch

        handles = [Patch(color=colour, label=label) for label, colour in STAFF_TIME_PARTS.values()]
        handles.append(Patch(color=_EQUIPMENT_COLOUR, label="equipment"))
        ax.legend(handles=handles, fontsize=8, loc="lower right")
        ax.set_xlabel("busy share (%)\nerror bars: 95% confidence interval of the total")
    else:
        ax.set_xlabel("utilisation (%), bars show the 95% confidence interval")
    ax.set_title(f"{title}\n{results.scenario.name}, {results.n_replications} replications")
    return fig


# ----- back office (dossiers) -------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday that starts `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def weekly_sums(dates: Sequence[dt.date], values: np.ndarray) -> tuple[list[dt.date], np.ndarray]:
    """Sum daily values by ISO week.

    `values` holds one value per date along its last axis (shape `(n_days,)` or
    `(replications, n_days)`); the result has one column per ISO week, weeks in date order, labelled
    by the Monday that starts them (a week's first working day may be later, e.g. after a holiday).
    Sums are exact: integer input stays integer. `weekly_sums(dates, np.ones(len(dates), int))`
    counts the working days of each week.
    """
    values = np.asarray(values)
    if values.ndim == 0 or values.shape[-1] != len(dates):
        raise ValueError(
            f"values have {values.shape[-1] if values.ndim else 0} days along the last "
            f"axis, dates have {len(dates)}"
        )
    starts = sorted({week_start(d) for d in dates})
    column = {start: i for i, start in enumerate(starts)}
    index = np.array([column[week_start(d)] for d in dates], dtype=np.intp)
    sums = np.zeros((*values.shape[:-1], len(starts)), dtype=values.dtype)
    for i in range(len(starts)):
        sums[..., i] = values[..., index == i].sum(axis=-1)
    return starts, sums


def window_dates(results: Results) -> list[dt.date]:
    """The dates of the window's working days: the positions of `ReplicationOutput.daily` arrays."""
    return [day.date for day in working_days(results.scenario.calendar)]


def daily_matrix(results: Results, series: str, n_days: int | None = None) -> np.ndarray | None:
    """One daily series ("received", "completed", "backlog") as a replications × days array.

    None when no replication reports the series (a model without a back office, or no dossiers).
    A replication without it, or with a different number of days than the window's working days,
    is an error: the series would not line up.
    """
    arrays = [o.daily.get(series) for o in results.outputs]
    if all(a is None for a in arrays):
        return None
    if n_days is None:
        n_days = len(window_dates(results))
    for o, a in zip(results.outputs, arrays, strict=True):
        shape = None if a is None else np.shape(a)
        if shape != (n_days,):
            raise ValueError(
                f"replication {o.replication}: daily[{series!r}] has shape {shape}, "
                f"expected ({n_days},): one value per working day of the window"
            )
    if n_days == 0:
        return None
    return np.vstack([np.asarray(a) for a in arrays])


def mean_band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% CI limits of each column (a replications × points array), NaN where undefined."""
    stats = [summarise(matrix[:, j]) for j in range(matrix.shape[1])]
    return (
        np.array([s["mean"] for s in stats]),
        np.array([s["ci_low"] for s in stats]),
        np.array([s["ci_high"] for s in stats]),
    )


def _errors(mean: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.nan_to_num(np.vstack([mean - low, high - mean]), nan=0.0)


def _week_label(start: dt.date, days: int, usual: int) -> str:
    label = f"{start:%d/%m}"
    return label if days == usual else f"{label}\n({days} d)"


def dossiers_weekly_figure(results: Results) -> Figure:
    """Dossiers received and completed per ISO week: mean over replications with 95% CI bars."""
    fig = new_figure(9.0, 4.5)
    title = "Dossiers received and completed per week"
    dates = window_dates(results)
    series = {name: daily_matrix(results, name, len(dates)) for name in ("received", "completed")}
    if all(m is None for m in series.values()):
        return no_data(fig, title, "no dossiers")
    starts, days = weekly_sums(dates, np.ones(len(dates), dtype=np.int64))
    x = np.arange(len(starts))
    width = 0.4
    ax = fig.add_subplot()
    colours = {"received": _RECEIVED_COLOUR, "completed": _COMPLETED_COLOUR}
    for k, (name, matrix) in enumerate(series.items()):
        if matrix is None:
            continue
        mean, low, high = mean_band(weekly_sums(dates, matrix)[1].astype(float))
        ax.bar(
            x + (k - 0.5) * width,
            mean,
            width=width,
            yerr=_errors(mean, low, high),
            color=colours[name],
            capsize=2,
            error_kw={"elinewidth": 1},
            label=name,
        )
    calendar = results.scenario.calendar  # a normal week: Mon–Fri, plus any weekend sessions
    usual = 5 + bool(calendar.saturday_sessions) + bool(calendar.sunday_sessions)
    step = max(1, math.ceil(len(starts) / _MAX_WEEK_LABELS))  # a year has 53 weeks: label some
    ax.set_xticks(
        x[::step],
        [_week_label(s, int(d), usual) for s, d in zip(starts[::step], days[::step], strict=True)],
        fontsize=8,
    )
    ax.set_xlabel(f"week starting (Monday, dd/mm); (n d): a week with n working days, not {usual}")
    ax.set_ylabel("dossiers per week")
    ax.set_title(
        f"{title}\n{results.scenario.name}, mean of {results.n_replications} "
        "replications, bars show the 95% confidence interval",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    return fig


def backlog_figure(results: Results) -> Figure:
    """Dossiers in progress at the end of each working day: mean over replications and a 95% band."""
    fig = new_figure(9.0, 4.5)
    title = "Back-office backlog at the end of each working day"
    dates = window_dates(results)
    matrix = daily_matrix(results, "backlog", len(dates))
    if matrix is None:
        return no_data(fig, title, "no dossiers")
    mean, low, high = mean_band(matrix.astype(float))
    ax = fig.add_subplot()
    ax.fill_between(
        dates, low, high, color=_STAFF_COLOUR, alpha=0.25, linewidth=0, label="95% confidence interval"
    )
    ax.plot(
        dates,
        mean,
        color=_STAFF_COLOUR,
        marker="o",
        markersize=2.5,
        linewidth=1.2,
        label="mean over replications",
    )
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("working day")
    ax.set_ylabel("dossiers in progress (any reception date)")
    ax.set_title(f"{title}\n{results.scenario.name}, {results.n_replications} replications", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def pooled_field_outcomes(results: Results) -> dict[str, np.ndarray]:
    """Outcome counts per field (columns as `OUTCOMES`) summed over replications.

    Fields in scenario order, then any other field id the model reported, sorted. A field with no
    dossiers in any replication is present with zero counts when the model reported it.
    """
    totals: dict[str, np.ndarray] = {}
    for o in results.outputs:
        for fid, counts in o.field_outcomes.items():
            counts = np.asarray(counts)
            if counts.shape != (len(OUTCOMES),):
                raise ValueError(
                    f"replication {o.replication}: field_outcomes[{fid!r}] has shape "
                    f"{counts.shape}, expected ({len(OUTCOMES)},): {', '.join(OUTCOMES)}"
                )
            totals[fid] = totals.get(fid, 0) + counts
    order = [f.id for f in results.scenario.fields if f.id in totals]
    order += sorted(set(totals) - set(order))
    return {fid: totals[fid] for fid in order}


def outcome_shares(counts: np.ndarray) -> np.ndarray:
    """Counts [early, on time, late, in progress within due] as shares of received (NaN when none)."""
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    return counts / total if total > 0 else np.full(counts.shape, math.nan)


def on_time_share(counts: np.ndarray) -> float:
    """The portal's on-time rate: early + on time + in progress within due, over received."""
    shares = outcome_shares(counts)
    return float(shares[list(ON_TIME_OUTCOMES)].sum())


def on_time_by_field_figure(results: Results) -> Figure:
    """Per field, stacked shares of received dossiers by portal outcome, with the on-time rate."""
    pooled = pooled_field_outcomes(results)
    names = {f.id: f.name or f.id for f in results.scenario.fields}
    rows: list[tuple[str, np.ndarray]] = []
    if pooled:
        rows.append(("all fields", np.sum(list(pooled.values()), axis=0)))
        rows += [(names.get(fid, fid), counts) for fid, counts in pooled.items()]
    fig = new_figure(9.0, max(3.2, 1.6 + 0.42 * len(rows)))
    title = "Dossier outcomes by field (portal categories)"
    if not rows or rows[0][1].sum() == 0:
        return no_data(fig, title, "no dossiers")
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    shares = np.array([100 * outcome_shares(c) for _, c in rows])
    left = np.zeros(len(rows))
    for col in _OUTCOME_STACK:
        name = OUTCOMES[col]
        width = np.nan_to_num(shares[:, col])
        ax.barh(y, width, left=left, color=_OUTCOME_COLOURS[name], label=name, height=0.7)
        left += width
    for yi, (_, counts) in zip(y, rows, strict=True):
        text = f"{100 * on_time_share(counts):.1f}%" if counts.sum() > 0 else "no dossiers"
        ax.text(101, yi, text, va="center", ha="left", fontsize=8)
    for rule in results.scenario.targets.rules:
        if rule.kpi == "on_time_rate":
            ax.axvline(
                100 * rule.value,
                color="black",
                linestyle="--",
                linewidth=1,
                label=f"target {100 * rule.value:g}% on time",
            )
    ax.set_yticks(y, [label for label, _ in rows], fontsize=8)
    ax.set_xlim(0, 112)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel("share of dossiers received (%); the figure at the end is the on-time rate")
    ax.set_title(f"{title}\n{_subtitle(results)}", fontsize=10)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=5, fontsize=8)
    return fig


FIGURES: dict[str, Callable[[Results], Figure]] = {
    "wait_distribution": wait_distribution_figure,
    "wait_by_hour": wait_by_hour_figure,
    "queue_by_hour": queue_by_hour_figure,
    "utilisation": utilisation_figure,
}
"""File stem in `plots/` → the function that draws it (front office, always written)."""

BACK_OFFICE_FIGURES: dict[str, Callable[[Results], Figure]] = {
    "dossiers_weekly": dossiers_weekly_figure,
    "backlog": backlog_figure,
    "on_time_by_field": on_time_by_field_figure,
}
"""Back-office figures, written only when the model reported dossiers (`has_back_office`)."""


def has_back_office(results: Results) -> bool:
    """True when some replication carries daily dossier series or per-field outcomes."""
    return any(o.daily or o.field_outcomes for o in results.outputs)


def write_plots(results: Results, folder: Path) -> list[Path]:
    """Save every standard figure as `folder/plots/<name>.png`; return the paths written.

    The back-office figures are left out when no replication reported dossiers.
    """
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    figures = dict(FIGURES)
    if has_back_office(results):
        figures |= BACK_OFFICE_FIGURES
    return save_figures(figures, results, out)


def save_figures(figures: dict[str, Callable[[Any], Figure]], obj: Any, out: Path) -> list[Path]:
    """Draw each figure of `obj` and save it as `out/<name>.png` (no timestamps: reproducible)."""
    written = []
    for name, make in figures.items():
        path = out / f"{name}.png"
        make(obj).savefig(path, dpi=_DPI, metadata={"Software": None})
        written.append(path)
    return written
