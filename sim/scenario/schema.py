"""The scenario: one centre, one experiment window, every input the model reads.

Each section below is one TOML table. Durations are minutes unless a key says otherwise (keys end in
`_min`). The models are frozen and refuse unknown keys; references between sections (a staff member
serving a field that does not exist, ...) are checked in `sim.scenario.checks`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Strict, SubKeyError, at_most, at_most_items
from sim.scenario.calendar import WEEKDAY_NAMES, CalendarSpec, ClockTime, Sessions, Weekday, parse_hhmm
from sim.scenario.costs_schema import CostsSpec
from sim.scenario.distributions import Deterministic, Distribution, Uniform, bounded, positive_mean
from sim.scenario.kpis import DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE, is_known_kpi
from sim.scenario.ranges import EstimateRange

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
Share = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]

# Upper bounds. Every size and duration has one that a real commune centre never reaches, so that a
# typo or an absurd value (1e7 visits, 10**9 machines, 1e308) is one line of bad input instead of an
# allocation error or a run that never ends. Documented in docs/scenario_format.md ("Bounds").
VISITS_PER_DAY_MAX = 5000
DOSSIERS_ONLINE_PER_DAY_MAX = 5000
ONLINE_PEAK_PER_MIN_MAX = 10
"""Dossiers a minute at the online profile's busiest block (5000 a day over 06:00–23:00 is 4.9)."""
WEEKDAY_FACTOR_MAX = 10
WEIGHT_MAX = 1_000_000
STAFF_MAX = 100
FIELDS_MAX = 100
PROCEDURES_MAX = 2000
COUNTER_MAX = 999
TICKET_MACHINES_MAX = 20
LOOKUP_PCS_MAX = 20
SUPPORT_MEMBERS_MAX = 50
QUEUE_LENGTH_MAX = 10_000
TICKETS_PER_ROLL_MAX = 100_000
POOLS_MAX = 100
BACKLOG_MAX = 100_000
OVERTIME_MAX_MIN = 720
EXTRA_DOCUMENT_MAX_MIN = 240
PRIORITY_INTERLEAVE_MAX = 100
TARGET_VALUE_MAX = 1e9
SHARE_SUM_TOLERANCE = 0.01
"""Purpose shares must sum to 1 within this (rounding in a table of shares), not be rescaled."""

_NOT_A_CENTRE = "more than any commune centre"
_RATIOS = "weights are relative, only their ratios matter"
VisitsPerDay = Annotated[float, Field(gt=0), at_most(VISITS_PER_DAY_MAX, f"{_NOT_A_CENTRE} receives")]
Weight = Annotated[float, Field(ge=0), at_most(WEIGHT_MAX, _RATIOS)]
PositiveWeight = Annotated[float, Field(gt=0), at_most(WEIGHT_MAX, _RATIOS)]
QueueLength = Annotated[int, at_most(QUEUE_LENGTH_MAX, "no hall holds that many")]
CounterMinutes = Annotated[float, Field(ge=0), at_most(1440, "a whole day", "minutes")]
Overtime = Annotated[float, Field(ge=0), at_most(OVERTIME_MAX_MIN, "half a day after closing", "minutes")]

# Distributions by what they measure; the bound is on the mean (exponential, lognormal, gamma, weibull) or on
# every possible value (deterministic, uniform, empirical).
CounterTime = Annotated[
    Distribution, bounded(1440, "minutes", "a whole day; no visit or task at the centre takes longer")
]
RepairTime = Annotated[
    Distribution, bounded(43_200, "minutes", "30 days; a machine out for longer is one fewer machine")
]
FailureGap = Annotated[
    Distribution,
    bounded(
        1_000_000,
        "minutes",
        "about 2,000 working days of operation; leave `failures` out for a machine that does not break down",
    ),
    AfterValidator(positive_mean),
]
WorkTime = Annotated[
    Distribution,
    bounded(4800, "minutes", "ten working days of one worker's full attention on one dossier"),
]
WorkingDays = Annotated[Distribution, bounded(365, "working days", "more than a year")]
Documents = Annotated[Distribution, bounded(500, "documents", "more than any visit brings")]
Purpose = Literal["submit", "collect", "enquiry", "online_help", "lookup"]

