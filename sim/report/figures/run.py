"""The standard figures of a run, drawn from replication outputs in the report's language.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot), so drawing never
changes the global backend of a notebook and leaves no figures open. Each `*_figure` function
returns a `Figure` for notebooks; `write_plots` saves them all as PNG into `plots/`. Every figure
function takes `_` (a gettext translation, English by default) and `locale` (numbers and dates):
see `sim.report.figures.text`.

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
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from sim.experiment.statistics import summarise
from sim.model.output import WAIT_BIN_MIN
from sim.report.figures.text import (
    Translate,
    date_ticks,
    english,
    lang_of,
    localise_axes,
    number,
    percent,
)
from sim.report.i18n import N_, field_label, staff_labels
from sim.scenario.calendar import working_days

if TYPE_CHECKING:
    from sim.experiment.results import Results
    from sim.experiment.statistics import KpiSummary


__all__ = [
    "BACK_OFFICE_FIGURES",
    "EQUIPMENT",
    "FIGURES",
    "ON_TIME_OUTCOMES",
    "OUTCOMES",
    "STAFF_TIME_PARTS",
    "FigureFunction",
    "PlainTextFigure",
    "backlog_figure",
    "daily_matrix",
    "dossiers_weekly_figure",
    "has_back_office",
    "hour_ticks",
    "mean_band",
    "new_figure",
    "no_data",
    "on_time_by_field_figure",
    "on_time_share",
    "opening_minutes",
    "outcome_shares",
    "pooled_field_outcomes",
    "queue_by_hour_figure",
    "save_figures",
    "utilisation_figure",
    "wait_by_hour_figure",
    "wait_distribution_figure",
    "week_start",
    "weekly_sums",
    "window_dates",
    "write_plots",
]


class FigureFunction(Protocol):
    """A figure drawn from one object (results or a comparison) in a language."""

    def __call__(self, obj: Any, /, *, _: Translate = ..., locale: str = ...) -> Figure: ...


EQUIPMENT: dict[str, str] = {
    "ticket_machine_utilisation": N_("ticket machine"),
    "lookup_pc_utilisation": N_("lookup PC"),
    "support_team_utilisation": N_("support team"),
}
"""Equipment KPI -> its label in the utilisation figure (an English msgid)."""

STAFF_TIME_PARTS: dict[str, tuple[str, str]] = {
    "staff_busy_counter_share": (N_("counter"), "#4C72B0"),
    "staff_busy_back_office_share": (N_("back office"), "#55A868"),
    "staff_busy_manual_share": (N_("manual numbers"), "#8172B2"),
}
"""The stacked parts of each person's busy share of time at work: label (msgid) and colour."""

_DPI = 120
_STAFF_COLOUR = "#4C72B0"
_EQUIPMENT_COLOUR = "#DD8452"
_TARGET_COLOUR = "#C44E52"
_RECEIVED_COLOUR = "#4C72B0"
_COMPLETED_COLOUR = "#55A868"

OUTCOMES: tuple[str, ...] = (N_("early"), N_("on time"), N_("late"), N_("in progress within due"))
"""The columns of `ReplicationOutput.field_outcomes[field]`, in order (portal categories: trước hạn,
đúng hạn, trễ hạn; plus dossiers still in progress within their appointment date). Also the msgids
of their legend entries."""
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
    """A figure that says there is nothing to plot, instead of failing (texts already translated)."""
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _runs(results: Results, _: Translate) -> str:
    n = results.n_replications
    return (_("{n} replication") if n == 1 else _("{n} replications")).format(n=n)


def _subtitle(results: Results, _: Translate) -> str:
    """The scenario's id (short, the same in both languages) and the replications pooled."""
    n = results.n_replications
    pooled = _("{n} replication pooled") if n == 1 else _("{n} replications pooled")
    return f"{results.scenario.name}, {pooled.format(n=n)}"


