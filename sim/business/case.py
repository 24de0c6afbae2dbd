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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.business.montecarlo import (
    Benefit,
    MonteCarlo,
    OptionCost,
    option_costs,
    simulate_npv,
    switching_values,
)
from sim.decide.comparison import Comparison
from sim.experiment.results import Results
from sim.model.output import ReplicationOutput
from sim.scenario.costs import CostsSpec
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


@dataclass(frozen=True)
class BusinessCase:
    """A comparison turned into money: the lines, the costs, the Monte Carlo and the switching
    values."""

    comparison: Comparison
    costs: CostsSpec
    benefits: tuple[Benefit, ...]
    option_costs: tuple[OptionCost, ...]
    monte_carlo: MonteCarlo
    switching: dict[str, float | None]


def appraise(comparison: Comparison, costs: CostsSpec, *, draws: int = 10_000, seed: int = 0) -> BusinessCase:
    """The business case of `comparison.alternatives[0]` against `comparison.base`."""
    lines = tuple(benefits(comparison, costs))
    priced = tuple(option_costs(costs))
    mc = simulate_npv(lines, priced, costs.years, costs.discount_rate, draws=draws, seed=seed)
    switching = switching_values(lines, priced, costs.years, costs.discount_rate)
    return BusinessCase(comparison, costs, lines, priced, mc, switching)


__all__ = [
    "MONEY_LINES",
    "REPORTED_KPIS",
    "BusinessCase",
    "MoneyLine",
    "appraise",
    "benefits",
    "option_costs",
]
