"""Names are text, not mathtext: every figure of a run, a comparison and their reports is drawn and
saved with staff, field and scenario names holding what a user may type."""

from __future__ import annotations

import datetime as dt
import io
import warnings

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


def test_every_figure_of_a_run_and_a_comparison_takes_any_name(comparison) -> None:
    for results in comparison.scenarios:
        for make in {**FIGURES, **BACK_OFFICE_FIGURES}.values():
            _draw(make(results))
    for make in COMPARISON_FIGURES.values():
        _draw(make(comparison))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reports_with_any_name(comparison, lang: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        page = render_report(lang=lang, comparison=comparison)
        run_page = render_report(lang=lang, results=comparison.base)
    assert "$\\undefinedcommand$" in run_page  # a staff name (the comparison has no staff table)
    assert "<html" in page
    assert "data:image/png" in run_page


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

    from sim.report.html.figures import _translate_figure_text
    from sim.report.html.page import Page
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
    page = Page("vi", (results,))
    vi = _translate_figure_text(wait_by_hour_figure(results), page, results.scenario)
    texts = {t.get_text() for t in vi.findobj(lambda a: hasattr(a, "get_text"))}
    assert "đến trước giờ mở cửa (07:00): gồm cả thời gian chờ ở cửa" in texts
    assert not any("arrived" in t or "hour of arrival" in t for t in texts)
