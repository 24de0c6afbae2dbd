"""The verification suite behind `python -m sim verify`: the model against queueing theory.

Each case runs independent replications of a textbook reduction of the full model
(`sim.verify.textbook`) and compares the replication means with an analytic value (`sim.verify.theory`):

- M/M/1 at ρ = 0.5, 0.8 and 0.9, M/M/3 at ρ = 0.7 and M/M/5 at ρ = 0.9: mean wait in queue
  against Erlang C (exact); for M/M/3 also the probability of waiting and the tail P(Wq > 6 min).
- M/D/1 and M/G/1 (gamma service, cv 1.5): mean wait against Pollaczek–Khinchine (exact).
- M/G/3 (gamma service, cv 0.5): mean wait against the Allen–Cunneen approximation, which is not
  exact for c > 1. Tolerance band: ±10 % of the approximation (`AC_BAND`). The approximation's own
  error for this case is a few per cent (the model gave +1.5 % and +4 % in runs of 40 × 60 and
  20 × 60 days: 4.106 min [4.033, 4.179] and 4.209 [4.100, 4.317] against 4.045), and within
  ±4 % for M/G/3 with cv 0.25–1.5 at ρ 0.7–0.9 (notebooks/verification.ipynb), so the band covers
  it with room, while a wrong service-time distribution (exponential instead of cv 0.5 gives
  +60 %) still fails.
- Little's law on ordinary centre days that start and end empty: the time-integral of the number
  waiting equals the sum of waits, exactly (to float rounding), per replication; measured three
  ways (the model's time-weighted monitor, the sum of the waits, a sweep over the event log).
- Non-homogeneous arrivals on the same days: counts per profile block, summed over days and
  replications, against the integral of the rate (`sim.verify.theory.expected_arrivals`), by a
  chi-square test (independent Poisson counts).

Verdicts are judged by confidence intervals, never by decimal places. The table shows each mean
with its usual 95 % interval; the verdict uses a wider, Bonferroni-corrected interval at level
1 − 0.05/k for the k statistical cases, so that a correct model fails the *whole suite* by chance at
most 5 % of the time (with plain 95 % intervals a suite of a dozen cases would fail spuriously
about half the time). An exact case passes when its analytic value lies inside that interval; the
Allen–Cunneen case passes when the interval meets the tolerance band; the chi-square case passes
when p ≥ 0.05/k; Little's law passes when the three measures agree to 1e-9 relative.

Every replication is a pure function of (case, seed, replication), so results do not depend on the
number of worker processes.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.experiment.executors import Executor
from sim.experiment.statistics import summarise
from sim.verify.textbook import TextbookQueue, littles_law_scenario, profile_rate
from sim.verify.theory import erlang_c, expected_arrivals

FAMILY_ALPHA = 0.05
"""Chance that a correct model fails at least one statistical case of the suite (Bonferroni)."""
AC_BAND = 0.10
"""Relative tolerance band around the Allen–Cunneen approximation (see the module docstring)."""
EXACT_RTOL = 1e-9
"""Little's law: relative agreement required between the three measures (float rounding only)."""
TAIL_MIN = 6.0
"""The wait threshold t (minutes) of the M/M/3 tail case P(Wq > t)."""
DEFAULT_SEED = 20250704
DEFAULT_REPLICATIONS = {"quick": 10, "full": 20}

MIN_REPLICATIONS = 3


@dataclass(frozen=True)
class CaseResult:
    """One line of the verification table."""

    case: str
    """What is compared, e.g. "M/M/1 ρ=0.90 mean wait"."""
    reference: str
    """Where the analytic value comes from: "Erlang C", "Pollaczek–Khinchine", ..."""
    analytic: float
    mean: float
    ci_low: float
    """95 % confidence interval of the simulated mean across replications."""
    ci_high: float
    n: int
    """Replications."""
    tolerance: str
    """The pass rule in words, with the half-width or band it used."""
    passed: bool
    unit: str = "min"
    detail: str = ""


