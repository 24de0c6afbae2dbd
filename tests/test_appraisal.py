"""NPV, cash flows with re-purchases, payback and switching values against hand-computed cases."""

from __future__ import annotations

import pytest

from sim.business.appraisal import (
    cash_flows,
    discounted,
    npv,
    payback_years,
    purchase_times,
    residual_share,
    switching_value,
)


def test_npv_by_hand() -> None:
    # -100 + 60/1.1 + 60/1.21 = -100 + 54.5454... + 49.5867... = 4.1322...
    assert npv([-100, 60, 60], 0.10) == pytest.approx(4.132231404958678, rel=1e-12)
    assert npv([-100, 60, 60], 0.0) == 20.0
    with pytest.raises(ValueError, match="rate"):
        npv([1.0], -1.0)


def test_cash_flows_without_re_purchase() -> None:
    # a 10-year machine in a 3-year appraisal: 7/10 of its price is left at the end
    assert cash_flows(50, 10, 5, 3, 10, 100) == pytest.approx([-105, 40, 40, 40 + 70])
    assert cash_flows(50, 10, 5, 3, 10, 100, residual=False) == [-105, 40, 40, 40]


def test_re_purchase_when_the_lifetime_ends_inside_the_period() -> None:
    # bought at 0, 2 and 4; the last one is half worn at year 5
    assert cash_flows(10, 2, 0, 5, 2, 20) == [-20, 8, -12, 8, -12, 18]
    assert purchase_times(2, 5) == [0, 2, 4]
    assert purchase_times(5, 5) == [0]  # wears out exactly at the end: not bought again
    assert purchase_times(1, 3) == [0, 1, 2]
    # a 2.5-year life is replaced at the end of the year it ends in: 0, 3 (2.5), 6 (5.5)
    assert purchase_times(2.5, 6) == [0, 3, 6]
    assert residual_share(2.5, 6) == 1.0  # bought at the very end: worth its price, no net cost
    assert residual_share(7, 5) == pytest.approx(2 / 7)


def test_payback_by_hand() -> None:
    assert payback_years([-100, 40, 40, 40]) == pytest.approx(2.5)
    assert payback_years([-100, 30, 50, 60]) == pytest.approx(2 + 20 / 60)  # -70, -20, +40
    assert payback_years([-100, 10, 10]) is None
    assert payback_years([0, 5]) == 0.0
    # a post or a session: nothing paid at the start, a loss every year: it never pays back
    assert payback_years([0, -5, -5]) is None
    assert payback_years([0, -5, 10]) == pytest.approx(1.5)  # 0, -5, +5
    # a re-purchase that pushes the total below 0 again: payback is the last crossing
    assert payback_years([-10, 20, -30, 40]) == pytest.approx(2.5)  # -10, 10, -20, 20
    # discounted at 10%: 45/1.1 + 45/1.21 = 78.10; the third year's 33.81 covers the 21.90 left
    flows = discounted([-100, 45, 45, 45], 0.10)
    assert payback_years(flows) == pytest.approx(2 + (100 - 45 / 1.1 - 45 / 1.21) / (45 / 1.331))
    assert payback_years(discounted([-100, 40, 40, 40], 0.10)) is None  # 99.47 < 100


def test_switching_value_by_hand() -> None:
    assert switching_value(lambda x: 3.0 - x, 0.0, 10.0) == pytest.approx(3.0)
    assert switching_value(lambda x: 3.0 + x, 0.0, 10.0) is None
    assert switching_value(lambda x: x, 0.0, 10.0) == 0.0
    # the price at which 40 a year for 3 years at 10% pays off, a 10-year life (residual 0.7):
    # x (1 - 0.7 / 1.331) = 40 (1/1.1 + 1/1.21 + 1/1.331)
    annuity = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    expected = 40 * annuity / (1 - 0.7 / 1.331)
    found = switching_value(lambda x: npv(cash_flows(40, 0, 0, 3, 10, x), 0.10), 0.0, 1000.0)
    assert found == pytest.approx(expected, rel=1e-9)
