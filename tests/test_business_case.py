"""A business case turns the right paired differences into money, and only those.

A fake model stands in for the simulation: every KPI is drawn from the replication's own random
numbers (so base and option share them, as under CRN), and the option changes only what the test
says. A fake where only the waits change must produce waiting-time value and nothing else.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import DAO_XA

from sim.business.case import MONEY_LINES, appraise, benefits
from sim.decide.compare import CompareOptions, compare
from sim.model.output import ReplicationOutput
from sim.scenario.costs import CostsSpec
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import certain

WORKING_DAYS = 40
BASE_KPIS = {
    "wait_mean_min": 6.0,
    "visitors_served_counter": 2000.0,
    "visitors_sent_home": 10.0,
    "visitors_reneged": 5.0,
    "visitors_balked": 3.0,
    "overtime_min_per_day": 20.0,
    "late_dossiers": 2.0,
    "on_time_rate": 0.99,
    "wait_p90_min": 12.0,
    "wait_within_target": 0.95,
    "dossiers_received": 1500.0,
}


def _output(scenario: Scenario, seed: int, replication: int, changes: dict[str, float]) -> ReplicationOutput:
    rng = np.random.default_rng([seed, replication])
    noise = rng.normal(0.0, 0.1, len(BASE_KPIS))
    kpis = {k: v * (1.0 + n) for (k, v), n in zip(BASE_KPIS.items(), noise, strict=True)}
    for share in ("on_time_rate", "wait_within_target"):  # shares stay shares
        kpis[share] = min(1.0, kpis[share])
    if scenario.equipment.ticket_machines.count == 2:  # "the option"
        kpis = {k: v * changes.get(k, 1.0) for k, v in kpis.items()}
    return ReplicationOutput(
        replication=replication,
        kpis=kpis,
        working_days=WORKING_DAYS,
        wait_histogram=np.zeros(1),
        hourly_wait_sum=np.zeros(24),
        hourly_wait_count=np.zeros(24),
        hourly_queue_area=np.zeros(24),
    )


def waits_only(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
) -> ReplicationOutput:
    """The option halves the mean wait and changes nothing else."""
    return _output(scenario, seed, replication, {"wait_mean_min": 0.5})


def trips_only(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
) -> ReplicationOutput:
    """The option sends nobody home, and changes nothing else."""
    return _output(scenario, seed, replication, {"visitors_sent_home": 0.0})


@pytest.fixture(scope="module")
def scenarios() -> tuple[Scenario, Scenario]:
    base = load_scenario(DAO_XA)
    machines = base.equipment.ticket_machines.model_copy(update={"count": 2})
    option = base.model_copy(
        update={
            "equipment": base.equipment.model_copy(update={"ticket_machines": machines}),
            "scenario": base.scenario.model_copy(update={"name": "option"}),
        }
    )
    return base, option


def _costs() -> CostsSpec:
    return CostsSpec.model_validate(
        {
            "years": 5,
            "discount_rate": 0.0,
            "value_of_hour": 40_000,
            "trip_cost": 50_000,
            "staff_hour": 40_000,
            "overtime_factor": 1.5,
            "working_days_per_year": 250,
            "items": {"ticket_machine": {"price": 30_000_000, "lifetime_years": 5}},
            "purchase": {"ticket_machine": 1},
        }
    )


def _case(scenarios: tuple[Scenario, Scenario], fake) -> tuple:
    options = CompareOptions(seed=3, workers=1, simulate=fake)
    comparison = compare(scenarios[0], [scenarios[1]], 12, ["wait_mean_min"], options)
    return comparison, appraise(comparison, _costs(), draws=2_000, seed=1)


def test_only_waits_change_so_only_waiting_time_has_value(scenarios: tuple[Scenario, Scenario]) -> None:
    comparison, case = _case(scenarios, waits_only)
    lines = {b.name: b for b in case.benefits}
    assert set(lines) == {line.name for line in MONEY_LINES}
    assert np.all(lines["citizen_hours"].per_replication > 0)
    assert np.all(lines["wasted_trips"].per_replication == 0)
    assert np.all(lines["overtime_hours"].per_replication == 0)
    mc = case.monte_carlo
    assert np.all(mc.benefit_per_year["wasted_trips"] == 0) and np.all(
        mc.benefit_per_year["overtime_hours"] == 0
    )
    # the hours saved are half the base's waiting: wait × served counter / 60, per replication
    frame = comparison.base.replications
    expected = 0.5 * frame["wait_mean_min"] * frame["visitors_served_counter"] / 60.0
    np.testing.assert_allclose(lines["citizen_hours"].per_replication, expected.to_numpy(), rtol=1e-12)
    assert lines["citizen_hours"].per_year == pytest.approx(250 / WORKING_DAYS)
    # money per year: the mean hours saved × a year's windows × 40,000 đ
    per_year = float(np.mean(expected)) * 250 / WORKING_DAYS * 40_000
    assert float(np.mean(mc.benefit_per_year["citizen_hours"])) == pytest.approx(per_year, rel=0.02)
    # NPV at the central values: 5 years of that, less the machine (no discounting)
    assert mc.central == pytest.approx(
        5 * float(np.mean(expected)) * 250 / WORKING_DAYS * 40_000 - 30e6, rel=1e-6
    )


def test_only_trips_change_so_only_trips_have_value(scenarios: tuple[Scenario, Scenario]) -> None:
    comparison, case = _case(scenarios, trips_only)
    lines = {b.name: b for b in case.benefits}
    sent_home = comparison.base.replications["visitors_sent_home"].to_numpy()
    np.testing.assert_allclose(lines["wasted_trips"].per_replication, sent_home, rtol=1e-12)
    assert np.all(lines["citizen_hours"].per_replication == 0)
    assert np.all(lines["overtime_hours"].per_replication == 0)


def test_each_money_line_reads_only_its_kpis() -> None:
    """Remove any KPI a line does not name and the line still computes; remove one it names
    and it fails: the line depends on exactly the KPIs it declares."""
    full = dict(BASE_KPIS)
    for line in MONEY_LINES:
        kept = {k: full[k] for k in line.kpis}
        out = ReplicationOutput(0, kept, WORKING_DAYS, np.zeros(1), np.zeros(24), np.zeros(24), np.zeros(24))
        assert math.isfinite(line.amount(out))
        for k in line.kpis:
            less = {x: v for x, v in kept.items() if x != k}
            with pytest.raises(KeyError):
                line.amount(
                    ReplicationOutput(
                        0, less, WORKING_DAYS, np.zeros(1), np.zeros(24), np.zeros(24), np.zeros(24)
                    )
                )


def test_overtime_is_valued_at_the_overtime_rate(scenarios: tuple[Scenario, Scenario]) -> None:
    comparison, _ = _case(scenarios, waits_only)
    costs = _costs().model_copy(update={"staff_hour": certain(40_000), "overtime_factor": 2.0})
    lines = {b.name: b for b in benefits(comparison, costs)}
    assert lines["overtime_hours"].unit_value.central == 80_000
    assert lines["citizen_hours"].unit_value.central == 40_000


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--years", "0"], "--years: must be a positive integer, got 0"),
        (["--years", "31"], "--years: must be from 1 to 30, got 31"),
        (["--draws", "10"], "--draws: must be"),
        (["--replications", "many"], "--replications: must be a positive integer or 'auto', got many"),
        (["--costs", "nowhere.toml"], "nowhere.toml: file not found"),
        ([], "--costs: "),
    ],
)
def test_cli_refuses_bad_flags_and_missing_costs(tmp_path, args: list[str], expected: str) -> None:
    from helpers import ROOT, cli

    option = ROOT / "scenarios" / "dao_xa_2025_two_ticket_machines.toml"
    proc = cli("business-case", DAO_XA, option, *args, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_bad_costs_file_naming_the_key(tmp_path) -> None:
    from helpers import ROOT, cli

    bad = tmp_path / "costs.toml"
    bad.write_text(
        "[costs.items.ticket_machine]\nprice = { low = 5, high = 1 }\nlifetime_years = 5\n", encoding="utf-8"
    )
    option = ROOT / "scenarios" / "dao_xa_2025_two_ticket_machines.toml"
    proc = cli("business-case", DAO_XA, option, "--costs", bad, "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {bad}: costs.items.ticket_machine.price.low: must not exceed high")
    assert not (tmp_path / "out").exists()


def busier_waits_longer(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
) -> ReplicationOutput:
    """Waits grow with visits per day (and nothing else the ranges touch); the option halves them."""
    out = _output(scenario, seed, replication, {"wait_mean_min": 0.5})
    out.kpis["wait_mean_min"] *= scenario.demand.visits_per_day / 58.0
    return out


def test_the_sweep_moves_each_estimate_in_base_and_option(scenarios: tuple[Scenario, Scenario]) -> None:
    """Only visits per day changes the fake's waits: its bar alone has a length, and more visits
    make the option worth more (it halves longer waits)."""
    from sim.business.case import central_case_npv, sweep_estimates

    base, option = scenarios
    assert len(base.estimate_ranges) >= 10
    opts = CompareOptions(seed=3, workers=1, simulate=busier_waits_longer)
    comparison = compare(base, [option], 8, ["wait_mean_min"], opts)
    central = central_case_npv(comparison, _costs())
    result = sweep_estimates(
        base, option, _costs(), lambda b, o: compare(b, [o], 8, ["wait_mean_min"], opts), central
    )
    top = result.bars[0]
    assert top.key == "demand.visits_per_day"
    assert top.at_high > central > top.at_low
    assert all(b.swing == 0 for b in result.bars[1:])
    # the NPV is linear in visits per day here, so the bar's ends are exact
    slope = (central - top.at_low) / (top.value - top.low)
    assert top.at_high == pytest.approx(central + slope * (top.high - top.value), rel=1e-9)
