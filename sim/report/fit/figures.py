"""The fit report's figures: the arrival profile, each fitted distribution and patience.

- `arrivals`: tickets per 30-minute slot and working day, with 95% intervals, one panel per season;
- one per service-time fit: the histogram with the censored observations hatched apart, the fit
  that takes censoring into account (solid) and the naive fit (dashed), and the Q-Q plot against
  the chosen family (plotting positions from the Kaplan–Meier estimate, so censored values do not
  pull the empirical quantiles down);
- `patience`: the Kaplan–Meier curve of patience with its band and the fitted survival.

Drawn in the report's language through `_` and `locale` (`sim.report.figures.text`), each on its
own Agg canvas.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy import special, stats
from scipy.optimize import brentq

from sim.report.figures.run import new_figure
from sim.report.figures.text import Translate, english, lang_of, localise_axes, number
from sim.report.fit import words

if TYPE_CHECKING:
    from sim.fitting.results import Candidate, DurationFit, FitResult

ARRIVALS = "arrivals"
PATIENCE = "patience"

_BAR = "#4C72B0"
_CENSORED = "#DD8452"
_FIT = "#C44E52"
_NAIVE = "#555555"
_BAND = "#4C72B0"
_SCIPY = {"exponential": "expon", "gamma": "gamma", "lognormal": "lognorm", "weibull": "weibull_min"}
_MAX_BINS = 40


# ----- distributions -----------------------------------------------------------------------------


def _weibull_shape(cv: float) -> float:
    """The Weibull shape k whose coefficient of variation is `cv`."""

    def gap(k: float) -> float:
        g1, g2 = special.gammaln(1 + 1 / k), special.gammaln(1 + 2 / k)
        return math.exp(g2 - 2 * g1) - 1 - cv**2

    return float(brentq(gap, 0.05, 100.0))


def frozen(candidate: Candidate | None) -> Any | None:
    """The candidate as a frozen scipy.stats distribution: its fitted parameters, else from its mean
    and cv (the parametrisation the scenario uses); None when neither is usable."""
    if candidate is None or candidate.family not in _SCIPY:
        return None
    dist = getattr(stats, _SCIPY[candidate.family])
    if candidate.scipy_params:
        return dist(*candidate.scipy_params)
    mean, cv = candidate.mean, 1.0 if candidate.family == "exponential" else candidate.cv
    if not (math.isfinite(mean) and mean > 0 and math.isfinite(cv) and cv > 0):
        return None
    return dist(*_from_moments(candidate.family, mean, cv))


def _from_moments(family: str, mean: float, cv: float) -> tuple[float, ...]:
    """scipy.stats parameters (shape..., loc, scale) of `family` with this mean and cv."""
    if family == "exponential":
        return (0.0, mean)
    if family == "gamma":
        k = 1 / cv**2
        return (k, 0.0, mean / k)
    if family == "lognormal":
        sigma = math.sqrt(math.log1p(cv**2))
        return (sigma, 0.0, mean * math.exp(-(sigma**2) / 2))
    k = _weibull_shape(cv)
    return (k, 0.0, mean / math.exp(special.gammaln(1 + 1 / k)))


def chosen_candidate(fit: DurationFit) -> Candidate | None:
    """The candidate whose family the scenario got (the best one, shown rejected, when empirical)."""
    for c in fit.candidates:
        if c.family == fit.chosen.get("dist"):
            return c
    return fit.best


def _sample(fit: DurationFit) -> Any:
    exact = fit.values[~fit.censored]
    return stats.CensoredData(uncensored=exact, right=fit.values[fit.censored])


def survival(fit: DurationFit) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier (time, survival, low, high): the fit's own, else from its values."""
    if fit.survival is not None:
        return fit.survival
    sf = stats.ecdf(_sample(fit)).sf
    band = sf.confidence_interval(0.95)
    t = sf.quantiles
    return t, sf.evaluate(t), band.low.evaluate(t), band.high.evaluate(t)


def qq_points(fit: DurationFit, dist: Any) -> tuple[np.ndarray, np.ndarray]:
    """(fitted quantile, observed value) at each distinct uncensored value.

    The plotting position of a value is the Kaplan–Meier CDF half-way through its step, so right-
    censored observations count as "longer than" rather than as short values.
    """
    if not (~fit.censored).any():
        return np.zeros(0), np.zeros(0)
    sf = stats.ecdf(_sample(fit)).sf
    t = sf.quantiles
    after = sf.probabilities
    before = np.concatenate(([1.0], after[:-1]))
    p = 1.0 - (before + after) / 2
    keep = np.isin(t, fit.values[~fit.censored]) & (p > 0) & (p < 1)
    return dist.ppf(p[keep]), t[keep]


