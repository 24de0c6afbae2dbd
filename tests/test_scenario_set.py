"""The standard scenario set in scenarios/: every file loads, every Đào Xá 2025 variant changes what
its name promises (and only the sections it should), and each one runs and conserves visitors."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.model import simulate
from sim.scenario import Scenario, load_scenario
from sim.scenario.calendar import parse_hhmm, working_days
from sim.scenario.loader import parse_scenario, read_document

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASE_FILE = SCENARIOS / "dao_xa_2025.toml"
ALL_FILES = sorted(SCENARIOS.glob("*.toml"))
VARIANT_FILES = sorted(SCENARIOS.glob("dao_xa_2025_*.toml"))

BASE = load_scenario(BASE_FILE)


def _staff(s: Scenario, staff_id: str) -> object:
    return next(m for m in s.staff if m.id == staff_id)


def _submit_per_day(s: Scenario) -> float:
    return s.demand.visits_per_day * s.demand.purposes["submit"].share


def _procedure_per_day(s: Scenario, proc_id: str) -> float:
    """Expected counter dossier visits of one procedure per (average) working day."""
    total = sum(p.share for p in s.procedures)
    share = next(p.share for p in s.procedures if p.id == proc_id)
    return _submit_per_day(s) * share / total


def _summer_sessions(s: Scenario) -> list[tuple[float, float]]:
    summer = next(x for x in s.calendar.seasons if x.name == "summer")
    return [(parse_hhmm(x.start), parse_hhmm(x.end)) for x in summer.sessions]


def _staff_6(v: Scenario) -> None:
    assert len(BASE.staff) == 7 and len(v.staff) == 6
    assert "spec_business" not in {m.id for m in v.staff}
    served = {f for m in v.staff for f in m.fields}
    assert served == {f.id for f in v.fields}  # every field still has someone at a counter


def _staff_8(v: Scenario) -> None:
    assert len(v.staff) == 8
    assert {m.id for m in BASE.staff} < {m.id for m in v.staff}


def _specialist_leave(v: Scenario) -> None:
    away = [
        m for m in v.staff if any(x.start <= v.calendar.start and x.end >= v.calendar.end for x in m.leave)
    ]
    assert [m.id for m in away] == ["spec_cert"] and away[0].role == "specialist"
    assert not any(m.leave for m in BASE.staff)


def _leaders(more: bool) -> Callable[[Scenario], None]:
    def check(v: Scenario) -> None:
        for who in ("director", "deputy"):
            a, b = _staff(BASE, who).counter_share, _staff(v, who).counter_share  # type: ignore[attr-defined]
            assert (b > a) if more else (b < a), who

    return check


def _cross_serving(v: Scenario) -> None:
    assert v.policies.cross_serving and not BASE.policies.cross_serving
    assert any(m.cross_trained for m in v.staff)


def _saturday(v: Scenario) -> None:
    assert v.calendar.saturday_sessions and not BASE.calendar.saturday_sessions
    assert len(working_days(v.calendar)) > len(working_days(BASE.calendar))
    assert v.demand.weekday_factors["sat"] > 0
    assert "sat" in v.support_team.weekdays
    week = ("mon", "tue", "wed", "thu", "fri", "sat")
    assert sum(v.demand.weekday_factors.get(d, 1.0) for d in week) == pytest.approx(
        sum(BASE.demand.weekday_factors.get(d, 1.0) for d in week[:5])
    )  # the same people a week


def _start_0730(v: Scenario) -> None:
    base, new = _summer_sessions(BASE), _summer_sessions(v)
    assert base[0][0] == parse_hhmm("07:00") and new[0][0] == parse_hhmm("07:30")
    assert sum(e - s for s, e in new) == sum(e - s for s, e in base)  # still 8 hours a day
    assert (
        parse_hhmm(v.demand.hourly_profile[0].start) == parse_hhmm(BASE.demand.hourly_profile[0].start) + 30
    )  # arrivals follow the opening time


def _lunch_cover(v: Scenario) -> None:
    assert v.policies.lunch_cover and not BASE.policies.lunch_cover
    lunch = (parse_hhmm("11:30"), parse_hhmm("13:30"))
    assert any(
        parse_hhmm(b.start) >= lunch[0] and parse_hhmm(b.end) <= lunch[1] and b.weight > 0
        for b in v.demand.hourly_profile
    )  # some people come over lunch


def _cutoff(minutes: float) -> Callable[[Scenario], None]:
    def check(v: Scenario) -> None:
        assert BASE.policies.ticket_cutoff_min == 0.0
        assert v.policies.ticket_cutoff_min == minutes

    return check


def _two_machines(v: Scenario) -> None:
    assert (BASE.equipment.ticket_machines.count, v.equipment.ticket_machines.count) == (1, 2)


def _unreliable(v: Scenario) -> None:
    a, b = BASE.equipment.ticket_machines.failures, v.equipment.ticket_machines.failures
    assert a is not None and b is not None
    assert b.time_between_min.mean < a.time_between_min.mean
    assert b.repair_min.mean > a.repair_min.mean


def _pcs(count: int) -> Callable[[Scenario], None]:
    def check(v: Scenario) -> None:
        assert (BASE.equipment.lookup_pcs.count, v.equipment.lookup_pcs.count) == (1, count)

    return check


def _support(members: int, all_day: bool = False) -> Callable[[Scenario], None]:
    def check(v: Scenario) -> None:
        assert BASE.support_team.members == 2 and v.support_team.members == members
        if all_day:
            assert BASE.support_team.hours and not v.support_team.hours  # [] = the centre's sessions
        else:
            assert v.support_team.hours == BASE.support_team.hours

    return check


def _online_plus20(v: Scenario) -> None:
    assert v.online.dossiers_per_day > 3 * BASE.online.dossiers_per_day
    assert _submit_per_day(v) < 0.8 * _submit_per_day(BASE)
    # certified copies cannot go online: their counter visits stay; the others' fall
    assert _procedure_per_day(v, "certified_copy") == pytest.approx(
        _procedure_per_day(BASE, "certified_copy"), rel=0.02
    )
    assert _procedure_per_day(v, "land_intake") < 0.6 * _procedure_per_day(BASE, "land_intake")
    # the other purposes keep their visits per day
    for purpose in ("collect", "enquiry", "online_help", "lookup"):
        assert v.demand.visits_per_day * v.demand.purposes[purpose].share == pytest.approx(
            BASE.demand.visits_per_day * BASE.demand.purposes[purpose].share, rel=0.02
        ), purpose


def _land_doubled(v: Scenario) -> None:
    assert _procedure_per_day(v, "land_intake") == pytest.approx(
        2 * _procedure_per_day(BASE, "land_intake"), rel=0.02
    )
    assert _procedure_per_day(v, "certified_copy") == pytest.approx(
        _procedure_per_day(BASE, "certified_copy"), rel=0.02
    )


def _surge(v: Scenario) -> None:
    assert v.demand.visits_per_day == pytest.approx(1.4 * BASE.demand.visits_per_day)
    assert v.online.dossiers_per_day == pytest.approx(1.4 * BASE.online.dossiers_per_day)


def _interleaved(v: Scenario) -> None:
    assert BASE.policies.priority_rule == "strict"
    assert (v.policies.priority_rule, v.policies.priority_interleave) == ("interleaved", 3)


def _kiosk(v: Scenario) -> None:
    assert (BASE.equipment.lookup_pcs.count, v.equipment.lookup_pcs.count) == (1, 2)
    assert v.online.dossiers_per_day > BASE.online.dossiers_per_day
    assert _submit_per_day(v) < _submit_per_day(BASE)
    assert _procedure_per_day(v, "certified_copy") == pytest.approx(
        _procedure_per_day(BASE, "certified_copy")
    )


# file stem -> (check of what the name promises, top-level sections allowed to differ from the base)
PROMISES: dict[str, tuple[Callable[[Scenario], None], set[str]]] = {
    "staff_6": (_staff_6, {"staff"}),
    "staff_8": (_staff_8, {"staff"}),
    "specialist_leave": (_specialist_leave, {"staff"}),
    "leaders_more": (_leaders(more=True), {"staff"}),
    "leaders_less": (_leaders(more=False), {"staff"}),
    "cross_serving": (_cross_serving, {"policies"}),
    "saturday_morning": (_saturday, {"calendar", "demand", "support_team"}),
    "start_0730": (_start_0730, {"calendar", "demand"}),
    "lunch_cover": (_lunch_cover, {"policies", "demand"}),
    "cutoff_15": (_cutoff(15.0), {"policies"}),
    "cutoff_60": (_cutoff(60.0), {"policies"}),
    "two_ticket_machines": (_two_machines, {"equipment"}),
    "unreliable_machine": (_unreliable, {"equipment"}),
    "two_lookup_pcs": (_pcs(2), {"equipment"}),
    "no_lookup_pc": (_pcs(0), {"equipment"}),
    "kiosk": (_kiosk, {"equipment", "demand", "procedures", "online"}),
    "support_none": (_support(0), {"support_team"}),
    "support_one": (_support(1), {"support_team"}),
    "support_two_all_day": (_support(2, all_day=True), {"support_team"}),
    "online_plus20": (_online_plus20, {"online", "demand", "procedures"}),
    "land_doubled": (_land_doubled, {"online", "demand", "procedures"}),
    "surge": (_surge, {"online", "demand"}),
    "priority_interleaved": (_interleaved, {"policies"}),
}


def _stem(path: Path) -> str:
    return path.stem.removeprefix("dao_xa_2025_")


def test_the_set_is_complete_and_every_variant_has_a_check() -> None:
    assert {_stem(p) for p in VARIANT_FILES} == set(PROMISES)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_scenario_loads_with_a_description(path: Path) -> None:
    s = load_scenario(path)
    assert s.name == path.stem
    assert s.scenario.title.strip() and s.scenario.description.strip()


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_scenario_has_its_own_vietnamese_title_and_description(path: Path) -> None:
    own = tomllib.loads(path.read_text(encoding="utf-8"))["scenario"]
    for key in ("title", "description"):
        assert own[f"{key}_vi"].strip() and own[f"{key}_vi"] != own[key], key


def test_vietnamese_titles_are_unique() -> None:
    titles = [load_scenario(p).scenario.title_vi for p in ALL_FILES]
    assert len(titles) == len(set(titles))


def test_names_are_unique() -> None:
    names = [load_scenario(p).name for p in ALL_FILES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path", VARIANT_FILES, ids=_stem)
def test_variant_changes_what_its_name_promises(path: Path) -> None:
    with path.open("rb") as fh:
        assert tomllib.load(fh)["extends"] == "dao_xa_2025.toml"
    variant = load_scenario(path)
    check, sections = PROMISES[_stem(path)]
    check(variant)
    a, b = BASE.model_dump(), variant.model_dump()
    changed = {k for k in a if k != "scenario" and a[k] != b[k]}
    assert changed == sections


def _three_days(path: Path) -> Scenario:
    data = read_document(path)
    start = data["calendar"]["start"]
    if start == dt.date(2025, 7, 1):
        start = dt.date(2025, 7, 3)  # Thursday to Saturday: the Saturday variant opens all three
    data["calendar"]["start"], data["calendar"]["end"] = start, start + dt.timedelta(days=2)
    return parse_scenario(data, f"{path.name} (3 days)")


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_each_scenario_runs_and_conserves_visitors(path: Path) -> None:
    k = simulate(_three_days(path), seed=20250701, replication=0).kpis
    assert k["visitors_arrived"] > 0
    assert k["visitors_arrived"] == (
        k["visitors_served"]
        + k["visitors_reneged"]
        + k["visitors_balked"]
        + k["visitors_sent_home"]
        + k["visitors_in_system_end"]
    )
    assert k["visitors_served"] == (
        k["visitors_served_counter"] + k["visitors_served_support"] + k["visitors_served_lookup"]
    )
