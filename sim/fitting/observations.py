"""Durations as a log records them: exact, known only to an interval, or cut short (right-censored).

A fit that takes a service cut at closing as complete, or a time rounded to the minute as exact,
is biased (`tests/test_durations_fit.py` shows by how much). These records keep what is known about
each duration so the likelihood can use exactly that.

Two clock times written to the minute (`HH:MM`) give a difference `d` whole minutes whose true
value lies in (d − 1, d + 1), but not uniformly: with the start's seconds uniform, the true duration
D gives d = ⌊D⌋ + 1 with probability frac(D), so P(d | D) = 1 − |D − d|. Such durations are kept
apart (`rounded`) and given that triangular weight; treating them as plain intervals (d − 1, d + 1)
biases the fitted cv low (the box adds variance 1/3 where the rounding adds 1/6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.logs.formats import ABSENT, CUT_AT_CLOSE, NOT_SERVED, SENT_BACK, SERVED, WALKED_OUT

Resolution = Literal["second", "minute"]

SECOND = 1 / 60
"""One second in minutes: a duration written as 0 s lies in (0, 1 s)."""


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass(frozen=True)
class Observations:
    """Durations in minutes, by what is known about each."""

    exact: np.ndarray
    """Known to the second."""
    low: np.ndarray
    high: np.ndarray
    """Known only to lie in (low, high] (absent when called: left some time before the call)."""
    right: np.ndarray
    """Known only to exceed this (a service cut at closing; patience of someone called)."""
    rounded: np.ndarray = field(default_factory=_empty)
    """Differences d of two clock times written to the minute: the true value lies in (d − 1, d + 1)
    with weight 1 − |D − d| (see the module docstring)."""
    dropped: int = 0
    """Records that said nothing about the duration (a walk-out without the time they left)."""

    def __post_init__(self) -> None:
        for name in ("exact", "low", "high", "right", "rounded"):
            values = np.asarray(getattr(self, name), dtype=float)
            if values.ndim != 1 or not np.all(np.isfinite(values)) or np.any(values < 0):
                raise ValueError(f"Observations.{name}: durations must be finite and ≥ 0")
            object.__setattr__(self, name, values)
        if len(self.low) != len(self.high) or np.any(self.high <= self.low):
            raise ValueError("Observations: each interval needs low < high")
        if np.any(self.exact <= 0):
            raise ValueError("Observations.exact: an exact duration must be > 0 (write 0 s as (0, 1 s])")

    @property
    def n(self) -> int:
        return len(self.exact) + len(self.low) + len(self.right) + len(self.rounded)

    @property
    def n_interval(self) -> int:
        return len(self.low) + len(self.rounded)

    @property
    def n_right(self) -> int:
        return len(self.right)

    @property
    def n_events(self) -> int:
        """Durations that ended within the record (all but the right-censored)."""
        return self.n - self.n_right

    def midpoints(self) -> np.ndarray:
        """Every duration that ended, as one number (interval midpoints; a rounded d=0 as 0.5)."""
        rounded = (np.maximum(self.rounded - 1, 0) + self.rounded + 1) / 2
        return np.concatenate([self.exact, (self.low + self.high) / 2, rounded])

    def subsample(self, size: int, rng: np.random.Generator) -> Observations:
        """`size` of the durations drawn without replacement (all of them when there are fewer)."""
        if self.n <= size:
            return self
        kinds = np.repeat(np.arange(4), [len(self.exact), len(self.low), len(self.right), len(self.rounded)])
        keep = np.zeros(self.n, dtype=bool)
        keep[rng.choice(self.n, size, replace=False)] = True

        def part(kind: int, values: np.ndarray) -> np.ndarray:
            return values[keep[kinds == kind]]

        return Observations(
            part(0, self.exact),
            part(1, self.low),
            part(1, self.high),
            part(2, self.right),
            part(3, self.rounded),
            self.dropped,
        )

    def without_intervals(self) -> Observations:
        """The same durations less the plain intervals: what a Kaplan–Meier curve can use."""
        return Observations(self.exact, _empty(), _empty(), self.right, self.rounded)


def _minutes(later: np.ndarray, earlier: np.ndarray, what: str) -> np.ndarray:
    d = (
        np.asarray(later, dtype="datetime64[ns]") - np.asarray(earlier, dtype="datetime64[ns]")
    ) / np.timedelta64(60, "s")
    d = np.asarray(d, dtype=float)
    if not np.all(np.isfinite(d)):
        raise ValueError(f"{what}: a time is missing")
    if np.any(d < 0):
        raise ValueError(f"{what}: a later time comes before an earlier one")
    return d


def _ended(d: np.ndarray, resolution: Resolution) -> dict[str, np.ndarray]:
    """Durations that ended, by resolution: exact (0 s as (0, 1 s]) or rounded to whole minutes."""
    if resolution == "minute":
        return {"rounded": np.rint(d)}
    zero = d <= 0
    return {"exact": d[~zero], "low": np.zeros(int(zero.sum())), "high": np.full(int(zero.sum()), SECOND)}


def _cut(d: np.ndarray, resolution: Resolution) -> np.ndarray:
    """Right-censoring times: a rounded d only says the true time exceeded d − 1."""
    return np.maximum(np.rint(d) - 1, 0) if resolution == "minute" else d


def _join(*parts: dict[str, np.ndarray], dropped: int = 0) -> Observations:
    def cat(name: str) -> np.ndarray:
        return np.concatenate([p[name] for p in parts if name in p] or [_empty()])

    right = cat("right")
    # Censored at 0 (called at once, or cut as it began) says nothing about the duration, and a
    # zero breaks the lognormal's log-likelihood (log 0): such observations are left out.
    right = right[right > 0]
    return Observations(cat("exact"), cat("low"), cat("high"), right, cat("rounded"), dropped)


def service_observations(
    started: np.ndarray, ended: np.ndarray, cut: np.ndarray, resolution: Resolution
) -> Observations:
    """Service durations in minutes; `cut` marks services stopped at closing (right-censored)."""
    d = _minutes(ended, started, "service_ended − service_started")
    cut = np.asarray(cut, dtype=bool)
    return _join(_ended(d[~cut], resolution), {"right": _cut(d[cut], resolution)})


def patience_observations(
    issued: np.ndarray, called: np.ndarray, left: np.ndarray, outcome: np.ndarray, resolution: Resolution
) -> Observations:
    """How long people were willing to wait, from every ticket (see `sim.logs.formats.OUTCOMES`).

    A walk-out with its time is an event; one without is dropped (counted in `dropped`); someone
    absent when called had left some time in (0, wait]; someone called (served, sent back, cut at
    close) or sent home at closing (not served) would have waited at least as long as they did.
    """
    outcome = np.asarray(outcome).astype(str)
    issued = np.asarray(issued, dtype="datetime64[ns]")
    called = np.asarray(called, dtype="datetime64[ns]")
    left = np.asarray(left, dtype="datetime64[ns]")
    walked = outcome == WALKED_OUT
    timed = walked & ~np.isnat(left)
    absent = outcome == ABSENT
    was_called = np.isin(outcome, [SERVED, SENT_BACK, CUT_AT_CLOSE])
    sent_home = outcome == NOT_SERVED
    waits = _minutes(called[absent], issued[absent], "called_at − issued_at (absent)")
    if resolution == "minute":
        waits = np.rint(waits) + 1
    absent_part = {"low": np.zeros(len(waits)), "high": np.maximum(waits, SECOND)}
    right = np.concatenate(
        [
            _cut(_minutes(called[was_called], issued[was_called], "called_at − issued_at"), resolution),
            _cut(
                _minutes(left[sent_home], issued[sent_home], "left_at − issued_at (not served)"), resolution
            ),
        ]
    )
    events = _ended(_minutes(left[timed], issued[timed], "left_at − issued_at (walked out)"), resolution)
    return _join(events, absent_part, {"right": right}, dropped=int((walked & ~timed).sum()))
