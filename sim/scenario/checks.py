"""Checks that span sections of a scenario: references by id, and a window with working days.

Pydantic checks each table on its own; these checks need the whole file. Each failure names the key
path and lists what is allowed.
"""

from __future__ import annotations

from sim.scenario.calendar import load_holiday_table, season_for, working_days
from sim.scenario.kpis import BREAKDOWNS, KPIS, is_known_kpi
from sim.scenario.schema import Scenario


class CrossReferenceError(ValueError):
    """A broken reference, located by key path."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


def _must_be_in(key: str, value: str, allowed: list[str], what: str) -> None:
    if value not in allowed:
        raise CrossReferenceError(
            key, f"{value!r} is not a {what}; allowed: {', '.join(allowed) or '(none defined)'}"
        )


def _unique(key: str, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise CrossReferenceError(f"{key}[{i}].id", f"{what} id {x!r} is used twice; ids must be unique")
        seen.add(x)


def check_references(s: Scenario) -> None:
    """Raise `CrossReferenceError` for the first inconsistency found."""
    field_ids = [f.id for f in s.fields]
    staff_ids = [m.id for m in s.staff]
    _unique("fields", field_ids, "field")
    _unique("procedures", [p.id for p in s.procedures], "procedure")
    _unique("staff", staff_ids, "staff")
    for i, p in enumerate(s.procedures):
        _must_be_in(f"procedures[{i}].field", p.field, field_ids, "field defined in [[fields]]")
    session_names = sorted(
        {x.name for season in s.calendar.seasons for x in season.sessions}
        | {x.name for x in s.calendar.saturday_sessions}
        | {x.name for x in s.calendar.sunday_sessions}
    )
    for i, m in enumerate(s.staff):
        for j, f in enumerate(m.fields):
            _must_be_in(f"staff[{i}].fields[{j}]", f, field_ids, "field defined in [[fields]]")
        for j, f in enumerate(m.cross_trained):
            _must_be_in(f"staff[{i}].cross_trained[{j}]", f, field_ids, "field defined in [[fields]]")
        for j, meeting in enumerate(m.meetings):
            _must_be_in(
                f"staff[{i}].meetings[{j}].session",
                meeting.session,
                session_names,
                "session name of the calendar",
            )
    served = {f for m in s.staff for f in m.fields}
    for i, f in enumerate(field_ids):
        if f not in served:
            raise CrossReferenceError(
                f"fields[{i}].id",
                f"no staff member serves field {f!r}; add it to some staff member's fields",
            )
    tm = s.equipment.ticket_machines
    if tm.manual_staff is not None:
        _must_be_in("equipment.ticket_machines.manual_staff", tm.manual_staff, staff_ids, "staff id")
    for j, sid in enumerate(s.policies.lunch_cover):
        _must_be_in(f"policies.lunch_cover[{j}]", sid, staff_ids, "staff id")
    season_names = [x.name for x in s.calendar.seasons]
    for name in s.demand.season_profiles:
        _must_be_in(f"demand.season_profiles.{name}", name, season_names, "season name")
    for i, rule in enumerate(s.targets.rules):
        if not is_known_kpi(rule.kpi):
            raise CrossReferenceError(
                f"targets.rules[{i}].kpi",
                f"{rule.kpi!r} is not a KPI; allowed: {', '.join(KPIS)}; or a breakdown by staff "
                f"or field id such as {BREAKDOWNS[0]}.<id> (meanings in sim/scenario/kpis.py)",
            )
    _check_back_office(s, field_ids, staff_ids)
    _check_window(s)


def _check_back_office(s: Scenario, field_ids: list[str], staff_ids: list[str]) -> None:
    bo = s.back_office
    if bo is None:
        return
    for i, pool in enumerate(bo.pools):
        for j, f in enumerate(pool.fields):
            _must_be_in(f"back_office.pools[{i}].fields[{j}]", f, field_ids, "field defined in [[fields]]")
    for j, sid in enumerate(bo.sign_off.signers):
        _must_be_in(f"back_office.sign_off.signers[{j}]", sid, staff_ids, "staff id")
    for f in bo.initial_backlog:
        _must_be_in(f"back_office.initial_backlog.{f}", f, field_ids, "field defined in [[fields]]")
    covered = {f for m in s.staff if m.back_office_share > 0 for f in m.fields}
    covered |= {f for pool in bo.pools for f in pool.fields}
    for i, p in enumerate(s.procedures):
        if p.on_the_spot:
            continue
        if p.work_min is None:
            raise CrossReferenceError(f"procedures[{i}].work_min", f"procedure {p.id!r} is processed in "
                                      "the back office and needs work_min (or on_the_spot = true)")
        if p.field not in covered:
            raise CrossReferenceError(
                f"procedures[{i}].field", f"nobody processes field {p.field!r} in the back office; give a "
                "staff member serving it a back_office_share > 0, or add it to a [[back_office.pools]]")
        if p.sign_off and not bo.sign_off.signers:
            raise CrossReferenceError("back_office.sign_off.signers", f"procedure {p.id!r} needs a "
                                      "leader's sign-off; list the staff ids who sign")


def _check_window(s: Scenario) -> None:
    cal = s.calendar
    if cal.use_holiday_table:
        table = load_holiday_table()
        for key, day in (("calendar.start", cal.start), ("calendar.end", cal.end)):
            if not table.first_year <= day.year <= table.last_year:
                raise CrossReferenceError(
                    key,
                    f"{day} is outside the bundled holiday table "
                    f"({table.first_year}–{table.last_year}); list that year's "
                    "holidays in extra_holidays and set use_holiday_table = false",
                )
    day = cal.start
    while day <= cal.end:
        if day.weekday() < 5 and season_for(cal, day) is None:
            raise CrossReferenceError(
                "calendar.seasons",
                f"no season covers {day}; seasons must cover every day of the window",
            )
        day = day.fromordinal(day.toordinal() + 1)
    if not working_days(cal):
        raise CrossReferenceError(
            "calendar",
            f"the window {cal.start} to {cal.end} has no working day (every day is a weekend or "
            "holiday); choose start and end so the window includes a working day, or open days "
            "with extra_workdays, saturday_sessions or sunday_sessions",
        )
