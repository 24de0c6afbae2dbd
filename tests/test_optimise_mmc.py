"""The procedure on the real model: M/M/c staffing with a known answer from Erlang C.

λ = 30 visitors per hour, mean service 6 minutes (a = 3 erlangs), threshold t = 5 minutes, target
P(wait ≤ t) ≥ 0.90 with ε = 0.01. By Erlang C, P(Wq ≤ 5) = 1 − C(c, a) e^{−(cμ − λ) t}:

    c = 1, 2, 3: unstable (ρ ≥ 1)      c = 4: 0.779      c = 5: 0.955      c = 6: 0.992

so the smallest c meeting the target is c* = 5, with a margin of 0.045 (> ε) above 0.90, and
c* − 1 = 4 lies 0.12 below it. Plans are c = 1 … 8 at cost c, all on the same seed (common random
numbers), one day of 24 hours each (the model's textbook reduction, open round the clock).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy import stats

from sim.experiment.runner import Execution, run
from sim.optimise.procedure import (
    FEASIBLE,
    INFEASIBLE,
    NOT_NEEDED,
    Constraint,
    Settings,
    find_cheapest_feasible,
)
from sim.scenario.schema import Scenario
from sim.verify.textbook import textbook_scenario
from sim.verify.theory import UnstableSystemError, mmc_wait_tail

PER_HOUR, SERVICE_MIN, WAIT_MIN, HOURS = 30.0, 6.0, 5.0, 24.0
TARGET, TOLERANCE = 0.90, 0.01
SERVERS = range(1, 9)
SEED = 20250701
KPIS = ("wait_within_target", "wait_mean_min")


def _erlang_within(c: int) -> float:
    """P(Wq ≤ WAIT_MIN) by Erlang C; 0 for an unstable queue (it grows without bound)."""
    try:
        return 1.0 - mmc_wait_tail(PER_HOUR / 60.0, 1.0 / SERVICE_MIN, c, WAIT_MIN)
    except UnstableSystemError:
        return 0.0


def _scenario(c: int) -> Scenario:
    sc = textbook_scenario("M/M/c", PER_HOUR, SERVICE_MIN, c, HOURS)
    return sc.model_copy(update={"targets": sc.targets.model_copy(update={"wait_threshold_min": WAIT_MIN})})


class ModelSampler:
    """Runs the asked replications of each plan's scenario through `sim.experiment.run`, all on
    one seed: replication r of every plan sees the same arrivals and service draws."""

    def __init__(self) -> None:
        self.scenarios = [_scenario(c) for c in SERVERS]

    def __call__(self, ranges: Mapping[int, range]) -> dict[int, dict[str, np.ndarray]]:
        out = {}
        for i, reps in ranges.items():
            res = run(
                self.scenarios[i],
                len(reps),
                SEED,
                first_replication=reps.start,
                execution=Execution(workers=1),
            )
            out[i] = {k: np.array([o.kpis[k] for o in res.outputs]) for k in KPIS}
        return out


def test_erlang_c_answer_is_clear_of_the_tolerance_band():
    """Guards the design of the next test: c* is outside the ε band on both sides."""
    within = {c: _erlang_within(c) for c in SERVERS}
    best = min(c for c in SERVERS if within[c] >= TARGET)
    assert best == 5
    assert within[best] > TARGET + 3 * TOLERANCE
    assert within[best - 1] < TARGET - 3 * TOLERANCE


def test_the_procedure_picks_the_smallest_c_erlang_c_allows():
    erlang_best = min(c for c in SERVERS if _erlang_within(c) >= TARGET)
    constraint = Constraint("wait_within_target", ">=", TARGET, TOLERANCE)
    settings = Settings(alpha=0.05, first_stage=10, batch=10, max_replications=100)
    out = find_cheapest_feasible([float(c) for c in SERVERS], [constraint], ModelSampler(), settings)
    assert out.answer == "found"
    assert SERVERS[out.chosen] == erlang_best
    states = {c: out.plans[i].state for i, c in enumerate(SERVERS)}
    assert all(states[c] == INFEASIBLE for c in SERVERS if c < erlang_best)
    assert states[erlang_best] == FEASIBLE
    assert all(states[c] in (NOT_NEEDED, FEASIBLE) for c in SERVERS if c > erlang_best)
    # the simulated share of the chosen plan agrees with Erlang C (a 99.9% t-interval)
    v = out.plans[out.chosen].values["wait_within_target"]
    half = stats.t.ppf(0.9995, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    assert abs(v.mean() - _erlang_within(erlang_best)) < half
