"""The bundled business cases (scenarios/costs/dao_xa_*.toml): each case file loads, buys exactly
what its header's command says it prices, keeps the shared file's figures, and its option scenario
differs from the base by what the purchase implies (one ticket machine, one PC, one specialist and
counter, one Saturday session more); the kiosk's self-filing is checked in the model itself. Bad
case files are refused with the file and the key."""

from __future__ import annotations

import functools
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.model import simulate
from sim.scenario import Scenario, load_scenario
from sim.scenario.calendar import working_days
from sim.scenario.costs import load_costs
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Purpose

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
COSTS = SCENARIOS / "costs"
SHARED = COSTS / "dao_xa_costs.toml"
BASE_FILE = SCENARIOS / "dao_xa_2025.toml"
BASE = load_scenario(BASE_FILE)
SEED = 20250701


@dataclass(frozen=True)
class Case:
    costs: str
    option: str
    purchase: dict[str, int]


CASES = (
    Case("dao_xa_ticket_machine.toml", "dao_xa_2025_two_ticket_machines.toml", {"ticket_machine": 1}),
    Case("dao_xa_kiosk.toml", "dao_xa_2025_kiosk.toml", {"kiosk": 1}),
    Case("dao_xa_specialist.toml", "dao_xa_2025_staff_8.toml", {"specialist_post": 1, "lookup_pc": 1}),
    Case("dao_xa_saturday.toml", "dao_xa_2025_saturday_morning.toml", {"saturday_morning": 1}),
)
IDS = [c.costs.removeprefix("dao_xa_").removesuffix(".toml") for c in CASES]


def _specialists(s: Scenario) -> int:
    return sum(m.role == "specialist" for m in s.staff)


def _counters(s: Scenario) -> int:
    return len({m.counter for m in s.staff})


def _saturday_sessions(s: Scenario) -> int:
    return len(s.calendar.saturday_sessions)


IMPLIED = {
    "ticket_machine": lambda s: s.equipment.ticket_machines.count,
    "kiosk": lambda s: s.equipment.lookup_pcs.count,
    "specialist_post": _specialists,
    "lookup_pc": _counters,  # the new post's computer: one per counter
    "saturday_morning": _saturday_sessions,
}
"""Item → the count in a scenario that buying one of it raises by one."""


