"""Reading canonical ticket logs and dossier registers: bad data refused by row and column, or
dropped and recorded; the round trip; sorting, provenance and time resolution.

The test files are written here (not by the project's export), so a reader bug cannot hide behind
a matching writer bug.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.logs import formats as f
from sim.logs.mapping import Mapping
from sim.logs.read import read_dossiers, read_tickets
from sim.scenario.errors import ScenarioError

# ----- canonical test files -------------------------------------------------------------------


def _ticket(tid: str, **over: str) -> dict[str, str]:
    row = {
        "ticket_id": tid,
        "service": "land",
        "procedure": "",
        "priority": "normal",
        "issued_at": "2025-07-01 08:00:00",
        "called_at": "2025-07-01 08:10:00",
        "service_started": "2025-07-01 08:11:00",
        "service_ended": "2025-07-01 08:20:00",
        "left_at": "",
        "counter": "1",
        "staff_id": "s1",
        "outcome": "served",
    }
    return {**row, **over}


def _tickets() -> list[dict[str, str]]:
    """Five good tickets: rows 2-6 of the file."""
    return [
        _ticket("T1"),
        _ticket(
            "T2",
            priority="priority",
            issued_at="2025-07-01 08:05:00",
            called_at="2025-07-01 08:30:00",
            service_started="2025-07-01 08:31:00",
            service_ended="2025-07-01 08:45:00",
            counter="2",
        ),
        _ticket(
            "T3",
            issued_at="2025-07-01 07:50:00",
            called_at="",
            service_started="",
            service_ended="",
            left_at="2025-07-01 08:40:00",
            counter="",
            staff_id="",
            outcome="walked_out",
        ),
        _ticket(
            "T4",
            service="civil_status",
            issued_at="2025-07-02 09:00:00",
            called_at="2025-07-02 09:20:00",
            service_started="",
            service_ended="",
            outcome="absent",
        ),
        _ticket(
            "T5",
            service="civil_status",
            procedure="birth_registration",
            issued_at="2025-07-02 09:05:00",
            called_at="2025-07-02 09:21:00",
            service_started="2025-07-02 09:22:00",
            service_ended="2025-07-02 09:40:00",
            outcome="sent_back",
            staff_id="s2",
        ),
    ]


def _dossier(did: str, **over: str) -> dict[str, str]:
    row = {
        "dossier_id": did,
        "procedure": "birth_registration",
        "field": "civil_status",
        "channel": "counter",
        "received_at": "2025-07-01 09:00:00",
        "due_date": "2025-07-04",
        "finished_at": "2025-07-03 10:00:00",
        "returned_at": "2025-07-04 08:00:00",
        "status": "on_time",
        "missing_papers_requests": "0",
    }
    return {**row, **over}


def _dossiers() -> list[dict[str, str]]:
    """Four good dossiers: rows 2-5 of the file."""
    return [
        _dossier("D1"),
        _dossier("D2", channel="online", status="early", finished_at="2025-07-02 10:00:00", returned_at=""),
        _dossier(
            "D3",
            procedure="land_intake",
            field="land",
            received_at="2025-07-02 14:00:00",
            due_date="2025-07-20",
            finished_at="",
            returned_at="",
            status="in_progress",
            missing_papers_requests="1",
        ),
        _dossier(
            "D4",
            channel="online_support",
            received_at="2025-07-03 08:00:00",
            due_date="2025-07-05",
            finished_at="2025-07-08 09:00:00",
            returned_at="2025-07-08 15:00:00",
            status="late",
        ),
    ]


def write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] | None = None) -> Path:
    names = columns or tuple(rows[0])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def refusal(call: Any, *args: Any, **kw: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        call(*args, **kw)
    return info.value


# ----- good files -----------------------------------------------------------------------------


def test_tickets_read_with_canonical_types(tmp_path: Path) -> None:
    log = read_tickets(write(tmp_path / "t.csv", _tickets()))
    frame = log.frame
    assert list(frame.columns) == list(f.TICKET_COLUMNS)
    assert list(frame["ticket_id"]) == ["T3", "T1", "T2", "T4", "T5"]  # sorted by issued_at
    for column in f.TICKET_TIMES:
        assert pd.api.types.is_datetime64_dtype(frame[column])
    assert str(frame["counter"].dtype) == "Int64"
    t3 = frame.iloc[0]
    assert t3["outcome"] == "walked_out" and pd.isna(t3["called_at"]) and pd.isna(t3["counter"])
    assert t3["left_at"] == pd.Timestamp("2025-07-01 08:40:00")
    assert frame.iloc[4]["procedure"] == "birth_registration" and frame.iloc[1]["procedure"] == ""
    src = log.source
    assert (src.first_day, src.last_day) == (dt.date(2025, 7, 1), dt.date(2025, 7, 2))
    assert (src.rows_read, src.rows_kept, src.dropped) == (5, 5, ())
    assert src.encoding == "utf-8" and src.time_resolution == "minute"
    assert log.has_staff and log.has_procedure


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    rows = _tickets()
    log = read_tickets(write(tmp_path / "t.csv", rows, ("ticket_id", "service", "issued_at", "outcome")))
    frame = log.frame
    assert list(frame.columns) == list(f.TICKET_COLUMNS)
    assert set(frame["priority"]) == {"normal"} and set(frame["staff_id"]) == {""}
    assert frame["counter"].isna().all() and frame["called_at"].isna().all()
    assert not log.has_staff


def test_seconds_make_the_resolution_second_and_ties_keep_file_order(tmp_path: Path) -> None:
    rows = [_ticket("B"), _ticket("A"), _ticket("C", issued_at="2025-07-01 07:00:00")]
    rows[1]["service_ended"] = "2025-07-01 08:20:07"
    log = read_tickets(write(tmp_path / "t.csv", rows))
    assert list(log.frame["ticket_id"]) == ["C", "B", "A"]
    assert log.source.time_resolution == "second"


def test_times_without_seconds_are_read(tmp_path: Path) -> None:
    rows = [_ticket("T1", issued_at="2025-07-01 08:00", called_at="2025-07-01 08:10:30")]
    log = read_tickets(write(tmp_path / "t.csv", rows))
    assert log.frame.iloc[0]["issued_at"] == pd.Timestamp("2025-07-01 08:00")
    assert log.frame.iloc[0]["called_at"] == pd.Timestamp("2025-07-01 08:10:30")


def test_round_trip_of_canonical_files(tmp_path: Path) -> None:
    """Values written in the formats' column order read back unchanged (tickets and dossiers)."""
    tickets = _tickets()
    log = read_tickets(write(tmp_path / "t.csv", tickets, f.TICKET_COLUMNS))
    by_id = log.frame.set_index("ticket_id")
    for row in tickets:
        got = by_id.loc[row["ticket_id"]]
        for column in f.TICKET_COLUMNS[1:]:
            value = got[column]
            text = "" if pd.isna(value) else value
            if isinstance(value, pd.Timestamp):
                text = value.strftime(f.DATETIME_FORMAT)
            assert str(text) == row[column], (row["ticket_id"], column)
    dossiers = _dossiers()
    register = read_dossiers(write(tmp_path / "d.csv", dossiers, f.DOSSIER_COLUMNS))
    assert list(register.frame.columns) == list(f.DOSSIER_COLUMNS)
    by_id = register.frame.set_index("dossier_id")
    for row in dossiers:
        got = by_id.loc[row["dossier_id"]]
        for column in f.DOSSIER_COLUMNS[1:]:
            value = got[column]
            if isinstance(value, pd.Timestamp):
                fmt = f.DATE_FORMAT if column == "due_date" else f.DATETIME_FORMAT
                value = value.strftime(fmt)
            assert str("" if pd.isna(value) else value) == row[column], (row["dossier_id"], column)
    assert str(register.frame["missing_papers_requests"].dtype) == "int64"
    assert register.source.first_day == dt.date(2025, 7, 1) and register.source.last_day == dt.date(
        2025, 7, 3
    )


