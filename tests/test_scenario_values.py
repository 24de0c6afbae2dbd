"""Scenario values: non-finite and absurd numbers are refused with one message naming the key."""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.scenario.distributions import CV_MAX, CV_MIN, PARAMETER_MAX, Gamma, LogNormal
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import key_path, parse_scenario, read_document
from sim.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]
DAO_XA = ROOT / "scenarios" / "dao_xa_2025.toml"

Mutation = Callable[[dict[str, Any]], None]


@cache
def _dao_xa() -> dict[str, Any]:
    return read_document(DAO_XA)


def dao_xa() -> dict[str, Any]:
    """A fresh, mutable copy of the bundled document."""
    return copy.deepcopy(_dao_xa())


def put(*path: str | int, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for m in mutations:
            m(data)

    return mutate


def refused(mutate: Mutation) -> ScenarioError:
    data = dao_xa()
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "bad.toml")
    return info.value


def accepted(mutate: Mutation) -> Scenario:
    data = dao_xa()
    mutate(data)
    return parse_scenario(data, "good.toml")


# --- every number is finite --------------------------------------------------------------------


def numeric_leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths of every int and float in a parsed document (booleans are not numbers here)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from numeric_leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from numeric_leaves(v, (*path, i))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path


def test_the_document_has_numbers_everywhere() -> None:
    # Guards the walk below: it must reach tables, lists, dict values and distributions.
    leaves = {key_path(p) for p in numeric_leaves(_dao_xa())}
    assert len(leaves) > 150
    for key in ("demand.visits_per_day", "demand.weekday_factors.mon",
                "demand.hourly_profile[2].weight", "demand.season_profiles.winter[0].weight",
                "procedures[0].documents.values[0]", "procedures[0].documents.weights[5]",
                "equipment.ticket_machines.failures.time_between_min.mean",
                "online.dossiers_per_day", "targets.rules[0].value", "run.seed"):
        assert key in leaves


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 1e308],
                         ids=["inf", "-inf", "nan", "1e308"])
def test_every_number_refuses_non_finite_and_absurd_values(bad: float) -> None:
    wrong = []
    for path in numeric_leaves(_dao_xa()):
        try:
            accepted(put(*path, value=bad))
        except ScenarioError as err:
            if err.key != key_path(path) or f"got {bad!r}" not in err.message:
                wrong.append(f"{key_path(path)} -> {err.key}: {err.message}")
        else:
            wrong.append(f"{key_path(path)} = {bad!r} was accepted")
    assert wrong == []


# --- bounds: (id, mutation, key, exact message) --------------------------------------------------

