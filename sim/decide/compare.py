"""Compare scenarios under common random numbers: paired differences, Bonferroni, verdicts.

Every scenario is run with the same seed and the same replication indices, so replication `i` of
each scenario draws from the same named random streams (`sim.model.streams`): scenarios that differ
only in staffing see exactly the same visitors (common random numbers, CRN). Replication `i` of an
alternative is then paired with replication `i` of the base, and the statistics work on the
per-replication differences `alternative − base` — a Student-t interval on them is much narrower
than the difference of two independent intervals, because both scenarios share most of their noise.

Several differences are judged at once (each alternative × each key KPI), so each interval is a
Bonferroni interval at 1 − (1 − level)/m: the chance that *any* of the m intervals misses its true
difference is at most 1 − level (5% at the 95% level). Verdicts follow the KPI's better direction
(`sim.scenario.kpis.KPI_DIRECTION`) and the base scenario's minimum important difference δ
(`[targets] minimum_important_difference`): "better" or "worse" only when the whole adjusted
interval lies beyond ±δ; "…, but too small to matter" when it excludes zero but lies inside the
band; "better, maybe not enough to matter" / "worse, maybe enough to matter" when it crosses the
band's edge; "no detectable difference" when it contains zero (`sim.decide.comparison.VERDICTS`).

`replications="auto"` runs `start` replications of every scenario, then adds `step` more (only the
new replication indices, appended — never a restart) until every key difference's adjusted
half-width is within max(precision × |base mean|, absolute bound) — for shares (on-time rate, share
within the wait threshold) the absolute bound alone, in percentage points — or the cap is reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.decide.comparison import (
    BETTER,
    BETTER_MAYBE_SMALL,
    BETTER_SMALL,
    NO_DIFFERENCE,
    WORSE,
    WORSE_MAYBE_SMALL,
    WORSE_SMALL,
    Comparison,
    KpiComparison,
    PrecisionCheck,
)
from sim.experiment.results import Results, kpi_order
from sim.experiment.runner import Execution, run
from sim.experiment.statistics import CONFIDENCE, summarise
from sim.scenario.kpis import DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE, is_known_kpi, kpi_direction, kpi_kind
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.experiment.executors import Executor
    from sim.experiment.worker import Simulate

DEFAULT_KEY_KPIS: tuple[str, ...] = tuple(DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE)
"""Key KPIs when none are given (those the base reports): the registry's KPIs with a default
minimum important difference, the ones a planner asks about first."""

DEFAULT_PRECISION = 0.05
"""`--replications auto`: relative precision, a share of the base value (±5%)."""

DEFAULT_ABSOLUTE: Mapping[str, float] = MappingProxyType(
    {
        "wait_mean_min": 0.25,  # minutes
        "wait_p90_min": 0.5,  # minutes
        "wait_within_target": 0.01,  # 1 percentage point
        "on_time_rate": 0.01,  # 1 percentage point
        "late_dossiers": 2.0,  # dossiers in the window
    }
)
"""`--replications auto`: absolute half-width that is always precise enough, so that a KPI whose
base value is near zero (late dossiers, short waits) does not need endless replications."""

DEFAULT_START, DEFAULT_STEP, DEFAULT_CAP = 10, 10, 200


@dataclass(frozen=True, slots=True)
class AutoRule:
    """`replications="auto"`: start with `start` replications, add `step` at a time up to `cap`,
    until every key difference's adjusted half-width is within max(precision × |base mean|,
    absolute[kpi]) (shares: the absolute bound alone)."""

    precision: float = DEFAULT_PRECISION
    absolute: Mapping[str, float] = field(default_factory=lambda: DEFAULT_ABSOLUTE)
    start: int = DEFAULT_START
    step: int = DEFAULT_STEP
    cap: int = DEFAULT_CAP

    def check(self) -> None:
        """A ValueError naming the first setting that cannot work."""
        p = self.precision
        if not (isinstance(p, int | float) and p >= 0 and math.isfinite(p)):
            raise ValueError(f"precision: must be a non-negative share such as 0.05, got {p!r}")
        for name, value, minimum in (("start", self.start, 2), ("step", self.step, 1), ("cap", self.cap, 2)):
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError(f"{name}: must be an integer of at least {minimum}, got {value!r}")
        if self.cap < self.start:
            raise ValueError(f"cap: must be at least start ({self.start}), got {self.cap}")


@dataclass(frozen=True, slots=True)
class CompareOptions:
    """How the scenarios of a comparison run (passed on to `sim.experiment.runner.run`), the
    family-wise confidence level, and the auto rule."""

    seed: int | None = None
    """None: the base's `[run] seed`, used for every scenario."""
    workers: int | None = None
    """N > 1 starts one pool of N processes that serves every scenario and batch."""
    progress: bool = False
    event_log: bool | None = None
    simulate: Simulate | None = None
    executor: Executor | None = None
    confidence: float = CONFIDENCE
    auto: AutoRule = field(default_factory=AutoRule)
    sensitivity: bool = False
    """Also sweep each ranged estimate of the base (`sim.decide.sweep`), same seed and replications."""


