"""The cheapest plan that meets stochastic targets: sequential feasibility checks, then a tie-break.

Pure statistics: plans are indices with known costs, and a `Sample` callback runs replications.

**Feasibility** (Batur & Kim 2010, "Finding feasible systems in the presence of constraints on
multiple performance measures", ACM TOMACS 20(3) art. 13; the same check is phase I of Andradóttir
& Kim 2010). Constraint ℓ of plan i says E[Y] ≤ q (a ">=" constraint is the same on −Y), with an
indifference tolerance ε: the plan is *desirable* for ℓ when E[Y] ≤ q − ε and *unacceptable* when
E[Y] ≥ q + ε. After a first stage of n0 replications (S² = sample variance of those n0 values),
the check runs observation by observation, r = n0, n0 + 1, …, on

    D_r = Σ_{j≤r} (Y_j − q),   R(r) = max(0, h² S² / (2ε) − ε r / 2):

D_r ≤ −R(r) declares ℓ feasible, D_r ≥ R(r) infeasible, otherwise it continues. This triangular
continuation region (c = 1) closes at r = h² S² / ε², where the sign of D_r decides. The constants
come from g(η) = ½ (1 + 2η)^(−(n0−1)/2) = β:

    η = ½ [(2β)^(−2/(n0−1)) − 1],   h² = 2 η (n0 − 1),

so that each decision about a desirable or unacceptable constraint is wrong with probability at
most β. The error is split over the k plans × s constraints (Bonferroni), β = α_F / (k s): by
the union bound, every decision is right with probability ≥ 1 − α_F, and this needs no
independence between plans or constraints — which is what keeps it valid under common random
numbers.

**Replications go where they can change the answer.** Plans are taken in cost order: a plan
costlier than one already declared feasible cannot be the answer and gets no more replications
(`NOT_NEEDED`; its first-stage values are kept). Replications arrive `batch` at a time, but every
check still looks at each r inside the batch and keeps its decision at the FIRST exit, so the
guarantee of the fully sequential procedure holds exactly. A plan infeasible on one constraint is
infeasible (its open checks stop); a plan at the cap with open checks is `UNDECIDED`.

**Monotone levers** (`Dominance`, optional): when a plan is shown infeasible for ℓ by its data,
every plan with no more resource is infeasible for ℓ too; when shown feasible, every plan with no
less resource is feasible for ℓ. Implications come only from decisions made on data (no chains),
so they are right whenever the implying decision is — no extra error.

**The answer.** The cheapest feasible plan. If a plan strictly cheaper than it is `UNDECIDED` at
the cap (or nothing is feasible and something is undecided), the answer is "undecided" and no
plan is chosen: guessing would break the guarantee. Undecided plans at exactly the best cost are
listed in `blocking` too, but the answer stays "found": equal cost is not cheaper, so the cost
of the answer is right either way (only the tie-break among equal-cost plans might have seen one
more candidate).

**Tie-break** (`sim.optimise.kn`): among ≥ 2 feasible plans at the cheapest feasible cost, the
best secondary KPI by KN screening on paired differences with error α_S. The error budget is
α = α_F + α_S with α_S = α · tie_share — but only when a tie is possible at all (some cost shared
by two plans): with all costs distinct the whole α goes to the feasibility checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from sim.optimise.kn import Screening, TieBreak, kn_select

FEASIBLE, INFEASIBLE, UNDECIDED, NOT_NEEDED = "feasible", "infeasible", "undecided", "not_needed"
STATES: tuple[str, ...] = (FEASIBLE, INFEASIBLE, UNDECIDED, NOT_NEEDED)

FOUND, NONE_FEASIBLE, ANSWER_UNDECIDED = "found", "none_feasible", "undecided"


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name}: must be a finite number, got {value!r}")
    return float(value)


def _integer(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name}: must be an integer ≥ {minimum}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Constraint:
    """E[kpi] op threshold, judged with the indifference tolerance ε = `tolerance` > 0."""

    kpi: str
    op: Literal["<=", ">="]
    threshold: float
    tolerance: float

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi:
            raise ValueError(f"kpi: must be a KPI name, got {self.kpi!r}")
        if self.op not in ("<=", ">="):
            raise ValueError(f"op: must be '<=' or '>=', got {self.op!r}")
        _finite("threshold", self.threshold)
        if not _finite("tolerance", self.tolerance) > 0:
            raise ValueError(f"tolerance: must be positive, got {self.tolerance!r}")

    @property
    def sign(self) -> float:
        """+1 for "<=", −1 for ">=": sign · (Y − q) ≤ 0 is "meets the constraint"."""
        return 1.0 if self.op == "<=" else -1.0


@dataclass(frozen=True, slots=True)
class Settings:
    """The error budget and the replication plan of `find_cheapest_feasible`."""

    alpha: float = 0.05
    first_stage: int = 10
    batch: int = 10
    max_replications: int = 200
    split_error: bool = True
    """Bonferroni over plans × constraints; False only for tests (it breaks the guarantee)."""
    tie_kpi: str | None = "wait_mean_min"
    tie_direction: int = -1
    """-1: lower is better; +1: higher is better."""
    tie_tolerance: float = 0.25
    """δ > 0 of the KN tie-break, in the tie KPI's unit."""
    tie_share: float = 0.5
    """Share of alpha spent on the tie-break when a tie is possible (some cost shared)."""

    def __post_init__(self) -> None:
        alpha = _finite("alpha", self.alpha)
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"alpha: must be between 0 and 1 (exclusive), got {self.alpha!r}")
        _integer("first_stage", self.first_stage, 2)
        _integer("batch", self.batch, 1)
        _integer("max_replications", self.max_replications, 2)
        if self.max_replications < self.first_stage:
            raise ValueError(
                f"max_replications: must be at least first_stage ({self.first_stage}), "
                f"got {self.max_replications!r}"
            )
        if not isinstance(self.split_error, bool):
            raise ValueError(f"split_error: must be true or false, got {self.split_error!r}")
        if self.tie_kpi is not None and (not isinstance(self.tie_kpi, str) or not self.tie_kpi):
            raise ValueError(f"tie_kpi: must be a KPI name or None, got {self.tie_kpi!r}")
        if isinstance(self.tie_direction, bool) or self.tie_direction not in (-1, 1):
            raise ValueError(f"tie_direction: must be -1 or +1, got {self.tie_direction!r}")
        if not _finite("tie_tolerance", self.tie_tolerance) > 0:
            raise ValueError(f"tie_tolerance: must be positive, got {self.tie_tolerance!r}")
        if not 0.0 < _finite("tie_share", self.tie_share) < 1.0:
            raise ValueError(f"tie_share: must be between 0 and 1 (exclusive), got {self.tie_share!r}")


