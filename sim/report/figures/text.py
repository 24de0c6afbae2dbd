"""The language of a figure: its `_` (gettext) and the locale of its numbers and dates.

Every figure function takes `_` (default: English, the msgids themselves) and `locale` ("en" or
"vi"), and writes each title, label, legend entry and annotation through them while drawing, so a
Vietnamese figure is made in Vietnamese rather than rewritten afterwards. Numbers go through Babel
(`2,5` and `1.700` in Vietnamese); names typed in the scenario (fields, staff) come from the
scenario in the figure's language (`name_vi`), never translated word by word.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.dates import ConciseDateFormatter, DateLocator, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter, ScalarFormatter

Translate = Callable[[str], str]
"""A gettext `_`: English msgid -> text in the figure's language."""

MINUS = "\u2212"
"""Negative numbers take the minus sign, not the hyphen (as in the reports' tables)."""


def english(message: str) -> str:
    """The default `_`: the msgid itself."""
    return message


def lang_of(locale: str) -> str:
    """The report language of a locale ("vi_VN" -> "vi"); anything but Vietnamese is English."""
    return "vi" if locale.lower().startswith("vi") else "en"


def number(x: float, locale: str, decimals: int | None = None, *, signed: bool = False) -> str:
    """`x` in the locale: fixed `decimals`, or as many as it needs up to 6 significant digits."""
    if math.isnan(x):
        return "–"
    if decimals is None:
        text = f"{x:.6g}"
        if "e" in text:
            return text
        decimals = len(text.split(".")[1]) if "." in text else 0
        x = float(text)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    out = format_decimal(abs(x), format=pattern, locale=locale)
    nonzero = any(c in "123456789" for c in out)
    if x < 0 and nonzero:
        return MINUS + out
    return "+" + out if signed and nonzero else out


def significant(x: float, locale: str, digits: int = 3, *, signed: bool = False) -> str:
    """`x` to `digits` significant digits (Python's `g`), in the locale."""
    if math.isnan(x):
        return "–"
    return number(float(f"{x:.{digits}g}"), locale, signed=signed)


def percent(value: float, locale: str, decimals: int = 1) -> str:
    """A value already in percent: 95.25 -> "95.3%" / "95,3%"."""
    return number(value, locale, decimals) + "%"


def interval(low: str, high: str, locale: str) -> str:
    """A confidence interval "[1.2, 3.4]"; "[1,2; 3,4]" where the comma is the decimal mark."""
    return f"[{low}; {high}]" if lang_of(locale) == "vi" else f"[{low}, {high}]"


def day_month(day: dt.date, locale: str) -> str:
    """A short date for an axis: "1/7" in Vietnamese, "1 Jul" in English."""
    if lang_of(locale) == "vi":
        return f"{day.day}/{day.month}"
    return format_date(day, "d MMM", locale=locale)


def localise_axes(fig: Figure, locale: str) -> Figure:
    """Number ticks in the locale (decimal comma in Vietnamese); English keeps matplotlib's own."""
    if lang_of(locale) == "en":
        return fig
    ticks = FuncFormatter(lambda v, _pos: number(v, locale))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(ticks)
    return fig


def date_ticks(locator: DateLocator, locale: str) -> Formatter:
    """A date-axis formatter: matplotlib's concise dates in English, "day/month" in Vietnamese
    (whose month names matplotlib does not know)."""
    if lang_of(locale) == "en":
        return ConciseDateFormatter(locator)
    return FuncFormatter(lambda v, _pos: day_month(num2date(v).date(), locale))
