"""The leader's page prints on ONE A4 page, in Vietnamese and English, even with a long option
title, many purchased items and the longest answer (not certain enough, naming the figure it turns
on). Printed as a reader prints it (headless Chromium, print to PDF, A4 from the page's own
`@page` rule); the page count is read from the PDF.

Slow and needs Chromium; it FAILS without it (the CI image installs chromium).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_business_report import _swept, case, comparison, long_titled_option, many_items
from test_report_pages import print_to_pdf

from sim.business.case import BusinessCase
from sim.report.business.html import write_leader_page
from sim.report.i18n import LANGS

pytestmark = pytest.mark.slow


def _bundled() -> BusinessCase:
    return case()


def _crowded() -> BusinessCase:
    """A long title in both languages, ten more items each with an estimated price, a post, a
    sweep in which an estimate flips the answer, and an undecided answer (the longest sentence)."""
    items = many_items(10)
    c = case(
        {"ticket_machine": 1, "specialist_post": 1, **dict.fromkeys(items, 1)},
        comparison(long_titled_option()),
        **items,
    )
    return _swept(
        dataclasses.replace(c, monte_carlo=dataclasses.replace(c.monte_carlo, p_positive=0.5)), True
    )


CASES = {"bundled": _bundled, "crowded": _crowded}


@pytest.fixture(scope="module")
def cases() -> dict[str, BusinessCase]:
    return {name: make() for name, make in CASES.items()}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_leader_page_prints_on_one_a4_page(
    cases: dict[str, BusinessCase], name: str, lang: str, tmp_path: Path
) -> None:
    c = cases[name]
    html = write_leader_page(c, tmp_path, lang)
    if name == "crowded":  # the crowding really is on the page
        text = html.read_text(encoding="utf-8")
        assert (
            c.option.scenario.scenario.title_vi if lang == "vi" else c.option.scenario.scenario.title
        ) in text
        assert ("Chưa đủ chắc chắn" if lang == "vi" else "Not certain enough") in text
    pages = print_to_pdf(html, tmp_path / f"leader-{name}-{lang}.pdf", tmp_path / "profile")
    assert pages == 1, f"leader_page.html ({name}, {lang}) prints on {pages} A4 pages"
