"""STUB until helper A's procedure lands: the types the study needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Constraint:
    kpi: str
    op: Literal["<=", ">="]
    threshold: float
    tolerance: float


@dataclass(frozen=True, slots=True)
class Settings:
    alpha: float = 0.05
    first_stage: int = 10
    batch: int = 10
    max_replications: int = 200
    split_error: bool = True
    tie_kpi: str | None = "wait_mean_min"
    tie_direction: int = -1
    tie_tolerance: float = 0.25
    tie_share: float = 0.5


@dataclass(frozen=True, slots=True)
class Dominance:
    worse: tuple[frozenset[int], ...]
    better: tuple[frozenset[int], ...]


FEASIBLE, INFEASIBLE, UNDECIDED, NOT_NEEDED = "feasible", "infeasible", "undecided", "not_needed"

from collections.abc import Mapping  # noqa: E402

import numpy as np  # noqa: E402


@dataclass(frozen=True, slots=True)
class RoundStatus:
    decided: int
    undecided: int
    spent: int
    round: int


@dataclass(frozen=True, slots=True)
class ConstraintOutcome:
    state: str
    decided_at: int | None
    implied_by: int | None


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    index: int
    state: str
    constraints: tuple[ConstraintOutcome, ...]
    replications: int
    values: Mapping[str, np.ndarray]


@dataclass(frozen=True, slots=True)
class TieBreak:
    tied: tuple[int, ...]
    survivors: tuple[int, ...]
    chosen: int
    replications: int
    alpha: float


@dataclass(frozen=True, slots=True)
class Outcome:
    plans: tuple[PlanOutcome, ...]
    answer: str
    chosen: int | None
    best_known: int | None
    blocking: tuple[int, ...]
    tie: TieBreak | None
    beta: float
    eta: float
    h2: float
    spent: int
    max_used: int
    rounds: int


def find_cheapest_feasible(costs, constraints, sample, settings=Settings(), *, dominance=None, on_round=None):  # type: ignore[no-untyped-def]
    n0 = settings.first_stage
    data = sample({i: range(n0) for i in range(len(costs))})
    plans = []
    for i in range(len(costs)):
        cs = []
        for c in constraints:
            m = float(np.mean(data[i][c.kpi]))
            ok = m <= c.threshold if c.op == "<=" else m >= c.threshold
            cs.append(ConstraintOutcome(FEASIBLE if ok else INFEASIBLE, n0, None))
        st = FEASIBLE if all(x.state == FEASIBLE for x in cs) else INFEASIBLE
        plans.append(PlanOutcome(i, st, tuple(cs), n0, data[i]))
    feas = [i for i in range(len(costs)) if plans[i].state == FEASIBLE]
    best = min(feas, key=lambda i: costs[i]) if feas else None
    return Outcome(
        tuple(plans),
        "found" if best is not None else "none_feasible",
        best,
        best,
        (),
        None,
        0.0,
        0.0,
        0.0,
        n0 * len(costs),
        n0,
        1,
    )
