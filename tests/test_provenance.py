"""Provenance of scenario values (`sim.scenario.provenance`): SOURCED notes cite listed sources,
everything else is an ESTIMATE, and a note follows the value, never the file a variant extends."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sim.scenario.provenance import (
    DEFAULT,
    ESTIMATE,
    FITTED,
    SOURCED,
    all_notes,
    chain_notes,
    file_notes,
    note_for,
    parse_note,
    statements,
)
from sim.scenario.sources import sources

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))
BASE = ROOT / "scenarios" / "dao_xa_2025.toml"


def test_there_are_bundled_scenarios_and_sources() -> None:
    assert len(BUNDLED) >= 20
    assert "dao-xa-report" in sources()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_sourced_note_names_a_listed_source(path: Path) -> None:
    listed = set(sources())
    shipped = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    notes = list(all_notes(chain_notes(path)))
    assert notes
    for note in notes:
        if note.kind == SOURCED:
            assert note.sources, note
        for source in note.sources:
            assert source in listed, (path.name, source)
            assert f"`{source}`" in shipped, source  # docs/sources.md gives its full reference


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_sourced_word_in_a_comment_names_its_source(path: Path) -> None:
    """No bare SOURCED is left in a comment that labels a value (the preamble labels nothing)."""
    for s in statements(path.read_text(encoding="utf-8")):
        for text in (s.comment, s.block):
            assert not re.search(r"\bSOURCED\b(?!\s*\[)", text), (path.name, s.key, text)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_value_set_in_a_file_is_sourced_or_an_estimate(path: Path) -> None:
    for note in all_notes(chain_notes(path)):
        assert note.kind in (SOURCED, ESTIMATE), note
        assert note.file
        if note.kind == SOURCED:  # a note that says ESTIMATE anywhere is an estimate
            assert not re.search(r"\bESTIMATED?\b", note.text), note
        if not note.labelled:
            assert note.kind == ESTIMATE


def test_a_comment_naming_both_labels_is_an_estimate_that_keeps_its_sources() -> None:
    assert parse_note("SOURCED [a, b]: x; ESTIMATE: y") == (ESTIMATE, ("a", "b"))
    assert parse_note("ESTIMATED share") == (ESTIMATE, ())
    assert parse_note("SOURCED [dao-xa-report]: 1 machine") == (SOURCED, ("dao-xa-report",))
    assert parse_note("sourced, estimate (lower case)") is None


@pytest.mark.parametrize("variant", [p for p in BUNDLED if p != BASE], ids=lambda p: p.stem)
def test_a_value_a_variant_sets_takes_the_variants_note(variant: Path) -> None:
    files = chain_notes(variant)
    own, parents = files[0], files[1:]
    assert own.name == variant.name and parents
    for key in own.notes:
        if key[0] in ("scenario", "extends") or key[-1] in ("id", "remove"):
            continue
        note = note_for(key, files)
        assert note.file == variant.name, key
        inherited = note_for(key, parents)
        if inherited.kind == SOURCED and note.kind == SOURCED:
            assert note.text != inherited.text, key  # its own source, not the parent's words


def test_a_variant_overriding_a_sourced_value_without_a_note_gets_an_estimate(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    (tmp_path / "more_machines.toml").write_text(
        'extends = "base.toml"\n\n[equipment.ticket_machines]\ncount = 3\n', encoding="utf-8"
    )
    base = note_for(("equipment", "ticket_machines", "count"), chain_notes(tmp_path / "base.toml"))
    assert (base.kind, base.sources) == (SOURCED, ("dao-xa-report",))
    files = chain_notes(tmp_path / "more_machines.toml")
    note = note_for(("equipment", "ticket_machines", "count"), files)
    assert (note.kind, note.sources, note.file, note.labelled) == (ESTIMATE, (), "more_machines.toml", False)
    # What the variant does not set keeps the parent's note.
    pc = note_for(("equipment", "lookup_pcs", "count"), files)
    assert (pc.kind, pc.file) == (SOURCED, "base.toml")
    assert note_for(("calendar", "sunday_sessions"), files).kind == DEFAULT


VARIANT = """\
# Preamble: SOURCED figures and ESTIMATES are explained here; it labels nothing.
extends = "base.toml"

[demand]
visits_per_day = 70.0
priority_share = 0.1   # SOURCED [dao-xa-report]: a survey of the centre's queue log
# ESTIMATE: patience from the log's unanswered numbers
patience_min = { dist = "lognormal", mean = 80.0, cv = 0.5 }
needs_help_share = 0.2

[policies]
cross_serving = true

[[staff]]   # SOURCED [dao-xa-report]: the duty roster
id = "spec_cert"
counter_share = 0.5

