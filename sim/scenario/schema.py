"""The scenario: one centre, one experiment window, every input the model reads.

Each section below is one TOML table. Durations are minutes unless a key says otherwise (keys end in
`_min`). The models are frozen and refuse unknown keys; references between sections (a staff member
serving a field that does not exist, ...) are checked in `sim.scenario.checks`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Strict, SubKeyError
from sim.scenario.calendar import WEEKDAY_NAMES, CalendarSpec, ClockTime, Sessions, parse_hhmm
from sim.scenario.distributions import Deterministic, Distribution, Uniform
from sim.scenario.kpis import is_known_kpi

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
Share = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Purpose = Literal["submit", "collect", "enquiry", "online_help", "lookup"]

PURPOSES: tuple[str, ...] = ("submit", "collect", "enquiry", "online_help", "lookup")
"""Why a visitor comes: file a dossier, collect a result, ask, get help filing online, look up."""


class ScenarioInfo(Strict):
    """Names the scenario in reports and result folders."""

    name: Slug
    title: str = ""
    description: str = ""
    centre: str = ""


class FieldSpec(Strict):
    """A group of procedures (lĩnh vực) with its own ticket queue."""

    id: Slug
    name: str = ""
    name_vi: str = ""


class ProcedureSpec(Strict):
    """A procedure (thủ tục): what it costs at the counter and in the back office, and its deadline."""

    id: Slug
    field: str
    name: str = ""
    share: Positive
    service_min: Distribution
    documents: Distribution | None = None
    extra_document_min: NonNegative = 0.0
    # Back office (used when the scenario has a [back_office] table).
    statutory_days: Annotated[int, Field(ge=0, le=365)] = 0
    """Working days allowed; 0 = same day, due the next working day if received after the cut-off."""
    on_the_spot: bool = False
    """Finished at the counter while the visitor waits (certified copies usually are)."""
    work_min: Distribution | None = None
    """Back-office work per dossier (minutes of a worker's full attention)."""
    missing_papers: Share = 0.0
    """Probability of a request for missing papers (the citizen's time to supply them is not counted)."""
    second_request: Share = 0.0
    """Probability of a second request, given a first; the portal then counts the dossier late."""
    supply_days: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=2.0)
    )
    """Working days the citizen takes to bring missing papers (rounded up, at least 1)."""
    external_days: Distribution | None = None
    """Working days the dossier then spends with another agency (tax office, land registration
    branch, a provincial department) before it comes back; counted against the deadline."""
    sign_off: bool = False
    """A leader signs the result at the set signing times."""
    fee_share: Share = 0.0
    online_payment_share: Share = 0.0
    result_return: Literal["counter", "post", "online"] = "counter"
    online_weight: NonNegative | None = None
    """Relative weight among dossiers filed online (default: `share`)."""


class PurposeSpec(Strict):
    """Share of visits with this purpose; `service_min` is the counter time where one applies."""

    share: Share
    service_min: Distribution | None = None


class RateBlock(Strict):
    """A piece of the hour-of-day arrival profile: relative weight per minute over [start, end)."""

    start: ClockTime
    end: ClockTime
    weight: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> RateBlock:
        if parse_hhmm(self.end) <= parse_hhmm(self.start):
            raise SubKeyError("end", f"block ends ({self.end}) before it starts ({self.start})")
        return self


def _check_profile(blocks: list[RateBlock]) -> list[RateBlock]:
    for a, b in itertools.pairwise(blocks):
        if parse_hhmm(b.start) < parse_hhmm(a.end):
            raise ValueError(f"block {b.start}-{b.end} overlaps {a.start}-{a.end}; list in time order")
    if not any(b.weight > 0 for b in blocks):
        raise ValueError("at least one block must have a positive weight")
    return blocks


class BalkingSpec(Strict):
    """Visitors who see `queue_length` or more people waiting in their field leave with `probability`."""

    queue_length: Annotated[int, Field(ge=1)]
    probability: Share = 1.0


class DemandSpec(Strict):
    """Who comes, when, and why."""

    visits_per_day: Positive
    purposes: dict[Purpose, PurposeSpec]
    hourly_profile: Annotated[list[RateBlock], Field(min_length=1)]
    season_profiles: dict[str, Annotated[list[RateBlock], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    weekday_factors: dict[Weekday, NonNegative] = Field(default_factory=dict)
    priority_share: Share = 0.0
    patience_min: Distribution | None = None
    balking: BalkingSpec | None = None
    uses_lookup_pc_share: Share = 0.0
    needs_help_share: Share = 0.0
    return_delay_min: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=0.0)
    )

    @model_validator(mode="after")
    def _consistent(self) -> DemandSpec:
        _check_profile(self.hourly_profile)
        for blocks in self.season_profiles.values():
            _check_profile(blocks)
        if sum(p.share for p in self.purposes.values()) <= 0:
            raise SubKeyError("purposes", "at least one purpose must have a positive share")
        for name in ("collect", "enquiry", "online_help"):
            spec = self.purposes.get(name)
            if spec is not None and spec.share > 0 and spec.service_min is None:
                raise SubKeyError(
                    f"purposes.{name}.service_min",
                    f"purpose {name!r} is served at a counter and needs service_min",
                )
        return self

    def weekday_factor(self, weekday: int) -> float:
        return self.weekday_factors.get(WEEKDAY_NAMES[weekday], 1.0)  # type: ignore[arg-type]