@dataclass(frozen=True)
class _Stationary:
    """A textbook queue with its quick and full observation lengths (days, warm-up included)."""

    queue_args: tuple
    quick_days: int
    full_days: int
    warmup_hours: float = 12.0

    def queue(self, quick: bool) -> TextbookQueue:
        kind, lam, s, c, cv = self.queue_args
        days = self.quick_days if quick else self.full_days
        # warm-up + observation + drain fill whole days
        hours = days * 24.0 - self.warmup_hours - 12.0
        return TextbookQueue(
            kind,
            lam,
            s,
            c,
            hours,
            warmup_hours=self.warmup_hours,
            service_cv=cv,
            tail_min=(TAIL_MIN,) if kind == "M/M/c" else (),
        )


STATIONARY: tuple[_Stationary, ...] = (
    _Stationary(("M/M/c", 5.0, 6.0, 1, 1.0), 21, 121),
    _Stationary(("M/M/c", 8.0, 6.0, 1, 1.0), 31, 181),
    _Stationary(("M/M/c", 9.0, 6.0, 1, 1.0), 41, 366, warmup_hours=24.0),
    _Stationary(("M/M/c", 21.0, 6.0, 3, 1.0), 16, 61),
    _Stationary(("M/M/c", 45.0, 6.0, 5, 1.0), 21, 61, warmup_hours=24.0),
    _Stationary(("M/D/c", 8.0, 6.0, 1, 0.0), 21, 121),
    _Stationary(("M/G/c", 7.0, 6.0, 1, 1.5), 21, 121),
    _Stationary(("M/G/c", 24.0, 6.0, 3, 0.5), 21, 121),
)
"""The textbook queues of the suite (kind, arrivals per hour, mean service min, servers, cv)."""

LITTLE_WEEKS = {"quick": 1, "full": 4}


def _replicate(queue: TextbookQueue, seed: int, replication: int) -> dict[str, float]:
    """One replication of one queue, reduced to its window statistics (runs in a worker)."""
    k = queue.replicate(seed, replication).kpis
    return {key: v for key, v in k.items() if key.startswith("window_")}


def _little_replicate(weeks: int, seed: int, replication: int) -> dict[str, object]:
    """One replication of the Little's-law days: the three queue-time integrals and the arrival
    counts per profile block (summed over days)."""
    from sim.model.centre import Centre
    from sim.model.output import EVENT_LOG_COLUMNS
    from sim.model.streams import Streams
    from sim.scenario.calendar import working_days

    scenario = littles_law_scenario(weeks)
    days = working_days(scenario.calendar)
    centre = Centre(scenario, Streams(seed, replication), days, event_log=True)
    centre.run()
    centre.waits.fold(scenario.targets.wait_threshold_min)
    rows = centre.events or []
    ia, ic = EVENT_LOG_COLUMNS.index("arrival"), EVENT_LOG_COLUMNS.index("call")
    arrival = np.array([r[ia] for r in rows], dtype=float)
    call = np.array([r[ic] for r in rows], dtype=float)
    breaks, _ = profile_rate(scenario)
    counts = np.histogram(arrival % 1440.0, bins=breaks)[0]
    return {
        "queue_area": centre.waits.queue_area,
        "wait_sum": centre.waits.total,
        "sweep_area": _sweep_area(arrival, call),
        "arrived": float(centre.arrived),
        "logged": float(len(rows)),
        "left_waiting": float(centre.arrived - len(rows)),
        "counts": counts,
        "days": float(len(days)),
    }


def _sweep_area(arrival: np.ndarray, call: np.ndarray) -> float:
    """∫ Q(t) dt from a sweep over the events: +1 at each arrival, −1 at each call, the number
    waiting times the time to the next event (an independent route to the same integral)."""
    times = np.concatenate((arrival, call))
    steps = np.concatenate((np.ones(len(arrival)), -np.ones(len(call))))
    order = np.lexsort((-steps, times))  # at equal times, the arrival first (zero-length wait)
    t, q = times[order], np.cumsum(steps[order])
    return float(np.dot(q[:-1], np.diff(t))) if len(t) > 1 else 0.0