PURPOSES: tuple[str, ...] = ("submit", "collect", "enquiry", "online_help", "lookup")
"""Why a visitor comes: file a dossier, collect a result, ask, get help filing online, look up."""


class ScenarioInfo(Strict):
    """Names the scenario in reports and result folders."""

    name: Slug
    title: str = ""
    description: str = ""
    title_vi: str = ""
    """Vietnamese title, shown in Vietnamese reports (`title` in English ones); either falls back to
    the other, then to `name`."""
    description_vi: str = ""
    """Vietnamese description, shown in Vietnamese reports (`description` in English ones); either
    falls back to the other."""
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
    share: PositiveWeight
    service_min: CounterTime
    documents: Documents | None = None
    extra_document_min: Annotated[
        float, Field(ge=0), at_most(EXTRA_DOCUMENT_MAX_MIN, "four hours per document", "minutes")
    ] = 0.0
    # Back office (used when the scenario has a [back_office] table).
    statutory_days: Annotated[int, Field(ge=0, le=365)] = 0
    """Working days allowed; 0 = same day, due the next working day if received after the cut-off."""
    on_the_spot: bool = False
    """Finished at the counter while the visitor waits (certified copies usually are)."""
    work_min: WorkTime | None = None
    """Back-office work per dossier (minutes of a worker's full attention)."""
    missing_papers: Share = 0.0
    """Probability of a request for missing papers (the citizen's time to supply them is not counted)."""
    second_request: Share = 0.0
    """Probability of a second request, given a first; the portal then counts the dossier late."""
    supply_days: WorkingDays = Field(default_factory=lambda: Deterministic(dist="deterministic", value=2.0))
    """Working days the citizen takes to bring missing papers (rounded up, at least 1)."""
    external_days: WorkingDays | None = None
    """Working days the dossier then spends with another agency (tax office, land registration
    branch, a provincial department) before it comes back; counted against the deadline."""
    sign_off: bool = False
    """A leader signs the result at the set signing times."""
    fee_share: Share = 0.0
    online_payment_share: Share = 0.0
    result_return: Literal["counter", "post", "online"] = "counter"
    online_weight: Weight | None = None
    """Relative weight among dossiers filed online (default: `share`)."""


class PurposeSpec(Strict):
    """Share of visits with this purpose; `service_min` is the counter time where one applies."""

    share: Share
    service_min: CounterTime | None = None


class RateBlock(Strict):
    """A piece of the hour-of-day arrival profile: relative weight per minute over [start, end)."""

    start: ClockTime
    end: ClockTime
    weight: Weight

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

    queue_length: Annotated[QueueLength, Field(ge=1)]
    probability: Share = 1.0


