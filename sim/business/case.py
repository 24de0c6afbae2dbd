"""A business case: what an option (a machine, a kiosk, a post, a session) returns in đồng a year.

The base and the option run with common random numbers (`sim.decide.compare`), so replication r
of both sees the same citizens; each money line is a *paired* difference per replication —
base minus option, positive when the option saves it — of a quantity the model counts:

- citizens' hours waited for the counter: mean wait × visits served at a counter;
- wasted trips: visitors sent home at closing, who gave up waiting, or who left on seeing the queue
  (each came for nothing and must come back);
- staff overtime hours: overtime minutes per working day × working days.

Each line is scaled from the simulated window to a year (working days per year ÷ the window's
working days) and valued with the costs table (`sim.scenario.costs`); the Monte Carlo
(`sim.business.montecarlo`) draws every uncertain cost and value and, by resampling the
replications, the simulation's own uncertainty, into one distribution of the net present value.
Late dossiers, apology slips and the 766 progress score are reported beside the money, never
turned into it: no rule says what a late dossier costs.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from sim.business.montecarlo import (
    Benefit,
    MonteCarlo,
    OptionCost,
    central_npv,
    option_costs,
    simulate_npv,
    switching_values,
)
from sim.decide.comparison import Comparison
from sim.decide.comparison import write_files as write_comparison_files
from sim.experiment.folders import save_with_writers
from sim.experiment.results import Results, csv_cell, package_version, write_json
from sim.experiment.screening import Screening, morris
from sim.experiment.sensitivity import Sensitivity, estimate_effects, sweep
from sim.model.output import ReplicationOutput
from sim.scenario.costs import CostsSpec
from sim.scenario.loader import parse_scenario
from sim.scenario.ranges import value_at, with_value
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import Uncertain


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """One quantity the option may save, how to count it in a replication and what a unit is worth."""

    name: str
    unit: str
    kpis: tuple[str, ...]
    """The KPIs the quantity is computed from (and nothing else: a test checks it)."""
    amount: Callable[[ReplicationOutput], float]
    value: Callable[[CostsSpec], Uncertain]


def _hours_waited(o: ReplicationOutput) -> float:
    return o.kpis["wait_mean_min"] * o.kpis["visitors_served_counter"] / 60.0


def _wasted_trips(o: ReplicationOutput) -> float:
    return o.kpis["visitors_sent_home"] + o.kpis["visitors_reneged"] + o.kpis["visitors_balked"]


def _overtime_hours(o: ReplicationOutput) -> float:
    return o.kpis["overtime_min_per_day"] * o.working_days / 60.0


MONEY_LINES: tuple[MoneyLine, ...] = (
    MoneyLine(
        "citizen_hours",
        "hours",
        ("wait_mean_min", "visitors_served_counter"),
        _hours_waited,
        lambda c: c.value_of_hour,
    ),
    MoneyLine(
        "wasted_trips",
        "trips",
        ("visitors_sent_home", "visitors_reneged", "visitors_balked"),
        _wasted_trips,
        lambda c: c.trip_cost,
    ),
    MoneyLine(
        "overtime_hours",
        "hours",
        ("overtime_min_per_day",),
        _overtime_hours,
        lambda c: c.staff_hour.scaled(c.overtime_factor),
    ),
)
"""Every money line of a business case, in the order reports show them."""

REPORTED_KPIS: tuple[str, ...] = ("late_dossiers", "apology_slips", "score_progress_766", "on_time_rate")
"""Quality shown beside the money, never turned into it."""


def _amounts(results: Results, line: MoneyLine) -> np.ndarray:
    values = []
    for o in results.outputs:
        x = line.amount(o)
        values.append(0.0 if x != x else x)  # NaN (no visits of that kind): nothing saved
    return np.asarray(values, dtype=float)


def benefits(
    comparison: Comparison, costs: CostsSpec, lines: Sequence[MoneyLine] = MONEY_LINES
) -> list[Benefit]:
    """The paired differences (base − option) of each money line, per replication, valued."""
    base, option = comparison.base, comparison.alternatives[0]
    if base.n_replications != option.n_replications:
        raise ValueError("base and option ran different numbers of replications")
    days = float(np.mean([o.working_days for o in base.outputs]))
    per_year = costs.working_days_per_year / days if days > 0 else 0.0
    return [
        Benefit(
            name=line.name,
            per_replication=_amounts(base, line) - _amounts(option, line),
            unit_value=line.value(costs),
            per_year=per_year,
        )
        for line in lines
    ]


CaseWriter = Callable[["BusinessCase", Path], object]

CASE_COLUMNS: tuple[str, ...] = (
    "line",
    "kind",
    "unit",
    "quantity_per_year",
    "unit_value",
    "money_per_year_mean",
    "money_per_year_p05",
    "money_per_year_p95",
)
"""case.csv: one row per money line (kind "benefit": what the option saves a year) and per
purchased item (kind "cost": its equivalent yearly cost at central values is in meta.json)."""


@dataclass(frozen=True, eq=False)
class BusinessCase:
    """A comparison turned into money: the lines, the costs, the Monte Carlo and the switching
    values. `save(folder)` writes a new results folder (never overwrites)."""

    comparison: Comparison
    costs: CostsSpec
    benefits: tuple[Benefit, ...]
    option_costs: tuple[OptionCost, ...]
    monte_carlo: MonteCarlo
    switching: dict[str, float | None]
    sensitivity: Sensitivity | None = None
    """The one-at-a-time sweep of the ranged estimates (`--sensitivity`), or None."""
    simulation_only: MonteCarlo | None = None
    """With a sweep, the Monte Carlo before the estimates' uncertainty was added (`monte_carlo`
    then holds both); None without one."""
    writers: tuple[CaseWriter, ...] = ()
    comparison_writers: tuple[Callable[[Comparison, Path], object], ...] = ()

    @property
    def base(self) -> Results:
        return self.comparison.base

    @property
    def option(self) -> Results:
        return self.comparison.alternatives[0]

    def quality(self) -> dict[str, tuple[float, float, float]]:
        """The reported, unpriced KPIs: option − base (mean, CI low, CI high), paired."""
        out = {}
        for kpi in REPORTED_KPIS:
            row = self.comparison.row(self.option.scenario.name, kpi)
            if row is not None:
                out[kpi] = (row.difference, row.diff_ci_low, row.diff_ci_high)
        return out

    def rows(self) -> list[list[object]]:
        mc = self.monte_carlo
        out: list[list[object]] = []
        for b in self.benefits:
            money = mc.benefit_per_year[b.name]
            out.append(
                [
                    b.name,
                    "benefit",
                    _unit(b.name),
                    float(np.mean(b.per_replication)) * b.per_year,
                    b.unit_value.central,
                    float(np.mean(money)),
                    float(np.quantile(money, 0.05)),
                    float(np.quantile(money, 0.95)),
                ]
            )
        for c in self.option_costs:
            out.append([c.name, "cost", "items", float(c.count), c.price.central, None, None, None])
        return out

    def meta(self) -> dict[str, object]:
        mc = self.monte_carlo
        return {
            "package": "centre-sim",
            "version": package_version(),
            "base": self.base.scenario.name,
            "option": self.option.scenario.name,
            "replications": self.base.n_replications,
            "seed": self.base.seed,
            "common_random_numbers": True,
            "draws": mc.draws,
            "draws_seed": mc.seed,
            "years": self.costs.years,
            "npv_central": mc.central,
            "npv_mean": mc.mean,
            "npv_p05": mc.p05,
            "npv_p95": mc.p95,
            "p_pays_off": mc.p_positive,
            "payback_years_central": mc.payback_years_central,
            "equivalent_annual_cost_mean": float(np.mean(mc.cost_per_year)),
            "switching_values": self.switching,
            "quality": {k: list(v) for k, v in self.quality().items()},
            "sensitivity": None
            if self.sensitivity is None
            else {
                "decision": "npv_central",
                "central": self.sensitivity.central,
                "holds": self.sensitivity.holds,
                "bars": [
                    {
                        "key": b.key,
                        "value": b.value,
                        "low": b.low,
                        "high": b.high,
                        "npv_at_low": b.at_low,
                        "npv_at_high": b.at_high,
                        "flip": b.flip,
                    }
                    for b in self.sensitivity.bars
                ],
                "npv_mean_simulation_only": None
                if self.simulation_only is None
                else self.simulation_only.mean,
                "p_pays_off_simulation_only": None
                if self.simulation_only is None
                else self.simulation_only.p_positive,
            },
            "command_line": list(sys.argv),
        }

    def save(self, folder: str | Path) -> Path:
        """case.csv, npv_draws.csv, costs.toml, meta.json and the comparison's own folder."""

        return save_with_writers(folder, self, self.write_files, self.writers)

    def write_files(self, folder: Path) -> None:
        with (folder / "case.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(CASE_COLUMNS)
            for row in self.rows():
                out.writerow([csv_cell(v) for v in row])
        with (folder / "npv_draws.csv").open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(("draw", "npv_vnd"))
            for i, v in enumerate(self.monte_carlo.npv):
                out.writerow((i, csv_cell(float(v))))
        (folder / "costs.toml").write_text(
            "# The costs table as used (every default filled in).\n\n"
            + tomli_w.dumps({"costs": self.costs.model_dump(mode="python")}),
            encoding="utf-8",
        )
        write_json(folder / "meta.json", self.meta())
        sub = folder / COMPARISON_DIR
        sub.mkdir()
        write_comparison_files(self.comparison, sub)
        for writer in self.comparison_writers:
            writer(self.comparison, sub)


COMPARISON_DIR = "comparison"


def _unit(line: str) -> str:
    return next(m.unit for m in MONEY_LINES if m.name == line)


def appraise(comparison: Comparison, costs: CostsSpec, *, draws: int = 10_000, seed: int = 0) -> BusinessCase:
    """The business case of `comparison.alternatives[0]` against `comparison.base`."""
    lines = tuple(benefits(comparison, costs))
    priced = tuple(option_costs(costs))
    mc = simulate_npv(lines, priced, costs.years, costs.discount_rate, draws=draws, seed=seed)
    switching = switching_values(lines, priced, costs.years, costs.discount_rate)
    return BusinessCase(comparison, costs, lines, priced, mc, switching)


def central_case_npv(comparison: Comparison, costs: CostsSpec) -> float:
    """The NPV with every cost and value at its central figure and the mean paired differences."""
    return central_npv(benefits(comparison, costs), option_costs(costs), costs.years, costs.discount_rate)


def sweep_estimates(
    base: Scenario,
    option: Scenario,
    costs: CostsSpec,
    run_pair: Callable[[Scenario, Scenario], Comparison],
    central: float,
) -> Sensitivity:
    """Each ranged estimate of the base at its low and high end, in base and option alike (the
    option keeps its own value where it sets the key differently), the NPV at central costs."""
    base_doc, option_doc = base.model_dump(mode="python"), option.model_dump(mode="python")

    def evaluate(key: str, value: float) -> float:
        b = parse_scenario(with_value(base_doc, key, value), f"<{base.name}: {key} = {value:g}>")
        try:
            same = value_at(option_doc, key) == value_at(base_doc, key)
        except KeyError:
            same = False
        o = (
            parse_scenario(with_value(option_doc, key, value), f"<{option.name}: {key} = {value:g}>")
            if same
            else option
        )
        return central_case_npv(run_pair(b, o), costs)

    return sweep(base.estimate_ranges, evaluate, central)


def screen_estimates(
    base: Scenario,
    option: Scenario,
    costs: CostsSpec,
    run_pair: Callable[[Scenario, Scenario], Comparison],
    *,
    trajectories: int = 4,
    levels: int = 4,
    seed: int = 0,
) -> Screening:
    """Morris screening of the central NPV over every ranged estimate of the base at once
    (`sim.experiment.screening`): (k + 1) × trajectories comparisons under the same seed. For
    researchers; the leader's answer uses the one-at-a-time sweep."""
    base_doc, option_doc = base.model_dump(mode="python"), option.model_dump(mode="python")

    def moved(doc: dict[str, Any], values: Mapping[str, float], own: dict[str, Any] | None) -> dict[str, Any]:
        for key, value in values.items():
            if own is not None:  # the option keeps a value it sets itself
                try:
                    if value_at(own, key) != value_at(base_doc, key):
                        continue
                except KeyError:
                    continue
            doc = with_value(doc, key, value)
        return doc

    def evaluate(values: Mapping[str, float]) -> float:
        b = parse_scenario(moved(base_doc, values, None), f"<{base.name}: screening>")
        o = parse_scenario(moved(option_doc, values, option_doc), f"<{option.name}: screening>")
        return central_case_npv(run_pair(b, o), costs)

    return morris(base.estimate_ranges, evaluate, trajectories=trajectories, levels=levels, seed=seed)


def with_estimates(mc: MonteCarlo, sensitivity: Sensitivity) -> MonteCarlo:
    """The Monte Carlo with each ranged estimate's effect (drawn within its range) added to every
    NPV draw (`sim.experiment.sensitivity.estimate_effects`)."""
    npv = mc.npv + estimate_effects(sensitivity, mc.draws, mc.seed)
    return dataclasses.replace(
        mc,
        npv=npv,
        mean=float(np.mean(npv)),
        p05=float(np.quantile(npv, 0.05)),
        p95=float(np.quantile(npv, 0.95)),
        p_positive=float(np.mean(npv > 0)),
    )


__all__ = [
    "MONEY_LINES",
    "REPORTED_KPIS",
    "BusinessCase",
    "MoneyLine",
    "appraise",
    "benefits",
    "central_case_npv",
    "option_costs",
    "screen_estimates",
    "sweep_estimates",
    "with_estimates",
]
