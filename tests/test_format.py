"""The one formatter (`sim.report.format`, on Babel) gives the reports' house style in both
languages, and exactly what the hand-written formatters it replaced gave."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from sim.report import format as fmt
from sim.report import i18n

MINUS = "\u2212"


def _old_number(x: float, lang: str, decimals: int) -> str:
    """The hand-written formatter `sim.report.i18n.fmt_number` had before Babel (the reference)."""
    text = f"{abs(x):,.{decimals}f}"
    if lang == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    negative = x < 0 and any(c in "123456789" for c in text)
    return (MINUS if negative else "") + text


@pytest.mark.parametrize(
    ("value", "decimals", "vi", "en"),
    [
        (1700, 0, "1.700", "1,700"),
        (2.5, 1, "2,5", "2.5"),
        (-2.5, 1, f"{MINUS}2,5", f"{MINUS}2.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (-0.04, 1, "0,0", "0.0"),  # rounds to zero: no sign
        (0.0, 0, "0", "0"),
        (2.675, 2, "2,67", "2.67"),  # the float's exact value, as Python rounds it
        (0.125, 2, "0,12", "0.12"),  # half to even
        (999.96, 1, "1.000,0", "1,000.0"),
    ],
)
def test_numbers(value: float, decimals: int, vi: str, en: str) -> None:
    assert fmt.number(value, "vi", decimals) == vi
    assert fmt.number(value, "en", decimals) == en


def test_numbers_match_the_old_formatter_on_random_values() -> None:
    rng = random.Random(9)
    for _ in range(3000):
        x = rng.choice([1, -1]) * 10 ** rng.uniform(-6, 7)
        d = rng.randrange(0, 5)
        for lang in ("vi", "en"):
            assert fmt.number(x, lang, d) == _old_number(x, lang, d), (x, lang, d)


def test_signed_percent_plain_and_missing() -> None:
    assert fmt.signed(1.2, "vi", 1) == "+1,2"
    assert fmt.signed(-0.8, "vi", 1) == f"{MINUS}0,8"
    assert fmt.signed(0.0001, "en", 1) == "0.0"  # a zero has no sign
    assert fmt.percent(0.953, "vi") == "95,3%"
    assert fmt.percent(0.953, "en") == "95.3%"
    assert fmt.plain(2.5, "vi") == "2,5"
    assert fmt.plain(20.0, "vi") == "20"
    assert fmt.plain(1234.5, "vi") == "1.234,5"
    for f in (fmt.number, fmt.signed, fmt.percent, fmt.minutes, fmt.days):
        assert f(math.nan, "vi") == "–"
        assert f(None, "en") == "–"


def test_units_from_cldr() -> None:
    nbsp = "\u00a0"
    assert fmt.minutes(2.5, "vi") == f"2,5{nbsp}phút"
    assert fmt.minutes(2.5, "en") == f"2.5{nbsp}min"
    assert fmt.days(3.0912, "vi") == f"3,09{nbsp}ngày"
    assert fmt.days(3.0912, "en") == f"3.09{nbsp}days"
    assert fmt.days(1.0, "en") == f"1.00{nbsp}days"  # CLDR: "1.00" is plural
    assert fmt.days(1.0, "en", 0) == f"1{nbsp}day"
    assert fmt.minutes(-1.5, "en") == f"{MINUS}1.5{nbsp}min"


def test_dates_and_lists() -> None:
    day = dt.date(2025, 8, 25)
    assert fmt.date(day, "vi") == "25/8/2025"
    assert fmt.date(day, "en") == "25 Aug 2025"
    assert fmt.datetime(dt.datetime(2025, 8, 5, 14, 5), "vi") == "5/8/2025, 14:05"
    assert fmt.join(["a", "b", "c"], "vi") == "a, b và c"
    assert fmt.join(["a", "b"], "vi") == "a và b"
    assert fmt.join(["a", "b", "c"], "en") == "a, b, and c"


@pytest.mark.parametrize(
    ("key", "value", "vi", "en"),
    [
        ("wait_mean_min", 2.54, "2,5 phút", "2.5 min"),
        ("wait_mean_min", 0.28, "0,28 phút", "0.28 min"),
        ("on_time_rate", 0.953, "95,3%", "95.3%"),
        ("processing_days_mean", 3.0912, "3,09 ngày", "3.09 days"),
        ("dossiers_received", 1700.0, "1.700 hồ sơ", "1,700 dossiers"),
        ("dossiers_received", 1.0, "1,0 hồ sơ", "1.0 dossiers"),
        ("visitors_arrived", 2332.2, "2.332 lượt", "2,332 visitors"),
        ("apology_slips", 3.0, "3,0 phiếu", "3.0 slips"),
        ("queue_mean", 0.11, "0,1 người", "0.1 people"),
        ("score_progress_766", 19.96, "19,96/20 điểm", "19.96/20 points"),
        ("wait_mean_min.land", math.nan, "–", "–"),
    ],
)
def test_kpi_values_in_both_languages(key: str, value: float, vi: str, en: str) -> None:
    assert i18n.fmt_kpi(key, value, "vi").replace("\u00a0", " ") == vi
    assert i18n.fmt_kpi(key, value, "en").replace("\u00a0", " ") == en


def test_kpi_differences_and_intervals() -> None:
    assert i18n.fmt_kpi_diff("wait_mean_min", 1.2, "vi") == "+1,2\u00a0phút"
    assert i18n.fmt_kpi_diff("on_time_rate", -0.008, "vi", 1) == f"{MINUS}0,8\u00a0điểm phần trăm"
    assert i18n.fmt_kpi_diff("on_time_rate", 0.01, "en", 0) == "+1\u00a0percentage point"
    assert i18n.fmt_ci("wait_mean_min", 0.8, 1.6, "vi") == "[0,8; 1,6]"
    assert i18n.fmt_ci("wait_mean_min", 0.8, 1.6, "en") == "[0.8, 1.6]"
    assert i18n.fmt_kpi_range("wait_mean_min", 0.8, 1.6, "vi") == "0,8–1,6\u00a0phút"
    wide = i18n.fmt_kpi_range("on_time_rate", -0.005, 0.007, "vi", diff=True, signed=True)
    assert wide == f"từ {MINUS}0,5 đến +0,7\u00a0điểm phần trăm"


def test_i18n_keeps_the_old_names() -> None:
    """The HTML code imports the formatters from `sim.report.i18n`: the same functions."""
    assert i18n.fmt_number is fmt.number
    assert i18n.fmt_date is fmt.date
    assert i18n.fmt_percent is fmt.percent