class DemandSpec(Strict):
    """Who comes, when, and why."""

    visits_per_day: VisitsPerDay
    purposes: dict[Purpose, PurposeSpec]
    hourly_profile: Annotated[list[RateBlock], Field(min_length=1)]
    season_profiles: dict[str, Annotated[list[RateBlock], Field(min_length=1)]] = Field(default_factory=dict)
    weekday_factors: dict[
        Weekday, Annotated[float, Field(ge=0), at_most(WEEKDAY_FACTOR_MAX, "ten average days")]
    ] = Field(default_factory=dict)
    priority_share: Share = 0.0
    patience_min: CounterTime | None = None
    balking: BalkingSpec | None = None
    uses_lookup_pc_share: Share = 0.0
    needs_help_share: Share = 0.0
    return_delay_min: CounterTime = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=0.0)
    )

    @model_validator(mode="after")
    def _consistent(self) -> DemandSpec:
        _check_profile(self.hourly_profile)
        for blocks in self.season_profiles.values():
            _check_profile(blocks)
        total = sum(p.share for p in self.purposes.values())
        if total <= 0:
            raise SubKeyError("purposes", "at least one purpose must have a positive share")
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            # Rescaling would hide a typo: a share typed 0.9 for 0.09 would silently become 73%.
            parts = " + ".join(f"{name} {p.share:g}" for name, p in self.purposes.items())
            raise SubKeyError(
                "purposes",
                f"the purpose shares must sum to 1 (within {SHARE_SUM_TOLERANCE:g}); they sum to "
                f"{total:.6g} ({parts})",
            )
        for name in ("collect", "enquiry", "online_help"):
            spec = self.purposes.get(name)
            if spec is not None and spec.share > 0 and spec.service_min is None:
                raise SubKeyError(
                    f"purposes.{name}.service_min",
                    f"purpose {name!r} is served at a counter and needs service_min",
                )
        return self

    def weekday_factor(self, weekday: int) -> float:
        return self.weekday_factors.get(WEEKDAY_NAMES[weekday], 1.0)


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
    counter: Annotated[int, Field(ge=1), at_most(COUNTER_MAX, "counter numbers have three digits")]
    counter_share: Share = 1.0
    back_office_share: Share = 0.0
    leave: list[LeaveSpec] = Field(default_factory=list)
    meetings: list[MeetingSpec] = Field(default_factory=list)


class FailureSpec(Strict):
    """Breakdowns: operating minutes between failures, and minutes to repair."""

    time_between_min: FailureGap
    repair_min: RepairTime


class PaperSpec(Strict):
    """Paper rolls run out after a number of tickets and take time to replace."""

    tickets_per_roll: Annotated[int, Field(ge=1), at_most(TICKETS_PER_ROLL_MAX, "longer than any paper roll")]
    refill_min: CounterTime


class TicketMachineSpec(Strict):
    """Automatic queue-number machines and what happens when none works."""

    count: Annotated[int, Field(ge=0), at_most(TICKET_MACHINES_MAX, f"{_NOT_A_CENTRE} has")] = 1
    issue_min: CounterTime = Field(default_factory=lambda: Deterministic(dist="deterministic", value=0.25))
    failures: FailureSpec | None = None
    paper: PaperSpec | None = None
    fallback: Literal["manual", "direct", "wait"] = "manual"
    manual_issue_min: CounterTime = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=0.5)
    )
    manual_staff: str | None = None


class LookupPCSpec(Strict):
    """Self-service PCs for looking up procedures and dossier status."""

    count: Annotated[int, Field(ge=0), at_most(LOOKUP_PCS_MAX, f"{_NOT_A_CENTRE} has")] = 1
    session_min: CounterTime = Field(default_factory=lambda: Deterministic(dist="deterministic", value=8.0))
    max_queue: Annotated[QueueLength, Field(ge=0)] = 2


class EquipmentSpec(Strict):
    ticket_machines: TicketMachineSpec = Field(default_factory=TicketMachineSpec)
    lookup_pcs: LookupPCSpec = Field(default_factory=LookupPCSpec)


class SupportTeamSpec(Strict):
    """Tổ hỗ trợ: helpers who guide visitors to file online."""

    members: Annotated[int, Field(ge=0), at_most(SUPPORT_MEMBERS_MAX, f"{_NOT_A_CENTRE}'s support team")] = 0
    hours: Sessions = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: list(WEEKDAY_NAMES[:5]))
    help_min: CounterTime = Field(default_factory=lambda: Deterministic(dist="deterministic", value=20.0))
    online_share: Share = 0.0
    counter_time_factor: Annotated[float, Field(gt=0, le=1)] = 1.0
    max_queue: Annotated[QueueLength, Field(ge=0)] = 5