# ----- the figures -------------------------------------------------------------------------------


def _hhmm(hours: float, _pos: Any = None) -> str:
    whole = math.floor(hours + 1e-9)
    return f"{whole:02d}:{round((hours - whole) * 60):02d}"


def _clock(text: str) -> float:
    h, m = text.split(":")
    return int(h) + int(m) / 60


def arrival_figure(result: FitResult, *, _: Translate = english, locale: str = "en") -> Figure:
    """Tickets per 30-minute slot and working day, with 95% intervals, one panel per season."""
    lang = lang_of(locale)
    profiles = result.arrivals.profiles or {"": ()}
    fig = new_figure(8.0, 1.0 + 2.3 * len(profiles))
    axes = fig.subplots(len(profiles), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
    for ax, (season, slots) in zip(axes, profiles.items(), strict=True):
        if slots:
            x = np.array([_clock(s.start) for s in slots])
            width = np.array([_clock(s.end) for s in slots]) - x
            y = np.array([s.rate_per_day for s in slots])
            low = np.array([s.ci[0] for s in slots])
            high = np.array([s.ci[1] for s in slots])
            err = np.maximum(np.vstack([y - low, high - y]), 0.0)
            ax.bar(
                x, y, width=0.9 * width, align="edge", color=_BAR, alpha=0.8, label=_("mean per working day")
            )
            ax.errorbar(
                x + 0.45 * width,
                y,
                yerr=err,
                fmt="none",
                ecolor="#222222",
                elinewidth=0.8,
                capsize=2,
                label=_("95% confidence interval"),
            )
        name = result.arrivals.profile_seasons.get(season, season)
        ax.set_title(words.name(name, lang) if name else _("every working day"), fontsize=9, loc="left")
        ax.set_ylabel(_("tickets per slot"), fontsize=8)
        ax.grid(True, axis="y", linewidth=0.4, alpha=0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(_hhmm))
    axes[0].legend(fontsize=8, frameon=False, loc="upper right")
    axes[-1].set_xlabel(_("time the ticket was issued (30-minute slots)"))
    fig.suptitle(_("Tickets issued per 30-minute slot, mean per working day"), fontsize=10)
    return localise_axes(fig, locale)


def _censored_label(fit: DurationFit, _: Translate) -> str:
    if fit.quantity == words.PATIENCE:
        return _("called before giving up (patience longer)")
    return _("cut at closing (true time longer)")


def _histogram(ax: Axes, fit: DurationFit, _: Translate, locale: str) -> None:
    values = fit.values
    top = float(np.quantile(values, 0.99)) if values.size else 1.0
    edges = np.histogram_bin_edges(values[values <= top], bins="auto")
    if edges.size > _MAX_BINS + 1:
        edges = np.linspace(edges[0], edges[-1], _MAX_BINS + 1)
    edges = np.unique(np.concatenate(([0.0], edges[edges > 0])))
    width = np.diff(edges)
    scale = max(values.size, 1) * width
    exact, _e = np.histogram(values[~fit.censored], bins=edges)
    cut, _c = np.histogram(values[fit.censored], bins=edges)
    ax.bar(
        edges[:-1],
        exact / scale,
        width=width,
        align="edge",
        color=_BAR,
        alpha=0.7,
        edgecolor="white",
        linewidth=0.4,
        label=_("observed"),
    )
    if fit.censored.any():
        ax.bar(
            edges[:-1],
            cut / scale,
            width=width,
            bottom=exact / scale,
            align="edge",
            facecolor="none",
            edgecolor=_CENSORED,
            hatch="///",
            linewidth=0.6,
            label=_censored_label(fit, _),
        )
    grid = np.linspace(max(edges[0], 1e-6), edges[-1], 300)
    lang = lang_of(locale)
    best = chosen_candidate(fit)
    dist = frozen(best)
    if dist is not None and best is not None:
        label = (
            _("{family}: best family, rejected by the test").format(family=words.family(best.family, lang))
            if fit.empirical
            else _("{family} fit, censoring taken into account").format(
                family=words.family(best.family, lang)
            )
        )
        ax.plot(
            grid,
            dist.pdf(grid),
            color=_FIT,
            linewidth=1.6,
            linestyle=":" if fit.empirical else "-",
            label=label,
        )
    naive = frozen(fit.naive)
    if naive is not None and fit.naive is not None:
        ax.plot(
            grid,
            naive.pdf(grid),
            color=_NAIVE,
            linewidth=1.2,
            linestyle="--",
            label=_("{family} fit ignoring censoring").format(family=words.family(fit.naive.family, lang)),
        )
    ax.set_xlim(0, edges[-1])
    ax.set_xlabel(_("minutes"))
    ax.set_ylabel(_("share per minute"))


def _qq(ax: Axes, fit: DurationFit, _: Translate, locale: str) -> None:
    best = chosen_candidate(fit)
    dist = frozen(best)
    lang = lang_of(locale)
    if dist is None or best is None:
        ax.text(0.5, 0.5, _("no family fitted"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    x, y = qq_points(fit, dist)
    ax.scatter(x, y, s=8, color=_BAR, alpha=0.7)
    top = float(max(x.max(initial=1.0), y.max(initial=1.0)))
    ax.plot([0, top], [0, top], color=_FIT, linewidth=1.0, linestyle="--")
    ax.set_xlim(0, top * 1.02)
    ax.set_ylim(0, top * 1.02)
    ax.set_title(
        _("Q-Q plot: {family} fit").format(family=words.family(best.family, lang)), fontsize=9, loc="left"
    )
    ax.set_xlabel(_("fitted quantile (minutes)"))
    ax.set_ylabel(_("observed (minutes)"))


def duration_figure(fit: DurationFit, *, _: Translate = english, locale: str = "en") -> Figure:
    """One fit: the histogram with the censored part apart and both fits over it, and its Q-Q plot."""
    lang = lang_of(locale)
    fig = new_figure(8.0, 3.5)
    hist, qq = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
    _histogram(hist, fit, _, locale)
    _qq(qq, fit, _, locale)
    fig.legend(
        *hist.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=7, frameon=False
    )
    hist.set_title(
        _("{group}: {n} observations, {censored} censored").format(
            group=words.group(fit, lang), n=number(fit.n, locale), censored=number(fit.n_right, locale)
        ),
        fontsize=9,
        loc="left",
    )
    return localise_axes(fig, locale)


def patience_figure(fit: DurationFit, *, _: Translate = english, locale: str = "en") -> Figure:
    """The Kaplan–Meier curve of patience with its 95% band, and the fitted survival."""
    lang = lang_of(locale)
    fig = new_figure(8.0, 3.2)
    ax = fig.add_subplot()
    t, s, low, high = survival(fit)
    ax.fill_between(t, low, high, step="post", color=_BAND, alpha=0.2, linewidth=0, label=_("95% band"))
    ax.step(t, s, where="post", color=_BAND, linewidth=1.4, label=_("Kaplan–Meier estimate"))
    top = float(t.max(initial=1.0))
    grid = np.linspace(0, top, 300)
    best = chosen_candidate(fit)
    dist = frozen(best)
    if dist is not None and best is not None and not fit.empirical:
        ax.plot(
            grid,
            dist.sf(grid),
            color=_FIT,
            linewidth=1.4,
            label=_("{family} fit").format(family=words.family(best.family, lang)),
        )
    naive = frozen(fit.naive)
    if naive is not None and fit.naive is not None:
        ax.plot(
            grid,
            naive.sf(grid),
            color=_NAIVE,
            linewidth=1.0,
            linestyle="--",
            label=_("{family} fit ignoring censoring").format(family=words.family(fit.naive.family, lang)),
        )
    ax.set_xlim(0, top)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(_("minutes waited"))
    ax.set_ylabel(_("share still willing to wait"))
    ax.grid(True, linewidth=0.4, alpha=0.4)
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.set_title(
        _("Patience: {n} tickets, {left} walked out").format(
            n=number(fit.n, locale), left=number(fit.n - fit.n_right, locale)
        ),
        fontsize=9,
        loc="left",
    )
    return localise_axes(fig, locale)


def figure_name(fit: DurationFit) -> str:
    """plots-style name of a fit's figure: `service_min_procedure_land_intake`, `patience`."""
    if fit.quantity == words.PATIENCE:
        return PATIENCE
    return "_".join(p for p in (fit.quantity, fit.level, fit.group) if p)


def fit_figures(result: FitResult, *, _: Translate = english, locale: str = "en") -> dict[str, Figure]:
    """Every figure of the fit report, by name, in the order the report shows them."""
    out = {ARRIVALS: arrival_figure(result, _=_, locale=locale)}
    for fit in result.durations:
        if fit.values.size == 0 or not words.fitted(fit):
            continue
        if fit.quantity == words.PATIENCE:
            out[PATIENCE] = patience_figure(fit, _=_, locale=locale)
        else:
            out[figure_name(fit)] = duration_figure(fit, _=_, locale=locale)
    return out


__all__ = [
    "ARRIVALS",
    "PATIENCE",
    "arrival_figure",
    "chosen_candidate",
    "duration_figure",
    "figure_name",
    "fit_figures",
    "frozen",
    "patience_figure",
    "qq_points",
    "survival",
]