[[staff]]
id = "extra"
role = "specialist"
fields = ["certification"]
counter = 9
name = "has # inside a string"  # ESTIMATE: a new member
"""


def test_the_rules_on_a_variant(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    (tmp_path / "variant.toml").write_text(VARIANT, encoding="utf-8")
    files = chain_notes(tmp_path / "variant.toml")

    def note(*key: str):
        return note_for(tuple(key), files)

    # The preamble labels nothing: a value with no label nearby is an estimate of this file.
    assert (note("demand", "visits_per_day").kind, note("demand", "visits_per_day").labelled) == (
        ESTIMATE,
        False,
    )
    assert note("demand", "priority_share").kind == SOURCED
    assert note("demand", "priority_share").text == "a survey of the centre's queue log"
    assert note("demand", "patience_min", "mean").kind == ESTIMATE  # an inline table's keys
    assert note("demand", "needs_help_share").kind == ESTIMATE  # the block above, same section
    assert note("demand", "needs_help_share").labelled
    assert not note("policies", "cross_serving").labelled  # a block of [demand] does not reach here
    assert note("staff", "[spec_cert]", "counter_share").kind == SOURCED  # the header's comment
    assert note("staff", "[spec_cert]", "counter").file == "base.toml"
    assert note("staff", "[extra]", "name").text == "a new member"  # '#' in a string is no comment
    assert note("staff", "[extra]", "counter").kind == SOURCED  # the header comment of [[staff]] above


def test_multiline_values_and_strings() -> None:
    text = '''\
[a]
x = [
  1, 2,  # not the statement's comment
]  # ESTIMATE: closing-line comment
y = """a # b
c"""
z = 'd # e'   # SOURCED [s]: after a literal string
w.v = 1  # ESTIMATE: a dotted key
'''
    notes = file_notes(text, "t.toml").notes
    assert notes[("a", "z")].kind == SOURCED and notes[("a", "z")].text == "after a literal string"
    assert notes[("a", "y")].labelled is False
    assert notes[("a", "w", "v")].text == "a dotted key"
    assert (notes[("a", "x")].kind, notes[("a", "x")].text) == (ESTIMATE, "closing-line comment")


def test_fitted_is_a_third_kind_on_a_values_own_line() -> None:
    assert parse_note("FITTED: tickets.csv, 2025-07-01–2025-08-25, n = 1,234") == (FITTED, ())
    # A fit that rests on an estimate or a source is still fitted: the data decided the figure.
    assert parse_note("FITTED: t.csv, 2025, n = 40; tickets / 0.93 per visit (ESTIMATE)") == (FITTED, ())
    assert parse_note("FITTED: t.csv, 2025, n = 40; as SOURCED [dao-xa-report]") == (
        FITTED,
        ("dao-xa-report",),
    )
    assert parse_note("FITTED: t.csv", own_line=False) is None  # a block cannot say which data
    assert parse_note("FITTED from t.csv; ESTIMATE: the rest", own_line=False) == (ESTIMATE, ())
    assert parse_note("fitted (lower case)") is None


def test_a_fitted_note_keeps_its_data_and_a_fitted_block_labels_nothing() -> None:
    text = """\
[demand]
visits_per_day = 61.2  # FITTED: tickets.csv, 2025-07-01–2025-08-25, n = 40; tickets / 0.93 (ESTIMATE)
# FITTED: tickets.csv, 2025-07-01–2025-08-25, n = 2,400
priority_share = 0.07
hourly_profile = [
  { start = "07:00", end = "07:30", weight = 1.0 },
]  # FITTED: tickets.csv, 2025-07-01–2025-08-25, n = 2,400
"""
    notes = file_notes(text, "fitted.toml").notes
    visits = notes[("demand", "visits_per_day")]
    assert (visits.kind, visits.sources, visits.file) == (FITTED, (), "fitted.toml")
    assert visits.text == "tickets.csv, 2025-07-01–2025-08-25, n = 40; tickets / 0.93 (ESTIMATE)"
    assert notes[("demand", "hourly_profile")].kind == FITTED  # a multi-line array's closing line
    share = notes[("demand", "priority_share")]
    assert (share.kind, share.labelled) == (ESTIMATE, False)


def test_a_fitted_variant_overrides_the_bases_note_and_nothing_else(tmp_path: Path) -> None:
    shutil.copy(BASE, tmp_path / "base.toml")
    (tmp_path / "fitted.toml").write_text(
        'extends = "base.toml"\n\n[equipment.ticket_machines]\n'
        "count = 2  # FITTED: tickets.csv, 2025-07-01–2025-08-25, n = 40\n",
        encoding="utf-8",
    )
    files = chain_notes(tmp_path / "fitted.toml")
    count = note_for(("equipment", "ticket_machines", "count"), files)
    assert (count.kind, count.file, count.text) == (
        FITTED,
        "fitted.toml",
        "tickets.csv, 2025-07-01–2025-08-25, n = 40",
    )
    pc = note_for(("equipment", "lookup_pcs", "count"), files)
    assert (pc.kind, pc.file) == (SOURCED, "base.toml")
    assert note_for(("equipment", "ticket_machines", "issue_min"), files).kind == ESTIMATE