class PoliciesSpec(Strict):
    """Rules of the house: cut-off, closing, lunch, priority, cross-serving."""

    ticket_cutoff_min: CounterMinutes = 0.0
    closing_rule: Literal["serve_all", "send_home", "hold"] = "serve_all"
    overtime_limit_min: Overtime = 60.0
    lunch_rule: Literal["serve_all", "hold"] = "serve_all"
    lunch_cover: list[str] = Field(default_factory=list)
    priority_rule: Literal["strict", "interleaved"] = "strict"
    priority_interleave: Annotated[
        int, Field(ge=2), at_most(PRIORITY_INTERLEAVE_MAX, "priority would hardly count")
    ] = 3
    """With "interleaved": one priority ticket in this many calls, counting only calls made from
    the queue (a number handed straight to a free counter is not a call and does not count)."""
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

    times: Annotated[list[ClockTime], Field(min_length=1)] = Field(default_factory=lambda: ["10:00", "16:00"])
    signers: list[str] = Field(default_factory=list)
    """Staff ids; a signing time happens when at least one is at work (not on leave or in a meeting)."""
    at_close: bool = True
    """Also sign, at closing time, results due that day that are waiting for a signature."""


class BackOfficeSpec(Strict):
    """Dossier processing after reception: who works, in what order, and how the run starts."""

    order: Literal["edd", "fifo"] = "edd"
    overtime_limit_min: Overtime = 60.0
    """Per worker and day: work on dossiers due that day continues after closing up to this limit."""
    same_day_cutoff: ClockTime = "15:00"
    """Same-day procedures received after this time are due the next working day."""
    pools: Annotated[list[PoolSpec], at_most_items(POOLS_MAX, "pools", f"{_NOT_A_CENTRE} works with")] = (
        Field(default_factory=list)
    )
    sign_off: SignOffSpec = Field(default_factory=SignOffSpec)
    start: Literal["empty", "backlog"] = "empty"
    warmup_days: Annotated[int, Field(ge=0, le=1000)] = 0
    """Working days simulated before the window opens, whose statistics are discarded: the window
    then starts with the backlog (and the queues) that a running centre carries."""
    initial_backlog: dict[
        str, Annotated[int, Field(ge=0), at_most(BACKLOG_MAX, f"{_NOT_A_CENTRE} has in progress")]
    ] = Field(default_factory=dict)
    """With start = "backlog": dossiers per field already in progress when the window opens."""
    complaint_share: Share = 0.0
    """Share of dossiers with a complaint or "dislike" (766 handling-satisfaction input)."""
    pickup_visits: bool = False
    """Results returned at the counter (`result_return = "counter"`) bring the citizen back for a
    pick-up visit; when on, the `collect` purpose should cover only other collections."""
    pickup_delay_days: WorkingDays = Field(default_factory=lambda: Uniform(dist="uniform", low=1.0, high=4.0))
    """Working days from the result being ready to the pick-up visit (rounded down, at least 1)."""

    @model_validator(mode="after")
    def _backlog_total(self) -> BackOfficeSpec:
        total = sum(self.initial_backlog.values())
        if total > BACKLOG_MAX:
            raise SubKeyError(
                "initial_backlog",
                f"must be at most {BACKLOG_MAX} dossiers in all "
                f"({_NOT_A_CENTRE} has in progress), got {total}",
            )
        return self


class OnlineSpec(Strict):
    """Dossiers filed online by citizens themselves, round the clock (dịch vụ công trực tuyến)."""

    dossiers_per_day: Annotated[
        float, Field(ge=0), at_most(DOSSIERS_ONLINE_PER_DAY_MAX, f"{_NOT_A_CENTRE} receives")
    ] = 0.0
    """Mean dossiers per calendar day, weekends included."""
    hourly_profile: Annotated[list[RateBlock], Field(min_length=1)] = Field(
        default_factory=lambda: [RateBlock(start="06:00", end="23:00", weight=1.0)]
    )

    @model_validator(mode="after")
    def _profile(self) -> OnlineSpec:
        # The model divides by the profile's mass (all weights 0: division by zero) and draws the
        # whole window's candidate times at the peak rate at once (a one-minute block of 5000 a day
        # would need gigabytes), so the profile must be ordered, positive and not too peaked.
        try:
            _check_profile(self.hourly_profile)
        except ValueError as exc:
            raise SubKeyError("hourly_profile", str(exc)) from None
        blocks = [(parse_hhmm(b.start), parse_hhmm(b.end), b.weight) for b in self.hourly_profile]
        mass = sum((e - s) * w for s, e, w in blocks)
        s, e, w = max(blocks, key=lambda b: b[2])
        peak = w * self.dossiers_per_day / mass
        if peak > ONLINE_PEAK_PER_MIN_MAX:
            raise SubKeyError(
                "hourly_profile",
                f"the block {_hhmm(s)}–{_hhmm(e)} would bring {peak:.1f} dossiers a minute "
                f"(dossiers_per_day spread over the blocks by weight); at most "
                f"{ONLINE_PEAK_PER_MIN_MAX} a minute ({_NOT_A_CENTRE} receives online): spread "
                "the blocks wider",
            )
        return self


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _target_value(value: float) -> float:
    if abs(value) > TARGET_VALUE_MAX:
        raise ValueError(
            f"must be between -{TARGET_VALUE_MAX:.0f} and {TARGET_VALUE_MAX:.0f} (no KPI "
            f"reaches it), got {value!r}"
        )
    return value


