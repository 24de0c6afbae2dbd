"""The Monte Carlo: known distributions, the bootstrap's correlation, seeds, and central values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.business.appraisal import cash_flows, npv
from sim.business.montecarlo import (
    Benefit,
    OptionCost,
    central_flows,
    central_npv,
    option_costs,
    simulate_npv,
    switching_values,
)
from sim.scenario.costs import CostsSpec
from sim.scenario.uncertain import Uncertain, certain

RATE = certain(0.06)
YEARS = 5
ANNUITY = sum(1.06**-t for t in range(1, YEARS + 1))
DRAWS = 20_000


def _cost(price: Uncertain, lifetime: float = 10, count: int = 1, name: str = "machine") -> OptionCost:
    return OptionCost(name, price, lifetime, certain(0), certain(0), count)


def _benefit(values: np.ndarray, unit: Uncertain | None = None, name: str = "citizen_hours") -> Benefit:
    return Benefit(name, np.asarray(values, dtype=float), unit or certain(1000.0), per_year=10.0)


def test_certain_inputs_give_the_hand_computed_npv_in_every_draw() -> None:
    b = _benefit(np.full(5, 3.0))  # 3 units × 1000 đ × 10 windows = 30,000 đ a year
    c = OptionCost("machine", certain(100_000), 2, certain(1_000), certain(500), 1)
    mc = simulate_npv([b], [c], YEARS, RATE, draws=50, seed=3)
    by_hand = npv(cash_flows(30_000, 1_000 + 12 * 500, 0, YEARS, 2, 100_000), 0.06)
    assert np.allclose(mc.npv, by_hand, rtol=1e-12)
    assert mc.central == pytest.approx(by_hand) == central_npv([b], [c], YEARS, RATE)
    assert mc.p_positive == float(by_hand > 0)


def test_the_vectorised_draws_agree_with_the_flows_for_several_lifetimes() -> None:
    b = _benefit(np.full(3, 7.0))
    costs = [
        _cost(certain(40_000), 3, 2, "pc"),
        _cost(certain(25_000), 2.5, -1, "old"),
        _cost(certain(9_000), 9),
    ]
    mc = simulate_npv([b], costs, 7, certain(0.08), draws=4, seed=0)
    assert np.allclose(mc.npv, npv(central_flows([b], costs, 7), 0.08), rtol=1e-12)


def test_normal_benefit_fixed_cost_pays_off_with_probability_phi() -> None:
    rng = np.random.default_rng(11)
    n = 400
    per_rep = rng.normal(4.0, 12.0, n)  # paired differences: a noisy saving
    b = _benefit(per_rep)
    price = 0.9 * per_rep.mean() * 1000 * 10 * ANNUITY  # so that P(NPV > 0) is about 0.8
    mc = simulate_npv([b], [_cost(certain(price), lifetime=YEARS)], YEARS, RATE, draws=DRAWS, seed=5)
    mu = per_rep.mean() * 1000 * 10 * ANNUITY - price
    sigma = per_rep.std(ddof=1) / math.sqrt(n) * 1000 * 10 * ANNUITY
    p = stats.norm.cdf(mu / sigma)
    assert 0.6 < p < 0.95
    assert abs(mc.p_positive - p) < 4 * math.sqrt(p * (1 - p) / DRAWS)
    assert abs(mc.mean - mu) < 4 * sigma / math.sqrt(DRAWS)
    q_se = math.sqrt(0.05 * 0.95 / DRAWS) / stats.norm.pdf(1.645) * sigma
    assert abs(mc.p05 - (mu - 1.645 * sigma)) < 4 * q_se
    assert abs(mc.p95 - (mu + 1.645 * sigma)) < 4 * q_se


def test_uniform_price_certain_benefit_pays_off_with_the_known_share() -> None:
    b = _benefit(np.full(10, 2.0))  # 20,000 đ a year, certain
    value = 20_000 * ANNUITY
    mc = simulate_npv(
        [b], [_cost(Uncertain(low=0.5 * value, high=1.5 * value), YEARS)], YEARS, RATE, DRAWS, 1
    )
    p = 0.5  # P(price < value) for a price uniform on [0.5, 1.5] × value
    assert abs(mc.p_positive - p) < 4 * math.sqrt(p * (1 - p) / DRAWS)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_bootstrap_keeps_the_correlation_of_benefits_from_the_same_replications(sign: float) -> None:
    rng = np.random.default_rng(2)
    hours = rng.normal(5.0, 3.0, 30)
    trips = sign * 0.5 * hours + rng.normal(0.0, 0.6, 30)  # measured in the same replications
    mc = simulate_npv([_benefit(hours), _benefit(trips, name="wasted_trips")], [], YEARS, RATE, DRAWS, 4)
    expected = np.corrcoef(hours, trips)[0, 1]
    assert abs(expected) > 0.8
    found = np.corrcoef(mc.benefit_per_year["citizen_hours"], mc.benefit_per_year["wasted_trips"])[0, 1]
    assert abs(np.arctanh(found) - np.arctanh(expected)) < 4 / math.sqrt(DRAWS - 3)


def test_same_seed_same_draws_and_inputs_keep_their_own_streams() -> None:
    b = _benefit(np.random.default_rng(0).normal(3, 1, 20), Uncertain(low=500, mode=900, high=1500))
    c = [_cost(Uncertain(low=50_000, mode=90_000, high=200_000))]
    rate = Uncertain(low=0.03, mode=0.06, high=0.10)
    a = simulate_npv([b], c, YEARS, rate, 2_000, seed=9)
    assert a.npv.tobytes() == simulate_npv([b], c, YEARS, rate, 2_000, seed=9).npv.tobytes()
    assert not np.array_equal(a.npv, simulate_npv([b], c, YEARS, rate, 2_000, seed=10).npv)
    more = simulate_npv([b], [*c, _cost(certain(1), name="extra")], YEARS, rate, 2_000, seed=9)
    assert np.array_equal(a.benefit_per_year["citizen_hours"], more.benefit_per_year["citizen_hours"])


def test_switching_values_by_hand() -> None:
    b = _benefit(np.array([2.0, 4.0]))  # mean 3: 30,000 đ a year at 1,000 đ a unit
    costs = [
        _cost(certain(100_000), lifetime=YEARS),
        OptionCost("post", certain(0), 0, certain(0), certain(1_000), 1),
    ]
    found = switching_values([b], costs, YEARS, RATE)
    yearly_pay = 12 * 1_000
    assert found["price:machine"] == pytest.approx((30_000 - yearly_pay) * ANNUITY, rel=1e-9)
    assert found["unit_value:citizen_hours"] == pytest.approx((100_000 / ANNUITY + yearly_pay) / 30, rel=1e-9)
    assert found["per_month:post"] == pytest.approx((30_000 - 100_000 / ANNUITY) / 12, rel=1e-9)
    assert found["price:post"] is None  # no price to vary
    cheap = switching_values([_benefit(np.full(2, 300.0))], [_cost(certain(1_000), YEARS)], YEARS, RATE)
    assert cheap["price:machine"] is None  # even 100 × the price still pays off


def test_a_negative_count_saves_the_item_s_cost() -> None:
    fewer = [OptionCost("pc", certain(20_000), 5, certain(1_000), certain(0), -1)]
    assert central_npv([], fewer, YEARS, RATE) == pytest.approx(20_000 + 1_000 * ANNUITY)


def test_central_payback_is_the_discounted_one() -> None:
    b = _benefit(np.full(4, 4.0))  # 40,000 đ a year
    mc = simulate_npv([b], [_cost(certain(100_000), lifetime=YEARS)], YEARS, RATE, draws=10)
    cum = [-100_000 + sum(40_000 * 1.06**-t for t in range(1, k + 1)) for k in range(4)]
    assert cum[2] < 0 <= cum[3]
    assert mc.payback_years_central == pytest.approx(2 + -cum[2] / (40_000 * 1.06**-3))


def test_the_purchase_of_a_costs_table_becomes_option_costs() -> None:
    spec = CostsSpec.model_validate(
        {
            "items": {
                "kiosk": {"price": {"low": 1, "mode": 2, "high": 3}, "lifetime_years": 5},
                "pc": {"price": 4, "lifetime_years": 3},
            },
            "purchase": {"kiosk": 2, "pc": 0},
        }
    )
    (cost,) = option_costs(spec)
    assert (cost.name, cost.count, cost.lifetime_years, cost.price.central) == ("kiosk", 2, 5, 2)


def test_programming_errors_are_refused() -> None:
    with pytest.raises(ValueError, match="same replications"):
        simulate_npv([_benefit(np.ones(3)), _benefit(np.ones(4), name="b")], [], YEARS, RATE, 10)
    with pytest.raises(ValueError, match="unknown override"):
        central_npv([], [], YEARS, RATE, {"price:nothing": 1.0})
