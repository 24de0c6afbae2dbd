"""Scenario values: non-finite and absurd numbers, shares that do not sum to 1, duplicates, targets
that can never be evaluated, hours that can never work — refused with one message naming the key —
and the inputs a real centre might mean, accepted with a warning (printed, and in summary.json)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
from helpers import Mutation, cli, put

from sim.scenario.checks import EARLY_ARRIVAL_MIN
from sim.scenario.distributions import CV_MAX, CV_MIN, PARAMETER_MAX, Gamma, LogNormal
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import key_path, parse_scenario, read_document
from sim.scenario.schema import Scenario
from sim.scenario.warnings import scenario_warnings

ROOT = Path(__file__).parents[1]
DAO_XA = ROOT / "scenarios" / "dao_xa_2025.toml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))


@cache
def _dao_xa() -> dict[str, Any]:
    return read_document(DAO_XA)


def dao_xa() -> dict[str, Any]:
    """A fresh, mutable copy of the bundled document."""
    return copy.deepcopy(_dao_xa())


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
    for key in (
        "demand.visits_per_day",
        "demand.weekday_factors.mon",
        "demand.hourly_profile[2].weight",
        "demand.season_profiles.winter[0].weight",
        "procedures[0].documents.values[0]",
        "procedures[0].documents.weights[5]",
        "equipment.ticket_machines.failures.time_between_min.mean",
        "online.dossiers_per_day",
        "targets.rules[0].value",
        "run.seed",
    ):
        assert key in leaves


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 1e308], ids=["inf", "-inf", "nan", "1e308"])
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
    return both(
        put("back_office", "start", value="backlog"), put("back_office", "initial_backlog", value=counts)
    )


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


@pytest.mark.parametrize(
    ("mutate", "key", "message"), [pytest.param(m, k, msg, id=name) for name, m, k, msg in BOUNDS]
)
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


# --- inputs that can never be meant: (id, mutation, key, exact message) -------------------------


def _profile(*blocks: tuple[str, str]) -> Mutation:
    return put("demand", "hourly_profile", value=[{"start": a, "end": b, "weight": 1.0} for a, b in blocks])


SUMMER_TUE = "2025-07-01 (tue, open 07:00–11:30, 13:30–17:00)"
REFUSED: list[tuple[str, Mutation, str, str]] = [
    ("purpose shares sum to 1.24", put("demand", "purposes", "submit", "share", value=0.90),
     "demand.purposes", "the purpose shares must sum to 1 (within 0.01); they sum to 1.24 (submit "
     "0.9 + collect 0.14 + enquiry 0.11 + online_help 0.05 + lookup 0.04)"),
    ("purpose shares sum to 1.99",
     both(put("demand", "purposes", "collect", "share", value=0.89),
          put("demand", "purposes", "enquiry", "share", value=0.35)),
     "demand.purposes", "the purpose shares must sum to 1 (within 0.01); they sum to 1.99 (submit "
     "0.66 + collect 0.89 + enquiry 0.35 + online_help 0.05 + lookup 0.04)"),
    ("purpose shares sum to 0.9", put("demand", "purposes", "lookup", "share", value=0.0),
     "demand.purposes", "the purpose shares must sum to 1 (within 0.01); they sum to 0.96 (submit "
     "0.66 + collect 0.14 + enquiry 0.11 + online_help 0.05 + lookup 0)"),
    ("two pools with one id", put("back_office", "pools", 1, "id", value="econ_dept"),
     "back_office.pools[1].id", "pool id 'econ_dept' is used twice; ids must be unique"),
    ("two sessions of a season with one name",
     put("calendar", "seasons", 0, "sessions", 1, "name", value="morning"),
     "calendar.seasons[0].sessions[1].name",
     "session name 'morning' is used twice (sessions[0] and [1]); each must differ"),
    ("two Saturday sessions with one name",
     put("calendar", "saturday_sessions", value=[{"name": "am", "start": "07:30", "end": "09:00"},
                                                 {"name": "am", "start": "09:30", "end": "11:00"}]),
     "calendar.saturday_sessions[1].name",
     "session name 'am' is used twice (saturday_sessions[0] and [1]); each must differ"),
    ("two seasons with one name", put("calendar", "seasons", 1, "name", value="summer"),
     "calendar.seasons[1].name",
     "season name 'summer' is used twice (seasons[0] and [1]); each must differ"),
    ("two staff at one counter", put("staff", 3, "counter", value=1),
     "staff[3].counter", "counter 1 is already taken by 'spec_cert' (staff[2]); each member of "
     "staff has a counter of their own"),
    ("breakdown by a field that does not exist", put("targets", "rules", 0, "kpi",
                                                     value="wait_mean_min.nofield"),
     "targets.rules[0].kpi", "'nofield' is not a field id (breakdown wait_mean_min.<field id>); "
     "allowed: certification, civil_status, land, social, business, other"),
    ("breakdown of a KPI that has none", put("targets", "rules", 0, "kpi", value="visitors_arrived.x"),
     "targets.rules[0].kpi", "'visitors_arrived' has no breakdown; breakdowns exist by staff id for "
     "staff_utilisation, staff_busy_share, staff_busy_counter_share, staff_busy_back_office_share, "
     "staff_busy_manual_share; by ticket machine number for ticket_machine_out_min; by field id for "
     "wait_mean_min, wait_p90_min, dossiers_received, on_time_rate, early_rate, late_dossiers, "
     "processing_days_mean"),
    ("machine breakdown by a number that is no machine",
     put("targets", "rules", 0, "kpi", value="ticket_machine_out_min.2"),
     "targets.rules[0].kpi", "'2' is not a ticket machine number (breakdown "
     "ticket_machine_out_min.<n>); allowed: 1"),
    ("staff busy share by a field id", put("targets", "rules", 0, "kpi", value="staff_busy_share.land"),
     "targets.rules[0].kpi", "'land' is not a staff id (breakdown staff_busy_share.<staff id>); "
     "allowed: director, deputy, spec_cert, spec_civil, spec_land, spec_social, spec_business"),
    ("staff breakdown by a field id", put("targets", "rules", 0, "kpi", value="staff_utilisation.land"),
     "targets.rules[0].kpi", "'land' is not a staff id (breakdown staff_utilisation.<staff id>); "
     "allowed: director, deputy, spec_cert, spec_civil, spec_land, spec_social, spec_business"),
    ("every arrival block outside opening hours", _profile(("05:00", "06:00"), ("17:30", "19:00")),
     "demand.hourly_profile", "no block with a positive weight falls between 06:30 and 17:00 "
     f"(opening hours, arrivals up to 30 minutes early) on {SUMMER_TUE}, so nobody would ever "
     "arrive that day; move the blocks into opening hours"),
    ("no arrival block on Saturday mornings",
     both(put("calendar", "saturday_sessions", value=[{"name": "sat", "start": "07:30",
                                                       "end": "11:30"}]),
          _profile(("13:30", "17:00"))),
     "demand.hourly_profile", "no block with a positive weight falls between 07:00 and 11:30 "
     "(opening hours, arrivals up to 30 minutes early) on 2025-07-05 (sat, open 07:30–11:30), so "
     "nobody would ever arrive that day; move the blocks into opening hours"),
    ("support team only when the centre is closed",
     put("support_team", "hours", value=[{"name": "lunch", "start": "11:30", "end": "13:30"},
                                         {"name": "evening", "start": "17:30", "end": "19:00"}]),
     "support_team.hours", "the team's hours (11:30–13:30, 17:30–19:00) fall outside opening hours "
     f"on every day it works, e.g. {SUMMER_TUE}, so it would never meet a visitor"),
    ("sign-off only over lunch, not at close",
     both(put("back_office", "sign_off", "times", value=["12:00", "12:30"]),
          put("back_office", "sign_off", "at_close", value=False)),
     "back_office.sign_off.times", "no signing time (12:00, 12:30) falls inside a session on any "
     f"working day, e.g. {SUMMER_TUE}, and at_close = false, so results that need a signature "
     "would never be signed; move a time into a session or set at_close = true"),
    ("online profile with no weight",
     put("online", "hourly_profile", value=[{"start": "06:00", "end": "23:00", "weight": 0.0}]),
     "online.hourly_profile", "at least one block must have a positive weight"),
    ("online profile blocks overlap",
     put("online", "hourly_profile", value=[{"start": "06:00", "end": "23:00", "weight": 1.0},
                                            {"start": "07:00", "end": "08:00", "weight": 1.0}]),
     "online.hourly_profile", "block 07:00-08:00 overlaps 06:00-23:00; list in time order"),
    ("online profile peaked in one minute",
     both(put("online", "dossiers_per_day", value=5000.0),
          put("online", "hourly_profile", value=[{"start": "00:00", "end": "00:01", "weight": 1e6},
                                                 {"start": "06:00", "end": "23:00", "weight": 1.0}])),
     "online.hourly_profile", "the block 00:00–00:01 would bring 4994.9 dossiers a minute "
     "(dossiers_per_day spread over the blocks by weight); at most 10 a minute (more than any "
     "commune centre receives online): spread the blocks wider"),
    ("online dossiers but no procedure filed online",
     lambda data: [p.__setitem__("online_weight", 0.0) for p in data["procedures"]],
     "online.dossiers_per_day", "3 dossiers a day are filed online but every procedure has "
     "online_weight = 0; give one a positive online_weight or set dossiers_per_day = 0"),
    ("ticket cut-off as long as every session", put("policies", "ticket_cutoff_min", value=270.0),
     "policies.ticket_cutoff_min", "a cut-off of 270 minutes is not shorter than any session (the "
     "longest lasts 270 minutes), so the machines would never issue a number; it must be below 270"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "key", "message"), [pytest.param(m, k, msg, id=name) for name, m, k, msg in REFUSED]
)
def test_inputs_that_cannot_be_meant_are_refused(mutate: Mutation, key: str, message: str) -> None:
    err = refused(mutate)
    assert (err.key, err.message) == (key, message)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(put("demand", "purposes", "submit", "share", value=0.665), id="sum 1.005"),
        pytest.param(put("demand", "purposes", "submit", "share", value=0.651), id="sum 0.991"),
        pytest.param(
            put("targets", "rules", 0, "kpi", value="staff_utilisation.spec_cert"), id="staff breakdown"
        ),
        pytest.param(put("targets", "rules", 0, "kpi", value="on_time_rate.land"), id="field breakdown"),
        pytest.param(put("procedures", 0, "share", value=1e6), id="procedure weights at the bound"),
        pytest.param(put("online", "dossiers_per_day", value=5000.0), id="5000 online a day"),
    ],
)
def test_near_misses_are_accepted(mutate: Mutation) -> None:
    assert scenario_warnings(accepted(mutate)) == ()


def test_early_arrivals_match_the_model() -> None:
    from sim.model.demand import EARLY_ARRIVAL_MIN as MODEL_EARLY

    assert EARLY_ARRIVAL_MIN == MODEL_EARLY


# --- warnings: accepted, but said ---------------------------------------------------------------

WARNED: list[tuple[str, Mutation, tuple[str, ...]]] = [
    ("cut-off without a ticket machine",
     both(put("policies", "ticket_cutoff_min", value=15.0),
          put("equipment", "ticket_machines", "count", value=0),
          put("equipment", "ticket_machines", "manual_staff", value=None)),
     ("policies.ticket_cutoff_min: the cut-off applies to the ticket machines and "
      "equipment.ticket_machines.count = 0, so it changes nothing",)),
    ("cut-off as long as the afternoon", put("policies", "ticket_cutoff_min", value=210.0),
     (f"policies.ticket_cutoff_min: on {SUMMER_TUE} a session of 210 minutes is not longer than "
      "the cut-off of 210 minutes, so no number is issued in it",)),
    ("support team partly outside opening hours",
     put("support_team", "hours", value=[{"name": "m", "start": "07:00", "end": "12:30"}]),
     (f"support_team.hours[0]: 07:00–12:30 is 60 minutes outside opening hours on {SUMMER_TUE}; "
      "the team counts as present (and idle) then, which lowers support_team_utilisation",)),
    ("a signing time over lunch", put("back_office", "sign_off", "times", value=["12:00", "16:00"]),
     ("back_office.sign_off.times[0]: 12:00 falls inside no session on any working day of the "
      "window, so nobody ever signs then",)),
    ("a backlog with start = empty", put("back_office", "initial_backlog", value={"land": 12}),
     ('back_office.initial_backlog: ignored because back_office.start = "empty"; set start = '
      '"backlog" to start with these dossiers in progress',)),
    ("a backlog of a field finished on the spot",
     both(put("back_office", "start", value="backlog"),
          put("back_office", "initial_backlog", value={"certification": 5, "land": 12})),
     ("back_office.initial_backlog.certification: every procedure of field 'certification' is "
      "on_the_spot, so these 5 dossiers are ignored",)),
]  # fmt: skip


def _drop_none(data: dict[str, Any]) -> None:
    tm = data["equipment"]["ticket_machines"]
    if tm.get("manual_staff", "") is None:
        del tm["manual_staff"]


@pytest.mark.parametrize(("mutate", "expected"), [pytest.param(m, w, id=name) for name, m, w in WARNED])
def test_what_a_centre_might_mean_is_accepted_with_a_warning(
    mutate: Mutation, expected: tuple[str, ...]
) -> None:
    assert scenario_warnings(accepted(both(mutate, _drop_none))) == expected


def test_dossier_target_without_a_back_office_warns() -> None:
    def no_back_office(data: dict[str, Any]) -> None:
        del data["back_office"]

    assert scenario_warnings(accepted(no_back_office)) == (
        "targets.rules[2].kpi: 'on_time_rate' is reported only with a [back_office] table, so this "
        "target stays undecided",
    )


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_scenarios_have_no_warnings(path: Path) -> None:
    assert scenario_warnings(parse_scenario(read_document(path), str(path))) == ()


def test_warnings_do_not_change_the_scenario() -> None:
    s = accepted(put("policies", "ticket_cutoff_min", value=210.0))
    dumped = s.model_dump()
    assert scenario_warnings(s) and "warnings" not in dumped
    assert s.model_dump() == dumped


def test_summary_json_records_the_warnings(tmp_path: Path) -> None:
    from sim.experiment import Execution, run

    s = parse_scenario(small_document(cutoff=True), "small.toml")
    folder = run(s, replications=2, execution=Execution(workers=1)).save(tmp_path / "out")
    doc = json.loads((folder / "summary.json").read_text("utf-8"))
    assert doc["warnings"] == [CUTOFF_WARNING]


# --- the command line ---------------------------------------------------------------------------

CUTOFF_WARNING = (
    "policies.ticket_cutoff_min: the cut-off applies to the ticket machines and "
    "equipment.ticket_machines.count = 0, so it changes nothing"
)


def small_document(cutoff: bool = False) -> dict[str, Any]:
    """A one-week, one-clerk centre without ticket machines (fast to run)."""
    det = {"dist": "deterministic", "value": 5.0}
    doc: dict[str, Any] = {
        "scenario": {"name": "small"},
        "calendar": {"start": dt.date(2025, 7, 7), "end": dt.date(2025, 7, 8)},
        "demand": {
            "visits_per_day": 10.0,
            "purposes": {"enquiry": {"share": 1.0, "service_min": det}},
            "hourly_profile": [{"start": "07:00", "end": "11:30", "weight": 1.0}],
        },
        "fields": [{"id": "f"}],
        "procedures": [{"id": "p", "field": "f", "share": 1.0, "service_min": det}],
        "staff": [{"id": "s1", "role": "specialist", "fields": ["f"], "counter": 1}],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "policies": {"ticket_cutoff_min": 15.0 if cutoff else 0.0},
    }
    return doc


def write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def write_bad(tmp_path: Path, mutate: Mutation) -> Path:
    doc = dao_xa()
    mutate(doc)
    return write(tmp_path, "bad.toml", doc)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mutate", "line"),
    [
        pytest.param(
            put("demand", "visits_per_day", value=math.inf),
            "demand.visits_per_day: Input should be a finite number (got inf)",
            id="inf",
        ),
        pytest.param(
            put("equipment", "ticket_machines", "count", value=10**9),
            "equipment.ticket_machines.count: must be at most 20 (more than any commune "
            "centre has), got 1000000000",
            id="bound",
        ),
        pytest.param(
            put("demand", "purposes", "submit", "share", value=0.90),
            "demand.purposes: the purpose shares must sum to 1 (within 0.01); they sum to 1.24",
            id="shares",
        ),
        pytest.param(
            put("staff", 3, "counter", value=1),
            "staff[3].counter: counter 1 is already taken by 'spec_cert'",
            id="duplicate",
        ),
        pytest.param(
            put("policies", "ticket_cutoff_min", value=270.0),
            "policies.ticket_cutoff_min: a cut-off of 270 minutes is not shorter than any session",
            id="hours",
        ),
    ],
)
def test_cli_validate_refuses_with_one_line(tmp_path: Path, mutate: Mutation, line: str) -> None:
    path = write_bad(tmp_path, mutate)
    proc = cli("validate", str(path))
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output
    assert proc.returncode == 2, output
    assert output.splitlines() == [output.strip()]
    assert output.startswith(f"error: {path}: {line}"), output


@pytest.mark.slow
def test_cli_validate_prints_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "small.toml", small_document(cutoff=True))
    proc = cli("validate", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [f"warning: {path}: {CUTOFF_WARNING}"]
    assert proc.stdout.splitlines() == [f"ok: {path}"]


@pytest.mark.slow
def test_cli_run_prints_and_records_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "small.toml", small_document(cutoff=True))
    out = tmp_path / "results"
    proc = cli(
        "run", str(path), "--replications", "2", "--workers", "1", "-q", "--out", str(out), cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"warning: {path}: {CUTOFF_WARNING}" in proc.stderr.splitlines()
    assert json.loads((out / "summary.json").read_text("utf-8"))["warnings"] == [CUTOFF_WARNING]


@pytest.mark.slow
def test_cli_compare_prints_each_files_warnings(tmp_path: Path) -> None:
    base = write(tmp_path, "small.toml", small_document())
    alt_doc = small_document(cutoff=True)
    alt_doc["scenario"]["name"] = "small_cutoff"
    alt = write(tmp_path, "small_cutoff.toml", alt_doc)
    out = tmp_path / "cmp"
    proc = cli(
        "compare",
        str(base),
        str(alt),
        "--replications",
        "2",
        "--workers",
        "1",
        "-q",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [x for x in proc.stderr.splitlines() if x.startswith("warning:")]
    assert warnings == [f"warning: {alt}: {CUTOFF_WARNING}"]