def test_missing_papers_requests_default_to_zero(tmp_path: Path) -> None:
    rows = _dossiers()
    rows[0]["missing_papers_requests"] = ""
    register = read_dossiers(write(tmp_path / "d.csv", rows))
    assert register.frame.set_index("dossier_id").loc["D1", "missing_papers_requests"] == 0


# ----- one bad row of each kind ---------------------------------------------------------------

TICKET_CASES: list[tuple[str, int, dict[str, str], str, str]] = [
    # (case, index of the changed ticket (row = index + 2), changes, column named, words in the message)
    ("empty id", 1, {"ticket_id": ""}, "ticket_id", "ticket id is empty"),
    ("empty service", 2, {"service": ""}, "service", "service (field) is empty"),
    ("unknown priority", 0, {"priority": "vip"}, "priority", "'vip' is not allowed as the priority"),
    ("unknown outcome", 3, {"outcome": "done"}, "outcome", "one of served, sent_back, absent"),
    ("empty outcome", 4, {"outcome": ""}, "outcome", "outcome is empty"),
    ("unparseable issue", 1, {"issued_at": "01/07/2025 08:05"}, "issued_at", "datetime_format"),
    ("empty issue", 2, {"issued_at": ""}, "issued_at", "issue time is empty"),
    ("unparseable call", 0, {"called_at": "2025-07-01 25:10:00"}, "called_at", "is not a date-time"),
    (
        "call before issue",
        1,
        {"called_at": "2025-07-01 08:01:00"},
        "called_at",
        "before the ticket's issue time",
    ),
    (
        "start before call",
        0,
        {"service_started": "2025-07-01 08:09:00"},
        "service_started",
        "before the call",
    ),
    ("end before start", 4, {"service_ended": "2025-07-02 09:21:00"}, "service_ended", "before its start"),
    ("left before issue", 2, {"left_at": "2025-07-01 07:00:00"}, "left_at", "before the ticket's issue"),
    (
        "absurd wait",
        0,
        {
            "called_at": "2025-07-01 21:00:00",
            "service_started": "2025-07-01 21:01:00",
            "service_ended": "2025-07-01 21:10:00",
        },
        "called_at",
        "more than the 12 h",
    ),
    ("absurd time to leave", 2, {"left_at": "2025-07-02 07:00:00"}, "left_at", "more than the 12 h"),
    ("absurd service", 1, {"service_ended": "2025-07-01 17:00:00"}, "service_ended", "more than the 8 h"),
    ("served without start", 0, {"service_started": ""}, "service_started", "service_started is needed"),
    ("served without end", 4, {"service_ended": ""}, "service_ended", "service_ended is needed"),
    ("counter not a number", 3, {"counter": "A"}, "counter", "not a whole number"),
    ("counter not whole", 0, {"counter": "1.5"}, "counter", "not a whole number"),
    ("duplicate id", 4, {"ticket_id": "T2"}, "ticket_id", "'T2' is used twice (rows 3 and 6)"),
]


