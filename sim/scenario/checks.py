"""Checks that span sections of a scenario: references by id, and a window with working days.

Pydantic checks each table on its own; these checks need the whole file. Each failure names the key
path and lists what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sim.scenario.calendar import (
    WEEKDAY_NAMES,
    load_holiday_table,
    parse_hhmm,
    season_for,
    working_days,
)
from sim.scenario.kpis import BREAKDOWN_BY, BREAKDOWNS, KPIS, is_known_kpi
from sim.scenario.schema import RateBlock, Scenario

EARLY_ARRIVAL_MIN = 30.0
"""Visitors may arrive this long before the day opens (as `sim.model.demand.EARLY_ARRIVAL_MIN`,
which a test keeps equal; the scenario layer does not import the model)."""

STAFF_BREAKDOWNS = tuple(k for k, by in BREAKDOWN_BY.items() if by == "staff")
"""Breakdowns by staff id."""

DOSSIER_KPIS = (
    "dossiers_received",
    "dossiers_online",
    "dossiers_completed",
    "on_time_rate",
    "early_rate",
    "late_dossiers",
    "processing_days_mean",
    "backlog_end",
    "apology_slips",
    "dossiers_fee_bearing",
    "online_payment_rate",
    "back_office_utilisation",
    "score_progress_766",
    "score_handling_satisfaction_766",
)
"""KPIs the model reports only when the scenario has a [back_office] table."""


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


_FIELD = "field defined in [[fields]]"


def _field_ids(s: Scenario) -> list[str]:
    return [f.id for f in s.fields]


def _staff_ids(s: Scenario) -> list[str]:
    return [m.id for m in s.staff]


def _check_unique_ids(s: Scenario) -> None:
    """Fields, procedures and staff are referred to by id, so each id names one thing."""
    _unique("fields", _field_ids(s), "field")
    _unique("procedures", [p.id for p in s.procedures], "procedure")
    _unique("staff", _staff_ids(s), "staff")


def _check_counters(s: Scenario) -> None:
    """Each member of staff sits at a counter of their own."""
    counters: dict[int, int] = {}
    for i, m in enumerate(s.staff):
        if m.counter in counters:
            j = counters[m.counter]
            raise CrossReferenceError(
                f"staff[{i}].counter",
                f"counter {m.counter} is already taken by {s.staff[j].id!r} (staff[{j}]); each "
                "member of staff has a counter of their own",
            )
        counters[m.counter] = i


def _check_procedure_fields(s: Scenario) -> None:
    field_ids = _field_ids(s)
    for i, p in enumerate(s.procedures):
        _must_be_in(f"procedures[{i}].field", p.field, field_ids, _FIELD)


def _check_staff_references(s: Scenario) -> None:
    """Staff fields, cross-training and meetings name fields and sessions that exist."""
    field_ids = _field_ids(s)
    session_names = sorted(
        {x.name for season in s.calendar.seasons for x in season.sessions}
        | {x.name for x in s.calendar.saturday_sessions}
        | {x.name for x in s.calendar.sunday_sessions}
    )
    for i, m in enumerate(s.staff):
        for j, f in enumerate(m.fields):
            _must_be_in(f"staff[{i}].fields[{j}]", f, field_ids, _FIELD)
        for j, f in enumerate(m.cross_trained):
            _must_be_in(f"staff[{i}].cross_trained[{j}]", f, field_ids, _FIELD)
        for j, meeting in enumerate(m.meetings):
            _must_be_in(
                f"staff[{i}].meetings[{j}].session",
                meeting.session,
                session_names,
                "session name of the calendar",
            )


def _check_fields_served(s: Scenario) -> None:
    """A field nobody serves would leave its visitors waiting for ever."""
    served = {f for m in s.staff for f in m.fields}
    for i, f in enumerate(_field_ids(s)):
        if f not in served:
            raise CrossReferenceError(
                f"fields[{i}].id",
                f"no staff member serves field {f!r}; add it to some staff member's fields",
            )


def _check_staff_roles(s: Scenario) -> None:
    """The manual ticket issuer and the lunch cover are staff ids."""
    staff_ids = _staff_ids(s)
    tm = s.equipment.ticket_machines
    if tm.manual_staff is not None:
        _must_be_in("equipment.ticket_machines.manual_staff", tm.manual_staff, staff_ids, "staff id")
    for j, sid in enumerate(s.policies.lunch_cover):
        _must_be_in(f"policies.lunch_cover[{j}]", sid, staff_ids, "staff id")


def _check_season_profiles(s: Scenario) -> None:
    season_names = [x.name for x in s.calendar.seasons]
    for name in s.demand.season_profiles:
        _must_be_in(f"demand.season_profiles.{name}", name, season_names, "season name")


def _check_targets(s: Scenario) -> None:
    """Every target names a KPI the model reports, so none stays undecided by a typo."""
    field_ids, staff_ids = _field_ids(s), _staff_ids(s)
    for i, rule in enumerate(s.targets.rules):
        # is_known_kpi misses staff_utilisation.<id>, whose head is not itself a headline KPI.
        if not is_known_kpi(rule.kpi) and rule.kpi.partition(".")[0] not in BREAKDOWNS:
            raise CrossReferenceError(
                f"targets.rules[{i}].kpi",
                f"{rule.kpi!r} is not a KPI; allowed: {', '.join(KPIS)}; or a breakdown by staff "
                f"or field id such as {BREAKDOWNS[0]}.<id> (meanings in sim/scenario/kpis.py)",
            )
        _check_breakdown(
            f"targets.rules[{i}].kpi", rule.kpi, field_ids, staff_ids, s.equipment.ticket_machines.count
        )


def check_references(s: Scenario) -> None:
    """Raise `CrossReferenceError` for the first inconsistency found (checks in `_CHECKS` order)."""
    for check in _CHECKS:
        check(s)


def _check_breakdown(
    key: str, kpi: str, field_ids: list[str], staff_ids: list[str], machine_count: int
) -> None:
    """A dotted KPI must be a breakdown the model reports, by an id that exists: otherwise its
    target is never evaluated and reads "undecided" for ever."""
    if "." not in kpi:
        return
    head, _, suffix = kpi.partition(".")
    if head not in BREAKDOWNS:
        by = {
            d: ", ".join(k for k, v in BREAKDOWN_BY.items() if v == d) for d in ("staff", "machine", "field")
        }
        raise CrossReferenceError(
            key,
            f"{head!r} has no breakdown; breakdowns exist by staff id for {by['staff']}; "
            f"by ticket machine number for {by['machine']}; by field id for {by['field']}",
        )
    if BREAKDOWN_BY[head] == "staff":
        _must_be_in(key, suffix, staff_ids, f"staff id (breakdown {head}.<staff id>)")
    elif BREAKDOWN_BY[head] == "machine":
        machines = [str(n + 1) for n in range(machine_count)]
        _must_be_in(key, suffix, machines, f"ticket machine number (breakdown {head}.<n>)")
    else:
        _must_be_in(key, suffix, field_ids, f"field id (breakdown {head}.<field id>)")


def _check_back_office(s: Scenario) -> None:
    bo = s.back_office
    if bo is None:
        return
    field_ids, staff_ids = _field_ids(s), _staff_ids(s)
    _unique("back_office.pools", [pool.id for pool in bo.pools], "pool")
    weights = [p.online_weight if p.online_weight is not None else p.share for p in s.procedures]
    if s.online.dossiers_per_day > 0 and not any(w > 0 for w in weights):
        # The model would draw every online dossier's procedure from weights that sum to 0.
        raise CrossReferenceError(
            "online.dossiers_per_day",
            f"{s.online.dossiers_per_day:g} dossiers a day are filed "
            "online but every procedure has online_weight = 0; give one a positive online_weight "
            "or set dossiers_per_day = 0",
        )
    for i, pool in enumerate(bo.pools):
        for j, f in enumerate(pool.fields):
            _must_be_in(f"back_office.pools[{i}].fields[{j}]", f, field_ids, _FIELD)
    for j, sid in enumerate(bo.sign_off.signers):
        _must_be_in(f"back_office.sign_off.signers[{j}]", sid, staff_ids, "staff id")
    for f in bo.initial_backlog:
        _must_be_in(f"back_office.initial_backlog.{f}", f, field_ids, _FIELD)
    covered = {f for m in s.staff if m.back_office_share > 0 for f in m.fields}
    covered |= {f for pool in bo.pools for f in pool.fields}
    for i, p in enumerate(s.procedures):
        if p.on_the_spot:
            continue
        if p.work_min is None:
            raise CrossReferenceError(
                f"procedures[{i}].work_min",
                f"procedure {p.id!r} is processed in "
                "the back office and needs work_min (or on_the_spot = true)",
            )
        if p.field not in covered:
            raise CrossReferenceError(
                f"procedures[{i}].field",
                f"nobody processes field {p.field!r} in the back office; give a "
                "staff member serving it a back_office_share > 0, or add it to a [[back_office.pools]]",
            )
        if p.sign_off and not bo.sign_off.signers:
            raise CrossReferenceError(
                "back_office.sign_off.signers",
                f"procedure {p.id!r} needs a leader's sign-off; list the staff ids who sign",
            )


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


# --- opening hours ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayType:
    """The working days of the window that look alike to the checks: same weekday, season and
    sessions (minutes after midnight). `first` is the earliest such day, for messages."""

    first: dt.date
    weekday: int
    season: str | None
    sessions: tuple[tuple[int, int, str], ...]

    @property
    def opens(self) -> int:
        return self.sessions[0][0]

    @property
    def closes(self) -> int:
        return self.sessions[-1][1]

    def hours(self) -> str:
        return ", ".join(f"{_hhmm(a)}–{_hhmm(b)}" for a, b, _ in self.sessions)


def _hhmm(minutes: float) -> str:
    m = int(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def day_types(s: Scenario) -> list[DayType]:
    """The distinct kinds of working day in the window, in date order of their first day."""
    seen: dict[tuple, DayType] = {}
    for day in working_days(s.calendar):
        season = season_for(s.calendar, day.date)
        rel = tuple(
            (int(a - day.midnight), int(b - day.midnight), name)
            for (a, b), name in zip(day.sessions, day.session_names, strict=True)
        )
        key = (day.weekday, season.name if season else None, rel)
        if key not in seen:
            seen[key] = DayType(day.date, day.weekday, key[1], rel)
    return list(seen.values())


def profile_for(s: Scenario, day: DayType) -> tuple[str, list[RateBlock]]:
    """The arrival profile a day uses (as `sim.model.demand.day_rate` picks it) and its key path."""
    if day.season is not None and day.season in s.demand.season_profiles:
        return f"demand.season_profiles.{day.season}", s.demand.season_profiles[day.season]
    return "demand.hourly_profile", s.demand.hourly_profile


def overlap(a: float, b: float, c: float, d: float) -> float:
    return max(0.0, min(b, d) - max(a, c))


def day_label(day: DayType) -> str:
    return f"{day.first} ({WEEKDAY_NAMES[day.weekday]}, open {day.hours()})"


def _check_opening_hours(s: Scenario) -> None:
    """Refuse what can never be meant: days that receive no visitor although demand is planned,
    a cut-off that stops every session, a support team that is never there when the centre is
    open, and results that are never signed."""
    types = day_types(s)
    for day in types:
        if s.demand.visits_per_day * s.demand.weekday_factor(day.weekday) <= 0:
            continue
        key, blocks = profile_for(s, day)
        lo, hi = day.opens - EARLY_ARRIVAL_MIN, day.closes
        if not any(
            b.weight > 0 and overlap(parse_hhmm(b.start), parse_hhmm(b.end), lo, hi) > 0 for b in blocks
        ):
            raise CrossReferenceError(
                key,
                f"no block with a positive weight falls between {_hhmm(lo)} and {_hhmm(hi)} "
                f"(opening hours, arrivals up to {EARLY_ARRIVAL_MIN:g} minutes early) on "
                f"{day_label(day)}, so nobody would ever arrive that day; move the blocks into "
                "opening hours",
            )
    tm, pol = s.equipment.ticket_machines, s.policies
    if tm.count > 0 and pol.ticket_cutoff_min > 0:
        longest = max(issuing_lengths(s, day)[-1] for day in types)
        if pol.ticket_cutoff_min >= longest:
            raise CrossReferenceError(
                "policies.ticket_cutoff_min",
                f"a cut-off of {pol.ticket_cutoff_min:g} minutes is not shorter than any session "
                f"(the longest lasts {longest:g} minutes), so the machines would never issue a "
                f"number; it must be below {longest:g}",
            )
    team = s.support_team
    if team.members > 0 and team.hours:
        team_days = [d for d in types if WEEKDAY_NAMES[d.weekday] in team.weekdays]
        if team_days and not any(
            overlap(h.start_min, h.end_min, a, b) > 0
            for d in team_days
            for h in team.hours
            for a, b, _ in d.sessions
        ):
            hours = ", ".join(f"{h.start}–{h.end}" for h in team.hours)
            raise CrossReferenceError(
                "support_team.hours",
                f"the team's hours ({hours}) fall outside opening hours on every day it works, "
                f"e.g. {day_label(team_days[0])}, so it would never meet a visitor",
            )
    bo = s.back_office
    never_signed = (
        bo is not None
        and not bo.sign_off.at_close
        and any(p.sign_off for p in s.procedures)
        and not any(signs_at(t, d) for t in bo.sign_off.times for d in types)
    )
    if never_signed:
        assert bo is not None
        raise CrossReferenceError(
            "back_office.sign_off.times",
            f"no signing time ({', '.join(bo.sign_off.times)}) falls inside a session on any "
            f"working day, e.g. {day_label(types[0])}, and at_close = false, so results that "
            "need a signature would never be signed; move a time into a session or set "
            "at_close = true",
        )


def issuing_lengths(s: Scenario, day: DayType) -> list[float]:
    """Lengths of the day's issuing windows before the cut-off (as `sim.model.centre`), sorted."""
    if s.policies.lunch_cover:
        return [float(day.closes - day.opens)]
    return sorted(float(b - a) for a, b, _ in day.sessions)


def signs_at(time: str, day: DayType) -> bool:
    """A signing time counts on a day when it falls inside one of its sessions (ends included)."""
    t = parse_hhmm(time)
    return any(a <= t <= b for a, b, _ in day.sessions)


_CHECKS: tuple[Callable[[Scenario], None], ...] = (
    _check_unique_ids,
    _check_counters,
    _check_procedure_fields,
    _check_staff_references,
    _check_fields_served,
    _check_staff_roles,
    _check_season_profiles,
    _check_targets,
    _check_back_office,
    _check_window,
    _check_opening_hours,
)
"""The cross-section checks, in the order they run: the first failure is the one reported."""