def wait_distribution_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Histogram of counter waits (share of visitors per bin) with the CDF, p90 and threshold."""
    fig = new_figure()
    title = _("Waiting time for the counter")
    hist = (
        np.sum([o.wait_histogram for o in results.outputs], axis=0, dtype=float)
        if results.outputs
        else np.zeros(1)
    )
    total = float(hist.sum())
    if total == 0:
        return no_data(fig, title, _("no counter visitors"))
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
        label=_("share of visitors per {width} min").format(width=number(width, locale)),
    )
    ax.set_xlim(0, upper)
    ax.set_ylabel(_("share of visitors (%)"))
    ax.set_title(f"{title}\n{_subtitle(results, _)}")

    cdf_ax = ax.twinx()
    x = np.arange(1, n_fine + 1) * WAIT_BIN_MIN
    cdf_ax.plot(x, 100 * cum[:n_fine], color="black", linewidth=1.2, label=_("cumulative share"))
    cdf_ax.set_ylim(0, 101)
    cdf_ax.set_ylabel(_("cumulative share (%)"))

    _threshold_line(ax.axvline, threshold, _, locale)
    p90_summary = results.summary.get("wait_p90_min")
    p90 = math.nan if p90_summary is None else p90_summary["mean"]
    if not math.isnan(p90):
        label = _("p90 {value} min (mean)").format(value=number(p90, locale, 1))
        ax.axvline(p90, color="black", linestyle=":", label=label)
    xlabel = _("wait for the counter call (minutes)")
    beyond = 1 - float(cum[n_fine - 1])
    if beyond > 0:
        cut = _("{share} waited over {limit} min (not shown)").format(
            share=percent(100 * beyond, locale, 2), limit=number(upper, locale)
        )
        xlabel = f"{xlabel}; {cut}"
    ax.set_xlabel(xlabel)
    lines = ax.get_legend_handles_labels()
    cdf_lines = cdf_ax.get_legend_handles_labels()
    ax.legend(lines[0] + cdf_lines[0], lines[1] + cdf_lines[1], loc="center right", fontsize=8)
    return localise_axes(fig, locale)


def _threshold_line(draw: Callable[..., Any], threshold: float, _: Translate, locale: str) -> None:
    """The scenario's waiting-time threshold as a dashed line (`ax.axvline` or `ax.axhline`)."""
    label = _("threshold {value} min").format(value=number(threshold, locale))
    draw(threshold, color=_TARGET_COLOUR, linestyle="--", label=label)


def _hours(results: Results) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    wait_sum = np.sum([o.hourly_wait_sum for o in results.outputs], axis=0, dtype=float)
    wait_count = np.sum([o.hourly_wait_count for o in results.outputs], axis=0, dtype=float)
    area = np.sum([o.hourly_queue_area for o in results.outputs], axis=0, dtype=float)
    days = sum(o.working_days for o in results.outputs)
    return wait_sum, wait_count, area, days


def hour_ticks(ax: Axes, hours: np.ndarray) -> None:
    """Clock hours ("08:00", the same in both languages) as the x ticks."""
    ax.set_xticks(hours, [f"{h:02d}:00" for h in hours])


def opening_minutes(results: Results) -> tuple[float, float] | None:
    """Earliest and latest opening time of the window's working days (minutes after midnight)."""
    opens = [day.opens % 1440.0 for day in working_days(results.scenario.calendar)]
    return (min(opens), max(opens)) if opens else None


def _clock(minutes: float) -> str:
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}"


def _opens(opening: tuple[float, float]) -> str:
    first, last = opening
    return _clock(last) if first == last else f"{_clock(first)}–{_clock(last)}"


