"""The mapping file: loading and its refusals; vendor exports read through it, in every encoding a
Vietnamese spreadsheet arrives in (UTF-8 with BOM, UTF-16 from Excel, Windows-1258), and a file
mixing encodings refused by row."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.logs import formats as f
from sim.logs.mapping import CANONICAL, load_mapping
from sim.logs.read import read_dossiers, read_tickets
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "scenarios" / "mappings"
VI_MAP = MAPPINGS / "vi_export_example.toml"
VI_TICKETS = ROOT / "data" / "samples" / "vi_export_example.csv"
VI_REGISTER = ROOT / "data" / "samples" / "vi_register_example.csv"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Text as Windows writes it in Windows-1258: base letters with their hat, breve or horn
    composed, tone marks as separate combining characters (the codec has no precomposed ấ)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


def refusal(call: Any, *args: Any, **kw: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        call(*args, **kw)
    return info.value


def sample_text() -> str:
    return VI_TICKETS.read_text(encoding="utf-8-sig")


# ----- the bundled mappings and samples -------------------------------------------------------


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.toml")), ids=lambda p: p.name)
def test_bundled_mappings_load(path: Path) -> None:
    mapping = load_mapping(path)
    assert mapping.description
    assert "check" in path.read_text(encoding="utf-8").lower()  # each says its headers must be checked


def test_vietnamese_export_reads_through_the_mapping() -> None:
    log = read_tickets(VI_TICKETS, load_mapping(VI_MAP))
    frame = log.frame.set_index("ticket_id")
    assert len(frame) == 24 and log.source.encoding == "utf-8-sig"
    first = frame.loc["001"]  # 01/07/2025 07:49:31, Đất đai, Hoàn thành, wait 1424 s, service 538 s
    assert first["service"] == "land" and first["outcome"] == "served" and first["staff_id"] == "Lê Văn Hùng"
    assert first["issued_at"] == pd.Timestamp("2025-07-01 07:49:31")
    assert first["called_at"] == pd.Timestamp("2025-07-01 07:49:31") + pd.Timedelta(seconds=1424)
    assert first["service_started"] == first["called_at"]
    assert first["service_ended"] == first["called_at"] + pd.Timedelta(seconds=538)
    left = frame.loc["003"]  # Bỏ về after 1474 s
    assert left["outcome"] == "walked_out" and pd.isna(left["called_at"])
    assert left["left_at"] == pd.Timestamp("2025-07-01 08:10:24") + pd.Timedelta(seconds=1474)
    text = sample_text()
    assert {
        "served": text.count(",Hoàn thành,"),
        "absent": text.count(",Vắng mặt,"),
        "walked_out": text.count(",Bỏ về,"),
        "sent_back": text.count(",Thiếu hồ sơ,"),
    } == {k: int(v) for k, v in log.frame["outcome"].value_counts().items()}
    assert frame.loc[frame["service"] == "business"].shape[0] == text.count('"Hộ kinh doanh, xây dựng"')
    assert (log.source.first_day.isoformat(), log.source.last_day.isoformat()) == ("2025-07-01", "2025-07-02")


def test_vietnamese_register_reads_through_the_mapping() -> None:
    register = read_dossiers(VI_REGISTER, load_mapping(VI_MAP))
    frame = register.frame.set_index("dossier_id")
    row = frame.loc["000.00.20.H43-250701-1000"]  # Đăng ký biến động đất đai, Trực tuyến, đúng hạn
    assert (row["procedure"], row["field"], row["channel"], row["status"]) == (
        "land_intake",
        "land",
        "online",
        "on_time",
    )
    assert row["received_at"] == pd.Timestamp("2025-07-01 09:25") and row["due_date"] == pd.Timestamp(
        "2025-07-11"
    )
    assert set(frame["channel"]) <= set(f.CHANNELS) and set(frame["status"]) <= set(f.STATUSES)
    assert register.source.time_resolution == "minute" and register.source.rows_kept == 16


def _variants(tmp_path: Path) -> dict[str, Path]:
    """The sample's content saved as Excel and Windows save it."""
    text = sample_text()
    tab = "\n".join(
        "\t".join(cell.strip('"') for cell in _cells(line)) for line in text.splitlines()
    )  # Excel's "Unicode text": tab-separated
    files = {
        "utf-8-sig": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-8": text.encode("utf-8"),
        "utf-16": codecs.BOM_UTF16_LE + tab.encode("utf-16-le"),
        "utf-16be": codecs.BOM_UTF16_BE + tab.encode("utf-16-be"),
        "cp1258": cp1258(
            text.replace(",", ";").replace('"Hộ kinh doanh; xây dựng"', '"Hộ kinh doanh, xây dựng"')
        ),
        "nfd-utf-8": unicodedata.normalize("NFD", text).encode("utf-8"),
    }
    out = {}
    for name, raw in files.items():
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_bytes(raw)
    return out


