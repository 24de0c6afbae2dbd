"""The scenario compiled once into plain inputs: frozen records per procedure, per staff member and
per part of the centre.

The model's processes read these, never the pydantic `Scenario`: every look-up a process makes is
a plain attribute or tuple index, and each class sees only the part of the scenario it uses.
Distributions stay the scenario's own objects (they only `sample`), so every random stream is
drawn exactly as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from sim.model.streams import Sampler
from sim.model.visitor import LOOKUP
from sim.scenario.calendar import WEEKDAY_NAMES, CalendarSpec, parse_hhmm
from sim.scenario.distributions import Deterministic
from sim.scenario.schema import PURPOSES, DemandSpec, ProcedureSpec, Purpose, RateBlock, Scenario, StaffSpec

Block = tuple[float, float, float]
"""A piece of an hour-of-day profile: (start, end) in minutes after midnight, and its weight."""


ZERO = Deterministic(dist="deterministic", value=0.0)
FALLBACK_SERVICE = Deterministic(dist="deterministic", value=4.0)
"""Counter time of a purpose that names none (its share is then zero, so it is never drawn)."""


@dataclass(frozen=True, slots=True)
class ProcedureInputs:
    """One procedure: counter time, back-office work, deadline, fees and side trips."""

    id: str
    field: int
    share: float
    online_weight: float
    service_min: Sampler
    documents: Sampler | None
    extra_document_min: float
    statutory_days: int
    on_the_spot: bool
    work_min: Sampler
    missing_papers: float
    second_request: float
    supply_days: Sampler
    external_days: Sampler | None
    sign_off: bool
    fee_share: float
    online_payment_share: float
    picked_up: bool
    """The result is returned at the counter after processing (a pick-up visit may follow)."""


@dataclass(frozen=True, slots=True)
class StaffInputs:
    """One member of staff: fields, shares of time, absences and counter habits."""

    index: int
    id: str
    fields: tuple[int, ...]
    cross: tuple[int, ...]
    """Fields cross-trained for, beyond their own."""
    counter_share: float
    back_office_share: float
    covers_lunch: bool
    manual: bool
    """The one who writes numbers by hand when no ticket machine works."""
    leave: tuple[tuple[dt.date, dt.date], ...]
    meetings: frozenset[tuple[str, str]]
    """(weekday name, session name) of weekly meetings."""


@dataclass(frozen=True, slots=True)
class DemandInputs:
    """Who comes, when and why."""

    visits_per_day: float
    weekday_factors: tuple[float, ...]
    """Seven factors, Monday first."""
    profile: tuple[Block, ...]
    season_profiles: Mapping[str, tuple[Block, ...]]
    purpose_shares: tuple[float, ...]
    """Per purpose code (`sim.model.visitor`)."""
    purpose_service: tuple[Sampler, ...]
    """Counter time per purpose code (look-ups that end at a counter are served like enquiries)."""
    priority_share: float
    lookup_pc_share: float
    help_share: float
    patience: Sampler | None
    """None: nobody leaves the queue."""
    balk_length: int
    """0: nobody balks."""
    balk_probability: float
    return_delay: Sampler

    def profile_for(self, season: str) -> tuple[Block, ...]:
        return self.season_profiles.get(season, self.profile)


@dataclass(frozen=True, slots=True)
class PolicyInputs:
    """The rules of the house."""

    ticket_cutoff: float
    closing_rule: str
    lunch_rule: str
    overtime_limit: float
    lunch_cover: bool
    """Someone covers the lunch break at a counter (numbers are issued all day)."""
    strict_priority: bool
    priority_interleave: int
    cross_serving: bool
    wait_threshold: float


@dataclass(frozen=True, slots=True)
class MachineInputs:
    """Ticket machines, their faults and the fallback when none works."""

    count: int
    issue_min: Sampler
    time_between_failures: Sampler | None
    repair_min: Sampler | None
    tickets_per_roll: float
    refill_min: Sampler | None
    fallback: str
    manual_issue_min: Sampler


@dataclass(frozen=True, slots=True)
class PoolInputs:
    """Servers with one short line: lookup PCs, or the support team."""

    servers: int
    max_queue: int
    duration: Sampler


@dataclass(frozen=True, slots=True)
class SupportInputs:
    """The support team's hours and what its help does."""

    pool: PoolInputs
    weekdays: frozenset[str]
    hours: tuple[tuple[float, float], ...]
    """Minutes after midnight; empty: the centre's sessions."""
    online_share: float
    counter_time_factor: float


