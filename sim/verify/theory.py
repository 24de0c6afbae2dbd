"""Queueing theory: the exact and standard results the model is verified against.

Conventions: rates are per unit time (any unit, the same for arrivals and service), times are in
that unit; `servers` is a positive integer. Every function refuses an unstable system (offered
load at or above the number of servers) with `UnstableSystemError`, a `ValueError`, rather than
returning a number that means nothing.

References (cited by short name in the docstrings):
- [GH] Gross, Shortle, Thompson & Harris, *Fundamentals of Queueing Theory*, 4th ed., Wiley 2008.
- [Kl] Kleinrock, *Queueing Systems, Vol. 1: Theory*, Wiley 1975.
- [AC] Allen, *Probability, Statistics, and Queueing Theory*, 2nd ed., Academic Press 1990
  (the Allen–Cunneen approximation for G/G/c); also Hopp & Spearman, *Factory Physics*, 3rd ed.
  2008, §8.4 ("Kingman/VUT" form for G/G/c).
- [LS] Lewis & Shedler, "Simulation of nonhomogeneous Poisson processes by thinning", Naval Research
  Logistics Quarterly 26 (1979) 403–413.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "ErlangC",
    "QueueMetrics",
    "UnstableSystemError",
    "allen_cunneen",
    "erlang_b",
    "erlang_c",
    "expected_arrivals",
    "md1",
    "mg1",
    "mm1",
    "mmc",
    "mmc_wait_tail",
]


class UnstableSystemError(ValueError):
    """The offered load is at or above capacity: no steady state, the queue grows without bound."""


class ErlangC(NamedTuple):
    """`erlang_c`'s answer: probability that an arrival waits, and the mean wait in queue."""

    p_wait: float
    mean_wait: float


class QueueMetrics(NamedTuple):
    """Steady-state measures of a single-station queue (times in the rates' unit)."""

    utilisation: float
    """ρ = λ / (c μ), the long-run share of time each server is busy."""
    p_wait: float
    """Probability that an arrival has to wait (Erlang C for M/M/c; ρ for M/G/1)."""
    mean_wait: float
    """Wq, mean wait in queue (arrival to start of service)."""
    mean_queue: float
    """Lq = λ Wq, mean number waiting (Little's law)."""
    mean_sojourn: float
    """W = Wq + 1/μ, mean time in the system."""
    mean_in_system: float
    """L = λ W."""


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _servers(servers: int) -> int:
    if isinstance(servers, bool) or not isinstance(servers, (int, np.integer)) or servers < 1:
        raise ValueError(f"servers must be a positive integer, got {servers!r}")
    return int(servers)


