"""Probability distributions written as small TOML tables.

`{dist = "lognormal", mean = 6.0, cv = 0.5}` reads as a planner thinks (a mean and a spread), not as
numpy's parameters. Each spec is frozen configuration; it draws from a generator the caller owns,
so the model decides which named random stream feeds which quantity.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field, model_validator

from sim.scenario.base import Strict, SubKeyError, at_least, at_most, number_text

PARAMETER_MAX = 1e7
"""Largest value of any distribution parameter: above every duration, count and weight a centre
has. Each scenario key also has its own, smaller bound (`bounded`); this one keeps the parameter
computations below (cv², logs, weight sums) finite whatever the key."""
CV_MIN, CV_MAX = 0.01, 10.0
"""Coefficients of variation allowed: below 0.01 use `deterministic`; gamma's shape 1/cv² and
lognormal's log(1 + cv²) and weibull's shape stay finite and non-zero in between."""

_MAX = at_most(PARAMETER_MAX, "no duration, count or weight in a centre comes near it")
PositiveFloat = Annotated[float, Field(gt=0), _MAX]
NonNegativeFloat = Annotated[float, Field(ge=0), _MAX]
CV = Annotated[
    float,
    at_least(CV_MIN, 'for less spread use dist = "deterministic"'),
    at_most(CV_MAX, "a spread far wider than any observed time"),
]


class Exponential(Strict):
    """Memoryless times; the textbook M in M/M/c."""

    dist: Literal["exponential"]
    mean: PositiveFloat

    @property
    def expected(self) -> float:
        return self.mean

    @property
    def scv(self) -> float:
        return 1.0

    def largest(self) -> tuple[str, float]:
        """The parameter that bounds this distribution's size, and its value (for `bounded`)."""
        return "mean", self.mean

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)


class LogNormal(Strict):
    """Right-skewed service times, parameterised by mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean: PositiveFloat
    cv: CV

    @property
    def expected(self) -> float:
        return self.mean

    @property
    def scv(self) -> float:
        return self.cv**2

    def largest(self) -> tuple[str, float]:
        return "mean", self.mean

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


class Gamma(Strict):
    """Gamma times by mean and coefficient of variation (cv = 1 is exponential)."""

    dist: Literal["gamma"]
    mean: PositiveFloat
    cv: CV

    @property
    def expected(self) -> float:
        return self.mean

    @property
    def scv(self) -> float:
        return self.cv**2

    def largest(self) -> tuple[str, float]:
        return "mean", self.mean

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean / shape, size)


@functools.lru_cache(maxsize=1024)
def weibull_shape(cv: float) -> float:
    """The Weibull shape k whose coefficient of variation is `cv`: the root of
    cv² = Γ(1+2/k)/Γ(1+1/k)² − 1, which falls as k grows (k = 1 is exponential, cv = 1).

    Bracketed on [0.05, 500] (cv from about 4·10⁵ down to 0.0026, covering CV_MIN–CV_MAX); cached,
    since `sample` may be called for one draw at a time.
    """

    from scipy.optimize import brentq  # here: the scenario layer loads without scipy (a fast CLI start)

    def excess(k: float) -> float:
        return math.expm1(math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k)) - cv**2

    return float(brentq(excess, 0.05, 500.0, xtol=1e-12, rtol=1e-12))


class Weibull(Strict):
    """Weibull times by mean and coefficient of variation: a lighter right tail than the lognormal
    (the hazard rises with time when cv < 1), a common fit to fitted counter and repair times."""

    dist: Literal["weibull"]
    mean: PositiveFloat
    cv: CV

    @property
    def shape(self) -> float:
        """k, from cv (see `weibull_shape`)."""
        return weibull_shape(self.cv)

    @property
    def scale(self) -> float:
        """λ = mean / Γ(1 + 1/k)."""
        return self.mean / math.exp(math.lgamma(1 + 1 / self.shape))

    @property
    def expected(self) -> float:
        return self.mean

    @property
    def scv(self) -> float:
        return self.cv**2

    def largest(self) -> tuple[str, float]:
        return "mean", self.mean

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, size)


class Deterministic(Strict):
    """A fixed value: for exact tests and for the D in M/D/1."""

    dist: Literal["deterministic"]
    value: NonNegativeFloat

    @property
    def expected(self) -> float:
        return self.value

    @property
    def scv(self) -> float:
        return 0.0

    def largest(self) -> tuple[str, float]:
        return "value", self.value

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        # Draw nothing: a deterministic quantity must not shift a shared stream.
        return np.full(size, self.value, dtype=float)


class Uniform(Strict):
    """Equally likely values between low and high."""

    dist: Literal["uniform"]
    low: NonNegativeFloat
    high: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise SubKeyError("high", f"high ({self.high}) must not be below low ({self.low})")
        return self

    @property
    def expected(self) -> float:
        return (self.low + self.high) / 2

    @property
    def scv(self) -> float:
        m = self.expected
        return 0.0 if m == 0 else ((self.high - self.low) ** 2 / 12) / m**2

    def largest(self) -> tuple[str, float]:
        return "high", self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class Empirical(Strict):
    """Observed values with optional weights, e.g. documents per certification visit."""

    dist: Literal["empirical"]
    values: Annotated[list[NonNegativeFloat], Field(min_length=1)]
    weights: list[NonNegativeFloat] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise SubKeyError(
                    "weights", f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise SubKeyError("weights", "weights must not all be zero")
        return self

    def _probabilities(self) -> np.ndarray:
        if self.weights is None:
            return np.full(len(self.values), 1.0 / len(self.values))
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    @property
    def expected(self) -> float:
        return float(np.dot(self._probabilities(), self.values))

    @property
    def scv(self) -> float:
        p = self._probabilities()
        v = np.asarray(self.values, dtype=float)
        m = float(p @ v)
        return 0.0 if m == 0 else float(p @ (v - m) ** 2) / m**2

    def largest(self) -> tuple[str, float]:
        i = int(np.argmax(self.values))
        return f"values[{i}]", self.values[i]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._probabilities())


Distribution = Annotated[
    Exponential | LogNormal | Gamma | Weibull | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
]
"""Any distribution spec; the `dist` key picks the family."""


def bounded(limit: float, unit: str, why: str) -> AfterValidator:
    """The bound of one scenario key that holds a distribution (`Annotated[Distribution,
    bounded(...)]`): its values must stay at most `limit` (the mean for exponential, lognormal,
    gamma and weibull; every possible value for the others).

    The error points at the parameter (`service_min.mean`), e.g. "must be at most 1440 minutes (a
    whole day; ...), got 100000.0".
    """

    def check(d: Distribution) -> Distribution:
        key, value = d.largest()
        if value > limit:
            raise SubKeyError(key, f"must be at most {number_text(limit)} {unit} ({why}), got {value!r}")
        return d

    return AfterValidator(check)


def positive_mean(d: Distribution) -> Distribution:
    """Refuse a distribution whose mean is below one minute, for times between events that would
    otherwise repeat without end (a machine that breaks again the moment it is repaired)."""
    if d.expected < 1.0:
        key = (
            d.largest()[0]
            if not isinstance(d, Uniform | Empirical)
            else ("high" if isinstance(d, Uniform) else "values")
        )
        raise SubKeyError(
            key,
            f"the mean must be at least 1 minute (a machine that fails again as "
            f"soon as it is repaired never works), got {d.expected!r}",
        )
    return d