def wait_by_hour_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Mean counter wait by hour of arrival, pooled over replications; hours with visitors only.

    A visitor's wait starts when they step into the ticket line, so people who come before the
    centre opens wait at the door until it does: the hours before opening have the longest waits,
    while the queue-length plot, which counts a visitor from the moment they hold a number, shows
    nobody then. Those bars are hatched and the legend says so, rather than leaving the two plots
    to contradict each other.
    """
    fig = new_figure()
    title = _("Mean wait by hour of arrival")
    if not results.outputs:
        return no_data(fig, title, _("no replications"))
    wait_sum, wait_count, _area, _days = _hours(results)
    hours = np.flatnonzero(wait_count > 0)
    if hours.size == 0:
        return no_data(fig, title, _("no counter visitors"))
    ax = fig.add_subplot()
    mean = wait_sum[hours] / wait_count[hours]
    opening = opening_minutes(results)
    early = hours * 60.0 < opening[1] if opening is not None else np.zeros(hours.size, dtype=bool)
    ax.bar(hours[~early], mean[~early], color=_STAFF_COLOUR, width=0.8)
    if early.any() and opening is not None:
        label = _("arrived before opening ({opens}): includes the wait at the door")
        ax.bar(
            hours[early],
            mean[early],
            color="white",
            edgecolor=_STAFF_COLOUR,
            hatch="///",
            width=0.8,
            label=label.format(opens=_opens(opening)),
        )
    _threshold_line(ax.axhline, float(results.scenario.targets.wait_threshold_min), _, locale)
    hour_ticks(ax, hours)
    ax.set_xlabel(_("hour of arrival (the wait runs from stepping into the ticket line to the counter call)"))
    ax.set_ylabel(_("mean wait (minutes)"))
    ax.set_title(f"{title}\n{_subtitle(results, _)}")
    ax.legend(fontsize=8)
    return localise_axes(fig, locale)


def queue_by_hour_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Time-average number waiting for a counter in each clock hour over all working days."""
    fig = new_figure()
    title = _("Mean queue length by hour of day")
    if not results.outputs:
        return no_data(fig, title, _("no replications"))
    _sum, wait_count, area, days = _hours(results)
    hours = np.flatnonzero((area > 0) | (wait_count > 0))
    if hours.size == 0 or days == 0:
        return no_data(fig, title, _("no counter visitors"))
    ax = fig.add_subplot()
    ax.bar(hours, area[hours] / (days * 60.0), color=_STAFF_COLOUR, width=0.8)
    hour_ticks(ax, hours)
    ax.set_xlabel(_("hour of day"))
    ax.set_ylabel(_("visitors waiting (time average)"))
    ax.set_title(f"{title}\n{_subtitle(results, _)}")
    return localise_axes(fig, locale)


_UtilRow = tuple[str, "KpiSummary", list[tuple[float, str]]]
"""(label, summary of the total, [(part mean, colour)])"""


def _staff_rows(results: Results, stacked: bool, locale: str) -> list[_UtilRow]:
    summary = results.summary
    labels = staff_labels(results.scenario, lang_of(locale))
    rows: list[_UtilRow] = []
    for member in results.scenario.staff:
        key = f"staff_busy_share.{member.id}" if stacked else f"staff_utilisation.{member.id}"
        s = summary.get(key)
        if s is None or s["n"] == 0:
            continue
        if stacked:
            parts = [
                (summary[f"{part}.{member.id}"]["mean"], colour)
                for part, (_label, colour) in STAFF_TIME_PARTS.items()
                if f"{part}.{member.id}" in summary
            ]
        else:
            parts = [(s["mean"], _STAFF_COLOUR)]
        rows.append((labels[member.id], s, parts))
    return rows


def _equipment_rows(results: Results, _: Translate) -> list[_UtilRow]:
    rows: list[_UtilRow] = []
    for key, label in EQUIPMENT.items():
        s = results.summary.get(key)
        if s is not None and s["n"] > 0:
            rows.append((_(label), s, [(s["mean"], _EQUIPMENT_COLOUR)]))
    return rows


def _stacked_bars(ax: Axes, rows: list[_UtilRow]) -> np.ndarray:
    """Each row's parts side by side, with the 95% interval of the total; returns the CI tops."""
    y = np.arange(len(rows))[::-1]
    for yi, (_label, _s, parts) in zip(y, rows, strict=True):
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
    return high


