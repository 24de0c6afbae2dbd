"""Parameter rows made in the report's language (`sim.report.params.parameters`): the Vietnamese
rows show translated kinds and the sources' Vietnamese names, never the English comments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.report.i18n import translator
from sim.report.params import parameter_rows, parameters
from sim.scenario.provenance import DEFAULT, ESTIMATE, SOURCED, chain_notes, statements
from sim.scenario.sources import sources

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = (ROOT / "scenarios" / "dao_xa_2025.toml", ROOT / "scenarios" / "dao_xa_2026_08.toml")
VI = translator("vi").gettext


def _comment_words(path: Path) -> set[str]:
    """English words (five letters or more, no diacritics) of every comment in the chain."""
    words: set[str] = set()
    for p in [ROOT / "scenarios" / fn.name for fn in chain_notes(path)]:
        for s in statements(p.read_text(encoding="utf-8")):
            words |= {w.lower() for w in re.findall(r"\b[A-Za-z]{5,}\b", f"{s.comment} {s.block}")}
    return words


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_vietnamese_rows_have_no_english_comment_text(path: Path) -> None:
    english = _comment_words(path)
    assert {"estimate", "visitors", "counter"} <= english
    rows = parameters(path, _=VI, locale="vi")
    assert rows
    for r in rows:
        shown = f"{r.kind_text} {r.note_text}"
        assert not [w for w in re.findall(r"\b[A-Za-z]{5,}\b", shown) if w.lower() in english], (r.key, shown)
        if r.note.text:
            assert r.note.text not in shown
        assert r.kind_text in {"CÓ NGUỒN", "ƯỚC TÍNH", "mặc định"}
        if r.unit:
            assert r.unit_text != r.unit or r.unit == "min", r.unit  # every unit is translated


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_vietnamese_sourced_rows_name_their_sources_in_vietnamese(path: Path) -> None:
    rows = [r for r in parameters(path, _=VI, locale="vi") if r.note.kind == SOURCED]
    assert rows
    for r in rows:
        for source in r.note.sources:
            assert sources()[source].name_vi in r.note_text, r.key


def test_english_rows_keep_the_authors_note_and_name_the_source() -> None:
    rows = {r.key: r for r in parameters(SCENARIOS[0])}
    count = rows["equipment.ticket_machines.count"]
    assert (count.kind_text, count.note.sources) == ("SOURCED", ("dao-xa-report",))
    assert count.note_text == "1 automatic ticket machine; sources: Đào Xá centre's report, 1/7–25/8/2025"
    vi = {r.key: r for r in parameters(SCENARIOS[0], _=VI, locale="vi")}["equipment.ticket_machines.count"]
    assert (vi.kind_text, vi.note_text) == (
        "CÓ NGUỒN",
        "nguồn: Báo cáo của Trung tâm xã Đào Xá, 1/7–25/8/2025",
    )


def test_values_and_units_in_vietnamese() -> None:
    vi = {r.key: r for r in parameters(SCENARIOS[0], _=VI, locale="vi")}
    en = {r.key: r for r in parameters(SCENARIOS[0])}
    key = "procedures[land_intake].work_min"
    assert en[key].value_text == "lognormal, mean 90, cv 0.6"
    assert vi[key].value_text == "phân phối log-chuẩn, trung bình 90, hệ số biến thiên 0,6"
    assert (en[key].unit_text, vi[key].unit_text) == ("min", "phút")
    assert vi["demand.weekday_factors"].value_text.startswith("thứ Hai 1,15; thứ Ba 1,05")
    assert vi["calendar.start"].value_text == "1/7/2025"
    assert vi["fields[social]"].value_text == "Bảo trợ xã hội – người có công"
    assert vi["run.seed"].value_text == "20250701"  # no grouping, no rounding


def test_a_variant_row_takes_the_variants_note_in_both_languages() -> None:
    for _, locale in ((None, "en"), (VI, "vi")):
        kwargs = {"locale": locale} | ({"_": _} if _ else {})
        rows = {
            r.key: r
            for r in parameters(ROOT / "scenarios" / "dao_xa_2025_two_ticket_machines.toml", **kwargs)
        }
        count = rows["equipment.ticket_machines.count"]
        assert (count.note.kind, count.note.file) == (ESTIMATE, "dao_xa_2025_two_ticket_machines.toml")
        assert count.kind_text == ("ƯỚC TÍNH" if locale == "vi" else "ESTIMATE")
        pcs = rows["equipment.lookup_pcs.count"]
        assert (pcs.note.kind, pcs.note.file) == (SOURCED, "dao_xa_2025.toml")


def test_parameter_rows_is_the_english_view_of_the_same_rows() -> None:
    new = parameters(SCENARIOS[1])
    old = parameter_rows(SCENARIOS[1])
    assert [r.key for r in new] == [r.key for r in old]
    for a, b in zip(new, old, strict=True):
        assert (a.value_text, a.unit, a.note.kind, a.note_text, a.note.file) == (
            b.value,
            b.unit,
            b.label,
            b.note,
            b.file,
        )
    assert {r.label for r in old} == {SOURCED, ESTIMATE, DEFAULT}


def test_a_scenario_without_its_file_has_no_provenance() -> None:
    from sim.scenario.loader import load_scenario

    rows = parameters(load_scenario(SCENARIOS[0]))
    assert rows and {r.note.kind for r in rows} == {DEFAULT}
    assert {r.label for r in parameter_rows(load_scenario(SCENARIOS[0]))} == {""}
