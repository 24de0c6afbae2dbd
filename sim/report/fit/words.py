"""A fit in words, shared by the terminal summary, the fit report and its figures.

One home for each name and sentence so that `python -m sim fit` prints what fit_report.html says:
the data period and rows, the group a distribution belongs to ("thủ tục land_intake"), a family's
name, the weekday test's answer, where model and data disagree. Every word is an English gettext
msgid (`sim.report.i18n.translator`); numbers, dates and lists go through the one formatter
(`sim.report.format`). Texts keep no-break spaces; the terminal turns them into spaces.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.report import format as fmt
from sim.report.i18n import N_, fmt_ci, fmt_kpi, kpi_name, lower_first, translator
from sim.report.param_words import NAMES
from sim.scenario.kpis import get_kpi

if TYPE_CHECKING:
    from sim.fitting.results import ArrivalFit, DurationFit, FitResult, KpiCheck, Share

Gettext = Callable[[str], str]

SIGNIFICANCE = 0.05
"""A test's p-value below this is read as "differs" (the report says which level it used)."""

PATIENCE = "patience_min"
SERVICE = "service_min"

FAMILIES: dict[str, str] = {
    "exponential": N_("exponential"),
    "gamma": N_("gamma"),
    "lognormal": N_("lognormal"),
    "weibull": N_("Weibull"),
    "empirical": N_("empirical"),
}
"""A distribution family's name (msgid)."""

LEVELS: dict[str, str] = {
    "procedure": N_("procedure {group}"),
    "field": N_("field {group}"),
    "purpose": N_("visits for {group}"),
    "all": N_("all tickets"),
}
"""The group a set of durations belongs to; `{group}` is the scenario's id."""

PURPOSES: dict[str, str] = {
    "collect": N_("collecting a result"),
    "enquiry": N_("asking for information"),
    "online_help": N_("help to file online"),
    "submit": N_("filing a dossier"),
}
"""The scenario's visit purposes (`[demand.purposes]`) in words."""

SHARES: dict[str, str] = {
    "priority": N_("Priority tickets"),
    "absent": N_("Absent when called"),
    "walked_out": N_("Walked out before being called"),
    "sent_back": N_("Sent back for missing papers"),
    "not_served": N_("Not served at closing"),
    "cut_at_close": N_("Service cut at closing"),
}
"""`Share.name` → what the shares table calls it (names with `_share` appended are read the same)."""

CHANNELS: dict[str, str] = {
    "counter": N_("at the counter"),
    "online_support": N_("online, helped by the support team"),
    "online": N_("online"),
}

DATASETS: dict[str, str] = {"tickets": N_("Ticket log"), "dossiers": N_("Dossier register")}


def gettext(lang: str) -> Gettext:
    return translator(lang).gettext


def notes(result: FitResult, lang: str) -> list[str]:
    """The fit's notes (msgids with values) in the language, whole numbers formatted."""
    _ = gettext(lang)

    def shown(v: Any) -> str:
        return fmt.number(v, lang) if isinstance(v, int) else str(v)

    return [_(msgid).format(**{k: shown(v) for k, v in values.items()}) for msgid, values in result.notes]


def name(text: str, lang: str) -> str:
    """A season or weekday name of the scenario: translated when it is one of the bundled ones."""
    return gettext(lang)(text) if text in NAMES else text


def upper_first(text: str) -> str:
    """A heading or a table's first cell starts with a capital: "Thủ tục land_intake", "Mon"."""
    return text[:1].upper() + text[1:]


def family(key: str, lang: str) -> str:
    """ "lognormal" → "log-chuẩn"; an unknown family is shown as it is."""
    return gettext(lang)(FAMILIES[key]) if key in FAMILIES else key


def group(fit: DurationFit, lang: str) -> str:
    """What a fit is of: "thủ tục land_intake", "lĩnh vực land", "mọi số thứ tự", "thời gian chờ tối đa"."""
    _ = gettext(lang)
    if fit.quantity == PATIENCE:
        return _("patience before leaving")
    if fit.level == "purpose" and fit.group in PURPOSES:
        return _(LEVELS["purpose"]).format(group=_(PURPOSES[fit.group]))
    if fit.level in LEVELS:
        return _(LEVELS[fit.level]).format(group=fit.group)
    return fit.group or _("all tickets")


def share_name(share: Share, lang: str) -> str:
    key = share.name.removesuffix("_share")
    return gettext(lang)(SHARES[key]) if key in SHARES else share.name


def channel(key: str, lang: str) -> str:
    return gettext(lang)(CHANNELS[key]) if key in CHANNELS else key


# ----- numbers -----------------------------------------------------------------------------------