def utilisation_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Each staff member's busy share of time at work, stacked by part (counter, back office,
    numbers written by hand) with the 95% CI of the total; then each piece of equipment's busy
    share of its hours. Results without the staff-time KPIs (saved by an older version) show
    counter utilisation as before."""
    stacked = "staff_busy_share" in results.summary
    rows = _staff_rows(results, stacked, locale) + _equipment_rows(results, _)
    fig = new_figure(8.0, max(3.0, 1.3 + 0.38 * len(rows)))
    if stacked:
        title = _("Staff: busy share of time at work") + "\n" + _("Equipment: busy share of its hours")
    else:
        title = _("Utilisation (busy share of present time)")
    if not rows:
        return no_data(fig, title, _("no utilisation KPIs reported"))
    ax = fig.add_subplot()
    high = _stacked_bars(ax, rows)
    ax.set_xlim(0, max(100.0, float(np.nanmax(high, initial=0.0)) + 5.0))
    if stacked:
        handles = [Patch(color=colour, label=_(label)) for label, colour in STAFF_TIME_PARTS.values()]
        handles.append(Patch(color=_EQUIPMENT_COLOUR, label=_("equipment")))
        ax.legend(handles=handles, fontsize=8, loc="lower right")
        ax.set_xlabel(_("busy share (%)") + "\n" + _("error bars: 95% confidence interval of the total"))
    else:
        ax.set_xlabel(_("utilisation (%), bars show the 95% confidence interval"))
    ax.set_title(f"{title}\n{results.scenario.name}, {_runs(results, _)}")
    return localise_axes(fig, locale)


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


def _week_label(start: dt.date, days: int, usual: int, _: Translate) -> str:
    label = f"{start:%d/%m}"
    return label if days == usual else label + "\n" + _("({n} d)").format(n=days)


def dossiers_weekly_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Dossiers received and completed per ISO week: mean over replications with 95% CI bars."""
    fig = new_figure(9.0, 4.5)
    title = _("Dossiers received and completed per week")
    dates = window_dates(results)
    series = {name: daily_matrix(results, name, len(dates)) for name in ("received", "completed")}
    if all(m is None for m in series.values()):
        return no_data(fig, title, _("no dossiers"))
    starts, days = weekly_sums(dates, np.ones(len(dates), dtype=np.int64))
    x = np.arange(len(starts))
    width = 0.4
    ax = fig.add_subplot()
    colours = {"received": _RECEIVED_COLOUR, "completed": _COMPLETED_COLOUR}
    labels = {"received": _("received"), "completed": _("completed")}
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
            label=labels[name],
        )
    calendar = results.scenario.calendar  # a normal week: Mon–Fri, plus any weekend sessions
    usual = 5 + bool(calendar.saturday_sessions) + bool(calendar.sunday_sessions)
    step = max(1, math.ceil(len(starts) / _MAX_WEEK_LABELS))  # a year has 53 weeks: label some
    ax.set_xticks(
        x[::step],
        [_week_label(s, int(d), usual, _) for s, d in zip(starts[::step], days[::step], strict=True)],
        fontsize=8,
    )
    ax.set_xlabel(
        _("week starting (Monday, dd/mm); (n d): a week with n working days, not {usual}").format(usual=usual)
    )
    ax.set_ylabel(_("dossiers per week"))
    runs = _("mean of {n} replications, bars show the 95% confidence interval")
    ax.set_title(f"{title}\n{results.scenario.name}, {runs.format(n=results.n_replications)}", fontsize=10)
    ax.legend(fontsize=8)
    return localise_axes(fig, locale)