def _staff(n: int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["staff"] = [dict(data["staff"][2], id=f"s{i}", counter=i % 999 + 1) for i in range(n)]

    return mutate


def _backlog(**counts: int) -> Mutation:
    return both(put("back_office", "start", value="backlog"),
                put("back_office", "initial_backlog", value=counts))


CENTRE = "more than any commune centre"
DAY = "a whole day; no visit or task at the centre takes longer"
BOUNDS: list[tuple[str, Mutation, str, str]] = [
    ("visits inf", put("demand", "visits_per_day", value=math.inf),
     "demand.visits_per_day", "Input should be a finite number (got inf)"),
    ("visits nan", put("demand", "visits_per_day", value=math.nan),
     "demand.visits_per_day", "Input should be a finite number (got nan)"),
    ("weekday factor inf", put("demand", "weekday_factors", "mon", value=math.inf),
     "demand.weekday_factors.mon", "Input should be a finite number (got inf)"),
    ("online inf", put("online", "dossiers_per_day", value=math.inf),
     "online.dossiers_per_day", "Input should be a finite number (got inf)"),
    ("hourly weight inf", put("demand", "hourly_profile", 2, "weight", value=math.inf),
     "demand.hourly_profile[2].weight", "Input should be a finite number (got inf)"),
    ("service mean inf", put("procedures", 0, "service_min", "mean", value=math.inf),
     "procedures[0].service_min.mean", "Input should be a finite number (got inf)"),
    ("work mean inf", put("procedures", 1, "work_min", "mean", value=math.inf),
     "procedures[1].work_min.mean", "Input should be a finite number (got inf)"),
    ("repair mean inf",
     put("equipment", "ticket_machines", "failures", "repair_min", "mean", value=math.inf),
     "equipment.ticket_machines.failures.repair_min.mean", "Input should be a finite number (got inf)"),
    ("help mean inf", put("support_team", "help_min", "mean", value=math.inf),
     "support_team.help_min.mean", "Input should be a finite number (got inf)"),
    ("target nan", put("targets", "rules", 0, "value", value=math.nan),
     "targets.rules[0].value", "Input should be a finite number (got nan)"),
    ("target inf", put("targets", "rules", 1, "value", value=-math.inf),
     "targets.rules[1].value", "Input should be a finite number (got -inf)"),
    ("visits 1e7", put("demand", "visits_per_day", value=1e7),
     "demand.visits_per_day", f"must be at most 5000 ({CENTRE} receives), got 10000000.0"),
    ("visits 1e308", put("demand", "visits_per_day", value=1e308),
     "demand.visits_per_day", f"must be at most 5000 ({CENTRE} receives), got 1e+308"),
    ("online 1e6", put("online", "dossiers_per_day", value=1e6),
     "online.dossiers_per_day", f"must be at most 5000 ({CENTRE} receives), got 1000000.0"),
    ("weekday factor 1e3", put("demand", "weekday_factors", "fri", value=1e3),
     "demand.weekday_factors.fri", "must be at most 10 (ten average days), got 1000.0"),
    ("ticket machines 10**9", put("equipment", "ticket_machines", "count", value=10**9),
     "equipment.ticket_machines.count", f"must be at most 20 ({CENTRE} has), got 1000000000"),
    ("lookup pcs 10**6", put("equipment", "lookup_pcs", "count", value=10**6),
     "equipment.lookup_pcs.count", f"must be at most 20 ({CENTRE} has), got 1000000"),
    ("10000 staff", _staff(10_000),
     "staff", f"must list at most 100 staff ({CENTRE} employs), got 10000"),
    ("support team 10**8", put("support_team", "members", value=10**8),
     "support_team.members", f"must be at most 50 ({CENTRE}'s support team), got 100000000"),
    ("backlog 10**8", _backlog(land=10**8),
     "back_office.initial_backlog.land",
     f"must be at most 100000 ({CENTRE} has in progress), got 100000000"),
    ("backlog 120000 in all", _backlog(land=40_000, social=40_000, business=40_000),
     "back_office.initial_backlog",
     f"must be at most 100000 dossiers in all ({CENTRE} has in progress), got 120000"),
    ("200-year window",
     both(put("calendar", "use_holiday_table", value=False),
          put("calendar", "end", value=dt.date(2225, 8, 25))),
     "calendar.end", "the window must be at most 1827 days (five years; a longer experiment is not "
     "a planning question), got 73104 days from 2025-07-01 to 2225-08-25"),
    ("lognormal cv 1e200", put("procedures", 0, "service_min", "cv", value=1e200),
     "procedures[0].service_min.cv",
     "must be at most 10 (a spread far wider than any observed time), got 1e+200"),
    ("gamma cv 1e-200",
     put("procedures", 0, "service_min", value={"dist": "gamma", "mean": 6.0, "cv": 1e-200}),
     "procedures[0].service_min.cv",
     'must be at least 0.01 (for less spread use dist = "deterministic"), got 1e-200'),
    ("service mean 1e5", put("procedures", 0, "service_min", "mean", value=1e5),
     "procedures[0].service_min.mean", f"must be at most 1440 minutes ({DAY}), got 100000.0"),
    ("help uniform high 1e4", put("support_team", "help_min",
                                  value={"dist": "uniform", "low": 10.0, "high": 1e4}),
     "support_team.help_min.high", f"must be at most 1440 minutes ({DAY}), got 10000.0"),
    ("work mean 1e5", put("procedures", 1, "work_min", "mean", value=1e5),
     "procedures[1].work_min.mean", "must be at most 4800 minutes (ten working days of one "
     "worker's full attention on one dossier), got 100000.0"),
    ("documents 1e4", put("procedures", 0, "documents", "values", 5, value=1e4),
     "procedures[0].documents.values[5]",
     "must be at most 500 documents (more than any visit brings), got 10000.0"),
    ("supply days 1000", put("procedures", 5, "supply_days", "high", value=1000.0),
     "procedures[5].supply_days.high", "must be at most 365 working days (more than a year), got 1000.0"),
    ("time between failures 1e7",
     put("equipment", "ticket_machines", "failures", "time_between_min", "mean", value=1e7),
     "equipment.ticket_machines.failures.time_between_min.mean",
     "must be at most 1000000 minutes (about 2,000 working days of operation; leave `failures` "
     "out for a machine that does not break down), got 10000000.0"),
    ("deterministic time between failures 0",
     put("equipment", "ticket_machines", "failures", "time_between_min",
         value={"dist": "deterministic", "value": 0.0}),
     "equipment.ticket_machines.failures.time_between_min.value",
     "the mean must be at least 1 minute (a machine that fails again as soon as it is repaired "
     "never works), got 0.0"),
    ("procedure share 1e7", put("procedures", 0, "share", value=1e7),
     "procedures[0].share",
     "must be at most 1000000 (weights are relative, only their ratios matter), got 10000000.0"),
    ("empirical weight 1e308", put("procedures", 0, "documents", "weights", 0, value=1e308),
     "procedures[0].documents.weights[0]",
     "must be at most 10000000 (no duration, count or weight in a centre comes near it), got 1e+308"),
    ("cut-off 1e4", put("policies", "ticket_cutoff_min", value=1e4),
     "policies.ticket_cutoff_min", "must be at most 1440 minutes (a whole day), got 10000.0"),
    ("overtime 1e4", put("back_office", "overtime_limit_min", value=1e4),
     "back_office.overtime_limit_min",
     "must be at most 720 minutes (half a day after closing), got 10000.0"),
    ("counter 10**4", put("staff", 0, "counter", value=10**4),
     "staff[0].counter", "must be at most 999 (counter numbers have three digits), got 10000"),
    ("target 1e10", put("targets", "rules", 0, "value", value=1e10),
     "targets.rules[0].value",
     "must be between -1000000000 and 1000000000 (no KPI reaches it), got 10000000000.0"),
    ("paper roll 10**9", put("equipment", "ticket_machines", "paper", "tickets_per_roll", value=10**9),
     "equipment.ticket_machines.paper.tickets_per_roll",
     "must be at most 100000 (longer than any paper roll), got 1000000000"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "key", "message"),
                         [pytest.param(m, k, msg, id=name) for name, m, k, msg in BOUNDS])
def test_non_finite_and_absurd_values_are_refused(mutate: Mutation, key: str, message: str) -> None:
    err = refused(mutate)
    assert (err.key, err.message) == (key, message)


@pytest.mark.parametrize("cv", [CV_MIN, 1.0, CV_MAX])
@pytest.mark.parametrize("mean", [1e-9, 1.0, PARAMETER_MAX])
def test_distribution_parameters_stay_finite_within_the_bounds(mean: float, cv: float) -> None:
    rng = np.random.default_rng(1)
    for dist in (LogNormal(dist="lognormal", mean=mean, cv=cv), Gamma(dist="gamma", mean=mean, cv=cv)):
        x = dist.sample(rng, 200)
        assert np.isfinite(x).all() and (x >= 0).all()
        assert math.isfinite(dist.scv)
