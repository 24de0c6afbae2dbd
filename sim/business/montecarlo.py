"""The chance an option pays off: one NPV distribution from both kinds of uncertainty.

Each draw samples every uncertain cost and value (`Uncertain.sample`) and the simulation's own
uncertainty: the replications' paired differences (base − option, common random numbers) are
resampled with replacement, ONE set of replication indices per draw for every benefit, so two
benefits measured in the same replications keep their correlation (fewer waiting hours and fewer
trips come from the same lucky days). The bootstrap mean's spread is scaled by √(n/(n−1)), so its
variance is the usual s²/n of a mean of n replications rather than the resample's (n−1)/n · s²/n.

Every input draws from its own stream, seeded by (seed, the input's name): the same seed gives
identical draws, and adding an input does not change the draws of the others.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.business.appraisal import discounted, npv, payback_years, purchase_times, residual_share
from sim.business.appraisal import switching_value as _root
from sim.scenario.costs import CostsSpec
from sim.scenario.uncertain import Uncertain, certain

DRAWS_MAX = 1_000_000
_BLOCK = 1_000_000
"""Bootstrap indices drawn at a time (draws × replications), to bound memory."""
SWITCH_SPAN = 100.0
"""A switching value is searched in [0, 100 × the central value]."""


@dataclass(frozen=True, slots=True)
class Benefit:
    """One line of money per year: a paired difference (base − option, in the KPI's units per
    simulated window; positive = the option saves it) times a unit value times windows per year."""

    name: str
    per_replication: np.ndarray
    unit_value: Uncertain
    per_year: float


@dataclass(frozen=True, slots=True)
class OptionCost:
    """What the option costs: one-off prices (year 0, bought again when the lifetime ends within
    the appraisal period), yearly upkeep, monthly recurring pay."""

    name: str
    price: Uncertain
    lifetime_years: float
    upkeep_per_year: Uncertain
    per_month: Uncertain
    count: int


@dataclass(frozen=True)
class MonteCarlo:
    """The NPV distribution and the figures a leader reads from it (đ)."""

    npv: np.ndarray
    benefit_per_year: Mapping[str, np.ndarray]
    cost_per_year: np.ndarray
    """Equivalent annual cost per draw: the present value of all costs spread evenly over the years."""
    mean: float
    p05: float
    p95: float
    p_positive: float
    payback_years_central: float | None
    """Discounted payback with every input at its central value; None if not within the period."""
    draws: int
    seed: int
    central: float = field(default=0.0)
    """NPV with every input at its central value."""


def option_costs(costs: CostsSpec) -> list[OptionCost]:
    """The purchased items of a `[costs]` table as the Monte Carlo's costs."""
    return [
        OptionCost(
            name=item_id,
            price=item.price if item.price is not None else certain(0),
            lifetime_years=item.lifetime_years,
            upkeep_per_year=item.upkeep_per_year,
            per_month=item.per_month,
            count=count,
        )
        for item_id, (item, count) in costs.purchased.items()
    ]


def _stream(seed: int, label: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(label.encode("utf-8"))]))


def _check(benefits: Sequence[Benefit], costs: Sequence[OptionCost], years: int, draws: int) -> int:
    """The common number of replications (programming errors raise ValueError)."""
    if not 1 <= years <= 100:
        raise ValueError(f"years: must be 1 to 100, got {years!r}")
    if not 1 <= draws <= DRAWS_MAX:
        raise ValueError(f"draws: must be 1 to {DRAWS_MAX}, got {draws!r}")
    names = [b.name for b in benefits] + [c.name for c in costs]
    if len(set(names)) != len(names):
        raise ValueError(f"benefit and cost names must differ, got {names}")
    sizes = {len(b.per_replication) for b in benefits}
    if len(sizes) > 1 or 0 in sizes:
        raise ValueError("every benefit needs the same replications (one paired difference each)")
    for c in costs:
        if c.price.high != 0 and c.lifetime_years <= 0:
            raise ValueError(f"{c.name}: a price needs a lifetime above 0 years")
    return sizes.pop() if sizes else 0