@pytest.mark.parametrize(
    ("index", "changes", "column", "words"), [c[1:] for c in TICKET_CASES], ids=[c[0] for c in TICKET_CASES]
)
def test_a_bad_ticket_is_refused_with_its_row_and_column(
    tmp_path: Path, index: int, changes: dict[str, str], column: str, words: str
) -> None:
    rows = _tickets()
    rows[index].update(changes)
    path = write(tmp_path / "t.csv", rows, f.TICKET_COLUMNS)
    err = refusal(read_tickets, path)
    assert err.source == str(path)
    assert err.key == f"row {index + 2}, column {column!r}"
    assert words in err.message
    assert "--drop-bad-rows" in err.message
    kept = read_tickets(path, drop_bad_rows=True)
    assert [(d.row, d.column) for d in kept.source.dropped] == [(index + 2, column)]
    assert words in kept.source.dropped[0].reason
    assert kept.source.rows_kept == 4


DOSSIER_CASES: list[tuple[str, int, dict[str, str], str, str]] = [
    ("empty id", 0, {"dossier_id": ""}, "dossier_id", "dossier id is empty"),
    ("empty procedure", 1, {"procedure": ""}, "procedure", "procedure is empty"),
    ("unknown channel", 2, {"channel": "fax"}, "channel", "one of counter, online_support, online"),
    ("unknown status", 3, {"status": "done"}, "status", "one of early, on_time, late, in_progress, overdue"),
    ("empty status", 0, {"status": ""}, "status", "status is empty"),
    ("unparseable reception", 1, {"received_at": "2025-02-30 09:00:00"}, "received_at", "is not a date-time"),
    ("empty reception", 2, {"received_at": ""}, "received_at", "reception time is empty"),
    ("unparseable due date", 3, {"due_date": "05/07/2025"}, "due_date", "date_format"),
    ("unparseable finish", 0, {"finished_at": "tomorrow"}, "finished_at", "is not a date-time"),
    (
        "finished without finish",
        3,
        {"finished_at": "", "returned_at": ""},
        "finished_at",
        "finished_at is needed",
    ),
    ("unfinished with finish", 2, {"finished_at": "2025-07-10 10:00:00"}, "finished_at", "not finished"),
    (
        "finish before reception",
        0,
        {"finished_at": "2025-06-30 10:00:00", "returned_at": ""},
        "finished_at",
        "before the reception",
    ),
    ("return before finish", 3, {"returned_at": "2025-07-08 08:00:00"}, "returned_at", "before the finish"),
    ("due before reception", 1, {"due_date": "2025-06-30"}, "due_date", "before the reception"),
    (
        "absurd processing",
        0,
        {"finished_at": "2026-08-01 10:00:00", "returned_at": "", "due_date": ""},
        "finished_at",
        "more than the 366 days",
    ),
    ("absurd due date", 2, {"due_date": "2027-01-01"}, "due_date", "more than the 366 days"),
    ("negative requests", 1, {"missing_papers_requests": "-1"}, "missing_papers_requests", "from 0 to 50"),
    ("infinite requests", 3, {"missing_papers_requests": "inf"}, "missing_papers_requests", "whole number"),
    ("duplicate id", 3, {"dossier_id": "D1"}, "dossier_id", "'D1' is used twice (rows 2 and 5)"),
]