def interval(ci: tuple[float, float], lang: str, decimals: int = 1) -> str:
    """ "[55,1; 61,3]" / "[55.1, 61.3]" (the reports' interval for a table cell)."""
    low, high = ci
    if fmt.missing(low) or fmt.missing(high):
        return fmt.MISSING
    return gettext(lang)("[{low}, {high}]").format(
        low=fmt.number(low, lang, decimals), high=fmt.number(high, lang, decimals)
    )


def percent_interval(ci: tuple[float, float], lang: str) -> str:
    """A share's interval in percent: "[2,1; 3,4]%"."""
    low, high = ci
    if fmt.missing(low) or fmt.missing(high):
        return fmt.MISSING
    return interval((100 * low, 100 * high), lang) + "%"


def p_value(p: float, lang: str) -> str:
    """ "0,41", "0,003", "< 0,001"; "–" when it was not computed."""
    if fmt.missing(p) or not math.isfinite(p):
        return fmt.MISSING
    if p < 0.001:
        return "<" + fmt.NBSP + fmt.number(0.001, lang, 3)
    return fmt.number(p, lang, 3 if p < 0.01 else 2)


def minutes(x: float, lang: str) -> str:
    return fmt.minutes(x, lang, 1 if abs(x) >= 1 else 2)


def moments(table: dict[str, Any]) -> tuple[float, float]:
    """(mean, cv) of a scenario distribution table, an empirical one included."""
    if table.get("dist") == "empirical":
        values = np.asarray(table.get("values", []), dtype=float)
        if values.size == 0:
            return math.nan, math.nan
        weights = np.asarray(table.get("weights") or np.ones(values.size), dtype=float)
        mean = float(np.average(values, weights=weights))
        sd = math.sqrt(float(np.average((values - mean) ** 2, weights=weights)))
        return mean, (sd / mean if mean > 0 else math.nan)
    mean = float(table.get("mean", math.nan))
    cv = float(table.get("cv", 1.0 if table.get("dist") == "exponential" else math.nan))
    return mean, cv


def chosen(fit: DurationFit, lang: str) -> str:
    """The distribution written to the scenario: "log-chuẩn, trung bình 6,2 phút, hệ số biến thiên 0,45"."""
    _ = gettext(lang)
    mean, cv = moments(fit.chosen)
    key = str(fit.chosen.get("dist", ""))
    text = _("{family}, mean {mean}, cv {cv}").format(
        family=family(key, lang), mean=minutes(mean, lang), cv=fmt.number(cv, lang, 2)
    )
    if fit.empirical:
        text += " " + _("(no family fits)")
    return text


# ----- the data ----------------------------------------------------------------------------------


def period(source: Any, lang: str) -> str:
    """ "1/7/2025 – 25/8/2025" / "1 Jul 2025 – 25 Aug 2025"."""
    return f"{fmt.date(source.first_day, lang)} – {fmt.date(source.last_day, lang)}"


def rows(source: Any, lang: str) -> str:
    """ "15.000 rows read, 14.990 kept, 10 dropped" or "15.000 rows read, all kept"."""
    _ = gettext(lang)
    read = fmt.number(source.rows_read, lang)
    if not source.dropped:
        return _("{read} rows read, all kept").format(read=read)
    return _("{read} rows read, {kept} kept, {dropped} dropped").format(
        read=read, kept=fmt.number(source.rows_kept, lang), dropped=fmt.number(len(source.dropped), lang)
    )


def dropped(source: Any) -> list[tuple[str, int, int, str]]:
    """(column, rows, first row number, the first row's reason) of the rows left out, by column,
    the commonest first. The reader's reasons quote each row's own values, so they are grouped by
    the column they name and the first is shown as an example (in the reader's words, English)."""
    counts = Counter(d.column for d in source.dropped)
    first: dict[str, Any] = {}
    for d in source.dropped:
        if d.column not in first or d.row < first[d.column].row:
            first[d.column] = d
    return [(c, n, first[c].row, first[c].reason) for c, n in counts.most_common()]


def resolution(source: Any, lang: str) -> str:
    """How precise the clock times are, and what the fit did about it."""
    _ = gettext(lang)
    if source.time_resolution == "minute":
        return _("to the minute: each duration is known only to within a minute and is fitted as an interval")
    return _("to the second")


# ----- arrivals ----------------------------------------------------------------------------------


def weekday_test(arrivals: ArrivalFit, lang: str) -> str:
    """The chi-square test's answer in a sentence."""
    _ = gettext(lang)
    p = arrivals.weekday_profiles_differ_p
    if fmt.missing(p) or not math.isfinite(p):
        return _("Too few days to test whether the hour-of-day profile differs between weekdays.")
    values = {"p": p_value(p, lang), "level": fmt.number(SIGNIFICANCE, lang, 2)}
    if p < SIGNIFICANCE:
        return _(
            "The hour-of-day profile differs between weekdays (chi-square test, p = {p} < {level}): "
            "one profile for every day is a simplification."
        ).format(**values)
    return _(
        "The hour-of-day profile does not differ detectably between weekdays (chi-square test, "
        "p = {p} ≥ {level}): one profile serves every day."
    ).format(**values)


