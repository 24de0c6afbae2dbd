"""Names are text, not mathtext: every figure of a run, a comparison and their reports is drawn and
saved with staff, field and scenario names holding what a user may type."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import warnings
from pathlib import Path

import pytest
from helpers import build, dao_xa_data
from matplotlib.figure import Figure

from sim.api import compare, run
from sim.report.compare_plots import COMPARISON_FIGURES
from sim.report.html import render_report
from sim.report.plots import BACK_OFFICE_FIGURES, FIGURES, new_figure

AWKWARD = (
    "$\\undefinedcommand$",
    "100% _sub_ cán bộ",
    "line\nbreak 😀",
    "Nguyễn Thị Hằng $5 – $10",
    "a^b_c {x} \\alpha",
)
"""Mathtext that does not parse, percent and underscores, a newline and an emoji, dollars, TeX."""


def _awkward_data(name: str) -> dict:
    data = dao_xa_data(end=dt.date(2025, 7, 3))
    data["scenario"].update(name=name, title=f"{AWKWARD[0]} {name}")
    for k, member in enumerate(data["staff"]):
        member["name"] = AWKWARD[k % len(AWKWARD)] + f" {k}"
    for k, field in enumerate(data["fields"]):
        field["name"] = AWKWARD[(k + 1) % len(AWKWARD)] + f" {k}"
        field["name_vi"] = AWKWARD[(k + 2) % len(AWKWARD)] + f" {k}"
    return data


@pytest.fixture(scope="module")
def comparison():
    base = build(_awkward_data("awkward"))
    alt_data = _awkward_data("awkward_alt")
    alt_data["equipment"]["ticket_machines"]["count"] = 2
    return compare(base, [build(alt_data)], replications=2, seed=3, workers=1)


def _draw(fig: Figure) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the emoji has no glyph in DejaVu Sans
        fig.canvas.draw()
        fig.savefig(io.BytesIO(), format="png")


def test_a_plain_figure_draws_mathtext_as_text() -> None:
    fig = new_figure()
    ax = fig.add_subplot()
    ax.set_title(AWKWARD[0])
    ax.set_xticks([0, 1], [AWKWARD[0], AWKWARD[3]])
    _draw(fig)  # raises ValueError (mathtext) on a plain matplotlib Figure
    assert all(not t.get_parse_math() for t in fig.findobj(lambda a: hasattr(a, "get_parse_math")))


@pytest.mark.slow
def test_every_figure_of_a_run_and_a_comparison_takes_any_name(comparison) -> None:
    for results in comparison.scenarios:
        for make in {**FIGURES, **BACK_OFFICE_FIGURES}.values():
            _draw(make(results))
    for make in COMPARISON_FIGURES.values():
        _draw(make(comparison))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reports_with_any_name(comparison, lang: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        page = render_report(lang=lang, comparison=comparison)
        run_page = render_report(lang=lang, results=comparison.base)
    assert "$\\undefinedcommand$" in run_page  # a staff name (the comparison has no staff table)
    assert "<html" in page
    assert "data:image/png" in run_page


@pytest.mark.slow
def test_a_run_with_any_name_saves_its_folder(tmp_path) -> None:
    from sim.api import with_plots

    results = with_plots(run(build(_awkward_data("awkward_run")), replications=1, seed=1, workers=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        folder = results.save(tmp_path / "out")
    assert (folder / "plots" / "utilisation.png").is_file()


def test_wait_by_hour_explains_the_door_queue_before_opening(comparison) -> None:
    """The hours before opening have the longest waits (people wait at the door) while the queue
    plot counts nobody then: the wait plot marks those hours and says why."""
    from matplotlib.patches import Rectangle

    from sim.report.i18n import translator
    from sim.report.plots import opening_minutes, wait_by_hour_figure

    results = comparison.base
    assert opening_minutes(results) == (420.0, 420.0)  # Đào Xá opens at 07:00 in summer
    fig = wait_by_hour_figure(results)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert hatched and all(p.get_x() + p.get_width() / 2 < 7 for p in hatched)
    assert min(p.get_x() for p in hatched) < 6.5  # 06:00–07:00 has visitors at the door
    labels = ax.get_legend_handles_labels()[1]
    assert "arrived before opening (07:00): includes the wait at the door" in labels
    vi = wait_by_hour_figure(results, _=translator("vi").gettext, locale="vi")
    texts = {t.get_text() for t in vi.findobj(lambda a: hasattr(a, "get_text"))}
    assert "đến trước giờ mở cửa (07:00): gồm cả thời gian chờ ở cửa" in texts
    assert not any("arrived" in t or "hour of arrival" in t for t in texts)


# ----- the figure's language: drawn in Vietnamese or English, never rewritten afterwards ---------

_FIGURE_SOURCES = ("sim/report/figures/run.py", "sim/report/figures/compare.py")
_ALLOWED_IN_VI = {"bonferroni"}
"""An English-looking word the Vietnamese text keeps (a name)."""


def _figure_msgids() -> list[str]:
    from babel.messages.extract import extract_from_file

    root = Path(__file__).resolve().parents[1]
    found: list[str] = []
    for source in _FIGURE_SOURCES:
        for _line, message, _comments, _context in extract_from_file(
            "python", root / source, keywords={"_": None, "N_": None}
        ):
            found.append(message)
    return found


def _english_words() -> set[str]:
    """Every English word of four letters or more in the figures' texts (placeholders removed)."""
    words: set[str] = set()
    for message in _figure_msgids():
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}", "", message))}
    return words - _ALLOWED_IN_VI


