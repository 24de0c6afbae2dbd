"""Validation against the portal's August 2026 figures, and the portal data loader."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from helpers import ROOT
from scipy import stats

from sim.model import simulate
from sim.scenario import ScenarioError, load_scenario
from sim.verify.portal import DAO_XA, communes, load_progress, percentile_rank, position, unit


def test_portal_table_holds_dao_xa_august_2026():
    units = load_progress()
    d = unit(units, DAO_XA)
    assert (d.received, d.on_time, d.overdue, d.avg_processing_days) == (929, 813, 116, 3.09)
    assert len(communes(units)) == 148
    assert all(u.received == u.on_time + u.overdue for u in communes(units))


def _ci(values):
    m = float(np.mean(values))
    h = float(stats.t.ppf(0.975, len(values) - 1) * stats.sem(values))
    return m - h, m + h


@pytest.mark.slow
def test_dao_xa_2026_08_reproduces_the_portal():
    """929 ± 5% received, 87.5% ± 3 points on time, 3.09 days ± 15% (portal, August 2026)."""
    scenario = load_scenario(ROOT / "scenarios" / "dao_xa_2026_08.toml")
    runs = [simulate(scenario, 20260801, r).kpis for r in range(20)]
    lo, hi = _ci([k["dossiers_received"] for k in runs])
    assert lo >= 929 * 0.95 and hi <= 929 * 1.05, (lo, hi)
    lo, hi = _ci([k["on_time_rate"] for k in runs])
    assert lo >= 0.8751 - 0.03 and hi <= 0.8751 + 0.03, (lo, hi)
    lo, hi = _ci([k["processing_days_mean"] for k in runs])
    assert lo >= 3.09 * 0.85 and hi <= 3.09 * 1.15, (lo, hi)


def test_position_in_the_province():
    units = load_progress()
    rates = [u.on_time_rate for u in communes(units)]
    assert percentile_rank(max(rates), rates) == 100.0
    assert percentile_rank(min(rates) - 0.01, rates) == 0.0
    pos = position(0.875, 3.09, units)
    assert 40 <= pos["on_time_rate_percentile"] <= 60  # Đào Xá sits mid-province on time
    assert pos["processing_days_percentile"] < 35  # and among the faster communes


def test_bad_portal_csv_names_file_line_and_column(tmp_path):
    bad = tmp_path / "progress.csv"
    good = (ROOT / "data" / "phu_tho_766" / "progress_2026-08.csv").read_text(encoding="utf-8")
    lines = good.splitlines()
    lines[3] = (
        lines[3].replace(",929,", ",many,")
        if ",929," in lines[3]
        else lines[3].replace(lines[3].split(",")[3], "many", 1)
    )
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_progress(bad)
    assert err.value.key == "line 4.received" and "not a number" in err.value.message
    bad.write_text("code,name\nH44,x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing column 'level'"):
        load_progress(bad)
    with pytest.raises(ScenarioError, match="file not found"):
        load_progress(tmp_path / "nope.csv")


PORTAL = ROOT / "data" / "phu_tho_766" / "progress_2026-08.csv"
NUMBERS = (
    "is not a number; received, on_time and overdue are whole numbers (overdue may be empty), "
    "avg_processing_days a decimal"
)


def _portal_lines() -> list[str]:
    return PORTAL.read_text(encoding="utf-8").splitlines()


def _with_line(n: int, edit) -> str:
    """The portal table with its n-th line (1-based) replaced by edit(line)."""
    lines = _portal_lines()
    lines[n - 1] = edit(lines[n - 1])
    return "\n".join(lines) + "\n"


def _set_column(n: int, column: str, value: str) -> str:
    header = _portal_lines()[0].split(",")
    return _with_line(
        n,
        lambda line: ",".join(
            value if c == column else v for c, v in zip(header, line.split(","), strict=True)
        ),
    )


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        (
            _with_line(4, lambda line: line.rsplit(",", 1)[0]),
            "line 4",
            "has 9 values but the header has 10 columns; every row needs one value per column "
            "(text containing commas goes in double quotes)",
        ),
        (
            _with_line(5, lambda line: line + ",extra"),
            "line 5",
            "has 11 values but the header has 10 columns; every row needs one value per column "
            "(text containing commas goes in double quotes)",
        ),
        (_set_column(3, "received", ""), "line 3.received", f"'' {NUMBERS}"),
        (_set_column(3, "on_time", "8.5"), "line 3.on_time", f"'8.5' {NUMBERS}"),
        (_set_column(6, "avg_processing_days", "nan"), "line 6.avg_processing_days", f"'nan' {NUMBERS}"),
        (_set_column(3, "overdue", "x" * 100), "line 3.overdue", f"'{'x' * 37}...' {NUMBERS}"),
        (
            "\n".join(_portal_lines()[:3]) + '\nH44.1,"x"y,COMMUNE\n',
            "line 4",
            "not readable as CSV (',' expected after '\"'); a table is comma-separated, with text "
            "containing commas in double quotes",
        ),
        (_portal_lines()[0] + "\n\n", "", "no data rows; expected a header line and one line per unit"),
    ],
    ids=["short", "long", "empty", "decimal", "nan", "long_text", "quoting", "no_rows"],
)
def test_bad_portal_rows_name_line_and_column(tmp_path, text, key, message):
    bad = tmp_path / "progress.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_progress(bad)
    assert (err.value.source, err.value.key, err.value.message) == (str(bad), key, message)


def test_a_folder_is_not_a_portal_table(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load_progress(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a folder, not a portal table (.csv text)"


def test_a_named_pipe_is_not_a_portal_table(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    # A writer that opens and closes the pipe, so that a loader opening it reads an empty file
    # rather than waiting for ever; released below if the loader never opened it.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    try:
        with pytest.raises(ScenarioError) as err:
            load_progress(fifo)
    finally:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        writer.join()
        os.close(fd)
    assert str(err.value) == (
        f"{fifo}: is not a regular file (a device, pipe or socket); expected a portal table (.csv text)"
    )


def test_a_byte_order_mark_and_blank_lines_are_accepted(tmp_path):
    table = tmp_path / "progress.csv"
    table.write_bytes(b"\xef\xbb\xbf" + PORTAL.read_bytes().replace(b"\n", b"\r\n\r\n", 3))
    assert load_progress(table) == load_progress(PORTAL)