def visits(arrivals: ArrivalFit, lang: str) -> str:
    """ "58,2 lượt mỗi ngày làm việc [55,1; 61,3]"."""
    _ = gettext(lang)
    return _("{visits} visits per working day {ci}").format(
        visits=fmt.number(arrivals.visits_per_day, lang, 1), ci=interval(arrivals.visits_per_day_ci, lang)
    )


# ----- the validation step ----------------------------------------------------------------------


DATA_KPIS: dict[str, tuple[str, str]] = {
    "tickets_per_day": (N_("Tickets per working day"), "number"),
    "service_mean_min": (N_("Mean service time at the counter"), "minutes"),
    "walked_out_share": (N_("Share walking out before being called"), "share"),
    "dossiers_per_day": (N_("Dossiers received per working day"), "number"),
}
"""The validation's KPIs that the model's registry does not have (`sim.fitting.kpis`): their
name (msgid) and how their values read."""


def kpi_label(key: str, lang: str) -> str:
    """The KPI's name in the reports; a key neither the registry nor `DATA_KPIS` knows is shown as it is."""
    if key in DATA_KPIS:
        return gettext(lang)(DATA_KPIS[key][0])
    return kpi_name(key, lang) if get_kpi(key.partition(".")[0]) is not None else key


def _data_number(kind: str, x: float, lang: str) -> str:
    if kind == "minutes":
        return minutes(x, lang)
    if kind == "share":
        return fmt.percent(x, lang)
    return fmt.number(x, lang, 1)


def kpi_value(key: str, x: float, lang: str) -> str:
    if key in DATA_KPIS:
        return _data_number(DATA_KPIS[key][1], x, lang)
    return fmt_kpi(key, x, lang) if get_kpi(key.partition(".")[0]) is not None else fmt.plain(x, lang)


def kpi_interval(key: str, ci: tuple[float, float], lang: str) -> str:
    """ "[5,6; 6,8]": the interval without its unit (the value beside it has it)."""
    if key in DATA_KPIS:
        kind = DATA_KPIS[key][1]
        return percent_interval(ci, lang) if kind == "share" else interval(ci, lang)
    if get_kpi(key.partition(".")[0]) is not None:
        return fmt_ci(key, ci[0], ci[1], lang)
    return gettext(lang)("[{low}, {high}]").format(low=fmt.plain(ci[0], lang), high=fmt.plain(ci[1], lang))


def fitted(fit: DurationFit) -> bool:
    """True when the fit wrote a distribution (too few observations leave the base's estimate)."""
    return bool(fit.chosen)


def disagreements(checks: Sequence[KpiCheck], lang: str) -> str:
    """Where model and data disagree, in a sentence (or that they agree, or that no check ran)."""
    _ = gettext(lang)
    if not checks:
        return _("The validation step was not run: the fitted scenario has not been compared with the data.")
    wrong = [c for c in checks if not c.agree]
    if not wrong:
        return _(
            "Model and data agree on every indicator checked: each interval of the fitted scenario "
            "overlaps that of the data."
        )
    items = [
        _("{kpi} (model {model}, data {data})").format(
            kpi=lower_first(kpi_label(c.kpi, lang)),
            model=kpi_value(c.kpi, c.model, lang),
            data=kpi_value(c.kpi, c.data, lang),
        )
        for c in wrong
    ]
    return _(
        "Model and data disagree on {items}: the intervals do not overlap, so on these the fitted "
        "scenario does not yet reproduce the centre."
    ).format(items=fmt.join(items, lang))


def fitted_count(result: FitResult, lang: str) -> str:
    _ = gettext(lang)
    return _(
        "The new scenario file overrides {fitted} values fitted from the data; {kept} stay estimates."
    ).format(fitted=fmt.number(len(result.values), lang), kept=fmt.number(len(result.kept_estimates), lang))


__all__ = [
    "CHANNELS",
    "DATASETS",
    "DATA_KPIS",
    "FAMILIES",
    "LEVELS",
    "PATIENCE",
    "PURPOSES",
    "SERVICE",
    "SHARES",
    "SIGNIFICANCE",
    "channel",
    "chosen",
    "disagreements",
    "dropped",
    "family",
    "fitted",
    "fitted_count",
    "gettext",
    "group",
    "interval",
    "kpi_interval",
    "kpi_label",
    "kpi_value",
    "minutes",
    "moments",
    "name",
    "p_value",
    "percent_interval",
    "period",
    "resolution",
    "rows",
    "share_name",
    "upper_first",
    "visits",
    "weekday_test",
]