def _texts(fig: Figure) -> list[str]:
    """Every text a drawn figure shows: titles, labels, legends, annotations and tick labels."""
    from matplotlib.text import Text

    _draw(fig)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _vietnamese(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", text)
    return "đ" in text.lower() or any(unicodedata.combining(c) for c in decomposed)


@pytest.fixture(scope="module")
def plain_comparison():
    """Đào Xá for three days (back office included), against a variant with a second machine."""
    base = build(dao_xa_data(end=dt.date(2025, 7, 3)))
    alt_data = dao_xa_data(end=dt.date(2025, 7, 3))
    alt_data["scenario"]["name"] = "dao_xa_two_machines"
    alt_data["equipment"]["ticket_machines"]["count"] = 2
    return compare(base, [build(alt_data)], replications=2, seed=3, workers=1)


def _all_figures(comparison, _, locale: str) -> dict[str, Figure]:
    results = comparison.base
    figures = {
        name: make(results, _=_, locale=locale) for name, make in {**FIGURES, **BACK_OFFICE_FIGURES}.items()
    }
    figures |= {name: make(comparison, _=_, locale=locale) for name, make in COMPARISON_FIGURES.items()}
    return figures


def test_every_figure_text_has_a_vietnamese_translation() -> None:
    from sim.report.i18n import translator

    _ = translator("vi").gettext
    missing = [m for m in _figure_msgids() if _(m) == m]
    assert not missing, missing


@pytest.mark.slow
def test_vietnamese_figures_have_no_english_word(plain_comparison) -> None:
    from sim.report.i18n import translator

    english = _english_words()
    assert {"waiting", "dossiers", "replications", "threshold", "received"} <= english
    for name, fig in _all_figures(plain_comparison, translator("vi").gettext, "vi").items():
        texts = _texts(fig)
        assert any(_vietnamese(t) for t in texts), name
        leaks = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{4,}", t) if w.lower() in english})
        assert not leaks, (name, leaks, texts)


@pytest.mark.slow
def test_english_figures_have_no_vietnamese(plain_comparison) -> None:
    for name, fig in _all_figures(plain_comparison, lambda m: m, "en").items():
        texts = _texts(fig)
        assert texts, name
        assert not [t for t in texts if _vietnamese(t)], name


@pytest.mark.slow
def test_field_names_come_from_the_scenario_in_the_figures_language(plain_comparison) -> None:
    """The old regex pass gave "Social protection and người with merit": names are never rewritten."""
    from sim.report.i18n import translator
    from sim.report.plots import on_time_by_field_figure

    results = plain_comparison.base
    vi = _texts(on_time_by_field_figure(results, _=translator("vi").gettext, locale="vi"))
    en = _texts(on_time_by_field_figure(results))
    assert "Bảo trợ xã hội – người có công" in vi
    assert "Social protection and people with merit" in en
    assert not any("merit" in t for t in vi)


@pytest.mark.slow
def test_numbers_on_vietnamese_axes_take_a_decimal_comma(plain_comparison) -> None:
    from sim.report.i18n import translator
    from sim.report.plots import wait_distribution_figure

    results = plain_comparison.base
    vi = _texts(wait_distribution_figure(results, _=translator("vi").gettext, locale="vi"))
    en = _texts(wait_distribution_figure(results))
    p90 = results.summary["wait_p90_min"]["mean"]
    assert f"phân vị 90: {p90:.1f} phút (trung bình)".replace(".", ",") in vi
    assert f"p90 {p90:.1f} min (mean)" in en
    assert not [t for t in vi if re.search(r"\d\.\d", t)]