@pytest.mark.parametrize(
    ("index", "changes", "column", "words"), [c[1:] for c in DOSSIER_CASES], ids=[c[0] for c in DOSSIER_CASES]
)
def test_a_bad_dossier_is_refused_with_its_row_and_column(
    tmp_path: Path, index: int, changes: dict[str, str], column: str, words: str
) -> None:
    rows = _dossiers()
    rows[index].update(changes)
    path = write(tmp_path / "d.csv", rows, f.DOSSIER_COLUMNS)
    err = refusal(read_dossiers, path)
    assert err.source == str(path)
    assert err.key == f"row {index + 2}, column {column!r}"
    assert words in err.message
    kept = read_dossiers(path, drop_bad_rows=True)
    assert [(d.row, d.column) for d in kept.source.dropped] == [(index + 2, column)]
    assert kept.source.rows_kept == 3


SECONDS = Mapping.model_validate(
    {"tickets": {"columns": {"wait_seconds": "wait (s)", "service_seconds": "service (s)"}}}
)
SECONDS_CASES: list[tuple[str, str, str, str]] = [
    ("wait (s)", "abc", "not a number of seconds", "wait"),
    ("wait (s)", "nan", "not a finite number", "wait nan"),
    ("wait (s)", "inf", "not a finite number", "wait inf"),
    ("wait (s)", "-5", "cannot be negative", "wait negative"),
    ("wait (s)", "50000", "more than the 12 h", "wait absurd"),
    ("service (s)", "-inf", "not a finite number", "service -inf"),
    ("service (s)", "30000", "more than the 8 h", "service absurd"),
]


