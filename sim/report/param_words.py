"""A scenario's values in words and their units, in the report's language (`sim.report.params`).

`sim.scenario.provenance.parameter_keys` lists the parameters; `words(value, _, locale)` writes a
value out ("lognormal, mean 90, cv 0.6" / "log-chuẩn, trung bình 90, hệ số biến thiên 0,6");
`unit_of(key, value)` gives its unit as an English msgid. Numbers follow the locale, and a list
of numbers is separated by "; " where the comma is the decimal mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from sim.report.figures.text import Translate, lang_of
from sim.report.i18n import N_, kpi_name
from sim.scenario.calendar import SeasonSpec, SessionSpec
from sim.scenario.distributions import Deterministic, Exponential, Gamma, LogNormal, Uniform, Weibull
from sim.scenario.provenance import DISTRIBUTIONS, WHOLE, Key
from sim.scenario.schema import FieldSpec, LeaveSpec, MeetingSpec, RateBlock, TargetRule

NAMES = (
    N_("summer"),
    N_("winter"),
    N_("morning"),
    N_("afternoon"),
    *(N_("mon"), N_("tue"), N_("wed"), N_("thu"), N_("fri"), N_("sat"), N_("sun")),
)
"""Season, session and weekday names of the bundled scenarios, translated when shown."""

_DISTS = DISTRIBUTIONS
_WHOLE = WHOLE
"""Tables shown as one row each (a season, a field, a target rule)."""


def _sep(locale: str) -> str:
    return "; " if lang_of(locale) == "vi" else ", "


def _num(x: float | int, _: Translate, locale: str) -> str:
    """A parameter exactly as given (no rounding, no grouping: a seed stays 20250701)."""
    if isinstance(x, bool):
        return _("true") if x else _("false")
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return str(int(x))
    text = repr(float(x))
    return text.replace(".", ",") if lang_of(locale) == "vi" else text


def _name(text: str, _: Translate) -> str:
    """A season, session or weekday name: translated when it is one of `NAMES`."""
    return _(text) if text in NAMES else text


def _dist(d: Any, _: Translate, locale: str) -> str:
    def n(x: float) -> str:
        return _num(x, _, locale)

    if isinstance(d, Exponential):
        return _("exponential, mean {mean}").format(mean=n(d.mean))
    if isinstance(d, LogNormal | Gamma | Weibull):
        if isinstance(d, LogNormal):
            text = _("lognormal, mean {mean}, cv {cv}")
        elif isinstance(d, Gamma):
            text = _("gamma, mean {mean}, cv {cv}")
        else:
            text = _("Weibull, mean {mean}, cv {cv}")
        return text.format(mean=n(d.mean), cv=n(d.cv))
    if isinstance(d, Deterministic):
        return _("fixed {value}").format(value=n(d.value))
    if isinstance(d, Uniform):
        return _("uniform {low}–{high}").format(low=n(d.low), high=n(d.high))
    values = _sep(locale).join(n(v) for v in d.values)
    if d.weights is None:
        return _("empirical: {values}, equally likely").format(values=values)
    weights = _sep(locale).join(n(w) for w in d.weights)
    return _("empirical: {values} with weights {weights}").format(values=values, weights=weights)


def _date(d: dt.date, locale: str) -> str:
    return f"{d.day}/{d.month}/{d.year}" if lang_of(locale) == "vi" else d.isoformat()


def _sessions(items: Iterable[SessionSpec], _: Translate) -> str:
    return ", ".join(f"{_name(s.name, _)} {s.start}–{s.end}" for s in items) or _("none")


def _whole(value: Any, _: Translate, locale: str) -> str:
    """A season, a field or a target rule as one text."""
    if isinstance(value, SeasonSpec):
        return _("{name}, {start} to {end}: {sessions}").format(
            name=_name(value.name, _), start=value.start, end=value.end, sessions=_sessions(value.sessions, _)
        )
    if isinstance(value, FieldSpec):
        if lang_of(locale) == "vi":
            return value.name_vi or value.name or value.id
        return " / ".join(x for x in (value.name, value.name_vi) if x) or value.id
    rule: TargetRule = value
    if lang_of(locale) == "vi":
        return f"{kpi_name(rule.kpi, 'vi')} {rule.op} {_num(rule.value, _, locale)}"
    text = f"{rule.kpi} {rule.op} {_num(rule.value, _, locale)}"
    return f"{text} ({rule.label})" if rule.label else text


def _list(value: list[Any] | tuple[Any, ...], _: Translate, locale: str) -> str:
    if not value:
        return _("none")
    first = value[0]
    if isinstance(first, SessionSpec):
        return _sessions(value, _)
    if isinstance(first, RateBlock):
        return "; ".join(f"{b.start}–{b.end} × {_num(b.weight, _, locale)}" for b in value)
    if isinstance(first, MeetingSpec):
        return ", ".join(f"{_name(m.weekday, _)} {_name(m.session, _)}" for m in value)
    if isinstance(first, LeaveSpec):
        return ", ".join(
            _("{start} to {end}").format(start=_date(x.start, locale), end=_date(x.end, locale))
            for x in value
        )
    sep = _sep(locale) if isinstance(first, int | float) else ", "
    return sep.join(words(v, _, locale) for v in value)


def _scalar(value: Any, _: Translate, locale: str) -> str:
    if value is None:
        return _("none")
    if isinstance(value, bool | int | float):
        return _num(value, _, locale)
    if isinstance(value, dt.date):
        return _date(value, locale)
    if isinstance(value, str):
        return _name(value, _) if value else _("(empty)")
    return str(value)


_KINDS: tuple[tuple[type | tuple[type, ...], Callable[[Any, Translate, str], str]], ...] = (
    (_DISTS, _dist),
    (_WHOLE, _whole),
    ((list, tuple), _list),
)


def words(value: Any, _: Translate, locale: str) -> str:
    """A value as readable text in the language of `_` and `locale`."""
    for kinds, write in _KINDS:
        if isinstance(value, kinds):
            return write(value, _, locale)
    if isinstance(value, dict):
        return _sep(locale).join(f"{_name(str(k), _)} {words(v, _, locale)}" for k, v in value.items()) or _(
            "none"
        )
    return _scalar(value, _, locale)


# --- units ------------------------------------------------------------------------------------------

_UNITS_BY_KEY: dict[str, str] = {
    "statutory_days": N_("working days"),
    "supply_days": N_("working days"),
    "external_days": N_("working days"),
    "visits_per_day": N_("visits / working day"),
    "dossiers_per_day": N_("dossiers / calendar day"),
    "weekday_factors": N_("× visits per day"),
    "hourly_profile": N_("relative rate"),
    "season_profiles": N_("relative rate"),
    "missing_papers": N_("probability"),
    "second_request": N_("probability"),
    "online_weight": N_("relative weight"),
    "documents": N_("documents"),
    "extra_document_min": N_("min / extra document"),
    "tickets_per_roll": N_("tickets"),
    "max_queue": N_("people waiting"),
    "queue_length": N_("people waiting"),
    "probability": N_("probability"),
    "members": N_("people"),
    "workers": N_("people"),
    "counter": N_("counter no."),
    "priority_interleave": N_("calls"),
    "initial_backlog": N_("dossiers"),
    "replications": N_("replications"),
    "counter_time_factor": N_("× counter time"),
    "times": N_("clock time"),
    "same_day_cutoff": N_("clock time"),
}

_UNITS_BY_SECTION_KEY: dict[tuple[str, str], str] = {
    ("procedures", "share"): N_("relative weight"),
    ("back_office", "share"): N_("share of working time"),
    ("equipment", "count"): N_("machines"),
}

_SUFFIXES = (("_min", N_("min")), ("_days", N_("working days")), ("_share", N_("share")))


def unit_of(key: Key, value: Any) -> str:
    """The unit of a parameter as an English msgid ("" when it has none)."""
    name = key[-2] if key[-1].startswith("[") else key[-1]  # a list entry shown whole
    if key[0] == "equipment" and name == "count" and key[1] == "lookup_pcs":
        return N_("PCs")
    if key[0] == "demand" and len(key) >= 2 and key[1] == "season_profiles":
        return N_("relative rate")
    unit = _UNITS_BY_SECTION_KEY.get((key[0], name)) or _UNITS_BY_KEY.get(name)
    if unit is None and name not in ("start", "end"):
        suffixes = [u for suffix, u in _SUFFIXES if name.endswith(suffix)]
        unit = suffixes[0] if suffixes else (N_("share") if name == "share" else None)
    if unit is not None:
        return unit
    dates = isinstance(value, list) and bool(value) and isinstance(value[0], dt.date)
    return N_("date") if isinstance(value, dt.date) or dates else ""