Sample = Callable[[Mapping[int, range]], Mapping[int, Mapping[str, np.ndarray]]]
"""Given {plan index: replication range}, return {plan index: {kpi: values for those replications,
in order}} for every constraint KPI and the tie KPI. Replication r of every plan uses the same
random numbers (CRN); the procedure asks for each (plan, r) once, in contiguous ranges that
follow on."""


@dataclass(frozen=True, slots=True)
class Dominance:
    """Monotone structure, from the study's monotone levers: worse[i] = plans with no more resource
    than plan i on every monotone lever and the same option on every other lever (i excluded);
    better[i] the converse."""

    worse: tuple[frozenset[int], ...]
    better: tuple[frozenset[int], ...]


@dataclass(frozen=True, slots=True)
class ConstraintOutcome:
    state: str
    """FEASIBLE / INFEASIBLE / UNDECIDED / NOT_NEEDED."""
    decided_at: int | None
    """Replications of the plan at the decision (None if not decided)."""
    implied_by: int | None
    """The plan whose data decided this one through a monotone lever (None: its own data)."""


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    index: int
    state: str
    constraints: tuple[ConstraintOutcome, ...]
    replications: int
    values: Mapping[str, np.ndarray]
    """Every KPI value the sampler returned for this plan, all replications run, in order."""


@dataclass(frozen=True, slots=True)
class RoundStatus:
    """Progress after a round, for a progress bar."""

    decided: int
    """Plans feasible, infeasible or not needed."""
    undecided: int
    """Plans still running or undecided at the cap."""
    spent: int
    round: int


@dataclass(frozen=True, slots=True)
class Outcome:
    plans: tuple[PlanOutcome, ...]
    answer: str
    """"found" | "none_feasible" | "undecided"."""
    chosen: int | None
    best_known: int | None
    """Cheapest plan declared feasible (the tie-break winner when one was run), also when the
    answer is "undecided" (then the tie-break is not run and it is the first in plan order)."""
    blocking: tuple[int, ...]
    """UNDECIDED plans no costlier than best_known: the strictly cheaper ones make the answer
    "undecided"; equal-cost ones are listed but leave the answer "found"."""
    tie: TieBreak | None
    beta: float
    eta: float
    h2: float
    spent: int
    max_used: int
    rounds: int
    alpha_feasibility: float = 0.0
    alpha_tie: float = 0.0