def _stable(arrival_rate: float, service_rate: float, servers: int) -> tuple[float, float]:
    """Offered load a = λ/μ and utilisation ρ = a/c, after checking ρ < 1."""
    lam = _positive("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _servers(servers)
    a = lam / mu
    rho = a / c
    if rho >= 1.0:
        raise UnstableSystemError(
            f"unstable queue: utilisation ρ = λ/(cμ) = {lam:g}/({c}×{mu:g}) = {rho:.4g} ≥ 1; "
            "the queue grows without bound and has no steady-state mean"
        )
    return a, rho


def erlang_b(offered_load: float, servers: int) -> float:
    """Erlang B: blocking probability of the M/M/c/c loss system (no waiting room).

        B(0, a) = 1,   B(k, a) = a B(k−1, a) / (k + a B(k−1, a)),   k = 1..c

    with offered load a = λ/μ (erlangs). The recursion is the numerically stable form of
    B(c, a) = (a^c / c!) / Σ_{k=0..c} a^k / k!  ([GH] ch. 2, M/M/c/c). A loss system is always stable, so any
    non-negative load is allowed.
    """
    a = float(offered_load)
    if not math.isfinite(a) or a < 0:
        raise ValueError(f"offered_load must be a non-negative finite number, got {offered_load!r}")
    c = _servers(servers)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> ErlangC:
    """Erlang C for M/M/c: probability of waiting and the mean wait in queue.

        a = λ/μ,  ρ = a/c < 1
        C(c, a) = c B(c, a) / (c − a (1 − B(c, a)))       (probability an arrival waits)
        Wq = C(c, a) / (c μ − λ)                          (mean wait in queue)

    where B is Erlang B (computed by its stable recursion). Equivalent to the textbook
    C = [a^c/(c!(1−ρ))] / [Σ_{k<c} a^k/k! + a^c/(c!(1−ρ))] ([GH] ch. 2, M/M/c;
    [Kl] §3.5). Returns `ErlangC(p_wait, mean_wait)`, the wait in the rates' time unit.
    """
    a, _ = _stable(arrival_rate, service_rate, servers)
    c = int(servers)
    b = erlang_b(a, c)
    p_wait = c * b / (c - a * (1.0 - b))
    return ErlangC(p_wait, p_wait / (c * float(service_rate) - float(arrival_rate)))


def mmc(arrival_rate: float, service_rate: float, servers: int) -> QueueMetrics:
    """All steady-state means of M/M/c from Erlang C and Little's law ([GH] ch. 2):

    Wq from `erlang_c`,  Lq = λ Wq,  W = Wq + 1/μ,  L = λ W = Lq + λ/μ
    """
    p_wait, wq = erlang_c(arrival_rate, service_rate, servers)
    return _metrics(arrival_rate, service_rate, servers, p_wait, wq)


def mm1(arrival_rate: float, service_rate: float) -> QueueMetrics:
    """M/M/1: ρ = λ/μ, P(wait) = ρ, Wq = ρ / (μ − λ), W = 1 / (μ − λ) ([GH] ch. 2)."""
    _, rho = _stable(arrival_rate, service_rate, 1)
    wq = rho / (float(service_rate) - float(arrival_rate))
    return _metrics(arrival_rate, service_rate, 1, rho, wq)


def mmc_wait_tail(arrival_rate: float, service_rate: float, servers: int, t: float | np.ndarray):
    """Wait-time tail of M/M/c (FCFS): P(Wq > t) = C(c, a) · exp(−(c μ − λ) t), t ≥ 0.

    Given that an arrival waits, the wait is exponential with rate cμ − λ ([GH] ch. 2, the M/M/c
    waiting-time distribution; for c = 1, P(Wq > t) = ρ e^{−(μ−λ)t}). Accepts a scalar or an
    array of t; P(Wq > t) = 1 for t < 0.
    """
    p_wait, _ = erlang_c(arrival_rate, service_rate, servers)
    decay = int(servers) * float(service_rate) - float(arrival_rate)
    tt = np.asarray(t, dtype=float)
    out = np.where(tt < 0, 1.0, p_wait * np.exp(-decay * np.maximum(tt, 0.0)))
    return float(out) if out.ndim == 0 else out


def mg1(arrival_rate: float, mean_service: float, service_cv: float) -> QueueMetrics:
    """M/G/1 by the Pollaczek–Khinchine mean-value formula.

        ρ = λ E[S] < 1,   Wq = λ E[S²] / (2 (1 − ρ)) = ρ E[S] (1 + cs²) / (2 (1 − ρ))

    with cs = SD(S)/E[S] the service-time coefficient of variation ([GH] §5.1;
    [Kl] §5.7). cs = 1 gives M/M/1, cs = 0 gives M/D/1. P(wait) = ρ.
    """
    mean_s = _positive("mean_service", mean_service)
    cv = float(service_cv)
    if not math.isfinite(cv) or cv < 0:
        raise ValueError(f"service_cv must be a non-negative finite number, got {service_cv!r}")
    _, rho = _stable(arrival_rate, 1.0 / mean_s, 1)
    wq = rho * mean_s * (1.0 + cv * cv) / (2.0 * (1.0 - rho))
    return _metrics(arrival_rate, 1.0 / mean_s, 1, rho, wq)


def md1(arrival_rate: float, service_time: float) -> QueueMetrics:
    """M/D/1: P-K with cs = 0, Wq = ρ D / (2 (1 − ρ)), half the M/M/1 wait at the same load
    ([GH] §5.1)."""
    return mg1(arrival_rate, service_time, 0.0)


def allen_cunneen(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    arrival_scv: float,
    service_scv: float,
) -> float:
    """Allen–Cunneen approximation to the mean wait in queue of G/G/c.

        Wq(G/G/c) ≈ Wq(M/M/c) · (ca² + cs²) / 2

    with ca², cs² the squared coefficients of variation of inter-arrival and service times, and
    Wq(M/M/c) from Erlang C ([AC]; Hopp & Spearman's "VUT" equation). Exact for
    M/M/c (ca² = cs² = 1) and for M/G/1 (ca² = 1, c = 1: it is then P-K); for M/G/c with c > 1
    it is an approximation, typically within a few per cent at moderate to heavy load and
    cs² ≤ 1, less accurate at light load and for very variable service (the verification suite
    uses a documented tolerance band, see `sim.verify.textbook`).
    """
    ca2, cs2 = float(arrival_scv), float(service_scv)
    for name, v in (("arrival_scv", ca2), ("service_scv", cs2)):
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a non-negative finite number, got {v!r}")
    return erlang_c(arrival_rate, service_rate, servers).mean_wait * (ca2 + cs2) / 2.0


def expected_arrivals(
    breaks: Sequence[float] | np.ndarray,
    rates: Sequence[float] | np.ndarray,
    start: float | None = None,
    end: float | None = None,
) -> float:
    """Expected arrivals of a Poisson process with a piecewise-constant rate over [start, end).

        Λ(start, end) = ∫_start^end λ(t) dt = Σ_i rates[i] · |[breaks[i], breaks[i+1]) ∩ [start, end)|

    `rates[i]` holds on [breaks[i], breaks[i+1]) and the rate is zero outside [breaks[0],
    breaks[-1]); `start`/`end` default to those ends. The count in the interval is Poisson with
    this mean, and counts in disjoint intervals are independent ([LS]).
    """
    b = np.asarray(breaks, dtype=float)
    r = np.asarray(rates, dtype=float)
    if b.ndim != 1 or r.ndim != 1 or len(b) != len(r) + 1 or len(r) == 0:
        raise ValueError("breaks must have one more element than rates (at least 2 breaks)")
    if np.any(np.diff(b) < 0):
        raise ValueError("breaks must be non-decreasing")
    if np.any(r < 0) or not np.all(np.isfinite(r)):
        raise ValueError("rates must be non-negative finite numbers")
    lo = b[0] if start is None else float(start)
    hi = b[-1] if end is None else float(end)
    if hi < lo:
        raise ValueError(f"end ({hi}) is before start ({lo})")
    overlap = np.clip(np.minimum(b[1:], hi) - np.maximum(b[:-1], lo), 0.0, None)
    return float(np.dot(overlap, r))


def _metrics(lam: float, mu: float, c: int, p_wait: float, wq: float) -> QueueMetrics:
    lam, mu = float(lam), float(mu)
    w = wq + 1.0 / mu
    return QueueMetrics(lam / (c * mu), p_wait, wq, lam * wq, w, lam * w)
