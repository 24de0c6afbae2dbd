"""The statistics of `sim optimise` on fake samplers with known means (no model).

The error-rate tests put every constraint mean exactly at q ± ε — the least favourable
configuration, where the Batur–Kim check errs most — and count wrong answers over many seeded
macro-repetitions against a binomial bound. Their counterpart without the Bonferroni split shows
that the bound can be missed, so the tests can fail.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pytest
from scipy import stats

from sim.optimise.kn import kn_constants
from sim.optimise.procedure import (
    FEASIBLE,
    INFEASIBLE,
    NOT_NEEDED,
    UNDECIDED,
    Constraint,
    Dominance,
    Outcome,
    RoundStatus,
    Settings,
    feasibility_constants,
    find_cheapest_feasible,
    first_exit,
)

SHARE = Constraint("wait_within_target", ">=", 0.90, 0.01)
OVERTIME = Constraint("overtime_min_per_day", "<=", 30.0, 5.0)
TIE = "wait_mean_min"


class NormalSampler:
    """Normal draws with known means, deterministic per (macro-repetition, plan, replication).

    `means[i][kpi]`; each KPI's draws are sd · (√ρ Z_r + √(1−ρ) E_ir): Z_r is shared by every plan
    at replication r (common random numbers), E_ir is the plan's own. Every (plan, r) the procedure
    asks for is recorded, so tests can check that nothing is asked twice.
    """

    def __init__(
        self,
        means: list[dict[str, float]],
        sd: Mapping[str, float],
        *,
        seed: int,
        rho: float = 0.5,
        cap: int = 1000,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.kpis = list(sd)
        shared = rng.standard_normal((cap, len(self.kpis)))
        own = rng.standard_normal((cap, len(means), len(self.kpis)))
        mu = np.array([[m[k] for k in self.kpis] for m in means])
        s = np.array([sd[k] for k in self.kpis])
        self.draws = mu + s * (math.sqrt(rho) * shared[:, None, :] + math.sqrt(1.0 - rho) * own)
        self.asked: list[tuple[int, int]] = []

    def __call__(self, ranges: Mapping[int, range]) -> dict[int, dict[str, np.ndarray]]:
        for i, reps in ranges.items():
            self.asked += [(i, r) for r in reps]
        return {
            i: {k: self.draws[reps.start : reps.stop, i, j] for j, k in enumerate(self.kpis)}
            for i, reps in ranges.items()
        }


def fixed(values: list[dict[str, list[float]]]):
    """A sampler that returns given values (plan → KPI → list by replication)."""

    def sample(ranges: Mapping[int, range]) -> dict[int, dict[str, np.ndarray]]:
        return {
            i: {k: np.asarray(v[reps.start : reps.stop], dtype=float) for k, v in values[i].items()}
            for i, reps in ranges.items()
        }

    return sample


# --- the constants ---------------------------------------------------------------------------------


def test_feasibility_constants_by_hand():
    # n0 = 2, β = 0.025: (2β)^(−2) = 0.05^(−2) = 400, η = (400 − 1)/2 = 199.5, h² = 2·199.5·1 = 399
    assert feasibility_constants(0.025, 2) == pytest.approx((199.5, 399.0))
    # n0 = 10, β = 0.0025: 0.005^(−2/9) = exp(2/9 · ln 200) = 3.24593, η = 1.12296, h² = 20.2134
    eta, h2 = feasibility_constants(0.0025, 10)
    assert eta == pytest.approx(1.12296, abs=1e-5)
    assert h2 == pytest.approx(20.2134, abs=1e-4)
    # the defining equation of Batur & Kim with c = 1: ½ (1 + 2η)^(−(n0−1)/2) = β
    assert 0.5 * (1 + 2 * eta) ** (-9 / 2) == pytest.approx(0.0025)


def test_kn_constants_by_hand():
    # m = 3, α = 0.05, n0 = 2: (2α/(m−1))^(−2) = 0.05^(−2) = 400 → η = 199.5, h² = 399
    assert kn_constants(0.05, 3, 2) == pytest.approx((199.5, 399.0))
    eta, _ = kn_constants(0.025, 4, 10)
    assert 0.5 * (1 + 2 * eta) ** (-9 / 2) == pytest.approx(0.025 / 3)


def test_outcome_reports_the_bonferroni_split():
    sampler = NormalSampler([{SHARE.kpi: 0.5, TIE: 1.0}] * 4, {SHARE.kpi: 0.01, TIE: 1.0}, seed=1)
    distinct = find_cheapest_feasible([1, 2, 3, 4], [SHARE], sampler)
    assert distinct.alpha_feasibility == 0.05  # no cost shared: no tie possible, all α to feasibility
    assert distinct.beta == pytest.approx(0.05 / 4)
    shared = find_cheapest_feasible([1, 1, 3, 4], [SHARE, SHARE], sampler)
    assert shared.alpha_feasibility == pytest.approx(0.025)
    assert shared.alpha_tie == pytest.approx(0.025)
    assert shared.beta == pytest.approx(0.025 / 8)
    assert (shared.eta, shared.h2) == pytest.approx(feasibility_constants(0.025 / 8, 10))


# --- the triangle, by hand -------------------------------------------------------------------------


def test_first_exit_at_the_end_of_the_triangle():
    # S² = 1, ε = 0.5, h² = 2: R(r) = max(0, 2 − r/4) closes at r = 8
    assert first_exit(np.zeros(20), 0.0, 2, 1.0, 0.5, 2.0) == (8, FEASIBLE)
    assert first_exit(np.full(20, 1e-9), 0.0, 2, 1.0, 0.5, 2.0) == (8, INFEASIBLE)
    # inside until the end: no decision
    assert first_exit(np.zeros(4), 0.0, 2, 1.0, 0.5, 2.0) is None
    # a big step leaves early: at r = 4, D = 1.6 ≥ R(4) = 1
    assert first_exit(np.array([0.0, 1.6, -5.0]), 0.0, 2, 1.0, 0.5, 2.0) == (4, INFEASIBLE)


def test_a_huge_margin_is_decided_at_the_first_stage():
    sampler = NormalSampler(
        [{SHARE.kpi: 0.99, TIE: 5.0}, {SHARE.kpi: 0.10, TIE: 5.0}], {SHARE.kpi: 0.01, TIE: 1.0}, seed=2
    )
    out = find_cheapest_feasible([2, 1], [SHARE], sampler, Settings(first_stage=5))
    assert [p.state for p in out.plans] == [FEASIBLE, INFEASIBLE]
    assert [p.constraints[0].decided_at for p in out.plans] == [5, 5]
    assert [p.replications for p in out.plans] == [5, 5]
    assert (out.answer, out.chosen, out.spent, out.rounds) == ("found", 0, 10, 1)


def test_zero_variance_decides_at_once_by_the_sign():
    values = [
        {SHARE.kpi: [0.90] * 50, TIE: [1.0] * 50},  # exactly at the threshold: meets it
        {SHARE.kpi: [0.8999] * 50, TIE: [1.0] * 50},  # just short of it
    ]
    out = find_cheapest_feasible([2, 1], [SHARE], fixed(values), Settings(first_stage=3))
    assert [(p.state, p.constraints[0].decided_at) for p in out.plans] == [(FEASIBLE, 3), (INFEASIBLE, 3)]
    assert out.spent == 6


def test_decided_inside_a_batch_at_the_end_of_the_triangle():
    """First stage ±1 around q, then exactly q: D stays 0, so the check ends where R(r) reaches 0,
    r = h² S² / ε², in the middle of a batch (the batch's later replications are run but ignored)."""
    n0, eps = 4, 0.3
    first = [-1.0, 1.0, -1.0, 1.0]
    con = Constraint("x", "<=", 0.0, eps)
    values = [{"x": first + [0.0] * 400}]
    settings = Settings(first_stage=n0, batch=10, max_replications=400, tie_kpi=None)
    out = find_cheapest_feasible([1], [con], fixed(values), settings)
    s2 = float(np.var(first, ddof=1))
    end = math.ceil(out.h2 * s2 / eps**2)
    assert end % 10 != n0 % 10  # not at a batch boundary
    c = out.plans[0].constraints[0]
    assert (out.plans[0].state, c.decided_at) == (FEASIBLE, end)
    assert out.plans[0].replications == n0 + 10 * math.ceil((end - n0) / 10)


# --- the error rate --------------------------------------------------------------------------------

# Plan i has cost i + 1. "bad" marks constraint means on the wrong side of the threshold by ε
# (unacceptable); the others are desirable, exactly ε inside. Plan 7 is the cheapest feasible.
BAD = [(1, 0), (0, 1), (1, 1), (1, 0), (0, 1), (1, 0), (0, 1), (0, 0), (0, 0), (1, 0)]
CHEAPEST = 7
CONSTRAINTS = (SHARE, OVERTIME)
SD = {SHARE.kpi: 0.02, OVERTIME.kpi: 10.0}  # σ = 2ε: the triangle closes near r ≈ 4 h² S²/σ²
MACRO = 500


def _least_favourable_means() -> list[dict[str, float]]:
    means = []
    for bad in BAD:
        m = {}
        for con, b in zip(CONSTRAINTS, bad, strict=True):
            worse = 1.0 if b else -1.0  # sign·(E[Y] − q) = ±ε
            m[con.kpi] = con.threshold + con.sign * worse * con.tolerance
        means.append(m)
    return means


def _wrong(out: Outcome) -> bool:
    """A decision against a mean outside its band, or a wrong plan chosen ("undecided" is not
    wrong: it chooses nothing)."""
    for plan in out.plans:
        for c, bad in zip(plan.constraints, BAD[plan.index], strict=True):
            if (c.state == FEASIBLE and bad) or (c.state == INFEASIBLE and not bad):
                return True
    return out.answer != "undecided" and out.chosen != CHEAPEST


def _error_count(split: bool) -> tuple[int, list[Outcome]]:
    means = _least_favourable_means()
    settings = Settings(
        alpha=0.05, first_stage=10, batch=10, max_replications=400, split_error=split, tie_kpi=None
    )
    outs = [
        find_cheapest_feasible(
            [i + 1 for i in range(len(BAD))],
            CONSTRAINTS,
            NormalSampler(means, SD, seed=9000 + m, cap=400),
            settings,
        )
        for m in range(MACRO)
    ]
    return sum(_wrong(o) for o in outs), outs


def test_wrong_answers_stay_within_alpha_at_the_least_favourable_means():
    wrong, outs = _error_count(split=True)
    bound = stats.binom.ppf(0.999, MACRO, 0.05)
    assert wrong <= bound, f"{wrong} wrong answers of {MACRO}, bound {bound:.0f}"
    found = [o for o in outs if o.answer == "found"]
    assert len(found) >= 0.95 * MACRO
    # plans dearer than the answer stop when it is found: never more replications than it
    right = [o for o in found if o.chosen == CHEAPEST]
    assert all(o.plans[9].replications <= o.plans[CHEAPEST].replications for o in right)
    assert any(o.plans[9].state == NOT_NEEDED for o in right)


def test_without_the_error_split_wrong_answers_exceed_alpha():
    wrong, _ = _error_count(split=False)
    p = stats.binom.sf(wrong - 1, MACRO, 0.05)  # P(at least `wrong` | rate α)
    assert p < 0.001, f"only {wrong} wrong answers of {MACRO} without the split"


# --- the tie-break ---------------------------------------------------------------------------------


def _tied_plans(best: int, delta: float, *, sd: float, rho: float, seed: int, cap: int) -> NormalSampler:
    """Four plans at one cost, all clearly feasible; the tie KPI (lower is better) of `best` is δ
    below the others, which are equal (KN's least favourable configuration)."""
    means = [{SHARE.kpi: 0.99, TIE: 5.0 - (delta if i == best else 0.0)} for i in range(4)]
    return NormalSampler(means, {SHARE.kpi: 0.001, TIE: sd}, seed=seed, rho=rho, cap=cap)


def test_tie_break_picks_the_best_with_probability_one_minus_alpha_s():
    delta, n, cap = 0.25, 300, 1000
    settings = Settings(alpha=0.05, tie_tolerance=delta, max_replications=cap, tie_share=0.5)
    wrong = 0
    for m in range(n):
        best = m % 4
        out = find_cheapest_feasible(
            [3, 3, 3, 3], [SHARE], _tied_plans(best, delta, sd=1.0, rho=0.5, seed=m, cap=cap), settings
        )
        assert out.tie is not None and out.tie.tied == (0, 1, 2, 3)
        assert out.tie.alpha == pytest.approx(0.025)
        wrong += out.chosen != best
    assert wrong <= stats.binom.ppf(0.999, n, 0.025)


def test_tie_break_uses_the_variance_of_paired_differences():
    """With strong common-random-number correlation the paired variance is 2σ²(1 − ρ) = 0.04σ²:
    KN ends long before the unpaired variance 2σ² would let it."""
    delta = 0.25
    sampler = _tied_plans(2, delta, sd=1.0, rho=0.98, seed=5, cap=2000)
    settings = Settings(tie_tolerance=delta, max_replications=2000)
    out = find_cheapest_feasible([1, 1, 1, 1], [SHARE], sampler, settings)
    assert out.chosen == 2 and out.tie is not None and out.tie.survivors == (2,)
    first = sampler.draws[:10, :, sampler.kpis.index(TIE)]
    unpaired = min(
        first[:, i].var(ddof=1) + first[:, j].var(ddof=1) for i in range(4) for j in range(4) if i != j
    )
    unpaired_end = out.tie.h2 * unpaired / delta**2  # where KN with unpaired variances would end
    assert out.tie.replications < unpaired_end / 10
    assert out.spent == 4 * out.tie.replications  # no plan ran beyond what the screening used


def test_tie_break_at_the_cap_keeps_the_best_mean_and_reports_survivors():
    sampler = _tied_plans(1, 0.0, sd=1.0, rho=0.0, seed=3, cap=30)  # no difference at all
    out = find_cheapest_feasible([1, 1, 1, 1], [SHARE], sampler, Settings(max_replications=30))
    assert out.tie is not None and len(out.tie.survivors) > 1 and out.tie.replications == 30
    means = {i: sampler.draws[:30, i, sampler.kpis.index(TIE)].mean() for i in out.tie.survivors}
    assert out.chosen == min(means, key=means.__getitem__)


# --- the answer --------------------------------------------------------------------------------------


def _zigzag(q: float, a: float, n: int) -> list[float]:
    """q ± a alternately: D_r stays within a of 0, so the check never leaves a wide triangle."""
    return [q + (a if r % 2 else -a) for r in range(n)]


def test_an_undecided_cheaper_plan_makes_the_answer_undecided():
    con = Constraint("x", "<=", 0.0, 0.001)
    values = [{"x": _zigzag(0.0, 1.0, 40)}, {"x": [-5.0 + 0.01 * (r % 3) for r in range(40)]}]
    out = find_cheapest_feasible([1, 2], [con], fixed(values), Settings(max_replications=40, tie_kpi=None))
    assert [p.state for p in out.plans] == [UNDECIDED, FEASIBLE]
    assert out.plans[0].constraints[0].state == UNDECIDED and out.plans[0].replications == 40
    assert (out.answer, out.chosen, out.best_known, out.blocking) == ("undecided", None, 1, (0,))


def test_an_undecided_plan_at_the_same_cost_is_listed_but_does_not_block():
    con = Constraint("x", "<=", 0.0, 0.001)
    values = [{"x": _zigzag(0.0, 1.0, 40)}, {"x": [-5.0 + 0.01 * (r % 3) for r in range(40)]}]
    out = find_cheapest_feasible([2, 2], [con], fixed(values), Settings(max_replications=40, tie_kpi=None))
    assert (out.answer, out.chosen, out.blocking) == ("found", 1, (0,))


def test_nothing_feasible_and_nothing_undecided_is_none_feasible():
    sampler = NormalSampler([{SHARE.kpi: 0.5, TIE: 1.0}] * 3, {SHARE.kpi: 0.01, TIE: 1.0}, seed=4)
    out = find_cheapest_feasible([1, 2, 3], [SHARE], sampler)
    assert [p.state for p in out.plans] == [INFEASIBLE] * 3
    assert (out.answer, out.chosen, out.best_known, out.blocking) == ("none_feasible", None, None, ())


def test_all_undecided_without_a_feasible_plan_is_undecided():
    con = Constraint("x", "<=", 0.0, 0.001)
    values = [{"x": _zigzag(0.0, 1.0, 20)}, {"x": [9.0 + 0.1 * (r % 2) for r in range(20)]}]
    out = find_cheapest_feasible([5, 1], [con], fixed(values), Settings(max_replications=20, tie_kpi=None))
    assert (out.answer, out.chosen, out.best_known, out.blocking) == ("undecided", None, None, (0,))


def test_costlier_plans_are_not_needed_but_equal_cost_ones_are_decided():
    con = Constraint("x", "<=", 0.0, 0.2)
    clear = [-5.0 + 0.01 * (r % 3) for r in range(200)]
    slow = [-0.2 + (0.5 if r % 2 else -0.5) for r in range(200)]  # desirable, but noisy: needs time
    values = [{"x": clear}, {"x": slow}, {"x": slow}]
    settings = Settings(first_stage=10, batch=10, max_replications=200, tie_kpi=None)
    out = find_cheapest_feasible([1, 1, 2], [con], fixed(values), settings)
    assert [p.state for p in out.plans] == [FEASIBLE, FEASIBLE, NOT_NEEDED]
    assert out.plans[0].replications == 10
    assert out.plans[1].replications > 10  # the equal-cost plan ran on to its decision
    assert out.plans[2].replications == 10 and out.plans[2].constraints[0].state == NOT_NEEDED
    assert len(out.plans[2].values["x"]) == 10  # its first stage is kept for the report


def test_an_infeasible_constraint_stops_the_plans_other_checks():
    values = [{SHARE.kpi: [0.5 + 0.001 * (r % 2) for r in range(100)], "y": _zigzag(0.0, 1.0, 100)}]
    cons = [SHARE, Constraint("y", "<=", 0.0, 0.001)]
    out = find_cheapest_feasible([1], cons, fixed(values), Settings(tie_kpi=None))
    assert out.plans[0].state == INFEASIBLE
    assert [c.state for c in out.plans[0].constraints] == [INFEASIBLE, NOT_NEEDED]
    assert out.plans[0].replications == 10


def _dominance(worse: list[set[int]]) -> Dominance:
    k = len(worse)
    better = [frozenset(j for j in range(k) if i in worse[j]) for i in range(k)]
    return Dominance(tuple(frozenset(w) for w in worse), tuple(better))


def test_infeasibility_of_more_resource_implies_it_for_less():
    con = Constraint("x", "<=", 0.0, 0.001)
    slow = _zigzag(0.0, 1.0, 60)
    values = [{"x": slow}, {"x": slow}, {"x": [9.0 + 0.1 * (r % 2) for r in range(60)]}]
    dom = _dominance([set(), {0}, {0, 1}])
    out = find_cheapest_feasible(
        [1, 2, 3], [con], fixed(values), Settings(max_replications=60, tie_kpi=None), dominance=dom
    )
    assert [p.state for p in out.plans] == [INFEASIBLE] * 3
    assert [p.constraints[0].implied_by for p in out.plans] == [2, 2, None]
    assert [p.replications for p in out.plans] == [10, 10, 10]
    assert out.answer == "none_feasible"
    # without the structure the same data leave the two cheaper plans undecided at the cap
    plain = find_cheapest_feasible(
        [1, 2, 3], [con], fixed(values), Settings(max_replications=60, tie_kpi=None)
    )
    assert [p.state for p in plain.plans] == [UNDECIDED, UNDECIDED, INFEASIBLE]


def test_feasibility_of_less_resource_implies_it_for_more_and_only_from_data():
    slow = _zigzag(0.0, 1.0, 60)
    clear = [-9.0 + 0.1 * (r % 2) for r in range(60)]
    cons = [Constraint("x", "<=", 0.0, 0.001), Constraint("y", "<=", 0.0, 0.001)]
    # plan 0 meets x clearly, y unclear; plans 1, 2 (more resource) are unclear on x, clear on y.
    values = [{"x": clear, "y": slow}, {"x": slow, "y": clear}, {"x": slow, "y": clear}]
    # deliberately not transitive: better[0] = {1}, better[1] = {2}; plan 2 must not inherit
    # plan 0's decision through plan 1's implied one
    dom = _dominance([set(), {0}, {1}])
    out = find_cheapest_feasible(
        [1, 2, 3], cons, fixed(values), Settings(max_replications=60, tie_kpi=None), dominance=dom
    )
    assert out.plans[1].constraints[0].state == FEASIBLE and out.plans[1].constraints[0].implied_by == 0
    assert out.plans[1].state == FEASIBLE
    assert out.plans[2].constraints[0].implied_by is None
    assert (out.answer, out.chosen, out.blocking) == ("undecided", None, (0,))


# --- bookkeeping -----------------------------------------------------------------------------------


def test_every_replication_is_asked_once_in_order_and_counted():
    means = [{**m, TIE: 1.0} for m in _least_favourable_means()]
    sampler = NormalSampler(means, {**SD, TIE: 1.0}, seed=77, cap=400)
    statuses: list[RoundStatus] = []
    out = find_cheapest_feasible(
        [1, 2, 3, 4, 5, 5, 7, 8, 9, 10],
        CONSTRAINTS,
        sampler,
        Settings(max_replications=400),
        on_round=statuses.append,
    )
    assert len(set(sampler.asked)) == len(sampler.asked) == out.spent
    for p in out.plans:
        reps = [r for i, r in sampler.asked if i == p.index]
        assert reps == list(range(p.replications))
        assert all(len(v) == p.replications for v in p.values.values())
    assert out.spent == sum(p.replications for p in out.plans)
    assert out.max_used == max(p.replications for p in out.plans)
    assert [s.round for s in statuses] == list(range(1, out.rounds + 1))
    assert [s.spent for s in statuses] == sorted(s.spent for s in statuses)
    assert statuses[-1].spent <= out.spent


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("alpha", 0.0),
        ("alpha", 1.0),
        ("alpha", math.nan),
        ("first_stage", 1),
        ("first_stage", 2.5),
        ("batch", 0),
        ("max_replications", 5),
        ("tie_tolerance", 0.0),
        ("tie_tolerance", math.inf),
        ("tie_share", 1.0),
        ("tie_direction", 0),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(field, value):
    with pytest.raises(ValueError, match=f"^{field}:"):
        Settings(**{field: value})


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("x", "<=", 1.0, 0.0), "tolerance"),
        (("x", "<=", 1.0, -1.0), "tolerance"),
        (("x", "<=", math.nan, 0.1), "threshold"),
        (("x", "<", 1.0, 0.1), "op"),
        (("", "<=", 1.0, 0.1), "kpi"),
    ],
)
def test_bad_constraints_are_refused_naming_the_field(args, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        Constraint(*args)


def test_bad_costs_and_sampler_output_are_refused():
    sampler = NormalSampler([{SHARE.kpi: 0.5, TIE: 1.0}] * 2, {SHARE.kpi: 0.01, TIE: 1.0}, seed=1)
    with pytest.raises(ValueError, match=r"^costs\[1\]:"):
        find_cheapest_feasible([1.0, math.nan], [SHARE], sampler)
    with pytest.raises(ValueError, match="no 'wait_mean_min'"):
        find_cheapest_feasible([1, 2], [SHARE], fixed([{SHARE.kpi: [0.5] * 20}] * 2))
    nan = [{SHARE.kpi: [0.5, math.nan] * 10, TIE: [1.0] * 20}] * 2
    with pytest.raises(ValueError, match="non-finite 'wait_within_target' for plan 0, replication 1"):
        find_cheapest_feasible([1, 2], [SHARE], fixed(nan))
