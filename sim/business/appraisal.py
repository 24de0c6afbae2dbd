"""Net present value, payback and switching values of an option, for certain inputs.

The Green Book's frame: money per year, each year's flow at its end (`flows[t]`, t = 0 now),
discounted at a yearly real rate. Equipment is bought at t = 0 and again when its lifetime ends
inside the appraisal period; what is left of the last one at the end is counted as its residual
value (straight line), so that a 7-year machine in a 5-year appraisal is not charged as if it
were worn out. The Monte Carlo (`sim.business.montecarlo`) uses `purchase_times` and
`residual_share` from here, so both compute the same cash flows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from scipy.optimize import brentq


def npv(flows: Sequence[float], rate: float) -> float:
    """Σ flows[t] / (1 + rate)^t: the value today of a flow at the end of each year t."""
    if not (math.isfinite(rate) and rate > -1):
        raise ValueError(f"rate: must be a yearly rate above -1, got {rate!r}")
    return float(sum(f / (1.0 + rate) ** t for t, f in enumerate(flows)))


def discounted(flows: Sequence[float], rate: float) -> list[float]:
    """Each flow at its value today (for a discounted payback time)."""
    return [f / (1.0 + rate) ** t for t, f in enumerate(flows)]


def purchase_times(lifetime_years: float, years: int) -> list[int]:
    """The years (flow indices) a thing with this lifetime is bought: at 0, then whenever the
    one before wears out before the period ends, at the end of the year it wears out in."""
    if lifetime_years <= 0:
        raise ValueError(f"lifetime_years: must be above 0, got {lifetime_years!r}")
    times = [0]
    while times[-1] + lifetime_years < years:
        times.append(math.ceil(times[-1] + lifetime_years - 1e-9))
    return times


def residual_share(lifetime_years: float, years: int) -> float:
    """The share of its price the last thing bought is still worth at the end of the period."""
    last = purchase_times(lifetime_years, years)[-1]
    return max(0.0, last + lifetime_years - years) / lifetime_years


def cash_flows(
    annual_benefit: float,
    annual_cost: float,
    one_off: float,
    years: int,
    lifetime_years: float,
    price: float,
    residual: bool = True,
) -> list[float]:
    """Flows for t = 0..years: −(one_off + price) now, +(benefit − cost) at the end of each year,
    −price at each re-purchase, +the residual value of the last purchase at the end.

    `one_off` is paid once (installation, training); `price` is paid again whenever the lifetime
    ends inside the period. With `residual=False` the last purchase is worth nothing at the end.
    """
    if years < 1:
        raise ValueError(f"years: must be at least 1, got {years!r}")
    flows = [-float(one_off)] + [float(annual_benefit - annual_cost)] * years
    if price != 0:
        for t in purchase_times(lifetime_years, years):
            flows[t] -= price
        if residual:
            flows[years] += price * residual_share(lifetime_years, years)
    return flows


def payback_years(flows: Sequence[float]) -> float | None:
    """When the cumulative flow last turns from negative to ≥ 0 and stays there (linear within a
    year); 0 when it is never negative; None when it ends negative (the option never pays back).

    Pass `discounted(flows, rate)` for the discounted payback time (it agrees with NPV > 0). A
    cost with no one-off price (a post, a session: year 0 is 0, the later years negative) never
    pays back, even though the cumulative flow starts at 0."""
    totals, total = [], 0.0
    for f in flows:
        total += f
        totals.append(total)
    if not totals or totals[-1] < 0:
        return None
    negative = [t for t, x in enumerate(totals) if x < 0]
    if not negative:
        return 0.0
    t = negative[-1]  # the cumulative flow is ≥ 0 from t + 1 on
    before, step = totals[t], flows[t + 1]
    return t + (-before / step)


def switching_value(f: Callable[[float], float], lo: float, hi: float) -> float | None:
    """The x in [lo, hi] where f(x) = 0 (Brent's method), None when f has no sign change there."""
    f_lo, f_hi = f(lo), f(hi)
    if f_lo == 0:
        return float(lo)
    if f_hi == 0:
        return float(hi)
    if (f_lo > 0) == (f_hi > 0):
        return None
    scale = max(abs(lo), abs(hi), 1.0)
    return float(brentq(f, lo, hi, xtol=1e-9 * scale, rtol=1e-12))


__all__ = [
    "cash_flows",
    "discounted",
    "npv",
    "payback_years",
    "purchase_times",
    "residual_share",
    "switching_value",
]
