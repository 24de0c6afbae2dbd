"""The tie-break among equal-cost feasible plans: KN screening on paired differences.

Kim & Nelson (2001), "A fully sequential procedure for indifference-zone selection in
simulation", ACM TOMACS 11(3): select the best of m systems with probability ≥ 1 − α when the best
is at least δ better than every other. With first-stage size n0 and c = 1,

    η = ½ [(2α / (m − 1))^(−2/(n0−1)) − 1],   h² = 2 η (n0 − 1),
    S²_il = sample variance of the first n0 paired differences X_i − X_l,

and at every r ≥ n0 plan i is eliminated when some surviving l has

    Σ_{j≤r} (X_lj − X_ij) > max(0, h² S²_il / (2δ) − δ r / 2)

(X oriented so that larger is better). The variance is that of the *paired* differences: under
common random numbers the plans share most of their noise, so S²_il is far smaller than
S²_i + S²_l and the screening ends after far fewer replications. KN needs no independence between
systems for this, which is what makes it valid with common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class TieBreak:
    """How the tie among the cheapest feasible plans was broken."""

    tied: tuple[int, ...]
    """Feasible plans at the cheapest feasible cost (≥ 2 of them), in plan order."""
    survivors: tuple[int, ...]
    """Still in at the end: one when KN found a clear winner, more when it stopped at the cap
    (or when the survivors' values were all exactly equal)."""
    chosen: int
    replications: int
    """Common replications per tied plan that the screening used at the end."""
    alpha: float
    eta: float
    h2: float


def kn_constants(alpha: float, systems: int, first_stage: int) -> tuple[float, float]:
    """η and h² of KN (c = 1) for `systems` ≥ 2 plans, error `alpha` and first stage n0 ≥ 2."""
    eta = 0.5 * ((2.0 * alpha / (systems - 1)) ** (-2.0 / (first_stage - 1)) - 1.0)
    return eta, 2.0 * eta * (first_stage - 1)


@dataclass(frozen=True, slots=True)
class Screening:
    """The settings of one KN screening."""

    alpha: float
    tolerance: float
    """δ > 0, the indifference zone, in the KPI's unit."""
    direction: int
    """-1: lower is better; +1: higher is better."""
    first_stage: int
    batch: int
    cap: int


def kn_select(
    tied: Sequence[int],
    values: Callable[[int], np.ndarray],
    extend: Callable[[Sequence[int], int], None],
    screening: Screening,
) -> TieBreak:
    """Screen `tied` plans by KN until one survives or `cap` replications are used.

    `values(i)` gives every value of the tie KPI run so far for plan i (replication order);
    `extend(plans, upto)` makes those plans have at least `upto` replications. More replications
    are asked for the survivors only, `batch` at a time; each r is still screened one by one, as
    the fully sequential procedure prescribes. At the cap the survivor with the best sample mean
    is kept (the first in plan order on an exact tie). Plans whose values are identical in every
    replication so far stop the screening at once: they are the same simulation.
    """
    alpha, delta, direction = screening.alpha, screening.tolerance, screening.direction
    n0, batch, cap = screening.first_stage, screening.batch, screening.cap
    eta, h2 = kn_constants(alpha, len(tied), n0)
    x = {i: direction * values(i) for i in tied}
    s2 = {(i, j): float(np.var(x[i][:n0] - x[j][:n0], ddof=1)) for i in tied for j in tied if i != j}
    survivors = list(tied)
    r = n0
    while True:
        short = [i for i in survivors if len(x[i]) < r]
        if short:
            extend(short, min(cap, r - 1 + batch))
            x.update({i: direction * values(i) for i in short})
        sums = {i: float(x[i][:r].sum()) for i in survivors}
        survivors = [
            i
            for i in survivors
            if not any(
                sums[j] - sums[i] > max(0.0, h2 * s2[i, j] / (2.0 * delta) - delta * r / 2.0)
                for j in survivors
                if j != i
            )
        ]
        first = x[survivors[0]][:r]
        identical = all(np.array_equal(x[i][:r], first) for i in survivors)
        if len(survivors) == 1 or r >= cap or identical:
            break
        r += 1
    means = {i: float(x[i][:r].mean()) for i in survivors}
    chosen = max(survivors, key=lambda i: (means[i], -survivors.index(i)))
    return TieBreak(
        tied=tuple(tied),
        survivors=tuple(survivors),
        chosen=chosen,
        replications=r,
        alpha=alpha,
        eta=eta,
        h2=h2,
    )


__all__ = ["TieBreak", "kn_constants", "kn_select"]