def _cells(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def test_the_same_export_in_every_encoding_gives_the_same_frame(tmp_path: Path) -> None:
    mapping = load_mapping(VI_MAP)
    expected = read_tickets(VI_TICKETS, mapping).frame
    seen = {}
    for name, path in _variants(tmp_path).items():
        log = read_tickets(path, mapping)
        pd.testing.assert_frame_equal(log.frame, expected, obj=name)
        seen[name] = log.source.encoding
    assert seen == {
        "utf-8-sig": "utf-8-sig",
        "utf-8": "utf-8",
        "utf-16": "utf-16",
        "utf-16be": "utf-16",
        "cp1258": "cp1258",
        "nfd-utf-8": "utf-8",
    }
    assert cp1258("ấ") == b"\xe2\xec"  # the helper writes the tone apart, as Windows-1258 does


def test_a_named_encoding_is_used_and_checked(tmp_path: Path) -> None:
    path = _variants(tmp_path)["cp1258"]
    named = load_mapping(
        _write_map(
            tmp_path,
            VI_MAP.read_text(encoding="utf-8").replace('encoding = "auto"', 'encoding = "cp1258"', 1),
        )
    )
    assert read_tickets(path, named).source.encoding == "cp1258"
    wrong = load_mapping(
        _write_map(
            tmp_path, VI_MAP.read_text(encoding="utf-8").replace('encoding = "auto"', 'encoding = "utf-8"', 1)
        )
    )
    err = refusal(read_tickets, path, wrong)
    assert err.key == "row 1" and "is not valid utf-8 text" in err.message  # the header has Vietnamese


def test_a_file_mixing_utf8_and_cp1258_is_refused_at_its_first_bad_row(tmp_path: Path) -> None:
    lines = sample_text().splitlines()
    raw = "\n".join(lines[:6]).encode("utf-8") + b"\n" + cp1258("\n".join(lines[6:]))
    path = tmp_path / "mixed.csv"
    path.write_bytes(raw)
    first_bad = next(i for i, line in enumerate(lines) if i >= 6 and not line.isascii()) + 1
    for drop in (False, True):
        err = refusal(read_tickets, path, load_mapping(VI_MAP), drop_bad_rows=drop)
        assert err.key == f"row {first_bad}" and "mixes encodings" in err.message


def test_text_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "ticket_id,service,issued_at,outcome\nT1,Müller,2025-07-01 08:00:00,served\n".encode("latin-1")
    )
    err = refusal(read_tickets, latin)
    assert err.key == "row 2" and "neither UTF-8 nor Windows-1258" in err.message
    no_bom = tmp_path / "nobom.csv"
    no_bom.write_bytes("ticket_id\tservice\n".encode("utf-16-le"))
    assert "UTF-16 text without its byte-order mark" in refusal(read_tickets, no_bom).message


def test_semicolons_and_tabs_are_found(tmp_path: Path) -> None:
    text = "ticket_id{d}service{d}issued_at{d}outcome\nT1{d}land{d}2025-07-01 08:00:00{d}walked_out\n"
    for delimiter in (";", "\t"):
        path = tmp_path / "d.csv"
        path.write_text(text.format(d=delimiter), encoding="utf-8")
        assert read_tickets(path).frame.iloc[0]["service"] == "land"


# ----- words, headers and times through a mapping ---------------------------------------------