@pytest.mark.parametrize(
    ("column", "value", "words"), [c[:3] for c in SECONDS_CASES], ids=[c[3] for c in SECONDS_CASES]
)
def test_bad_seconds_are_refused(tmp_path: Path, column: str, value: str, words: str) -> None:
    rows = [
        {
            "ticket_id": "1",
            "service": "land",
            "issued_at": "2025-07-01 08:00:00",
            "wait (s)": "600",
            "service (s)": "300",
            "outcome": "served",
        },
        {
            "ticket_id": "2",
            "service": "land",
            "issued_at": "2025-07-01 08:01:00",
            "wait (s)": "600",
            "service (s)": "300",
            "outcome": "served",
        },
    ]
    rows[1][column] = value
    err = refusal(read_tickets, write(tmp_path / "t.csv", rows), SECONDS)
    assert err.key == f"row 3, column {column!r}"
    assert words in err.message


def test_seconds_give_the_times(tmp_path: Path) -> None:
    rows = [
        {
            "ticket_id": "1",
            "service": "land",
            "issued_at": "2025-07-01 08:00:00",
            "wait (s)": "600",
            "service (s)": "90.5",
            "outcome": "served",
        },
        {
            "ticket_id": "2",
            "service": "land",
            "issued_at": "2025-07-01 08:01:00",
            "wait (s)": "120",
            "service (s)": "",
            "outcome": "walked_out",
        },
        {
            "ticket_id": "3",
            "service": "land",
            "issued_at": "2025-07-01 08:02:00",
            "wait (s)": "60",
            "service (s)": "",
            "outcome": "absent",
        },
    ]
    frame = read_tickets(write(tmp_path / "t.csv", rows), SECONDS).frame.set_index("ticket_id")
    ts = pd.Timestamp
    assert frame.loc["1", "called_at"] == ts("2025-07-01 08:10:00") == frame.loc["1", "service_started"]
    assert frame.loc["1", "service_ended"] == ts("2025-07-01 08:11:30.5")
    assert frame.loc["2", "left_at"] == ts("2025-07-01 08:03:00") and pd.isna(frame.loc["2", "called_at"])
    assert frame.loc["3", "called_at"] == ts("2025-07-01 08:03:00") and pd.isna(
        frame.loc["3", "service_started"]
    )
    rows[0]["wait (s)"] = ""
    err = refusal(read_tickets, write(tmp_path / "t.csv", rows), SECONDS)
    assert err.key == "row 2, column 'wait (s)'" and "service_started is needed" in err.message


# ----- several bad rows: dropped and counted --------------------------------------------------


def test_drop_bad_rows_counts_and_reasons(tmp_path: Path) -> None:
    rows = [*_tickets(), _ticket("T6"), _ticket("T7"), _ticket("T8"), _ticket("T9")]
    rows[1]["called_at"] = "2025-07-01 08:01:00"  # row 3: call before issue
    rows[3]["outcome"] = "Hoàn thành"  # row 5: not an outcome without a mapping
    rows[5]["ticket_id"] = "T1"  # row 7: a second T1 (row 2 keeps it)
    rows[6]["issued_at"] = "2025-07-01T08:00:00"  # row 8: not the canonical format
    rows[8]["service_ended"] = ""  # row 10: served without an end
    path = write(tmp_path / "t.csv", rows, f.TICKET_COLUMNS)
    err = refusal(read_tickets, path)
    assert err.key == "row 3, column 'called_at'" and "5 rows have problems" in err.message
    log = read_tickets(path, drop_bad_rows=True)
    got = [(d.row, d.column) for d in log.source.dropped]
    assert got == [
        (3, "called_at"),
        (5, "outcome"),
        (7, "ticket_id"),
        (8, "issued_at"),
        (10, "service_ended"),
    ]
    reasons = [d.reason for d in log.source.dropped]
    assert "before the ticket's issue time" in reasons[0]
    assert "'Hoàn thành' is not allowed as the outcome" in reasons[1]
    assert "rows 2 and 7" in reasons[2]
    assert "is not a date-time" in reasons[3] and "service_ended is needed" in reasons[4]
    assert (log.source.rows_read, log.source.rows_kept) == (9, 4)
    assert sorted(log.frame["ticket_id"]) == ["T1", "T3", "T5", "T8"]


