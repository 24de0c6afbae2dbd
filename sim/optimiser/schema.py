"""The study file's tables, validated like a scenario: frozen, unknown keys refused by name.

A study names a base scenario, levers (each a list of options with a cost and an overlay merged
onto the scenario by the `extends` rules), constraints, the objective and the procedure's
settings. See docs/optimise.md for every key.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Strict, SubKeyError, at_most, at_most_items, check_unique, number_text
from sim.scenario.costs_schema import MONEY_MAX
from sim.scenario.kpis import is_known_kpi

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
Line = Annotated[str, Field(max_length=300)]
"""One line of text (a label, a description): long texts break the report's table."""

Money = Annotated[float, Field(ge=0), at_most(MONEY_MAX, "no commune centre spends that", "VND")]
LEVERS_MAX = 12
OPTIONS_MAX = 50
PLANS_MAX = 5000
"""More plans than this cannot run in a working day on a small machine: split the study."""
REPLICATIONS_MAX = 10_000

OVERLAY_FORBIDDEN = ("scenario", "run", "extends")
"""Top-level scenario keys an overlay may not set: a plan's name and title come from its options,
the study sets the replications and seed, and an overlay is already a variant of the base."""


class StudyInfo(Strict):
    name: Slug
    title: Line = ""
    title_vi: Line = ""
    description: Line = ""
    description_vi: Line = ""
    base: Annotated[str, Field(min_length=1, max_length=1000)]
    """The base scenario file, relative to the study file."""
    currency: Literal["VND"] = "VND"


class OptionSpec(Strict):
    id: Slug
    label: Annotated[str, Field(min_length=1, max_length=80)]
    label_vi: Annotated[str, Field(max_length=80)] = ""
    description: Line = ""
    description_vi: Line = ""
    cost_per_month: Money = 0.0
    price: Money = 0.0
    lifetime_years: Annotated[float, Field(ge=0), at_most(50, "no equipment lasts longer", "years")] = 0.0
    overlay: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _priced(self) -> OptionSpec:
        if self.price > 0 and self.lifetime_years <= 0:
            raise SubKeyError(
                "lifetime_years",
                "a one-off price needs its lifetime in years (e.g. lifetime_years = 5), "
                "so that it can be spread over the months it serves",
            )
        bad = [k for k in OVERLAY_FORBIDDEN if k in self.overlay]
        if bad:
            raise SubKeyError(
                f"overlay.{bad[0]}",
                f"an overlay may not set [{bad[0]}] (the study names plans and sets replications "
                "and seeds); it changes the centre: staff, calendar, equipment, policies, …",
            )
        return self


class LeverSpec(Strict):
    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=80)]
    name_vi: Annotated[str, Field(max_length=80)] = ""
    monotone: bool = False
    """Options run from least to most resource and more never hurts a constraint (tested)."""
    options: Annotated[
        list[OptionSpec],
        Field(min_length=1),
        at_most_items(OPTIONS_MAX, "options", "a lever is one decision, not a catalogue"),
    ]

    @model_validator(mode="after")
    def _unique(self) -> LeverSpec:
        check_unique("options", [o.id for o in self.options], "option id", "id")
        return self


def _known_kpi(kpi: str) -> str:
    if not is_known_kpi(kpi):
        raise ValueError(f"unknown KPI {kpi!r}; see the KPI list in docs/kpis.md")
    return kpi


def _positive(what: str) -> AfterValidator:
    """A tolerance: greater than 0, in the KPI's unit."""

    def check(value: float) -> float:
        if not value > 0:
            raise ValueError(f"must be greater than 0 ({what}), got {number_text(value)}")
        return value

    return AfterValidator(check)


KpiKey = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_known_kpi)]


class ConstraintSpec(Strict):
    kpi: KpiKey
    op: Literal[">=", "<=", ">", "<"]
    value: float
    tolerance: Annotated[float, _positive("the indifference band ε in the KPI's unit")] | None = None
    """ε > 0: means within ± ε of the value may be declared either way."""


class ObjectiveSpec(Strict):
    cost: Literal["total"] = "total"
    secondary: KpiKey = "wait_mean_min"
    tie_tolerance: Annotated[float, _positive("in the secondary KPI's unit")] | None = None
    discount_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0