def feasibility_constants(beta: float, first_stage: int) -> tuple[float, float]:
    """η and h² of the Batur–Kim check (c = 1) for error `beta` per decision and first stage n0."""
    eta = 0.5 * ((2.0 * beta) ** (-2.0 / (first_stage - 1)) - 1.0)
    return eta, 2.0 * eta * (first_stage - 1)


def first_exit(
    steps: np.ndarray, total: float, checked: int, s2: float, tolerance: float, h2: float
) -> tuple[int, str] | None:
    """The first r in checked+1 … checked+len(steps) where the check leaves its region.

    `steps` are sign · (Y_r − q) for those r, `total` = D at r = `checked`. Returns (r, FEASIBLE
    or INFEASIBLE), or None when every r stays inside. D_r ≤ −R(r) wins over D_r ≥ R(r) when both
    hold (R = 0 and D = 0): a mean exactly at the threshold meets it.
    """
    d = total + np.cumsum(steps)
    r = np.arange(checked + 1, checked + 1 + len(steps), dtype=float)
    half = np.maximum(0.0, h2 * s2 / (2.0 * tolerance) - tolerance * r / 2.0)
    feasible = d <= -half
    hit = feasible | (d >= half)
    if not hit.any():
        return None
    j = int(np.argmax(hit))
    return checked + 1 + j, FEASIBLE if feasible[j] else INFEASIBLE


@dataclass(slots=True)
class _Check:
    """Runtime state of one (plan, constraint) check."""

    state: str = UNDECIDED
    decided_at: int | None = None
    implied_by: int | None = None
    s2: float = 0.0
    checked: int = 0
    total: float = 0.0
    by_data: bool = False

    def outcome(self) -> ConstraintOutcome:
        return ConstraintOutcome(self.state, self.decided_at, self.implied_by)


@dataclass(slots=True)
class _Plan:
    """Runtime state of one plan; `state` is None while it still runs."""

    index: int
    cost: float
    checks: list[_Check]
    chunks: dict[str, list[np.ndarray]]
    n: int = 0
    state: str | None = None

    def values(self, kpi: str) -> np.ndarray:
        parts = self.chunks[kpi]
        if len(parts) > 1:
            parts[:] = [np.concatenate(parts)]
        return parts[0]

    def close(self, state: str, open_checks: str) -> None:
        self.state = state
        for c in self.checks:
            if c.state == UNDECIDED:
                c.state = open_checks