def _interval(values: Sequence[float], level: float) -> tuple[float, float]:
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        return math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(np.std(x, ddof=1)) / math.sqrt(n)
    m = float(np.mean(x))
    return m - half, m + half


def judge(
    values: Sequence[float],
    analytic: float,
    level: float,
    band: float = 0.0,
) -> tuple[bool, float]:
    """Pass when the `level` confidence interval of the mean of `values` contains `analytic` or,
    with `band` > 0, meets [analytic (1 − band), analytic (1 + band)]. Returns (passed,
    half-width of the interval)."""
    lo, hi = _interval(values, level)
    if math.isnan(lo):
        return False, math.nan
    return (lo <= analytic * (1 + band) and hi >= analytic * (1 - band)), (hi - lo) / 2


@dataclass(frozen=True)
class _PassRule:
    """How a case is judged: the interval's confidence level and, for an approximation, a band."""

    level: float
    band: float = 0.0

    def in_words(self, half: float) -> str:
        """The rule as the table's tolerance column shows it, with the half-width it used."""
        pct = f"{100 * self.level:.2f}".rstrip("0").rstrip(".")
        if self.band:
            return f"±{100 * self.band:g}% band meets {pct}% CI (±{half:.3g})"
        return f"in {pct}% CI (±{half:.3g})"


def _case(
    case: str,
    reference: str,
    analytic: float,
    values: Sequence[float],
    rule: _PassRule,
    unit: str = "min",
    detail: str = "",
) -> CaseResult:
    s = summarise(values)
    passed, half = judge(values, analytic, rule.level, rule.band)
    return CaseResult(
        case,
        reference,
        analytic,
        s["mean"],
        s["ci_low"],
        s["ci_high"],
        s["n"],
        rule.in_words(half),
        passed,
        unit,
        detail,
    )


def statistical_cases() -> int:
    """k, the number of statistically judged cases (for the Bonferroni level)."""
    mmc = sum(1 for c in STATIONARY if c.queue_args[0] == "M/M/c" and c.queue_args[3] > 1)
    return len(STATIONARY) + 2 * mmc + 1  # + P(wait) and tail per M/M/c (c>1) + chi-square


