"""Every scenario key a report shows has a short readable label, in English and in Vietnamese.

The estimates table and the comparison's "what differs" tables name parameters by
`sim.report.param_labels`; a key a bundled scenario gains without a label would be shown to a
commune leader as raw TOML, so it fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from sim.report.html.estimates import entry_and_item
from sim.report.html.scenarios import ENTRY
from sim.report.i18n import translator
from sim.report.param_labels import LABELS, SECTIONS, key_label, pattern
from sim.report.params import parameters

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
VI = translator("vi").gettext
EN = translator("en").gettext
MAX_LABEL = 45
"""Characters: a label must fit a table header of the printed report."""


def _shown_keys(path: Path) -> set[str]:
    """The keys the reports can show for a scenario: every parameter (what-differs lists any of
    them), the entry it is grouped under in the estimates table, and whole list entries (a staff
    member only one scenario has); [scenario] names the document and is never listed."""
    keys: set[str] = set()
    for row in parameters(path):
        if row.section == "scenario":
            continue
        entry, _item = entry_and_item(row.key)
        keys |= {row.key, entry, row.section}
        whole = ENTRY.match(row.key)
        if whole:
            keys.add(whole.group(1))
    return keys


def test_there_are_bundled_scenarios() -> None:
    assert len(SCENARIOS) > 10


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shown_key_has_a_label(path: Path) -> None:
    missing = sorted(key for key in _shown_keys(path) if not key_label(key, EN))
    assert missing == []


def test_no_label_is_left_over() -> None:
    """A label no bundled scenario's key uses is a label for a key that was renamed or removed."""
    used = {pattern(key) for path in SCENARIOS for key in _shown_keys(path)}
    assert sorted(set(LABELS) - used - set(SECTIONS)) == []


def test_labels_are_vietnamese_and_short() -> None:
    for key, msgid in LABELS.items():
        vi = key_label(key.replace("*", "winter"), VI)
        assert vi and vi != msgid, (key, msgid)  # translated, not the English left in place
        assert len(msgid) <= MAX_LABEL and len(vi) <= MAX_LABEL, (key, msgid, vi)


def test_key_patterns_and_labels() -> None:
    assert pattern("procedures[land_intake].work_min") == "procedures[].work_min"
    assert pattern("calendar.seasons[0]") == "calendar.seasons[]"
    assert pattern("demand.season_profiles.winter") == "demand.season_profiles.*"
    assert pattern("demand.visits_per_day") == "demand.visits_per_day"
    assert key_label("demand.visits_per_day", VI) == "Số lượt người dân mỗi ngày"
    assert key_label("procedures[land_intake].service_min", VI) == "Thời gian tiếp nhận tại quầy"
    assert key_label("staff[director].counter_share", VI) == "Tỷ lệ thời gian tiếp dân tại quầy"
    assert key_label("staff[director].counter_share", EN) == "Share of time at the counter"
    assert key_label("demand.season_profiles.winter", VI) == "Lượt đến theo giờ vào mùa đông"
    assert key_label("demand.season_profiles.winter", EN) == "Arrivals by hour in winter"
    assert key_label("equipment.ticket_machines", VI) == "Máy lấy số thứ tự"
    assert key_label("demand", VI) == "Nhu cầu của người dân"
    assert key_label("demand.no_such_key", VI) == ""  # the report then shows the key itself
