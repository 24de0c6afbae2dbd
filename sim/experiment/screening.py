"""Global screening of the ranged estimates (Morris elementary effects), for researchers.

The one-at-a-time sweep (`sim.experiment.sensitivity`) moves one estimate while the others stay
as given; it cannot see an estimate that matters only together with another. Morris's method
(Morris 1991; Campolongo, Cariboni & Saltelli 2007 for μ*) moves every estimate along random
trajectories through a grid of `levels` values over their ranges: each of the r trajectories
changes one estimate at a time, so (k + 1) · r evaluations give r elementary effects per
estimate. μ* (the mean absolute effect) ranks the estimates by influence over the whole range;
σ (the spread of the effects) is large when an estimate interacts with others or acts
non-linearly. Sampling and analysis are SALib's (`pip install -e ".[screening]"`), with the
study's seed, so the same seed gives the same trajectories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.scenario.ranges import EstimateRange


@dataclass(frozen=True)
class Screening:
    """Morris's statistics per estimate, in the decision's unit over each estimate's whole range."""

    keys: tuple[str, ...]
    mu_star: np.ndarray
    mu_star_conf: np.ndarray
    """Half-width of a bootstrap 95% interval of μ*."""
    mu: np.ndarray
    sigma: np.ndarray
    evaluations: int
    trajectories: int
    levels: int
    seed: int

    def ranked(self) -> list[tuple[str, float, float, float]]:
        """(key, μ*, its interval half-width, σ), the most influential first."""
        order = np.argsort(-self.mu_star, kind="stable")
        return [
            (self.keys[i], float(self.mu_star[i]), float(self.mu_star_conf[i]), float(self.sigma[i]))
            for i in order
        ]


def _salib() -> tuple[object, object]:
    try:
        from SALib.analyze import morris as analyze
        from SALib.sample import morris as sample
    except ImportError:  # an optional extra
        raise ImportError(
            "Morris screening needs SALib: pip install -e '.[screening]' (the test extras include it)"
        ) from None
    return sample, analyze


def morris(
    ranges: Sequence[EstimateRange],
    evaluate: Callable[[Mapping[str, float]], float],
    *,
    trajectories: int = 4,
    levels: int = 4,
    seed: int = 0,
) -> Screening:
    """Morris screening of `evaluate(values)` (key → value for every ranged estimate at once)."""
    if len(ranges) < 1:
        raise ValueError("ranges: Morris screening needs at least one ranged estimate")
    if not (isinstance(trajectories, int) and 2 <= trajectories <= 1000):
        raise ValueError(f"trajectories: must be an integer from 2 to 1000, got {trajectories!r}")
    if not (isinstance(levels, int) and levels >= 2 and levels % 2 == 0):
        raise ValueError(f"levels: must be an even integer of at least 2, got {levels!r}")
    sample, analyze = _salib()
    keys = tuple(r.key for r in ranges)
    problem = {"num_vars": len(keys), "names": list(keys), "bounds": [[r.low, r.high] for r in ranges]}
    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)  # type: ignore[attr-defined]
    y = np.array([evaluate(dict(zip(keys, map(float, row), strict=True))) for row in x], dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError("the decision is not a number at some trajectory point")
    result = analyze.analyze(  # type: ignore[attr-defined]
        problem, x, y, num_levels=levels, seed=seed, print_to_console=False
    )
    return Screening(
        keys=keys,
        mu_star=np.asarray(result["mu_star"], dtype=float),
        mu_star_conf=np.asarray(result["mu_star_conf"], dtype=float),
        mu=np.asarray(result["mu"], dtype=float),
        sigma=np.asarray(result["sigma"], dtype=float),
        evaluations=len(y),
        trajectories=trajectories,
        levels=levels,
        seed=seed,
    )


__all__ = ["Screening", "morris"]