def run_suite(
    quick: bool = False,
    replications: int | None = None,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Run the verification suite and return one `CaseResult` per case, in table order.

    `quick` uses shorter runs (for tests and a first look); `replications` defaults to 10 (quick)
    or 20; `workers` processes (default: 1 when quick, else one per CPU; results do not depend on
    it). `on_result` is called with each result as soon as it is known.
    """
    mode = "quick" if quick else "full"
    reps = DEFAULT_REPLICATIONS[mode] if replications is None else int(replications)
    if reps < MIN_REPLICATIONS:
        raise ValueError(f"replications: must be at least {MIN_REPLICATIONS}, got {reps}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: must be a non-negative integer, got {seed!r}")
    if workers is None:
        workers = 1 if quick else (os.cpu_count() or 1)
    k = statistical_cases()
    level = 1.0 - FAMILY_ALPHA / k
    emit = on_result or (lambda r: None)
    out: list[CaseResult] = []

    def add(result: CaseResult) -> None:
        out.append(result)
        emit(result)

    queues = [c.queue(quick) for c in STATIONARY]
    weeks = LITTLE_WEEKS[mode]
    # The project's executor (loky: no re-import of the caller's script), one map per case so
    # that each case's rows are printed as soon as its replications are in.
    with _executor(workers) as executor:
        for q in queues:
            rows = executor.map(_call, [(_replicate, (q, seed, r)) for r in range(reps)])
            for result in _queue_results(q, rows, level):
                add(result)
        little = executor.map(_call, [(_little_replicate, (weeks, seed, r)) for r in range(reps)])
    for result in _little_results(little, weeks, level, FAMILY_ALPHA / k):
        add(result)
    return out


def _queue_results(q: TextbookQueue, rows: list[dict], level: float) -> list[CaseResult]:
    if not all(r["window_complete"] for r in rows):
        raise RuntimeError(
            f"{q.label}: some visitors of the observation window were never called; lengthen the drain"
        )
    waits = [r["window_wait_mean_min"] for r in rows]
    detail = (
        f"{q.hours / 24:g} days after {q.warmup_hours:g} h warm-up, "
        f"{np.mean([r['window_visitors'] for r in rows]):.0f} visitors/replication"
    )
    rule = _PassRule(level, band=0.0 if q.exact else AC_BAND)
    out = [_case(f"{q.label} mean wait", q.formula, q.mean_wait(), waits, rule, detail=detail)]
    if q.kind == "M/M/c" and q.servers > 1:
        lam, mu = q.arrival_rate_per_hour / 60.0, 1.0 / q.mean_service_min
        out.append(
            _case(
                f"{q.label} P(wait)",
                "Erlang C",
                erlang_c(lam, mu, q.servers).p_wait,
                [r["window_p_wait"] for r in rows],
                _PassRule(level),
                unit="",
                detail=detail,
            )
        )
        out.append(
            _case(
                f"{q.label} P(Wq > {TAIL_MIN:g} min)",
                "Erlang C tail",
                q.wait_tail(TAIL_MIN),
                [r[f"window_p_wait_over_{TAIL_MIN:g}"] for r in rows],
                _PassRule(level),
                unit="",
                detail=detail,
            )
        )
    return out


def _little_results(rows: list[dict], weeks: int, level: float, alpha: float) -> list[CaseResult]:
    scenario = littles_law_scenario(weeks)
    reps = len(rows)
    worst = 0.0
    for r in rows:
        scale = max(abs(r["wait_sum"]), 1.0)
        worst = max(
            worst, abs(r["queue_area"] - r["wait_sum"]) / scale, abs(r["sweep_area"] - r["wait_sum"]) / scale
        )
    empty = all(r["left_waiting"] == 0 for r in rows)
    passed = worst <= EXACT_RTOL and empty
    days = rows[0]["days"]
    areas = [r["queue_area"] / days for r in rows]
    s = summarise(areas)
    little = CaseResult(
        "Little's law: ∫Q dt = Σ Wq per day",
        "exact identity",
        float(np.mean([r["wait_sum"] / days for r in rows])),
        s["mean"],
        s["ci_low"],
        s["ci_high"],
        s["n"],
        f"equal to {EXACT_RTOL:g} relative",
        passed,
        "visitor·min",
        f"max relative difference {worst:.1e} over {reps} replications of {days:g} days; "
        + ("every day ended empty" if empty else "SOME VISITORS WERE LEFT WAITING"),
    )
    breaks, rates = profile_rate(scenario)
    per_block = np.array([expected_arrivals(breaks, rates, a, b) for a, b in itertools.pairwise(breaks)])
    expected = per_block * days * reps
    observed = np.sum([r["counts"] for r in rows], axis=0)
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    p = float(stats.chi2.sf(chi2, df=len(expected)))
    per_day = [float(np.sum(r["counts"])) / days for r in rows]
    s = summarise(per_day)
    nhpp = CaseResult(
        "Hour-of-day arrivals per day",
        "∫ rate dt, χ² by block",
        float(per_block.sum()),
        s["mean"],
        s["ci_low"],
        s["ci_high"],
        s["n"],
        f"χ² p ≥ {alpha:.2g}",
        p >= alpha,
        "visitors",
        f"χ² = {chi2:.1f}, df = {len(expected)}, p = {p:.3f} over {len(expected)} blocks × "
        f"{days:g} days × {reps} replications",
    )
    return [little, nhpp]


def _call(task: tuple) -> Any:
    fn, args = task
    return fn(*args)


def _executor(workers: int) -> Executor:
    """Here for one worker, else the project's process pool (capped at the CPUs)."""
    from sim.experiment.executors import ProcessExecutor, SerialExecutor

    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)


__all__ = ["AC_BAND", "DEFAULT_SEED", "FAMILY_ALPHA", "CaseResult", "judge", "run_suite", "statistical_cases"]
