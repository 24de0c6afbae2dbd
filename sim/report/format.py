"""The one number, date and list formatter of the reports (terminal and HTML), on Babel (CLDR).

Vietnamese writes 1.700 and 2,5, English 1,700 and 2.5; dates are 25/8/2025 and 25 Aug 2025; lists
"a, b và c" and "a, b, and c". Two house rules on top of CLDR: a negative number takes the minus
sign U+2212 (CLDR's vi and en use the hyphen), and a number that rounds to zero has no sign
("0,0", never "−0,0"). Values go to Babel as the exact `Decimal` of the float, so rounding is that of
Python's own formatting (2.675 -> "2.67", as `f"{2.675:.2f}"`). A missing value (None, NaN) is "–".
Money is in đồng: "63.150.000 đồng" and "VND 63,150,000".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.lists import format_list as _babel_list
from babel.numbers import format_decimal
from babel.units import format_unit

MINUS = "\u2212"
"""The minus sign used for negative numbers (not the hyphen)."""
NBSP = "\u00a0"
"""Between a number and its unit, so that "2,5 phút" never breaks across lines."""
MISSING = "–"

_DATE_PATTERN = {"vi": "d/M/y", "en": "d MMM y"}
_UNIT_ID = {"minutes": "duration-minute", "days": "duration-day"}


def missing(x: float | None) -> bool:
    """True for None and NaN: the values printed as "–"."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _exact(x: float) -> Decimal:
    return Decimal(x) if isinstance(x, float) else Decimal(int(x))


def _signs(text: str) -> str:
    """CLDR's hyphen as U+2212, and no sign on a number that rounded to zero."""
    if not any(c in "123456789" for c in text):
        return text.lstrip("-+")
    return text.replace("-", MINUS)


def number(x: float | None, lang: str, decimals: int = 0) -> str:
    """1700 -> "1.700" (vi) / "1,700" (en); 2.5 -> "2,5" / "2.5"; -2.5 -> "−2,5"; NaN -> "–"."""
    if missing(x):
        return MISSING
    assert x is not None
    return _signs(format_decimal(_exact(x), _pattern(decimals), locale=lang))


def signed(x: float | None, lang: str, decimals: int = 0) -> str:
    """Like `number` with an explicit sign: "+1,2", "−0,8", "0,0" (zero has none)."""
    text = number(x, lang, decimals)
    if text == MISSING or text.startswith(MINUS) or not any(c in "123456789" for c in text):
        return text
    return "+" + text


def plain(x: float | None, lang: str) -> str:
    """A number with as many digits as it needs, at most 6 significant: 2.5 -> "2,5" (vi), 20 -> "20"."""
    if missing(x):
        return MISSING
    assert x is not None
    text = f"{x:.6g}"
    if "e" in text:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number(float(text), lang, decimals)


def percent(share: float | None, lang: str, decimals: int = 1) -> str:
    """A share as a percentage: 0.953 -> "95,3%" (vi) / "95.3%" (en)."""
    if missing(share):
        return MISSING
    assert share is not None
    return number(100 * share, lang, decimals) + "%"


def duration(x: float | None, unit: str, lang: str, decimals: int) -> str:
    """Minutes or days with CLDR's short unit: "2,5 phút" / "2.5 min", "3,09 ngày" / "3.09 days"."""
    if missing(x):
        return MISSING
    assert x is not None
    shown = _exact(x).quantize(Decimal(1).scaleb(-decimals))  # "1.00 days": CLDR's plural of 1.00
    text = format_unit(shown, _UNIT_ID[unit], length="short", format=_pattern(decimals), locale=lang)
    return _signs(text).replace(" ", NBSP)


def minutes(x: float | None, lang: str, decimals: int = 1) -> str:
    """2.5 -> "2,5 phút" (vi) / "2.5 min" (en)."""
    return duration(x, "minutes", lang, decimals)


def days(x: float | None, lang: str, decimals: int = 2) -> str:
    """3.09 -> "3,09 ngày" (vi) / "3.09 days" (en)."""
    return duration(x, "days", lang, decimals)


def money(x: float | None, lang: str) -> str:
    """An amount of Vietnamese đồng, to the đồng: "63.150.000 đồng" (vi) / "VND 63,150,000" (en).

    CLDR writes "63.150.000 ₫" and "₫63,150,000"; public-office Vietnamese writes the word "đồng",
    and English readers know the ISO code better than the sign.
    """
    if missing(x):
        return MISSING
    amount = number(x, lang, 0)
    return f"{amount}{NBSP}đồng" if lang == "vi" else f"VND{NBSP}{amount}"


def date(d: dt.date, lang: str) -> str:
    """2025-08-25 -> "25/8/2025" (vi) / "25 Aug 2025" (en)."""
    return _babel_date(d, _DATE_PATTERN[lang], locale=lang)


def datetime(moment: dt.datetime, lang: str) -> str:
    """A date with hours and minutes: "25/8/2025, 14:05" / "25 Aug 2025, 14:05"."""
    return f"{date(moment.date(), lang)}, {moment:%H:%M}"


def join(items: Iterable[str], lang: str) -> str:
    """A list in words: "a, b và c" (vi) / "a, b, and c" (en); "a và b" / "a and b"."""
    return _babel_list(list(items), locale=lang)


MAX_SIGN_DECIMALS = 4
"""Most decimals `sign_decimals` adds: a difference smaller than that prints as 0."""


def sign_decimals(
    values: Iterable[float], decimals: int, scale: float = 1.0, most: int = MAX_SIGN_DECIMALS
) -> int:
    """The decimals, from `decimals` up to `most`, at which no non-zero value prints as zero.

    A difference "+0.05 [−0.04, +0.13]" rounded to one decimal reads "+0.0 [-0.0, +0.1]": the
    sign of the mean and of the lower bound, which is what a reader of an interval looks at, is
    lost. `scale` is the factor the values are printed with (100 for shares in points).
    """
    shown = [abs(scale * v) for v in values if math.isfinite(v) and v != 0]
    d = decimals
    while d < most and any(float(f"{v:.{d}f}") == 0 for v in shown):
        d += 1
    return d