class ProcedureSpec(Strict):
    alpha: Annotated[float, Field(gt=0, le=0.5)] = 0.05
    first_stage: Annotated[int, Field(ge=2, le=1000)] = 10
    batch: Annotated[int, Field(ge=1, le=1000)] = 10
    max_replications: Annotated[int, Field(ge=2, le=REPLICATIONS_MAX)] = 200
    seed: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _cap(self) -> ProcedureSpec:
        if self.max_replications < self.first_stage:
            raise SubKeyError(
                "max_replications",
                f"must be at least first_stage ({self.first_stage}), got {self.max_replications}",
            )
        return self


class StressSpec(Strict):
    name: Slug
    title: Line = ""
    title_vi: Line = ""
    description: Line = ""
    description_vi: Line = ""
    demand_factor: Annotated[float, Field(gt=0), at_most(10, "ten times today's demand")] = 1.0
    overlay: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _changes_something(self) -> StressSpec:
        bad = [k for k in OVERLAY_FORBIDDEN if k in self.overlay]
        if bad:
            raise SubKeyError(f"overlay.{bad[0]}", f"an overlay may not set [{bad[0]}]")
        if self.demand_factor == 1.0 and not self.overlay:
            raise SubKeyError(
                "demand_factor",
                "a stress variant must change something: set demand_factor (e.g. 1.2 for +20%) or an overlay",
            )
        return self


class StudyFile(Strict):
    study: StudyInfo
    levers: Annotated[
        list[LeverSpec],
        Field(min_length=1),
        at_most_items(LEVERS_MAX, "levers", "split a larger question into several studies"),
    ]
    exclude: list[dict[str, Any]] = Field(default_factory=list)
    constraints: list[ConstraintSpec] = Field(default_factory=list)
    objective: ObjectiveSpec = Field(default_factory=ObjectiveSpec)
    procedure: ProcedureSpec = Field(default_factory=ProcedureSpec)
    stress: StressSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> StudyFile:
        check_unique("levers", [lever.id for lever in self.levers], "lever id", "id")
        options = {lever.id: {o.id for o in lever.options} for lever in self.levers}
        for i, rule in enumerate(self.exclude):
            _check_exclude(f"exclude[{i}]", rule, options)
        plans = math.prod(len(lever.options) for lever in self.levers)
        if plans > PLANS_MAX:
            raise SubKeyError(
                "levers",
                f"the levers make {plans} plans, more than the {PLANS_MAX} one study may run; "
                "drop options or split the study",
            )
        return self


def _check_exclude(key: str, rule: dict[str, Any], options: dict[str, set[str]]) -> None:
    """An exclude rule names levers (each with a list of its option ids) and perhaps a reason."""
    levers = [k for k in rule if k != "reason"]
    if not levers:
        raise SubKeyError(key, 'name at least one lever and its options, e.g. staff = ["staff_5"]')
    if "reason" in rule and not isinstance(rule["reason"], str):
        raise SubKeyError(f"{key}.reason", "must be a text saying why these plans are left out")
    for lever in levers:
        if lever not in options:
            raise SubKeyError(f"{key}.{lever}", f"no lever {lever!r}; levers: {', '.join(options)}")
        ids = rule[lever]
        if not (isinstance(ids, list) and ids and all(isinstance(x, str) for x in ids)):
            raise SubKeyError(f"{key}.{lever}", 'must be a list of option ids, e.g. ["staff_5"]')
        unknown = [x for x in ids if x not in options[lever]]
        if unknown:
            raise SubKeyError(
                f"{key}.{lever}",
                f"lever {lever!r} has no option {unknown[0]!r}; options: {', '.join(sorted(options[lever]))}",
            )


__all__ = [
    "LEVERS_MAX",
    "OPTIONS_MAX",
    "PLANS_MAX",
    "ConstraintSpec",
    "LeverSpec",
    "ObjectiveSpec",
    "OptionSpec",
    "ProcedureSpec",
    "StressSpec",
    "StudyFile",
    "StudyInfo",
]
