"""Which assumptions decide the answer: a one-at-a-time sweep of every ranged estimate.

Each ESTIMATE that carries a plausible range (`sim.scenario.ranges`) is set to its low and then its
high end — in the base and the option alike, everything else as given — and the decision quantity
is computed again (the business case's NPV at central costs, or a comparison's key difference).
All sweeps use the same seed and replications as the answer itself (common random numbers), so a
bar's length is the estimate's effect, not noise. The bars, longest first, are the tornado chart.

An estimate *flips* the verdict when the decision quantity crosses the threshold (0 for an NPV)
between the central value and one end; the flip point is found by linear interpolation between
the central run and that end (labelled approximate in the reports).

The same sweep feeds the Monte Carlo (`estimate_effects`): each estimate is drawn uniformly within
its range and its effect on the NPV read off its sweep (piecewise linear through low, central and
high) and added — a first-order model of the estimates' uncertainty, so that a leader sees it
beside the simulation's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.scenario.ranges import EstimateRange


@dataclass(frozen=True, slots=True)
class Bar:
    """One estimate's sweep."""

    key: str
    reason: str
    value: float
    low: float
    high: float
    at_low: float
    at_high: float
    flip: float | None
    """The estimate's value at which the decision crosses the threshold (None: it never does
    within the range)."""

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)

    @property
    def flips(self) -> bool:
        return self.flip is not None


@dataclass(frozen=True)
class Sensitivity:
    """The tornado: the central decision and one bar per ranged estimate, longest first."""

    central: float
    threshold: float
    bars: tuple[Bar, ...]

    @property
    def holds(self) -> bool:
        """True when no estimate, moved alone over its whole range, flips the verdict."""
        return not any(b.flips for b in self.bars)

    @property
    def flipping(self) -> tuple[Bar, ...]:
        return tuple(b for b in self.bars if b.flips)


def _flip(value: float, central: float, end: float, at_end: float, threshold: float) -> float | None:
    """Where the straight line from (value, central) to (end, at_end) crosses the threshold, if it
    does between them (None also when the central decision sits on the threshold)."""
    a, b = central - threshold, at_end - threshold
    if a == 0 or (b != 0 and (a > 0) == (b > 0)):
        return None
    return value + (end - value) * a / (a - b)


def sweep(
    ranges: Sequence[EstimateRange],
    evaluate: Callable[[str, float], float],
    central: float,
    threshold: float = 0.0,
) -> Sensitivity:
    """`evaluate(key, value)` at each range's low and high; bars ordered by swing, longest first
    (ties: the scenario's order). `central` is the decision with every estimate as given."""
    bars = []
    for r in ranges:
        at_low, at_high = evaluate(r.key, r.low), evaluate(r.key, r.high)
        for x, name in ((at_low, "low"), (at_high, "high")):
            if not math.isfinite(x):
                raise ValueError(f"{r.key}: the decision at the {name} end is not a number")
        flips = [
            f
            for end, at_end in ((r.low, at_low), (r.high, at_high))
            if (f := _flip(r.value, central, end, at_end, threshold)) is not None
        ]
        flip = min(flips, key=lambda f: abs(f - r.value)) if flips else None
        bars.append(Bar(r.key, r.reason, r.value, r.low, r.high, at_low, at_high, flip))
    order = sorted(range(len(bars)), key=lambda i: (-bars[i].swing, i))
    return Sensitivity(central, threshold, tuple(bars[i] for i in order))


def estimate_effects(sensitivity: Sensitivity, draws: int, seed: int) -> np.ndarray:
    """Per draw, the sum over estimates of each one's effect on the decision, each estimate drawn
    uniformly within its range (piecewise linear through low, central and high)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5E75]))
    total = np.zeros(draws)
    for bar in sensitivity.bars:
        u = rng.uniform(bar.low, bar.high, draws)
        xs = [bar.low, bar.value, bar.high]
        ys = [bar.at_low - sensitivity.central, 0.0, bar.at_high - sensitivity.central]
        if bar.low == bar.value:
            xs, ys = xs[1:], ys[1:]
        if bar.high == bar.value:
            xs, ys = xs[:-1], ys[:-1]
        total += np.interp(u, xs, ys)
    return total


__all__ = ["Bar", "Sensitivity", "estimate_effects", "sweep"]