def backlog_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Dossiers in progress at the end of each working day: mean over replications and a 95% band."""
    fig = new_figure(9.0, 4.5)
    title = _("Back-office backlog at the end of each working day")
    dates = window_dates(results)
    matrix = daily_matrix(results, "backlog", len(dates))
    if matrix is None:
        return no_data(fig, title, _("no dossiers"))
    mean, low, high = mean_band(matrix.astype(float))
    ax = fig.add_subplot()
    days = mdates.date2num(dates)
    ax.fill_between(
        days, low, high, color=_STAFF_COLOUR, alpha=0.25, linewidth=0, label=_("95% confidence interval")
    )
    ax.plot(
        days,
        mean,
        color=_STAFF_COLOUR,
        marker="o",
        markersize=2.5,
        linewidth=1.2,
        label=_("mean over replications"),
    )
    # A short window gets one tick a day (not hours, which the day-and-month labels cannot show).
    locator = mdates.DayLocator() if len(dates) <= 10 else AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(date_ticks(locator, locale))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(_("working day"))
    ax.set_ylabel(_("dossiers in progress (any reception date)"))
    ax.set_title(f"{title}\n{results.scenario.name}, {_runs(results, _)}", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return localise_axes(fig, locale)


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


def _field_rows(results: Results, _: Translate, locale: str) -> list[tuple[str, np.ndarray]]:
    """("all fields", total) then each field (named in the figure's language) with its counts."""
    pooled = pooled_field_outcomes(results)
    if not pooled:
        return []
    names = {f.id: field_label(f, lang_of(locale)) for f in results.scenario.fields}
    rows = [(_("all fields"), np.sum(list(pooled.values()), axis=0))]
    return rows + [(names.get(fid, fid), counts) for fid, counts in pooled.items()]


def _on_time_targets(ax: Axes, results: Results, _: Translate, locale: str) -> None:
    for rule in results.scenario.targets.rules:
        if rule.kpi == "on_time_rate":
            label = _("target {share} on time").format(share=percent(100 * rule.value, locale, 0))
            ax.axvline(100 * rule.value, color="black", linestyle="--", linewidth=1, label=label)


def on_time_by_field_figure(results: Results, *, _: Translate = english, locale: str = "en") -> Figure:
    """Per field, stacked shares of received dossiers by portal outcome, with the on-time rate."""
    rows = _field_rows(results, _, locale)
    fig = new_figure(9.0, max(3.2, 1.6 + 0.42 * len(rows)))
    title = _("Dossier outcomes by field (portal categories)")
    if not rows or rows[0][1].sum() == 0:
        return no_data(fig, title, _("no dossiers"))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    shares = np.array([100 * outcome_shares(c) for _label, c in rows])
    left = np.zeros(len(rows))
    for col in _OUTCOME_STACK:
        name = OUTCOMES[col]
        width = np.nan_to_num(shares[:, col])
        ax.barh(y, width, left=left, color=_OUTCOME_COLOURS[name], label=_(name), height=0.7)
        left += width
    for yi, (_label, counts) in zip(y, rows, strict=True):
        text = percent(100 * on_time_share(counts), locale) if counts.sum() > 0 else _("no dossiers")
        ax.text(101, yi, text, va="center", ha="left", fontsize=8)
    _on_time_targets(ax, results, _, locale)
    ax.set_yticks(y, [label for label, _counts in rows], fontsize=8)
    ax.set_xlim(0, 112)
    ax.set_xticks(np.arange(0, 101, 20))
    ax.set_xlabel(_("share of dossiers received (%); the figure at the end is the on-time rate"))
    ax.set_title(f"{title}\n{_subtitle(results, _)}", fontsize=10)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=5, fontsize=8)
    return localise_axes(fig, locale)


FIGURES: dict[str, FigureFunction] = {
    "wait_distribution": wait_distribution_figure,
    "wait_by_hour": wait_by_hour_figure,
    "queue_by_hour": queue_by_hour_figure,
    "utilisation": utilisation_figure,
}
"""File stem in `plots/` → the function that draws it (front office, always written)."""

BACK_OFFICE_FIGURES: dict[str, FigureFunction] = {
    "dossiers_weekly": dossiers_weekly_figure,
    "backlog": backlog_figure,
    "on_time_by_field": on_time_by_field_figure,
}
"""Back-office figures, written only when the model reported dossiers (`has_back_office`)."""


def has_back_office(results: Results) -> bool:
    """True when some replication carries daily dossier series or per-field outcomes."""
    return any(o.daily or o.field_outcomes for o in results.outputs)


def write_plots(results: Results, folder: Path, *, _: Translate = english, locale: str = "en") -> list[Path]:
    """Save every standard figure as `folder/plots/<name>.png`; return the paths written.

    The back-office figures are left out when no replication reported dossiers.
    """
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    figures = dict(FIGURES)
    if has_back_office(results):
        figures |= BACK_OFFICE_FIGURES
    return save_figures(figures, results, out, _=_, locale=locale)


def figures_writer(figures: dict[str, FigureFunction], lang: str) -> Callable[[Any, Path], None]:
    """A writer (for `.writers` of a result) that saves `figures` of its object as
    `folder/plots/<name>.png`, drawn in `lang`."""
    from sim.report.i18n import translator

    gettext = translator(lang).gettext

    def write(obj: Any, folder: Path) -> None:
        out = Path(folder) / "plots"
        out.mkdir(exist_ok=True)
        save_figures(dict(figures), obj, out, _=gettext, locale=lang)

    return write


def save_figures(
    figures: dict[str, FigureFunction], obj: Any, out: Path, *, _: Translate = english, locale: str = "en"
) -> list[Path]:
    """Draw each figure of `obj` and save it as `out/<name>.png` (no timestamps: reproducible)."""
    written = []
    for name, make in figures.items():
        path = out / f"{name}.png"
        make(obj, _=_, locale=locale).savefig(path, dpi=_DPI, metadata={"Software": None})
        written.append(path)
    return written