@dataclass(frozen=True, slots=True)
class WorkerPoolInputs:
    """Back-office workers outside the counter staff (a commune department)."""

    id: str
    fields: tuple[int, ...]
    workers: int
    share: float


@dataclass(frozen=True, slots=True)
class BackOfficeInputs:
    """Dossier processing after reception."""

    edd: bool
    overtime_limit: float
    same_day_cutoff: float
    pools: tuple[WorkerPoolInputs, ...]
    sign_times: tuple[int, ...]
    signers: tuple[str, ...]
    sign_at_close: bool
    initial_backlog: tuple[tuple[int, int], ...]
    """(field index, dossiers in progress) when the window opens; empty unless start = "backlog"."""
    complaint_share: float
    pickup_delay: Sampler | None
    """None: results are not collected by a visit."""
    warmup_days: int


@dataclass(frozen=True, slots=True)
class OnlineInputs:
    """Dossiers filed online by citizens, round the clock."""

    dossiers_per_day: float
    profile: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ModelInputs:
    """Everything one replication reads."""

    calendar: CalendarSpec
    """Used only to build the working days and look up seasons."""
    field_ids: tuple[str, ...]
    procedures: tuple[ProcedureInputs, ...]
    staff: tuple[StaffInputs, ...]
    demand: DemandInputs
    policies: PolicyInputs
    machines: MachineInputs
    lookup_pcs: PoolInputs
    support: SupportInputs
    back_office: BackOfficeInputs | None
    online: OnlineInputs


def compile_inputs(scenario: Scenario) -> ModelInputs:
    """The scenario as the model reads it (cheap: a few hundred attribute reads)."""
    field_index = {f.id: i for i, f in enumerate(scenario.fields)}
    eq = scenario.equipment
    team = scenario.support_team
    return ModelInputs(
        calendar=scenario.calendar,
        field_ids=tuple(field_index),
        procedures=tuple(_procedure(p, field_index) for p in scenario.procedures),
        staff=_staff(scenario, field_index),
        demand=_demand(scenario.demand),
        policies=_policies(scenario),
        machines=_machines(scenario),
        lookup_pcs=PoolInputs(eq.lookup_pcs.count, eq.lookup_pcs.max_queue, eq.lookup_pcs.session_min),
        support=SupportInputs(
            PoolInputs(team.members, team.max_queue, team.help_min),
            frozenset(team.weekdays),
            tuple((float(h.start_min), float(h.end_min)) for h in team.hours),
            team.online_share,
            team.counter_time_factor,
        ),
        back_office=_back_office(scenario, field_index),
        online=OnlineInputs(scenario.online.dossiers_per_day, _blocks(scenario.online.hourly_profile)),
    )


def as_inputs(source: Scenario | ModelInputs) -> ModelInputs:
    """Inputs as given, or compiled from a scenario (the model's public entry points take either)."""
    return source if isinstance(source, ModelInputs) else compile_inputs(source)


def _blocks(blocks: list[RateBlock]) -> tuple[Block, ...]:
    return tuple((float(parse_hhmm(b.start)), float(parse_hhmm(b.end)), b.weight) for b in blocks)


def _procedure(p: ProcedureSpec, field_index: dict[str, int]) -> ProcedureInputs:
    return ProcedureInputs(
        id=p.id,
        field=field_index[p.field],
        share=p.share,
        online_weight=p.online_weight if p.online_weight is not None else p.share,
        service_min=p.service_min,
        documents=p.documents,
        extra_document_min=p.extra_document_min,
        statutory_days=p.statutory_days,
        on_the_spot=p.on_the_spot,
        work_min=p.work_min or ZERO,
        missing_papers=p.missing_papers,
        second_request=p.second_request,
        supply_days=p.supply_days,
        external_days=p.external_days,
        sign_off=p.sign_off,
        fee_share=p.fee_share,
        online_payment_share=p.online_payment_share,
        picked_up=p.result_return == "counter" and not p.on_the_spot,
    )


