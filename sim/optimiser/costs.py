"""What an option costs a month: recurring costs plus one-off prices spread over their lifetime.

Plans are ranked by one number, VND per month, so a price paid once (a ticket machine) is turned
into the equal monthly payment over its lifetime: straight line (price / months) when the discount
rate is 0, else the annuity that repays the price at that yearly rate (converted to a monthly one).
"""

from __future__ import annotations

import math


def monthly_cost(per_month: float, price: float, lifetime_years: float, discount_rate: float = 0.0) -> float:
    """VND per month of an option: `per_month` plus `price` annuitised over `lifetime_years`."""
    for name, value in (("cost_per_month", per_month), ("price", price), ("lifetime_years", lifetime_years)):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name}: must be a non-negative number, got {value!r}")
    if not (math.isfinite(discount_rate) and 0 <= discount_rate < 1):
        raise ValueError(f"discount_rate: must be a yearly rate from 0 to below 1, got {discount_rate!r}")
    if price == 0:
        return float(per_month)
    if lifetime_years <= 0:
        raise ValueError("lifetime_years: a one-off price needs a lifetime of more than 0 years")
    months = 12.0 * lifetime_years
    if discount_rate == 0:
        return per_month + price / months
    r = (1.0 + discount_rate) ** (1.0 / 12.0) - 1.0
    return per_month + price * r / (1.0 - (1.0 + r) ** -months)


__all__ = ["monthly_cost"]
