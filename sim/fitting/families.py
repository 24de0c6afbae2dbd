"""The four candidate families, written in (mean, shape) and vectorised over many parameter sets.

A bootstrap refits 99 samples at once, so every function takes arrays of means `m` and shapes `k`
that broadcast with the durations `x`, and uses scipy.special directly: a frozen scipy.stats
distribution per evaluation would cost more than the arithmetic. `scipy_dist` gives the matching
scipy.stats object for plots and for the test that both agree.

Shapes: gamma's a (cv = 1/√a), lognormal's σ (cv² = e^σ² − 1), Weibull's k; the exponential is
the gamma with a = 1. `lower(x)` is the partial expectation E[D; D ≤ x], `upper(x)` = E[D; D > x]:
with them, the probability of a minute-rounded duration has a closed form (`rounded_logprob`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from scipy.special import gammainc, gammaincc, gammaln, log_ndtr, ndtr

TINY = 1e-300
_LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class Family:
    """One family; subclasses give its formulas."""

    name: str
    n_params: int

    # --- formulas (m, k broadcast with x) ---------------------------------------------------------
    def logpdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def cdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def sf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def logsf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return np.log(np.maximum(self.sf(x, m, k), TINY))

    def lower(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def upper(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def cv(self, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def shape_guess(self, cv: np.ndarray) -> np.ndarray:
        """A starting shape for the optimiser from a moment estimate of cv."""
        raise NotImplementedError

    def scipy_dist(self, m: float, k: float) -> Any:
        """The frozen scipy.stats distribution (loc = 0)."""
        raise NotImplementedError

    def sample(
        self, rng: np.random.Generator, m: np.ndarray, k: np.ndarray, size: tuple[int, ...]
    ) -> np.ndarray:
        raise NotImplementedError

    # --- derived ----------------------------------------------------------------------------------
    def interval_logprob(self, low: np.ndarray, high: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        """log P(low < D ≤ high), from the side of the median where it does not cancel."""
        low_side = self.cdf(low, m, k) < 0.5
        by_cdf = self.cdf(high, m, k) - self.cdf(low, m, k)
        by_sf = self.sf(low, m, k) - self.sf(high, m, k)
        return np.log(np.maximum(np.where(low_side, by_cdf, by_sf), TINY))

    def rounded_logprob(self, d: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        """log P(a difference of two minute-rounded clock times is d) = log ∫ (1 − |D − d|)⁺ f(D) dD.

        That is the second difference of G(x) = ∫₀ˣ F = x F(x) − E[D; D ≤ x]; above the median the
        same second difference of H(x) = ∫ₓ^∞ S = E[D; D > x] − x S(x) is taken instead (G and H
        differ by the linear x − mean), so the tail keeps its precision.
        """

        def g(x: np.ndarray) -> np.ndarray:
            xp = np.maximum(x, 0.0)
            return np.where(x > 0, xp * self.cdf(xp, m, k) - self.lower(xp, m, k), 0.0)

        def h(x: np.ndarray) -> np.ndarray:
            xp = np.maximum(x, 0.0)
            return np.where(x > 0, self.upper(xp, m, k) - xp * self.sf(xp, m, k), m - x)

        low_side = self.cdf(d + 1, m, k) <= 0.5
        by_g = g(d + 1) - 2 * g(d) + g(d - 1)
        by_h = h(d + 1) - 2 * h(d) + h(d - 1)
        return np.log(np.maximum(np.where(low_side, by_g, by_h), TINY))


class Gamma(Family):
    """Gamma(a, scale m/a); the exponential is this with a = 1."""

    def logpdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        s = m / k
        return (k - 1) * np.log(x) - x / s - gammaln(k) - k * np.log(s)

    def cdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return gammainc(k, x * k / m)

    def sf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return gammaincc(k, x * k / m)

    def lower(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * gammainc(k + 1, x * k / m)

    def upper(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * gammaincc(k + 1, x * k / m)

    def cv(self, k: np.ndarray) -> np.ndarray:
        return 1 / np.sqrt(k)

    def shape_guess(self, cv: np.ndarray) -> np.ndarray:
        return 1 / cv**2

    def scipy_dist(self, m: float, k: float) -> Any:
        return stats.gamma(k, loc=0, scale=m / k)

    def sample(
        self, rng: np.random.Generator, m: np.ndarray, k: np.ndarray, size: tuple[int, ...]
    ) -> np.ndarray:
        return rng.gamma(k, m / k, size)


class Exponential(Gamma):
    def logsf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return -x / m

    def scipy_dist(self, m: float, k: float) -> Any:
        return stats.expon(loc=0, scale=m)

    def sample(
        self, rng: np.random.Generator, m: np.ndarray, k: np.ndarray, size: tuple[int, ...]
    ) -> np.ndarray:
        return rng.exponential(m, size)


class LogNormal(Family):
    """log D ~ Normal(log m − σ²/2, σ)."""

    def _z(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return (np.log(x) - np.log(m) + k**2 / 2) / k

    def logpdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        z = self._z(x, m, k)
        return -np.log(x) - np.log(k) - _LOG_2PI / 2 - z**2 / 2

    def cdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return ndtr(self._z(x, m, k))

    def sf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return ndtr(-self._z(x, m, k))

    def logsf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return log_ndtr(-self._z(x, m, k))

    def lower(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * ndtr(self._z(x, m, k) - k)

    def upper(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * ndtr(k - self._z(x, m, k))

    def cv(self, k: np.ndarray) -> np.ndarray:
        return np.sqrt(np.expm1(k**2))

    def shape_guess(self, cv: np.ndarray) -> np.ndarray:
        return np.sqrt(np.log1p(cv**2))

    def scipy_dist(self, m: float, k: float) -> Any:
        return stats.lognorm(k, loc=0, scale=m * math.exp(-(k**2) / 2))

    def sample(
        self, rng: np.random.Generator, m: np.ndarray, k: np.ndarray, size: tuple[int, ...]
    ) -> np.ndarray:
        return rng.lognormal(np.log(m) - k**2 / 2, k, size)


class Weibull(Family):
    """Weibull(k, scale m/Γ(1 + 1/k))."""

    def _u(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        """(x/λ)^k."""
        # Far in the tail (x/λ)^k overflows to inf: its survival is then exactly 0, as it should be.
        with np.errstate(divide="ignore", over="ignore"):
            return np.exp(k * (np.log(x) - np.log(m) + gammaln(1 + 1 / k)))

    def logpdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        log_scale = np.log(m) - gammaln(1 + 1 / k)
        t = np.log(x) - log_scale
        with np.errstate(over="ignore"):  # an overflow is a density of exactly 0 (log −inf)
            return np.log(k) - log_scale + (k - 1) * t - np.exp(k * t)

    def cdf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return -np.expm1(-self._u(x, m, k))

    def sf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return np.exp(-self._u(x, m, k))

    def logsf(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return -self._u(x, m, k)

    def lower(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * gammainc(1 + 1 / k, self._u(x, m, k))

    def upper(self, x: np.ndarray, m: np.ndarray, k: np.ndarray) -> np.ndarray:
        return m * gammaincc(1 + 1 / k, self._u(x, m, k))

    def cv(self, k: np.ndarray) -> np.ndarray:
        return np.sqrt(np.expm1(gammaln(1 + 2 / k) - 2 * gammaln(1 + 1 / k)))

    def shape_guess(self, cv: np.ndarray) -> np.ndarray:
        return cv**-1.086  # Justus' approximation, close enough to start from

    def scipy_dist(self, m: float, k: float) -> Any:
        return stats.weibull_min(k, loc=0, scale=m / math.exp(gammaln(1 + 1 / k)))

    def sample(
        self, rng: np.random.Generator, m: np.ndarray, k: np.ndarray, size: tuple[int, ...]
    ) -> np.ndarray:
        return m / np.exp(gammaln(1 + 1 / k)) * rng.weibull(k, size)


FAMILIES: dict[str, Family] = {
    "exponential": Exponential("exponential", 1),
    "gamma": Gamma("gamma", 2),
    "lognormal": LogNormal("lognormal", 2),
    "weibull": Weibull("weibull", 2),
}
"""The candidates, in the order the fit report lists them before sorting by AIC."""