class LeaveSpec(Strict):
    """A staff member's absence, both days included."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> LeaveSpec:
        if self.end < self.start:
            raise SubKeyError("end", f"leave ends ({self.end}) before it starts ({self.start})")
        return self


class MeetingSpec(Strict):
    """A weekly meeting that keeps a staff member away from the counter for one session."""

    weekday: Weekday
    session: str


class StaffSpec(Strict):
    """One member of staff and when they are at their counter."""

    id: Slug
    role: Literal["director", "deputy_director", "specialist", "civil_servant", "other"]
    name: str = ""
    fields: Annotated[list[str], Field(min_length=1)]
    cross_trained: list[str] = Field(default_factory=list)
    counter: Annotated[int, Field(ge=1)]
    counter_share: Share = 1.0
    back_office_share: Share = 0.0
    leave: list[LeaveSpec] = Field(default_factory=list)
    meetings: list[MeetingSpec] = Field(default_factory=list)


class FailureSpec(Strict):
    """Breakdowns: operating minutes between failures, and minutes to repair."""

    time_between_min: Distribution
    repair_min: Distribution


class PaperSpec(Strict):
    """Paper rolls run out after a number of tickets and take time to replace."""

    tickets_per_roll: Annotated[int, Field(ge=1)]
    refill_min: Distribution


class TicketMachineSpec(Strict):
    """Automatic queue-number machines and what happens when none works."""

    count: Annotated[int, Field(ge=0)] = 1
    issue_min: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=0.25)
    )
    failures: FailureSpec | None = None
    paper: PaperSpec | None = None
    fallback: Literal["manual", "direct", "wait"] = "manual"
    manual_issue_min: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=0.5)
    )
    manual_staff: str | None = None


class LookupPCSpec(Strict):
    """Self-service PCs for looking up procedures and dossier status."""

    count: Annotated[int, Field(ge=0)] = 1
    session_min: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=8.0)
    )
    max_queue: Annotated[int, Field(ge=0)] = 2


class EquipmentSpec(Strict):
    ticket_machines: TicketMachineSpec = Field(default_factory=TicketMachineSpec)
    lookup_pcs: LookupPCSpec = Field(default_factory=LookupPCSpec)


class SupportTeamSpec(Strict):
    """Tổ hỗ trợ: helpers who guide visitors to file online."""

    members: Annotated[int, Field(ge=0)] = 0
    hours: Sessions = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    help_min: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=20.0)
    )
    online_share: Share = 0.0
    counter_time_factor: Annotated[float, Field(gt=0, le=1)] = 1.0
    max_queue: Annotated[int, Field(ge=0)] = 5


class PoliciesSpec(Strict):
    """Rules of the house: cut-off, closing, lunch, priority, cross-serving."""

    ticket_cutoff_min: NonNegative = 0.0
    closing_rule: Literal["serve_all", "send_home", "hold"] = "serve_all"
    overtime_limit_min: NonNegative = 60.0
    lunch_rule: Literal["serve_all", "hold"] = "serve_all"
    lunch_cover: list[str] = Field(default_factory=list)
    priority_rule: Literal["strict", "interleaved"] = "strict"
    priority_interleave: Annotated[int, Field(ge=2)] = 3
    cross_serving: bool = False


class PoolSpec(Strict):
    """Back-office workers outside the counter staff (e.g. a commune department) for some fields."""

    id: Slug
    fields: Annotated[list[str], Field(min_length=1)]
    workers: Annotated[int, Field(ge=1, le=100)] = 1
    share: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Share of their working time spent on these dossiers."""


class SignOffSpec(Strict):
    """When leaders sign results, and who may sign."""

    times: Annotated[list[ClockTime], Field(min_length=1)] = Field(
        default_factory=lambda: ["10:00", "16:00"]
    )
    signers: list[str] = Field(default_factory=list)
    """Staff ids; a signing time happens when at least one is at work (not on leave or in a meeting)."""
    at_close: bool = True
    """Also sign, at closing time, results due that day that are waiting for a signature."""