@dataclass(slots=True)
class _Run:
    """The procedure's mutable state: plans, the sampler, the constants."""

    plans: list[_Plan]
    constraints: Sequence[Constraint]
    sample: Sample
    kpis: tuple[str, ...]
    settings: Settings
    h2: float
    dominance: Dominance | None
    rounds: int = 0
    spent: int = field(default=0)

    def request(self, ranges: Mapping[int, range]) -> None:
        """Run the replications in `ranges` and store their values (checked: every KPI, in full)."""
        if not ranges:
            return
        got = self.sample(ranges)
        for i, reps in ranges.items():
            plan = self.plans[i]
            if i not in got:
                raise ValueError(f"the sampler returned nothing for plan {i}")
            for kpi in self.kpis:
                if kpi not in got[i]:
                    raise ValueError(f"the sampler returned no {kpi!r} for plan {i}")
                v = np.asarray(got[i][kpi], dtype=float).reshape(-1)
                if len(v) != len(reps):
                    raise ValueError(
                        f"the sampler returned {len(v)} values of {kpi!r} for plan {i}, "
                        f"asked for {len(reps)} (replications {reps.start}–{reps.stop - 1})"
                    )
                if not np.isfinite(v).all():
                    bad = reps[int(np.argmin(np.isfinite(v)))]
                    raise ValueError(
                        f"the sampler returned a non-finite {kpi!r} for plan {i}, replication {bad}"
                    )
                plan.chunks[kpi].append(v)
            plan.n = reps.stop
            self.spent += len(reps)

    def advance(self, plan: _Plan) -> list[int]:
        """Check the plan's open constraints on its new observations; the newly decided ones."""
        decided = []
        for ell, (con, chk) in enumerate(zip(self.constraints, plan.checks, strict=True)):
            if chk.state != UNDECIDED:
                continue
            y = plan.values(con.kpi)
            steps = con.sign * (y[chk.checked : plan.n] - con.threshold)
            hit = first_exit(steps, chk.total, chk.checked, chk.s2, con.tolerance, self.h2)
            if hit is None:
                chk.total += float(steps.sum())
                chk.checked = plan.n
            else:
                chk.decided_at, chk.state, chk.by_data = hit[0], hit[1], True
                decided.append(ell)
        return decided

    def imply(self, i: int, ell: int) -> None:
        """Carry plan i's data decision on constraint ℓ along the monotone levers."""
        if self.dominance is None:
            return
        state = self.plans[i].checks[ell].state
        others = self.dominance.worse[i] if state == INFEASIBLE else self.dominance.better[i]
        for j in sorted(others):
            plan = self.plans[j]
            chk = plan.checks[ell]
            if plan.state is None and chk.state == UNDECIDED:
                chk.state, chk.implied_by, chk.decided_at = state, i, plan.n

    def settle(self) -> None:
        """Plan states from their checks; stop plans that can no longer be the answer."""
        cap = self.settings.max_replications
        for p in self.plans:
            if p.state is None:
                if any(c.state == INFEASIBLE for c in p.checks):
                    p.close(INFEASIBLE, NOT_NEEDED)
                elif all(c.state == FEASIBLE for c in p.checks):
                    p.state = FEASIBLE
        best = min((p.cost for p in self.plans if p.state == FEASIBLE), default=math.inf)
        for p in self.plans:
            if p.state is None:
                if p.cost > best:
                    p.close(NOT_NEEDED, NOT_NEEDED)
                elif p.n >= cap:
                    p.close(UNDECIDED, UNDECIDED)

    def step(self, plans: Sequence[_Plan]) -> None:
        """Advance the checks of `plans` on their new data, apply dominance, settle."""
        decided = [(p.index, ell) for p in plans for ell in self.advance(p)]
        for i, ell in decided:
            self.imply(i, ell)
        self.settle()
        self.rounds += 1

    def status(self) -> RoundStatus:
        done = sum(p.state in (FEASIBLE, INFEASIBLE, NOT_NEEDED) for p in self.plans)
        return RoundStatus(done, len(self.plans) - done, self.spent, self.rounds)


def _check_inputs(
    costs: Sequence[float], constraints: Sequence[Constraint], dominance: Dominance | None
) -> None:
    if len(costs) == 0:
        raise ValueError("costs: at least one plan is needed")
    for i, c in enumerate(costs):
        _finite(f"costs[{i}]", c)
    if len(constraints) == 0:
        raise ValueError("constraints: at least one constraint is needed")
    for ell, con in enumerate(constraints):
        if not isinstance(con, Constraint):
            raise ValueError(f"constraints[{ell}]: must be a Constraint, got {con!r}")
    if dominance is not None:
        k = len(costs)
        for name, sets in (("worse", dominance.worse), ("better", dominance.better)):
            if len(sets) != k or any(j < 0 or j >= k or j == i for i, s in enumerate(sets) for j in s):
                raise ValueError(
                    f"dominance.{name}: must hold, for each of the {k} plans, other plan indices"
                )