class TargetRule(Strict):
    """A KPI compared with a value, e.g. wait_p90_min <= 15."""

    kpi: str
    op: Literal["<=", ">=", "<", ">"]
    value: Annotated[float, AfterValidator(_target_value)]
    label: str = ""


class TargetsSpec(Strict):
    wait_threshold_min: Annotated[float, Field(gt=0), at_most(1440, "a whole day", "minutes")] = 15.0
    rules: list[TargetRule] = Field(default_factory=list)
    minimum_important_difference: dict[str, NonNegative] = Field(
        default_factory=lambda: dict(DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE)
    )
    """KPI → the smallest difference that matters, in the KPI's unit (shares as fractions: 0.01 is
    one percentage point). Keys given here replace the defaults one by one; 0 turns the band off."""

    @model_validator(mode="after")
    def _merge_minimum_important_difference(self) -> TargetsSpec:
        unknown = [k for k in self.minimum_important_difference if not is_known_kpi(k)]
        if unknown:
            raise ValueError(
                f"minimum_important_difference: unknown KPI {unknown[0]!r}; see sim.scenario.kpis.KPIS"
            )
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
    fields: Annotated[
        list[FieldSpec],
        Field(min_length=1),
        at_most_items(FIELDS_MAX, "fields", f"{_NOT_A_CENTRE} has"),
    ]
    procedures: Annotated[
        list[ProcedureSpec],
        Field(min_length=1),
        at_most_items(PROCEDURES_MAX, "procedures", "more than a commune handles"),
    ]
    staff: Annotated[
        list[StaffSpec],
        Field(min_length=1),
        at_most_items(STAFF_MAX, "staff", f"{_NOT_A_CENTRE} employs"),
    ]
    equipment: EquipmentSpec = Field(default_factory=EquipmentSpec)
    support_team: SupportTeamSpec = Field(default_factory=SupportTeamSpec)
    policies: PoliciesSpec = Field(default_factory=PoliciesSpec)
    back_office: BackOfficeSpec | None = None
    online: OnlineSpec = Field(default_factory=OnlineSpec)
    targets: TargetsSpec = Field(default_factory=TargetsSpec)
    run: RunSpec = Field(default_factory=RunSpec)
    costs: CostsSpec | None = None
    estimate_ranges: tuple[EstimateRange, ...] = ()
    """Plausible ranges of ESTIMATE values, by key path (`sim.scenario.ranges`); the model does not
    read them, the sensitivity sweep and the business case's Monte Carlo do."""

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
            return (
                f"after a warm-up of {bo.warmup_days} working days{extra} (statistics from "
                f"{self.calendar.start} on)"
            )
        if bo.start == "empty" or not any(bo.initial_backlog.values()):
            return f"empty (no dossiers in progress on {self.calendar.start})"
        parts = ", ".join(f"{n} {f}" for f, n in bo.initial_backlog.items() if n)
        return f"from a given backlog on {self.calendar.start}: {parts} dossiers in progress"