class BackOfficeSpec(Strict):
    """Dossier processing after reception: who works, in what order, and how the run starts."""

    order: Literal["edd", "fifo"] = "edd"
    overtime_limit_min: NonNegative = 60.0
    """Per worker and day: work on dossiers due that day continues after closing up to this limit."""
    same_day_cutoff: ClockTime = "15:00"
    """Same-day procedures received after this time are due the next working day."""
    pools: list[PoolSpec] = Field(default_factory=list)
    sign_off: SignOffSpec = Field(default_factory=SignOffSpec)
    start: Literal["empty", "backlog"] = "empty"
    warmup_days: Annotated[int, Field(ge=0, le=1000)] = 0
    """Working days simulated before the window opens, whose statistics are discarded: the window
    then starts with the backlog (and the queues) that a running centre carries."""
    initial_backlog: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    """With start = "backlog": dossiers per field already in progress when the window opens."""
    complaint_share: Share = 0.0
    """Share of dossiers with a complaint or "dislike" (766 handling-satisfaction input)."""
    pickup_visits: bool = False
    """Results returned at the counter (`result_return = "counter"`) bring the citizen back for a
    pick-up visit; when on, the `collect` purpose should cover only other collections."""
    pickup_delay_days: Distribution = Field(
        default_factory=lambda: Uniform(dist="uniform", low=1.0, high=4.0)
    )
    """Working days from the result being ready to the pick-up visit (rounded down, at least 1)."""


class OnlineSpec(Strict):
    """Dossiers filed online by citizens themselves, round the clock (dịch vụ công trực tuyến)."""

    dossiers_per_day: NonNegative = 0.0
    """Mean dossiers per calendar day, weekends included."""
    hourly_profile: Annotated[list[RateBlock], Field(min_length=1)] = Field(
        default_factory=lambda: [RateBlock(start="06:00", end="23:00", weight=1.0)]
    )


class TargetRule(Strict):
    """A KPI compared with a value, e.g. wait_p90_min <= 15."""

    kpi: str
    op: Literal["<=", ">=", "<", ">"]
    value: float
    label: str = ""


DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE: dict[str, float] = {
    "wait_mean_min": 1.0,        # minutes
    "wait_p90_min": 2.0,         # minutes
    "wait_within_target": 0.01,  # 1 percentage point
    "on_time_rate": 0.01,        # 1 percentage point
    "late_dossiers": 1.0,        # dossiers in the window
}
"""Smallest change in each key KPI of a comparison that a planner would act on (ESTIMATE): a
difference the simulation can detect but that lies inside ±this band is "too small to matter"."""


class TargetsSpec(Strict):
    wait_threshold_min: Positive = 15.0
    rules: list[TargetRule] = Field(default_factory=list)
    minimum_important_difference: dict[str, NonNegative] = Field(
        default_factory=lambda: dict(DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE))
    """KPI → the smallest difference that matters, in the KPI's unit (shares as fractions: 0.01 is
    one percentage point). Keys given here replace the defaults one by one; 0 turns the band off."""

    @model_validator(mode="after")
    def _merge_minimum_important_difference(self) -> TargetsSpec:
        unknown = [k for k in self.minimum_important_difference if not is_known_kpi(k)]
        if unknown:
            raise ValueError(f"minimum_important_difference: unknown KPI {unknown[0]!r}; see "
                             "sim.scenario.kpis.KPIS")
        merged = {**DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE, **self.minimum_important_difference}
        object.__setattr__(self, "minimum_important_difference", merged)
        return self


class RunSpec(Strict):
    """Defaults for `python -m sim run`; the command line overrides them."""

    replications: Annotated[int, Field(ge=1, le=100_000)] = 20
    seed: Annotated[int, Field(ge=0)] = 20250701
    event_log: bool = False


class Scenario(Strict):
    """A whole scenario file."""

    scenario: ScenarioInfo
    calendar: CalendarSpec
    demand: DemandSpec
    fields: Annotated[list[FieldSpec], Field(min_length=1)]
    procedures: Annotated[list[ProcedureSpec], Field(min_length=1)]
    staff: Annotated[list[StaffSpec], Field(min_length=1)]
    equipment: EquipmentSpec = Field(default_factory=EquipmentSpec)
    support_team: SupportTeamSpec = Field(default_factory=SupportTeamSpec)
    policies: PoliciesSpec = Field(default_factory=PoliciesSpec)
    back_office: BackOfficeSpec | None = None
    online: OnlineSpec = Field(default_factory=OnlineSpec)
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
    run: RunSpec = Field(default_factory=RunSpec)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def back_office_start(self) -> str | None:
        """How the dossier backlog starts, in words (reports say it; None without a back office)."""
        bo = self.back_office
        if bo is None:
            return None
        if bo.warmup_days:
            extra = "" if bo.start == "empty" else " plus a given backlog"
            return (f"after a warm-up of {bo.warmup_days} working days{extra} (statistics from "
                    f"{self.calendar.start} on)")
        if bo.start == "empty" or not any(bo.initial_backlog.values()):
            return f"empty (no dossiers in progress on {self.calendar.start})"
        parts = ", ".join(f"{n} {f}" for f, n in bo.initial_backlog.items() if n)
        return f"from a given backlog on {self.calendar.start}: {parts} dossiers in progress"
