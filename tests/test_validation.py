"""Validation against the portal's August 2026 figures, and the portal data loader."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT
from scipy import stats

from sim.model import simulate
from sim.scenario import ScenarioError, load_scenario
from sim.validation import DAO_XA, communes, load_progress, percentile_rank, position, unit


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
    assert pos["processing_days_percentile"] < 35      # and among the faster communes


def test_bad_portal_csv_names_file_line_and_column(tmp_path):
    bad = tmp_path / "progress.csv"
    good = (ROOT / "data" / "phu_tho_766" / "progress_2026-08.csv").read_text(encoding="utf-8")
    lines = good.splitlines()
    lines[3] = lines[3].replace(",929,", ",many,") if ",929," in lines[3] else lines[3].replace(
        lines[3].split(",")[3], "many", 1)
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_progress(bad)
    assert err.value.key == "line 4.received" and "not a number" in err.value.message
    bad.write_text("code,name\nH44,x\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing column 'level'"):
        load_progress(bad)
    with pytest.raises(ScenarioError, match="file not found"):
        load_progress(tmp_path / "nope.csv")