def _write_map(tmp_path: Path, text: str, name: str = "m.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_word_not_in_the_mapping_is_refused_listing_its_words(tmp_path: Path) -> None:
    text = sample_text().replace(",Vắng mặt,", ",Đã về,", 1)
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    row = next(i for i, line in enumerate(text.splitlines()) if ",Đã về," in line) + 1
    err = refusal(read_tickets, path, load_mapping(VI_MAP))
    assert err.key == f"row {row}, column 'Trạng thái'"
    assert "'Đã về' is not allowed as the outcome" in err.message
    assert "'Hoàn thành', 'Đã phục vụ'" in err.message and "served, sent_back" in err.message
    stream = sample_text().replace(",Đất đai,", ",Tư pháp,", 1)
    path.write_text(stream, encoding="utf-8")
    err = refusal(read_tickets, path, load_mapping(VI_MAP))
    assert err.key == "row 2, column 'Luồng'" and "[tickets.values.service] ('Chứng thực'" in err.message


def test_a_mapped_header_missing_from_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(sample_text().replace("Số vé", "So ve", 1), encoding="utf-8")
    for drop in (False, True):
        err = refusal(read_tickets, path, load_mapping(VI_MAP), drop_bad_rows=drop)
        assert err.key == "column 'Số vé'"
        assert (
            "(the mapping's header for ticket_id)" in err.message and "did you mean 'So ve'?" in err.message
        )


def test_headers_match_whatever_their_case_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(sample_text().replace("Số vé", "  SỐ VÉ ", 1), encoding="utf-8")
    assert len(read_tickets(path, load_mapping(VI_MAP)).frame) == 24


def test_a_date_in_another_format_names_the_mapping_key(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(sample_text().replace("01/07/2025 07:49:31", "2025-07-01 07:49:31", 1), encoding="utf-8")
    err = refusal(read_tickets, path, load_mapping(VI_MAP))
    assert err.key == "row 2, column 'Thời gian lấy số'"
    assert "%d/%m/%Y %H:%M:%S (e.g. 16/07/2025 08:30:05)" in err.message
    assert "[tickets] datetime_format" in err.message


AUTOTICKET = """id,number,counter_id,procedure_id,priority,status,created_at,called_at,served_at,completed_at,service_duration,completion_reason,updated_by
1001,101,1,123,normal,completed,2025-07-16T01:30:00Z,2025-07-16T01:35:00Z,2025-07-16T01:36:00Z,2025-07-16T01:44:00Z,480,success,5
1002,102,2,,elderly,cancelled,2025-07-16T01:31:00Z,2025-07-16T01:50:00Z,,,,customer_absent,5
1003,103,2,,normal,cancelled,2025-07-16T01:32:00Z,,,,,,
1004,104,3,,priority,completed,2025-07-16T01:33:00Z,2025-07-16T02:00:00Z,2025-07-16T02:01:00Z,2025-07-16T02:20:30Z,1170,document_missing,7
"""  # noqa: E501


def test_autoticket_export_reasons_statuses_and_utc_times(tmp_path: Path) -> None:
    path = tmp_path / "autoticket.csv"
    path.write_text(AUTOTICKET, encoding="utf-8")
    log = read_tickets(path, load_mapping(MAPPINGS / "lstd_autoticket.toml"))
    frame = log.frame.set_index("ticket_id")
    assert list(frame["outcome"]) == ["served", "absent", "walked_out", "sent_back"]
    assert list(frame["priority"]) == ["normal", "priority", "normal", "priority"]
    assert list(frame["service"]) == ["certification", "civil_status", "civil_status", "land"]
    assert list(frame["counter"]) == [1, 2, 2, 3]
    assert frame.loc["1001", "issued_at"] == pd.Timestamp("2025-07-16 08:30:00")  # UTC+7
    assert frame.loc["1004", "service_ended"] == pd.Timestamp("2025-07-16 09:20:30")
    assert log.source.time_resolution == "second"


def test_canonical_words_still_pass_and_case_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "ticket_id,service,issued_at,outcome,priority\nT1,land,2025-07-01 08:00:00,Walked_Out,PRIORITY\n",
        encoding="utf-8",
    )
    frame = read_tickets(path, CANONICAL).frame
    assert (frame.iloc[0]["outcome"], frame.iloc[0]["priority"]) == ("walked_out", "priority")


# ----- the mapping file's own refusals --------------------------------------------------------

MAPPING_CASES = [
    ("[tickets]\nencodng = 'auto'\n", "tickets.encodng", "did you mean 'encoding'?"),
    ("[tickets.columns]\noutcom = 'Trạng thái'\n", "tickets.columns.outcom", "did you mean 'outcome'?"),
    (
        "[dossiers.columns]\nwait_seconds = 'x'\n",
        "dossiers.columns.wait_seconds",
        "not a column of the dossier",
    ),
    ("[tickets.columns]\ncalled_at = 'a'\nwait_seconds = 'b'\n", "tickets.columns.wait_seconds", "not both"),
    (
        "[tickets.values.outcome]\n'Hoàn thành' = 'done'\n",
        "tickets.values.outcome.'Hoàn thành'",
        "allowed: served, sent_back",
    ),
    (
        "[tickets.values.outcome]\n'Xong' = 'served'\n'XONG' = 'served'\n",
        "tickets.values.outcome.'XONG'",
        "same word as 'Xong'",
    ),
    ("[tickets.values.issued_at]\n'a' = 'b'\n", "tickets.values.issued_at", "has no words to translate"),
    (
        "[dossiers.values.status]\n'Trễ hạn' = 'overdue_late'\n",
        "dossiers.values.status.'Trễ hạn'",
        "allowed: early, on_time",
    ),
    ("[tickets]\ndatetime_format = '%d/%m/%Y %Q'\n", "tickets.datetime_format", "%Q is not a directive"),
    ("[tickets]\ndatetime_format = 'dd/mm/yyyy'\n", "tickets.datetime_format", "has no %-directive"),
    ("[dossiers]\ndate_format = '%d/%m/%Y %H'\n", "dossiers.date_format", "%H is not a directive"),
    ("[tickets]\nencoding = 'latin-9x'\n", "tickets.encoding", "allowed: auto, utf-8"),
    ("[tickets]\ndelimiter = '|'\n", "tickets.delimiter", "'auto'"),
    ("[tickets]\ntimezone = 'Hanoi'\n", "tickets.timezone", "not a time zone"),
    ("[tickets.columns]\nticket_id = ''\n", "tickets.columns.ticket_id", "needs the export's header"),
    ("[tickets]\n[dossier]\n", "dossier", "did you mean 'dossiers'?"),
]


@pytest.mark.parametrize(("text", "key", "words"), MAPPING_CASES, ids=[c[1] for c in MAPPING_CASES])
def test_a_bad_mapping_is_refused_at_its_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = _write_map(tmp_path, text)
    err = refusal(load_mapping, path)
    assert (err.source, err.key) == (str(path), key)
    assert words in err.message, err.message


def test_files_that_are_not_mappings(tmp_path: Path) -> None:
    err = refusal(load_mapping, _write_map(tmp_path, "[project]\nname = 'x'\n"))
    assert "not a mapping file" in err.message
    err = refusal(load_mapping, _write_map(tmp_path, "[tickets\n"))
    assert "invalid TOML at line 1" in err.message
    assert "file not found" in refusal(load_mapping, tmp_path / "none.toml").message


# ----- the documentation's examples -----------------------------------------------------------


def _doc_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "data_formats.md").read_text(encoding="utf-8")
    return [block.split("\n```", 1)[0] for block in text.split(f"```{language}\n")[1:]]


def test_the_documented_examples_read(tmp_path: Path) -> None:
    csv_blocks = _doc_blocks("csv")
    maps = _doc_blocks("toml mapping")
    assert len(csv_blocks) == 2 and len(maps) == 1
    tickets, dossiers = (tmp_path / "t.csv", tmp_path / "d.csv")
    tickets.write_text(csv_blocks[0] + "\n", encoding="utf-8")
    dossiers.write_text(csv_blocks[1] + "\n", encoding="utf-8")
    assert list(read_tickets(tickets).frame["outcome"]) == ["served", "served", "walked_out", "absent"]
    assert list(read_dossiers(dossiers).frame["status"]) == ["early", "in_progress"]
    mapping = load_mapping(_write_map(tmp_path, maps[0]))
    assert mapping.tickets.columns["wait_seconds"] == "Thời gian chờ (giây)"