def _bootstrap_means(benefits: Sequence[Benefit], n: int, draws: int, seed: int) -> list[np.ndarray]:
    """Per benefit, `draws` replication means from one shared resampling of replication indices."""
    out = [np.empty(draws) for _ in benefits]
    if not benefits:
        return out
    rng = _stream(seed, "replications")
    values = [np.asarray(b.per_replication, dtype=float) for b in benefits]
    centre = [v.mean() for v in values]
    inflate = np.sqrt(n / (n - 1)) if n > 1 else 0.0
    block = max(1, _BLOCK // n)
    for start in range(0, draws, block):
        stop = min(draws, start + block)
        idx = rng.integers(0, n, size=(stop - start, n))
        for v, c, o in zip(values, centre, out, strict=True):
            o[start:stop] = c + inflate * (v[idx].mean(axis=1) - c)
    return out


def _pv_factors(years: int, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Discount factors (1 + r)^−t for t = 0..years (rows: t) and the annuity Σ_{t=1..years}."""
    t = np.arange(years + 1)[:, None]
    factors = (1.0 + rate[None, :]) ** -t
    return factors, factors[1:].sum(axis=0)


def _price_pv(lifetime_years: float, years: int, factors: np.ndarray) -> np.ndarray:
    """Present value of paying 1 đ at each purchase, less the residual value at the end."""
    pv = sum(factors[t] for t in purchase_times(lifetime_years, years))
    return pv - residual_share(lifetime_years, years) * factors[years]


def simulate_npv(
    benefits: Sequence[Benefit],
    costs: Sequence[OptionCost],
    years: int,
    discount_rate: Uncertain,
    draws: int = 10_000,
    seed: int = 0,
) -> MonteCarlo:
    """`draws` NPVs, each from one joint draw of every cost, value and the replications."""
    n = _check(benefits, costs, years, draws)
    rate = discount_rate.sample(_stream(seed, "discount_rate"), draws)
    factors, annuity = _pv_factors(years, rate)
    means = _bootstrap_means(benefits, n, draws, seed)
    per_year = {
        b.name: m * b.unit_value.sample(_stream(seed, f"unit_value:{b.name}"), draws) * b.per_year
        for b, m in zip(benefits, means, strict=True)
    }
    cost_pv = np.zeros(draws)
    for c in costs:
        price = c.price.sample(_stream(seed, f"price:{c.name}"), draws)
        upkeep = c.upkeep_per_year.sample(_stream(seed, f"upkeep_per_year:{c.name}"), draws)
        monthly = c.per_month.sample(_stream(seed, f"per_month:{c.name}"), draws)
        yearly_pv = (upkeep + 12.0 * monthly) * annuity
        price_pv = price * _price_pv(c.lifetime_years, years, factors) if c.lifetime_years > 0 else 0.0
        cost_pv += c.count * (yearly_pv + price_pv)
    benefit_pv = sum((v * annuity for v in per_year.values()), start=np.zeros(draws))
    values = benefit_pv - cost_pv
    p05, p95 = np.quantile(values, [0.05, 0.95])
    return MonteCarlo(
        npv=values,
        benefit_per_year=per_year,
        cost_per_year=cost_pv / annuity,
        mean=float(values.mean()),
        p05=float(p05),
        p95=float(p95),
        p_positive=float(np.mean(values > 0)),
        payback_years_central=payback_years(
            discounted(central_flows(benefits, costs, years), discount_rate.central)
        ),
        draws=draws,
        seed=seed,
        central=central_npv(benefits, costs, years, discount_rate),
    )


def _centrals(benefits: Sequence[Benefit], costs: Sequence[OptionCost], rate: float) -> dict[str, float]:
    """Every input's central value by its override name."""
    values = {"discount_rate": rate}
    for b in benefits:
        values[f"unit_value:{b.name}"] = b.unit_value.central
    for c in costs:
        values[f"price:{c.name}"] = c.price.central
        values[f"upkeep_per_year:{c.name}"] = c.upkeep_per_year.central
        values[f"per_month:{c.name}"] = c.per_month.central
    return values


def central_flows(
    benefits: Sequence[Benefit],
    costs: Sequence[OptionCost],
    years: int,
    overrides: Mapping[str, float] | None = None,
) -> list[float]:
    """Cash flows t = 0..years with every input at its central value (or its override by name;
    a "discount_rate" override is accepted and has no effect on undiscounted flows)."""
    _check(benefits, costs, years, 1)
    v = _centrals(benefits, costs, 0.0)
    unknown = set(overrides or {}) - set(v)
    if unknown:
        raise ValueError(f"unknown override {sorted(unknown)[0]!r}; known: {', '.join(sorted(v))}")
    v.update(overrides or {})
    yearly = sum(float(np.mean(b.per_replication)) * v[f"unit_value:{b.name}"] * b.per_year for b in benefits)
    flows = [0.0] + [yearly] * years
    for c in costs:
        for t in range(1, years + 1):
            flows[t] -= c.count * (v[f"upkeep_per_year:{c.name}"] + 12.0 * v[f"per_month:{c.name}"])
        price = c.count * v[f"price:{c.name}"]
        if price != 0:
            for t in purchase_times(c.lifetime_years, years):
                flows[t] -= price
            flows[years] += price * residual_share(c.lifetime_years, years)
    return flows


def central_npv(
    benefits: Sequence[Benefit],
    costs: Sequence[OptionCost],
    years: int,
    discount_rate: Uncertain,
    overrides: Mapping[str, float] | None = None,
) -> float:
    """NPV with every input at its central value (the mean paired difference for benefits); an
    override replaces one input's value by name ("price:ticket_machine", "unit_value:citizen_hours",
    "discount_rate") — the switching-value search varies one of them."""
    overrides = dict(overrides or {})
    rate = overrides.get("discount_rate", discount_rate.central)
    return npv(central_flows(benefits, costs, years, overrides), rate)


def _npv_of(
    benefits: Sequence[Benefit], costs: Sequence[OptionCost], years: int, rate: Uncertain, name: str
) -> Callable[[float], float]:
    """Central NPV as a function of the one input `name`."""

    def f(x: float) -> float:
        return central_npv(benefits, costs, years, rate, {name: x})

    return f


def switching_values(
    benefits: Sequence[Benefit], costs: Sequence[OptionCost], years: int, discount_rate: Uncertain
) -> dict[str, float | None]:
    """For each price and each unit value (and each cost's monthly pay, when it has one): the value
    at which central NPV = 0 (None when no value in [0, 100 × central] flips the verdict)."""
    centrals = _centrals(benefits, costs, discount_rate.central)
    names = [f"price:{c.name}" for c in costs]
    names += [f"per_month:{c.name}" for c in costs if c.per_month.central > 0]
    names += [f"unit_value:{b.name}" for b in benefits]
    out: dict[str, float | None] = {}
    for name in names:
        hi = SWITCH_SPAN * centrals[name]
        out[name] = _root(_npv_of(benefits, costs, years, discount_rate, name), 0.0, hi) if hi > 0 else None
    return out


__all__ = [
    "Benefit",
    "MonteCarlo",
    "OptionCost",
    "central_flows",
    "central_npv",
    "option_costs",
    "simulate_npv",
    "switching_values",
]