def find_cheapest_feasible(
    costs: Sequence[float],
    constraints: Sequence[Constraint],
    sample: Sample,
    settings: Settings = Settings(),
    *,
    dominance: Dominance | None = None,
    on_round: Callable[[RoundStatus], None] | None = None,
) -> Outcome:
    """The cheapest plan whose every constraint holds, right with probability ≥ 1 − α when every
    constraint mean lies outside its ε band (and the best tie KPI is δ ahead among equal-cost plans).

    See the module docstring for the procedure. `costs[i]` is plan i's cost; plans are indices
    0 … k − 1. `on_round` is called after the first stage and after each later round.
    """
    _check_inputs(costs, constraints, dominance)
    k, s, n0 = len(costs), len(constraints), settings.first_stage
    tie_possible = settings.tie_kpi is not None and len(set(costs)) < k
    alpha_f = settings.alpha * (1.0 - settings.tie_share) if tie_possible else settings.alpha
    beta = alpha_f / (k * s) if settings.split_error else alpha_f
    eta, h2 = feasibility_constants(beta, n0)
    kpis = tuple(
        dict.fromkeys([c.kpi for c in constraints] + ([settings.tie_kpi] if settings.tie_kpi else []))
    )
    run = _Run(
        plans=[
            _Plan(i, float(c), [_Check() for _ in constraints], {kpi: [] for kpi in kpis})
            for i, c in enumerate(costs)
        ],
        constraints=constraints,
        sample=sample,
        kpis=kpis,
        settings=settings,
        h2=h2,
        dominance=dominance,
    )

    run.request({i: range(n0) for i in range(k)})
    for p in run.plans:
        for con, chk in zip(constraints, p.checks, strict=True):
            y = con.sign * (p.values(con.kpi) - con.threshold)
            chk.s2 = float(np.var(y, ddof=1))
            chk.checked, chk.total = n0 - 1, float(y[: n0 - 1].sum())
    run.step(run.plans)
    if on_round is not None:
        on_round(run.status())
    while active := [p for p in run.plans if p.state is None]:
        run.request(
            {p.index: range(p.n, min(p.n + settings.batch, settings.max_replications)) for p in active}
        )
        run.step(active)
        if on_round is not None:
            on_round(run.status())
    return _answer(run, costs, beta, eta, h2, alpha_f, on_round)


def _answer(
    run: _Run,
    costs: Sequence[float],
    beta: float,
    eta: float,
    h2: float,
    alpha_f: float,
    on_round: Callable[[RoundStatus], None] | None,
) -> Outcome:
    """Read the answer off the final states; run the tie-break when it is needed."""
    settings = run.settings
    feasible = [p.index for p in run.plans if p.state == FEASIBLE]
    best = min((costs[i] for i in feasible), default=math.inf)
    tied = [i for i in feasible if costs[i] == best]
    undecided = [p.index for p in run.plans if p.state == UNDECIDED]
    cheaper = [i for i in undecided if costs[i] < best]
    blocking = tuple(i for i in undecided if costs[i] <= best)
    tie: TieBreak | None = None
    best_known = tied[0] if tied else None
    if cheaper:
        answer = ANSWER_UNDECIDED
    elif not feasible:
        answer = NONE_FEASIBLE
    else:
        answer = FOUND
        if len(tied) > 1 and settings.tie_kpi is not None:
            tie = _tie_break(run, tied, settings.alpha - alpha_f, on_round)
            best_known = tie.chosen
    plans = tuple(
        PlanOutcome(
            index=p.index,
            state=p.state or UNDECIDED,
            constraints=tuple(c.outcome() for c in p.checks),
            replications=p.n,
            values=MappingProxyType({kpi: p.values(kpi).copy() for kpi in run.kpis}),
        )
        for p in run.plans
    )
    return Outcome(
        plans=plans,
        answer=answer,
        chosen=best_known if answer == FOUND else None,
        best_known=best_known,
        blocking=blocking,
        tie=tie,
        beta=beta,
        eta=eta,
        h2=h2,
        spent=run.spent,
        max_used=max(p.n for p in run.plans),
        rounds=run.rounds,
        alpha_feasibility=alpha_f,
        alpha_tie=settings.alpha - alpha_f,
    )


def _tie_break(
    run: _Run, tied: Sequence[int], alpha: float, on_round: Callable[[RoundStatus], None] | None
) -> TieBreak:
    settings = run.settings
    kpi = settings.tie_kpi
    assert kpi is not None

    def extend(plans: Sequence[int], upto: int) -> None:
        run.request({i: range(run.plans[i].n, upto) for i in plans if run.plans[i].n < upto})
        run.rounds += 1
        if on_round is not None:
            on_round(run.status())

    screening = Screening(
        alpha=alpha,
        tolerance=settings.tie_tolerance,
        direction=settings.tie_direction,
        first_stage=settings.first_stage,
        batch=settings.batch,
        cap=settings.max_replications,
    )
    return kn_select(tied, lambda i: run.plans[i].values(kpi), extend, screening)


__all__ = [
    "ANSWER_UNDECIDED",
    "FEASIBLE",
    "FOUND",
    "INFEASIBLE",
    "NONE_FEASIBLE",
    "NOT_NEEDED",
    "STATES",
    "UNDECIDED",
    "Constraint",
    "ConstraintOutcome",
    "Dominance",
    "Outcome",
    "PlanOutcome",
    "RoundStatus",
    "Sample",
    "Settings",
    "TieBreak",
    "feasibility_constants",
    "find_cheapest_feasible",
    "first_exit",
]
