"""A figure nobody knows exactly, written as the range a planner would give.

    price = 30_000_000                                         # certain
    price = { low = 20_000_000, high = 60_000_000 }            # uniform between the two
    price = { low = 20_000_000, mode = 30_000_000, high = 60_000_000 }   # triangular

Three numbers (lowest, most likely, highest) are what a leader can state from a quotation and a
hunch; the triangle and the flat range are the two distributions such a statement supports
without inventing a spread. The SOURCED / ESTIMATE label stays in the TOML comment, as for every
other figure. A business case's Monte Carlo draws from `sample`; the central value (`central`)
is what a single-number answer uses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import AfterValidator, model_serializer, model_validator

from sim.scenario.base import Strict, SubKeyError, number_text

_SHAPES = (
    "a number (certain), { low = a, high = b } (uniform) or { low = a, mode = m, high = b } (triangular)"
)


class Uncertain(Strict):
    """A number, or a uniform or triangular range; frozen and written back as it was given."""

    low: float
    high: float
    mode: float | None = None
    """The most likely value of a triangular range; None for a uniform range."""

    @model_validator(mode="before")
    @classmethod
    def _from_toml(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError(f"must be {_SHAPES}, got {data!r}")
        if isinstance(data, int | float):
            if not math.isfinite(data):
                raise ValueError(f"must be a finite number, got {data!r}")
            # A certain figure is stored as a range of width 0 with its mode; `is_certain` reads it.
            return {"low": data, "mode": data, "high": data}
        if isinstance(data, dict):
            if "low" not in data or "high" not in data:
                missing = "low" if "low" not in data else "high"
                raise SubKeyError(missing, f"a range needs both low and high; write {_SHAPES}")
            low, high = data["low"], data["high"]
            if _is_number(low) and _is_number(high) and low == high:
                raise SubKeyError(
                    "high",
                    f"a range needs low < high (both are {number_text(low)}); "
                    "a certain figure is written as the number itself",
                )
            return data
        if isinstance(data, Uncertain):
            return data
        raise ValueError(f"must be {_SHAPES}")

    @model_validator(mode="after")
    def _ordered(self) -> Uncertain:
        if self.low > self.high:
            raise SubKeyError(
                "low", f"must not exceed high ({number_text(self.high)}), got {number_text(self.low)}"
            )
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise SubKeyError(
                "mode",
                f"must lie between low and high ({number_text(self.low)} to {number_text(self.high)}), "
                f"got {number_text(self.mode)}",
            )
        return self

    @model_serializer
    def _as_toml(self) -> float | dict[str, float]:
        """The shape the user wrote, so a scenario written back re-reads to the same value."""
        if self.is_certain:
            return self.low
        if self.mode is None:
            return {"low": self.low, "high": self.high}
        return {"low": self.low, "mode": self.mode, "high": self.high}

    @property
    def is_certain(self) -> bool:
        return self.low == self.high

    @property
    def kind(self) -> str:
        """'certain', 'uniform' or 'triangular' (for tables in reports)."""
        if self.is_certain:
            return "certain"
        return "uniform" if self.mode is None else "triangular"

    @property
    def central(self) -> float:
        """The single value an answer without ranges uses: the mode, a uniform's midpoint, the number."""
        if self.mode is not None:
            return self.mode
        return (self.low + self.high) / 2.0

    def scaled(self, factor: float) -> Uncertain:
        """The same range times a positive factor (an overtime hour is 1.5 staff hours)."""
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"factor: must be a positive number, got {factor!r}")
        if self.is_certain:
            return certain(self.low * factor)
        data = {"low": self.low * factor, "high": self.high * factor}
        if self.mode is not None:
            data["mode"] = self.mode * factor
        return Uncertain.model_validate(data)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """`n` independent draws (a certain figure gives `n` copies and consumes no randomness)."""
        if self.is_certain:
            return np.full(n, self.low, dtype=float)
        if self.mode is None:
            return rng.uniform(self.low, self.high, n)
        return rng.triangular(self.low, self.mode, self.high, n)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def certain(value: float) -> Uncertain:
    """A certain figure built in code (tests, defaults)."""
    return Uncertain.model_validate(value)


def within(low: float, high: float, why: str, unit: str = "", high_open: bool = False) -> AfterValidator:
    """Refuse an `Uncertain` whose range leaves [low, high] (or [low, high) with `high_open`).

    The key points at `low` or `high` inside a range, at the value itself for a plain number."""
    unit = f" {unit}" if unit else ""
    top = f"below {number_text(high)}" if high_open else f"at most {number_text(high)}"

    def too_high(x: float) -> bool:
        return x >= high if high_open else x > high

    def check(value: Uncertain) -> Uncertain:
        for end, x, bad, words in (
            ("low", value.low, value.low < low, f"at least {number_text(low)}"),
            ("high", value.high, too_high(value.high), top),
        ):
            if bad or not math.isfinite(x):
                message = f"must be {words}{unit} ({why}), got {number_text(x)}"
                if value.is_certain:
                    raise ValueError(message)
                raise SubKeyError(end, message)
        return value

    return AfterValidator(check)


__all__ = ["Uncertain", "certain", "within"]
