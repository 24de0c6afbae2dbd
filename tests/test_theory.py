"""`sim.verify.theory` against textbook values and against independent forms of the same formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import DAO_XA, build
from scipy import integrate

from sim.model.demand import day_rate
from sim.scenario.calendar import working_days
from sim.scenario.loader import read_toml
from sim.verify import theory
from sim.verify.theory import (
    UnstableSystemError,
    allen_cunneen,
    erlang_b,
    erlang_c,
    expected_arrivals,
    md1,
    mg1,
    mm1,
    mmc,
    mmc_wait_tail,
)


def erlang_c_factorials(lam: float, mu: float, c: int) -> tuple[float, float]:
    """The textbook form with factorials, written out independently of `sim.verify.theory`."""
    a = lam / mu
    rho = a / c
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / (math.factorial(c) * (1 - rho))
    p = tail / (head + tail)
    return p, p / (c * mu - lam)


def test_erlang_c_textbook_value_lambda_2_mu_1_c_3():
    p_wait, wq = erlang_c(2.0, 1.0, 3)
    assert p_wait == pytest.approx(4 / 9, rel=1e-12)  # 0.4444
    assert wq == pytest.approx(4 / 9, rel=1e-12)  # C / (cμ − λ) = 0.4444 / 1
    assert erlang_c(2.0, 1.0, 3).p_wait == p_wait  # named fields


def test_erlang_c_textbook_value_mm2():
    # λ = 1, μ = 1, c = 2: a = 1, ρ = 0.5, C = 1/3, Wq = 1/3.
    assert erlang_c(1.0, 1.0, 2) == pytest.approx((1 / 3, 1 / 3), rel=1e-12)


@pytest.mark.parametrize("c", [1, 2, 3, 5, 8, 13, 30])
@pytest.mark.parametrize("rho", [0.05, 0.3, 0.7, 0.9, 0.99])
def test_erlang_c_matches_the_factorial_form(c, rho):
    mu = 0.25
    lam = rho * c * mu
    assert erlang_c(lam, mu, c) == pytest.approx(erlang_c_factorials(lam, mu, c), rel=1e-10)


def test_erlang_c_is_stable_for_many_servers():
    # a^c / c! overflows a float beyond c ≈ 170; the Erlang B recursion does not.
    p, wq = erlang_c(495.0, 1.0, 500)
    assert 0 < p < 1 and math.isfinite(wq)
    assert erlang_c(1.0, 1.0, 500).p_wait < 1e-300 or erlang_c(1.0, 1.0, 500).p_wait == 0.0


def test_erlang_c_time_unit_follows_the_rates():
    per_min = erlang_c(0.4, 1 / 6, 3).mean_wait  # minutes
    per_hour = erlang_c(24.0, 10.0, 3).mean_wait  # hours
    assert per_min == pytest.approx(per_hour * 60, rel=1e-12)


@pytest.mark.parametrize(("lam", "mu"), [(0.5, 1.0), (2.0, 3.0), (9.0, 10.0), (0.01, 0.02)])
def test_mm1_formulas(lam, mu):
    rho = lam / mu
    m = mm1(lam, mu)
    assert m.mean_wait == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert m.mean_sojourn == pytest.approx(1 / (mu - lam), rel=1e-12)
    assert m.mean_queue == pytest.approx(rho**2 / (1 - rho), rel=1e-12)
    assert m.mean_in_system == pytest.approx(rho / (1 - rho), rel=1e-12)
    assert m.p_wait == pytest.approx(rho)
    assert erlang_c(lam, mu, 1) == pytest.approx((rho, rho / (mu - lam)), rel=1e-12)


def test_mmc_littles_law_and_utilisation():
    m = mmc(2.0, 1.0, 3)
    assert m.utilisation == pytest.approx(2 / 3)
    assert m.mean_queue == pytest.approx(2.0 * m.mean_wait)
    assert m.mean_in_system == pytest.approx(m.mean_queue + 2.0)  # L = Lq + a


def test_pollaczek_khinchine_md1_is_half_of_mm1():
    for rho in (0.2, 0.5, 0.8, 0.95):
        lam, s = rho / 6.0, 6.0
        assert md1(lam, s).mean_wait == pytest.approx(mm1(lam, 1 / s).mean_wait / 2, rel=1e-12)
        assert md1(lam, s).mean_wait == pytest.approx(rho * s / (2 * (1 - rho)), rel=1e-12)


def test_pollaczek_khinchine_general_service():
    # E[S] = 4, cv = 0.5 ⇒ E[S²] = 16 (1 + 0.25) = 20; λ = 0.2, ρ = 0.8: Wq = λE[S²]/(2(1−ρ)) = 10.
    assert mg1(0.2, 4.0, 0.5).mean_wait == pytest.approx(10.0, rel=1e-12)
    assert mg1(0.2, 4.0, 1.0).mean_wait == pytest.approx(mm1(0.2, 0.25).mean_wait, rel=1e-12)
    assert mg1(0.2, 4.0, 2.0).mean_wait == pytest.approx(mm1(0.2, 0.25).mean_wait * 2.5, rel=1e-12)


@pytest.mark.parametrize(("lam", "mu", "c"), [(2.0, 1.0, 3), (0.7, 1.0, 1), (4.5, 0.5, 10)])
def test_allen_cunneen_is_erlang_c_when_both_scvs_are_one(lam, mu, c):
    assert allen_cunneen(lam, mu, c, 1.0, 1.0) == pytest.approx(erlang_c(lam, mu, c).mean_wait, rel=1e-12)


def test_allen_cunneen_is_pollaczek_khinchine_for_one_server():
    for cs2 in (0.0, 0.25, 1.0, 4.0):
        assert allen_cunneen(0.15, 0.2, 1, 1.0, cs2) == pytest.approx(
            mg1(0.15, 5.0, math.sqrt(cs2)).mean_wait, rel=1e-12
        )


def test_allen_cunneen_scales_with_variability():
    base = erlang_c(2.0, 1.0, 3).mean_wait
    assert allen_cunneen(2.0, 1.0, 3, 1.0, 0.0) == pytest.approx(base / 2)
    assert allen_cunneen(2.0, 1.0, 3, 0.5, 0.5) == pytest.approx(base / 2)


@pytest.mark.parametrize(
    ("a", "c", "b"),
    [
        (1.0, 1, 0.5),
        (1.0, 2, 0.2),
        (2.0, 3, 4 / 19),
        (2.0, 2, 0.4),
        (0.0, 4, 0.0),
        (5.0, 10, 0.018385),
        (10.0, 10, 0.214582),  # Erlang B table values
    ],
)
def test_erlang_b_known_values(a, c, b):
    assert erlang_b(a, c) == pytest.approx(b, rel=1e-4, abs=1e-12)  # tables give 5 figures


def test_erlang_b_matches_closed_form_and_links_to_erlang_c():
    for a, c in [(0.5, 1), (3.0, 4), (7.5, 9), (20.0, 25)]:
        closed = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
        b = erlang_b(a, c)
        assert b == pytest.approx(closed, rel=1e-12)
        if a < c:  # C = B / (1 − ρ (1 − B))
            assert erlang_c(a, 1.0, c).p_wait == pytest.approx(b / (1 - a / c * (1 - b)), rel=1e-12)
    assert erlang_b(50.0, 3) < 1  # a loss system is stable at any load


def test_mmc_wait_tail():
    lam, mu, c = 2.0, 1.0, 3
    p, wq = erlang_c(lam, mu, c)
    assert mmc_wait_tail(lam, mu, c, 0.0) == pytest.approx(p)
    assert mmc_wait_tail(lam, mu, c, -1.0) == 1.0
    assert mmc_wait_tail(lam, mu, c, 2.0) == pytest.approx(p * math.exp(-(3 - 2) * 2.0))
    tail = mmc_wait_tail(lam, mu, c, np.array([0.0, 1.0, 5.0]))
    assert isinstance(tail, np.ndarray) and np.all(np.diff(tail) < 0)
    # E[Wq] = ∫ P(Wq > t) dt
    area, _ = integrate.quad(lambda t: mmc_wait_tail(lam, mu, c, t), 0, np.inf)
    assert area == pytest.approx(wq, rel=1e-8)
    # M/M/1: ρ e^{−(μ−λ)t}
    assert mmc_wait_tail(0.5, 1.0, 1, 3.0) == pytest.approx(0.5 * math.exp(-1.5))


def test_expected_arrivals_of_a_piecewise_constant_rate():
    breaks, rates = [0.0, 60.0, 120.0, 180.0], [0.5, 0.0, 2.0]
    assert expected_arrivals(breaks, rates) == pytest.approx(30.0 + 0.0 + 120.0)
    assert expected_arrivals(breaks, rates, 30.0, 150.0) == pytest.approx(15.0 + 60.0)
    assert expected_arrivals(breaks, rates, -100.0, 1000.0) == pytest.approx(150.0)  # 0 outside
    assert expected_arrivals(breaks, rates, 60.0, 120.0) == 0.0
    assert expected_arrivals(breaks, rates, 200.0, 300.0) == 0.0
    assert expected_arrivals(breaks, rates, 10.0, 10.0) == 0.0
    with pytest.raises(ValueError, match="one more element"):
        expected_arrivals([0.0, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="before start"):
        expected_arrivals(breaks, rates, 50.0, 40.0)
    with pytest.raises(ValueError, match="non-negative"):
        expected_arrivals(breaks, [0.5, -1.0, 2.0])


def test_expected_arrivals_matches_the_models_day_rate():
    scenario = build(read_toml(DAO_XA))
    day = working_days(scenario.calendar)[0]
    rate = day_rate(scenario, day)
    assert expected_arrivals(rate.breaks, rate.rates) == pytest.approx(rate.expected, rel=1e-12)


UNSTABLE = [
    lambda: erlang_c(3.0, 1.0, 3),
    lambda: erlang_c(3.5, 1.0, 3),
    lambda: mmc(1.0, 1.0, 1),
    lambda: mm1(1.0, 1.0),
    lambda: mm1(2.0, 1.0),
    lambda: mg1(0.25, 4.0, 0.5),
    lambda: md1(0.3, 4.0),
    lambda: allen_cunneen(4.0, 1.0, 3, 1.0, 0.5),
    lambda: mmc_wait_tail(3.0, 1.0, 2, 1.0),
]


@pytest.mark.parametrize("call", UNSTABLE)
def test_unstable_systems_raise_a_clear_error(call):
    with pytest.raises(UnstableSystemError, match="unstable queue: utilisation"):
        call()
    assert issubclass(UnstableSystemError, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: erlang_c(1.0, 1.0, 0),
        lambda: erlang_c(1.0, 1.0, 2.5),
        lambda: erlang_c(-1.0, 1.0, 2),
        lambda: erlang_c(1.0, 0.0, 2),
        lambda: erlang_c(math.nan, 1.0, 2),
        lambda: erlang_b(-1.0, 2),
        lambda: mg1(0.1, 4.0, -0.5),
        lambda: allen_cunneen(1.0, 1.0, 2, -1.0, 1.0),
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_every_public_function_documents_its_formula_and_reference():
    for name in theory.__all__:
        obj = getattr(theory, name)
        if callable(obj) and not isinstance(obj, type):
            doc = obj.__doc__ or ""
            assert "=" in doc or "≈" in doc, name
            assert "[" in doc, f"{name}: no reference"