def _staff(scenario: Scenario, field_index: dict[str, int]) -> tuple[StaffInputs, ...]:
    manual_id = scenario.equipment.ticket_machines.manual_staff or scenario.staff[0].id
    lunch_cover = set(scenario.policies.lunch_cover)

    def one(i: int, m: StaffSpec) -> StaffInputs:
        return StaffInputs(
            index=i,
            id=m.id,
            fields=tuple(field_index[f] for f in m.fields),
            cross=tuple(field_index[f] for f in m.cross_trained if f not in m.fields),
            counter_share=m.counter_share,
            back_office_share=m.back_office_share,
            covers_lunch=m.id in lunch_cover,
            manual=m.id == manual_id,
            leave=tuple((x.start, x.end) for x in m.leave),
            meetings=frozenset((x.weekday, x.session) for x in m.meetings),
        )

    return tuple(one(i, m) for i, m in enumerate(scenario.staff))


def _demand(d: DemandSpec) -> DemandInputs:
    enquiry = d.purposes.get("enquiry")
    service: list[Sampler] = []
    for code, name in enumerate(PURPOSES):
        spec = enquiry if code == LOOKUP else d.purposes.get(cast(Purpose, name))
        service.append(spec.service_min if spec and spec.service_min else FALLBACK_SERVICE)
    return DemandInputs(
        visits_per_day=d.visits_per_day,
        weekday_factors=tuple(d.weekday_factor(i) for i in range(len(WEEKDAY_NAMES))),
        profile=_blocks(d.hourly_profile),
        season_profiles=MappingProxyType({k: _blocks(v) for k, v in d.season_profiles.items()}),
        purpose_shares=tuple(d.purposes[p].share if p in d.purposes else 0.0 for p in PURPOSES),
        purpose_service=tuple(service),
        priority_share=d.priority_share,
        lookup_pc_share=d.uses_lookup_pc_share,
        help_share=d.needs_help_share,
        patience=d.patience_min,
        balk_length=d.balking.queue_length if d.balking else 0,
        balk_probability=d.balking.probability if d.balking else 0.0,
        return_delay=d.return_delay_min,
    )


def _policies(scenario: Scenario) -> PolicyInputs:
    pol = scenario.policies
    return PolicyInputs(
        ticket_cutoff=pol.ticket_cutoff_min,
        closing_rule=pol.closing_rule,
        lunch_rule=pol.lunch_rule,
        overtime_limit=pol.overtime_limit_min,
        lunch_cover=bool(pol.lunch_cover),
        strict_priority=pol.priority_rule == "strict",
        priority_interleave=pol.priority_interleave,
        cross_serving=pol.cross_serving,
        wait_threshold=scenario.targets.wait_threshold_min,
    )


def _machines(scenario: Scenario) -> MachineInputs:
    tm = scenario.equipment.ticket_machines
    return MachineInputs(
        count=tm.count,
        issue_min=tm.issue_min,
        time_between_failures=tm.failures.time_between_min if tm.failures else None,
        repair_min=tm.failures.repair_min if tm.failures else None,
        tickets_per_roll=tm.paper.tickets_per_roll if tm.paper else float("inf"),
        refill_min=tm.paper.refill_min if tm.paper else None,
        fallback=tm.fallback,
        manual_issue_min=tm.manual_issue_min,
    )


def _back_office(scenario: Scenario, field_index: dict[str, int]) -> BackOfficeInputs | None:
    spec = scenario.back_office
    if spec is None:
        return None
    backlog = spec.initial_backlog.items() if spec.start == "backlog" else ()
    return BackOfficeInputs(
        edd=spec.order == "edd",
        overtime_limit=spec.overtime_limit_min,
        same_day_cutoff=float(parse_hhmm(spec.same_day_cutoff)),
        pools=tuple(
            WorkerPoolInputs(p.id, tuple(field_index[f] for f in p.fields), p.workers, p.share)
            for p in spec.pools
        ),
        sign_times=tuple(sorted(parse_hhmm(t) for t in spec.sign_off.times)),
        signers=tuple(spec.sign_off.signers),
        sign_at_close=spec.sign_off.at_close,
        initial_backlog=tuple((field_index[f], n) for f, n in backlog if f in field_index),
        complaint_share=spec.complaint_share,
        pickup_delay=spec.pickup_delay_days if spec.pickup_visits else None,
        warmup_days=spec.warmup_days,
    )