def test_every_case_file_in_the_folder_is_a_bundled_case() -> None:
    files = {p.name for p in COSTS.glob("dao_xa_*.toml")} - {SHARED.name}
    assert files == {c.costs for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_case_file_buys_what_it_names_and_keeps_the_shared_figures(case: Case) -> None:
    costs = load_costs(COSTS / case.costs)
    assert costs.purchase == case.purchase
    shared = load_costs(SHARED).model_dump()
    mine = costs.model_dump()
    assert mine.pop("purchase") == case.purchase and shared.pop("purchase") == {}
    assert mine == shared  # every price and value comes from the shared, labelled file


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_header_command_names_the_option_and_this_file(case: Case) -> None:
    text = (COSTS / case.costs).read_text(encoding="utf-8")
    header = " ".join(line.lstrip("# ").rstrip("\\ ") for line in text.splitlines() if line.startswith("#"))
    command = re.search(r"python -m sim business-case (\S+)\s+(\S+)\s+--costs (\S+)", header)
    assert command is not None, "the header shows the command"
    assert command.groups() == (
        "scenarios/dao_xa_2025.toml",
        f"scenarios/{case.option}",
        f"scenarios/costs/{case.costs}",
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_option_differs_from_the_base_by_what_is_bought(case: Case) -> None:
    option = load_scenario(SCENARIOS / case.option)
    for item, count_of in IMPLIED.items():
        bought = case.purchase.get(item, 0)
        assert count_of(option) - count_of(BASE) == bought, item


def test_the_specialist_is_a_new_post_at_a_new_counter() -> None:
    option = load_scenario(SCENARIOS / "dao_xa_2025_staff_8.toml")
    new = [m for m in option.staff if m.id not in {b.id for b in BASE.staff}]
    assert [m.role for m in new] == ["specialist"]
    assert new[0].counter not in {m.counter for m in BASE.staff}


def test_the_saturday_case_opens_on_saturdays_in_the_window() -> None:
    option = load_scenario(SCENARIOS / "dao_xa_2025_saturday_morning.toml")
    extra = len(working_days(option.calendar)) - len(working_days(BASE.calendar))
    assert extra == 8  # the Saturdays of 1/7–25/8/2025
    assert load_costs(COSTS / "dao_xa_saturday.toml").items["saturday_morning"].per_month.central > 0


# ----- the kiosk: a lookup PC on which citizens also file online --------------------------------

KIOSK = load_scenario(SCENARIOS / "dao_xa_2025_kiosk.toml")
CERT = "certified_copy"


def _per_day(s: Scenario, purpose: Purpose) -> float:
    return s.demand.visits_per_day * s.demand.purposes[purpose].share


def _counter_dossiers_per_day(s: Scenario, fileable: bool) -> float:
    """Counter dossier visits a working day of the procedures that can (or cannot) be filed online."""
    total = sum(p.share for p in s.procedures)
    part = sum(p.share for p in s.procedures if (p.id != CERT) == fileable)
    return _per_day(s, "submit") * part / total


def _moved_per_working_day() -> float:
    return _counter_dossiers_per_day(BASE, True) - _counter_dossiers_per_day(KIOSK, True)


def test_the_kiosk_moves_online_fileable_dossiers_from_the_counter_to_the_pc() -> None:
    moved = _moved_per_working_day()
    assert moved == pytest.approx(0.15 * _counter_dossiers_per_day(BASE, True))  # the header's 15%
    # certified copies need the originals: they stay at the counter
    assert _counter_dossiers_per_day(KIOSK, False) == pytest.approx(_counter_dossiers_per_day(BASE, False))
    # the same people come: the moved visits become PC sessions, every other purpose keeps its visits
    assert KIOSK.demand.visits_per_day == BASE.demand.visits_per_day
    assert _per_day(KIOSK, "lookup") - _per_day(BASE, "lookup") == pytest.approx(moved)
    others: tuple[Purpose, ...] = ("collect", "enquiry", "online_help")
    for purpose in others:
        assert _per_day(KIOSK, purpose) == pytest.approx(_per_day(BASE, purpose)), purpose
    # and their dossiers still reach the back office, through the online channel (calendar days)
    days = len(working_days(BASE.calendar))
    calendar_days = (BASE.calendar.end - BASE.calendar.start).days + 1
    added = (KIOSK.online.dossiers_per_day - BASE.online.dossiers_per_day) * calendar_days
    assert added == pytest.approx(moved * days, rel=0.01)


@functools.cache
def _kpis(which: str, replications: int = 8) -> tuple[dict[str, float], ...]:
    scenario = KIOSK if which == "kiosk" else BASE
    return tuple(simulate(scenario, seed=SEED, replication=r).kpis for r in range(replications))


def _paired(kpi: str) -> np.ndarray:
    """kiosk − base of one KPI, per replication, under common random numbers."""
    return np.array([k[kpi] - b[kpi] for k, b in zip(_kpis("kiosk"), _kpis("base"), strict=True)])


def _interval(diff: np.ndarray, confidence: float = 0.999) -> tuple[float, float]:
    half = stats.t.ppf(0.5 + confidence / 2, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    return float(diff.mean() - half), float(diff.mean() + half)


def test_in_the_model_kiosk_filers_leave_from_the_pc_and_their_dossiers_arrive_online() -> None:
    expected = _moved_per_working_day() * len(working_days(BASE.calendar))  # ≈ 115 in the window
    for kpi, sign in (
        ("visitors_served_lookup", 1),
        ("dossiers_submitted_counter", -1),
        ("dossiers_online", 1),
    ):
        low, high = _interval(sign * _paired(kpi))
        assert low <= expected <= high, (kpi, low, high)
        assert low > 0.5 * expected, (kpi, low)  # the change is there, not noise around 0
    low, high = _interval(_paired("dossiers_received"))
    assert low <= 0 <= high and high - low < expected  # as many dossiers as before


# ----- bad case files -----------------------------------------------------------------------------


def _case(folder: Path, text: str, name: str = "case.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        load_costs(path)
    return err.value


@pytest.fixture
def shared_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "commune"
    folder.mkdir()
    shutil.copy(SHARED, folder / SHARED.name)
    return folder


def test_an_unknown_item_is_refused_with_file_and_key(shared_copy: Path) -> None:
    case = _case(shared_copy, 'extends = "dao_xa_costs.toml"\n[costs.purchase]\nticket_machines = 1\n')
    err = _refused(case)
    assert (Path(err.source), err.key) == (case, "costs.purchase.ticket_machines")
    assert "ticket_machine" in err.message  # the items there are listed


def test_a_quotation_range_low_above_high_is_refused_with_file_and_key(shared_copy: Path) -> None:
    case = _case(
        shared_copy,
        """
        extends = "dao_xa_costs.toml"
        [costs.purchase]
        kiosk = 1
        [costs.items.kiosk]
        price = { low = 60_000_000, high = 40_000_000 }
        """,
    )
    err = _refused(case)
    assert Path(err.source) == case and err.key.startswith("costs.items.kiosk.price")


def test_extends_resolves_from_the_case_files_folder_not_the_working_folder(
    shared_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    case = _case(shared_copy, 'extends = "dao_xa_costs.toml"\n[costs.purchase]\nkiosk = 1\n')
    assert load_costs(case).purchase == {"kiosk": 1}
    lonely = _case(tmp_path / "alone", 'extends = "dao_xa_costs.toml"\n[costs.purchase]\nkiosk = 1\n')
    err = _refused(lonely)
    assert (Path(err.source), err.key) == (lonely, "extends") and "not found" in err.message