def test_a_row_is_dropped_once_for_its_first_problem(tmp_path: Path) -> None:
    rows = _tickets()
    rows[0].update(priority="vip", called_at="2025-07-01 07:00:00")
    log = read_tickets(write(tmp_path / "t.csv", rows), drop_bad_rows=True)
    assert [(d.row, d.column) for d in log.source.dropped] == [(2, "priority")]


def test_nothing_left_is_refused(tmp_path: Path) -> None:
    rows = [_ticket("T1", outcome="x"), _ticket("T2", outcome="y")]
    err = refusal(read_tickets, write(tmp_path / "t.csv", rows), drop_bad_rows=True)
    assert err.key == "row 2, column 'outcome'" and "every row of the file has a problem" in err.message


def test_a_blank_line_keeps_the_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", _tickets(), f.TICKET_COLUMNS)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")
    lines[4] = lines[4].replace("walked_out", "gone")  # T3, now on row 5
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = refusal(read_tickets, path)
    assert err.key == "row 5, column 'outcome'"
    log = read_tickets(path, drop_bad_rows=True)
    assert log.source.rows_read == 5 and [d.row for d in log.source.dropped] == [5]


# ----- problems of the whole file: refused even when dropping rows ----------------------------


@pytest.mark.parametrize("drop", [False, True])
def test_whole_file_problems(tmp_path: Path, drop: bool) -> None:
    def check(path: Path, key: str, words: str, read: Any = read_tickets) -> None:
        err = refusal(read, path, drop_bad_rows=drop)
        assert (err.source, err.key) == (str(path), key)
        assert words in err.message, err.message

    check(tmp_path / "nowhere.csv", "", "file not found")
    check(tmp_path, "", "is a folder")
    (tmp_path / "empty.csv").write_bytes(b"")
    check(tmp_path / "empty.csv", "", "is empty")
    (tmp_path / "head.csv").write_text(",".join(f.TICKET_COLUMNS) + "\n", encoding="utf-8")
    check(tmp_path / "head.csv", "", "no data rows")
    (tmp_path / "first.csv").write_text("\n" + ",".join(f.TICKET_COLUMNS) + "\n", encoding="utf-8")
    check(tmp_path / "first.csv", "row 1", "no header row")
    rows = [{("outcom" if k == "outcome" else k): v for k, v in r.items()} for r in _tickets()]
    check(write(tmp_path / "miss.csv", rows), "column 'outcome'", "did you mean 'outcom'?")
    rows = [{k: v for k, v in r.items() if k != "received_at"} for r in _dossiers()]
    check(
        write(tmp_path / "miss_d.csv", rows),
        "column 'received_at'",
        "columns found: 'dossier_id'",
        read_dossiers,
    )
    data_first = write(tmp_path / "nohead.csv", _tickets())
    data_first.write_text("\n".join(data_first.read_text().splitlines()[1:]) + "\n")
    check(data_first, "column 'ticket_id'", "looks like data")
    ragged = write(tmp_path / "ragged.csv", _tickets(), f.TICKET_COLUMNS)
    lines = ragged.read_text().splitlines()
    lines[3] += ",extra"
    ragged.write_text("\n".join(lines) + "\n")
    check(ragged, "row 4", "13 cells where the header has 12")
    twice = write(tmp_path / "twice.csv", _tickets(), f.TICKET_COLUMNS)
    twice.write_text(twice.read_text().replace("staff_id", "Counter", 1))
    check(twice, "row 1", "the header 'Counter' appears twice (columns 10 and 11)")