def paired_difference(
    base_values: Iterable[float], alt_values: Iterable[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float, int]:
    """Mean of `alt − base` over paired replications and its two-sided Student-t interval.

    Returns (mean, low, high, n); a pair with a NaN on either side is dropped and n counts the
    pairs kept. Conventions as `sim.experiment.statistics.summarise`: no pairs → all NaN; one
    pair → the difference and NaN limits; all differences equal → the interval collapses to them.
    """
    base = np.asarray(list(base_values), dtype=float)
    alt = np.asarray(list(alt_values), dtype=float)
    if base.shape != alt.shape:
        raise ValueError(f"paired values differ in length: {base.size} base, {alt.size} alternative")
    s = summarise(alt - base, confidence)  # NaN on either side makes the difference NaN: dropped
    return s["mean"], s["ci_low"], s["ci_high"], s["n"]


def bonferroni(confidence: float, m: int) -> float:
    """Per-interval confidence so that m intervals hold together with `confidence`: 1 − (1 − c)/m."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must be between 0 and 1, got {confidence!r}")
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise ValueError(f"m: must be a positive integer (the number of comparisons), got {m!r}")
    return 1.0 - (1.0 - confidence) / m


def verdict_for(direction: int, low: float, high: float, mid: float = 0.0) -> str:
    """Verdict of an alternative from the interval of `alternative − base` and the minimum
    important difference `mid` (≥ 0, in the KPI's unit): one of `VERDICTS`.

    direction −1 (lower is better) or +1 (higher is better). The interval is turned into one of
    the gain (direction × difference); a gain that is detectable (the interval excludes zero) is
    only "better" when the whole interval clears `mid`, because a 7-second gain is real but changes
    nothing for people waiting. No interval → "no detectable difference"; direction 0 → "".
    """
    if direction == 0:
        return ""
    if math.isnan(low) or math.isnan(high):
        return NO_DIFFERENCE
    if not mid >= 0:
        raise ValueError(f"mid: must be a non-negative number, got {mid!r}")
    gain_low, gain_high = (low, high) if direction > 0 else (-high, -low)
    if gain_low > 0:
        return _graded(gain_low, gain_high, mid, (BETTER, BETTER_SMALL, BETTER_MAYBE_SMALL))
    if gain_high < 0:
        return _graded(-gain_high, -gain_low, mid, (WORSE, WORSE_SMALL, WORSE_MAYBE_SMALL))
    return NO_DIFFERENCE


def _graded(near: float, far: float, mid: float, verdicts: tuple[str, str, str]) -> str:
    """A detectable gain or loss whose interval runs from `near` to `far` (> 0) away from zero:
    clear beyond `mid`, too small inside it, perhaps enough across its edge."""
    clear, small, maybe = verdicts
    if mid == 0 or near >= mid:
        return clear
    return small if far < mid else maybe


def check_names(scenarios: Sequence[Scenario]) -> None:
    """Scenario names label the rows and folders of a comparison: they must differ."""
    seen: set[str] = set()
    for s in scenarios:
        if s.name in seen:
            raise ValueError(f"two scenarios are both named {s.name!r}; give each its own [scenario] name")
        seen.add(s.name)


def compare(
    base: Scenario,
    alternatives: Sequence[Scenario],
    replications: int | Literal["auto"] | None = None,
    key_kpis: Sequence[str] | None = None,
    options: CompareOptions | None = None,
) -> Comparison:
    """Run the base and each alternative with common random numbers and compare them.

    `replications`: a number (None: the base's `[run] replications`), or "auto" (module
    docstring; `options.auto`). `key_kpis` (default `DEFAULT_KEY_KPIS` that the base reports) get
    verdicts and drive the auto rule. `options`: seed, workers, progress, event log, model and
    executor of the runs, and the confidence level (`CompareOptions`).
    """
    options = CompareOptions() if options is None else options
    if options.executor is None and options.workers is not None and options.workers > 1:
        from sim.experiment.executors import ProcessExecutor

        with ProcessExecutor(options.workers) as pool:
            return compare(
                base, alternatives, replications, key_kpis, replace(options, executor=pool, workers=None)
            )

    scenarios = (base, *alternatives)
    _check_inputs(scenarios, key_kpis)
    options = replace(options, seed=base.run.seed if options.seed is None else options.seed)
    if replications == "auto":
        results, checks, rule = _run_auto(scenarios, key_kpis, options)
    elif isinstance(replications, str):
        raise ValueError(f"replications: must be a positive integer or 'auto', got {replications!r}")
    else:
        results = [_run(s, options, replications) for s in scenarios]
        n = results[0].n_replications
        checks, rule = [], f"fixed: {n} replication{'s' if n != 1 else ''}"
    keys = _key_kpis(results[0], key_kpis)
    m = len(alternatives) * len(keys)
    comparison = Comparison(
        base=results[0],
        alternatives=tuple(results[1:]),
        rows=tuple(_rows(results, keys, bonferroni(options.confidence, max(1, m)))),
        key_kpis=keys,
        confidence=options.confidence,
        comparisons=m,
        replications=results[0].n_replications,
        replication_rule=rule,
        precision_checks=tuple(checks),
    )
    if not options.sensitivity:
        return comparison
    from sim.decide.sweep import sweep_comparison

    n = comparison.replications
    quiet = replace(options, progress=False)

    def run_pair(b: Scenario, a: Scenario) -> tuple[Results, Results]:
        return _run(b, quiet, n), _run(a, quiet, n)

    return replace(comparison, sensitivity=sweep_comparison(comparison, run_pair))


# ----- helpers ----------------------------------------------------------------------------------


def _check_inputs(scenarios: Sequence[Scenario], key_kpis: Sequence[str] | None) -> None:
    if len(scenarios) < 2:
        raise ValueError("alternatives: give at least one scenario to compare with the base")
    check_names(scenarios)
    unknown = [k for k in key_kpis or () if not is_known_kpi(k)]
    if unknown:
        raise ValueError(f"key_kpis: unknown KPI {unknown[0]!r}; see sim.scenario.kpis.KPIS")


def _run(scenario: Scenario, options: CompareOptions, replications: int | None, first: int = 0) -> Results:
    """One scenario's replications `first`, `first + 1`, ... with the comparison's run options."""
    return run(
        scenario,
        replications=replications,
        seed=options.seed,
        event_log=options.event_log,
        execution=Execution(options.workers, options.executor, options.progress),
        first_replication=first,
        simulate=options.simulate,
    )


def _run_auto(
    scenarios: Sequence[Scenario], key_kpis: Sequence[str] | None, options: CompareOptions
) -> tuple[list[Results], list[PrecisionCheck], str]:
    """The auto rule: batches of replications until every key difference is precise enough."""
    auto = options.auto
    auto.check()
    m_alts = len(scenarios) - 1
    results = [_run(s, options, auto.start) for s in scenarios]
    while True:
        keys = _key_kpis(results[0], key_kpis)
        level = bonferroni(options.confidence, max(1, m_alts * len(keys)))
        checks = _precision(results, keys, level, auto.precision, auto.absolute)
        n = results[0].n_replications
        if all(c.met for c in checks) or n >= auto.cap:
            break
        more = min(auto.step, auto.cap - n)
        results = [
            _concat(r, _run(s, options, more, first=n)) for s, r in zip(scenarios, results, strict=True)
        ]
    return results, checks, _auto_rule(checks, n, options.confidence, level, auto)


def _key_kpis(base: Results, wanted: Sequence[str] | None) -> tuple[str, ...]:
    """The key KPIs: the defaults the base reports (n > 0), or exactly those asked for."""
    summary = base.summary
    if wanted is None:
        return tuple(k for k in DEFAULT_KEY_KPIS if k in summary and summary[k]["n"] > 0)
    missing = [k for k in wanted if k not in summary or summary[k]["n"] == 0]
    if missing:
        raise ValueError(
            f"key_kpis: the base scenario {base.scenario.name!r} reports no values for {missing[0]!r}"
        )
    return tuple(dict.fromkeys(wanted))


def _column(results: Results, kpi: str) -> np.ndarray:
    frame = results.replications
    if kpi in frame.columns:
        return frame[kpi].to_numpy(dtype=float)
    return np.full(results.n_replications, math.nan)


def _concat(first: Results, more: Results) -> Results:
    """`first` extended by the replications in `more` (which follow on from it)."""
    n = first.n_replications + more.n_replications
    spec = first.scenario.run.model_copy(update={"replications": n})
    return Results(
        scenario=first.scenario.model_copy(update={"run": spec}),
        seed=first.seed,
        outputs=[*first.outputs, *more.outputs],
        workers=max(first.workers, more.workers),
        wall_time_s=first.wall_time_s + more.wall_time_s,
        writers=first.writers,
        created=first.created,
    )


def _precision(
    results: Sequence[Results],
    keys: Sequence[str],
    level: float,
    precision: float,
    absolute: Mapping[str, float],
) -> list[PrecisionCheck]:
    base = results[0]
    checks = []
    for alt in results[1:]:
        for k in keys:
            _, low, high, _ = paired_difference(_column(base, k), _column(alt, k), level)
            base_mean = base.summary[k]["mean"] if k in base.summary else math.nan
            checks.append(
                PrecisionCheck(
                    alternative=alt.scenario.name,
                    kpi=k,
                    half_width=(high - low) / 2,
                    bound=precision_bound(k, base_mean, precision, absolute),
                )
            )
    return checks


def precision_bound(kpi: str, base_mean: float, precision: float, absolute: Mapping[str, float]) -> float:
    """The half-width that is precise enough for a difference in `kpi` (the auto rule)."""
    floor = float(absolute.get(kpi, 0.0))
    if kpi_kind(kpi) == "share" or not math.isfinite(base_mean):
        return floor  # 5% of a 98% share would be ±4.9 points: too loose for a share
    return max(precision * abs(base_mean), floor)


def _percent(share: float) -> str:
    """The rule's own words are English, for scripts and meta.json: "95%", "99.5%"."""
    return f"{100 * share:.4g}%"


def _auto_rule(
    checks: Sequence[PrecisionCheck], n: int, confidence: float, level: float, auto: AutoRule
) -> str:
    cap = auto.cap
    if all(c.met for c in checks):
        return (
            f"auto: {n} replications, when every key difference's {_percent(confidence)} "
            f"half-width (Bonferroni: {_percent(level)} each) was within ±{_percent(auto.precision)} "
            f"of the base value (or its absolute bound); cap {cap}"
        )
    unmet = sorted(
        (c for c in checks if not c.met),
        key=lambda c: -math.inf if math.isnan(c.half_width) else -c.half_width / max(c.bound, 1e-300),
    )
    parts = [
        f"{c.alternative}: {c.kpi} half-width still "
        + ("undefined" if math.isnan(c.half_width) else f"{c.half_width:.3g}")
        + f" (bound {c.bound:.3g})"
        for c in unmet[:3]
    ]
    more = f"; and {len(unmet) - 3} more" if len(unmet) > 3 else ""
    return f"auto: stopped at the cap of {cap}; " + "; ".join(parts) + more


def minimum_important_difference(scenario: Scenario, kpi: str) -> float:
    """The base scenario's `[targets] minimum_important_difference` for `kpi` (a breakdown takes
    its headline's); 0 when none is set, so any detectable difference counts."""
    table = scenario.targets.minimum_important_difference
    return float(table.get(kpi, table.get(kpi.split(".", 1)[0], 0.0)))


def _rows(results: Sequence[Results], keys: Sequence[str], level: float) -> list[KpiComparison]:
    base = results[0]
    kpis = kpi_order({k for r in results for k in r.summary})
    rows = []
    for k in kpis:
        if k in base.summary:
            s = base.summary[k]
            rows.append(KpiComparison(base.scenario.name, k, s["mean"], s["ci_low"], s["ci_high"]))
    for alt in results[1:]:
        for k in kpis:
            if k not in alt.summary:
                continue
            s = alt.summary[k]
            diff, low, high, _ = paired_difference(_column(base, k), _column(alt, k), level)
            mid = minimum_important_difference(base.scenario, k) if k in keys else math.nan
            rows.append(
                KpiComparison(
                    alt.scenario.name,
                    k,
                    s["mean"],
                    s["ci_low"],
                    s["ci_high"],
                    difference=diff,
                    diff_ci_low=low,
                    diff_ci_high=high,
                    mid=mid,
                    verdict=verdict_for(kpi_direction(k), low, high, mid) if k in keys else "",
                )
            )
    return rows


__all__ = [
    "DEFAULT_ABSOLUTE",
    "DEFAULT_KEY_KPIS",
    "DEFAULT_PRECISION",
    "AutoRule",
    "CompareOptions",
    "bonferroni",
    "check_names",
    "compare",
    "minimum_important_difference",
    "paired_difference",
    "verdict_for",
]
