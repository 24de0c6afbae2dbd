"""Warnings: inputs a real centre might mean but that are probably mistakes.

The checks in `sim.scenario.checks` refuse what can never be meant; what follows is accepted, and
the command line prints each warning after loading (`warning: FILE: key: message`) and
`summary.json` records them under "warnings", so a result is never read without them. Each warning
is one string `"key.path: message"`. Computed from the frozen scenario on demand (the model never
calls this).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sim.scenario.calendar import WEEKDAY_NAMES
from sim.scenario.checks import (
    DOSSIER_KPIS,
    DayType,
    day_label,
    day_types,
    issuing_lengths,
    overlap,
    signs_at,
)
from sim.scenario.schema import Scenario


def _ticket_cutoff(s: Scenario, types: list[DayType]) -> Iterator[str]:
    """A cut-off with no machine to apply to, or as long as a whole session."""
    tm, pol = s.equipment.ticket_machines, s.policies
    if pol.ticket_cutoff_min <= 0:
        return
    if tm.count == 0:
        yield (
            "policies.ticket_cutoff_min: the cut-off applies to the ticket machines and "
            "equipment.ticket_machines.count = 0, so it changes nothing"
        )
        return
    for day in types:
        short = [x for x in issuing_lengths(s, day) if x <= pol.ticket_cutoff_min]
        if short:
            yield (
                f"policies.ticket_cutoff_min: on {day_label(day)} a session of "
                f"{min(short):g} minutes is not longer than the cut-off of "
                f"{pol.ticket_cutoff_min:g} minutes, so no number is issued in it"
            )
            return


def _support_hours(s: Scenario, types: list[DayType]) -> Iterator[str]:
    """Support-team hours outside opening hours, which count as idle presence."""
    team = s.support_team
    if team.members <= 0:
        return
    team_days = [d for d in types if WEEKDAY_NAMES[d.weekday] in team.weekdays]
    for i, h in enumerate(team.hours):
        for day in team_days:  # the first kind of day where it happens makes the point
            inside = sum(overlap(h.start_min, h.end_min, a, b) for a, b, _ in day.sessions)
            outside = h.end_min - h.start_min - inside
            if outside > 0:
                yield (
                    f"support_team.hours[{i}]: {h.start}–{h.end} is {outside:g} minutes "
                    f"outside opening hours on {day_label(day)}; the team counts as "
                    "present (and idle) then, which lowers support_team_utilisation"
                )
                break


def _initial_backlog(s: Scenario, types: list[DayType]) -> Iterator[str]:
    """An initial backlog that the model ignores: start = "empty", or only on-the-spot procedures."""
    bo = s.back_office
    if bo is None:
        return
    if bo.start == "empty" and any(bo.initial_backlog.values()):
        yield (
            'back_office.initial_backlog: ignored because back_office.start = "empty"; '
            'set start = "backlog" to start with these dossiers in progress'
        )
        return
    for f, count in bo.initial_backlog.items():
        if count and all(p.on_the_spot for p in s.procedures if p.field == f):
            yield (
                f"back_office.initial_backlog.{f}: every procedure of field {f!r} is "
                f"on_the_spot, so these {count} dossiers are ignored"
            )


def _sign_off_times(s: Scenario, types: list[DayType]) -> Iterator[str]:
    """Sign-off times that fall in no session, so nobody ever signs then."""
    if s.back_office is None:
        return
    for i, t in enumerate(s.back_office.sign_off.times):
        if not any(signs_at(t, d) for d in types):
            yield (
                f"back_office.sign_off.times[{i}]: {t} falls inside no session on any "
                "working day of the window, so nobody ever signs then"
            )


def _dossier_targets(s: Scenario, types: list[DayType]) -> Iterator[str]:
    """Targets on dossier KPIs without a back office: they stay undecided."""
    if s.back_office is not None:
        return
    for i, rule in enumerate(s.targets.rules):
        if rule.kpi.split(".", 1)[0] in DOSSIER_KPIS:
            yield (
                f"targets.rules[{i}].kpi: {rule.kpi!r} is reported only with a "
                "[back_office] table, so this target stays undecided"
            )


_RULES: tuple[Callable[[Scenario, list[DayType]], Iterable[str]], ...] = (
    _ticket_cutoff,
    _support_hours,
    _initial_backlog,
    _sign_off_times,
    _dossier_targets,
)
"""One function per kind of warning, in the order the warnings are reported."""


def scenario_warnings(s: Scenario) -> tuple[str, ...]:
    """Every warning for a scenario that passed the checks, as `"key.path: message"` strings."""
    types = day_types(s)
    return tuple(w for rule in _RULES for w in rule(s, types))
