"""A comparison's sensitivity: does the difference keep its sign when an estimate moves?

Each ranged estimate of the base (`sim.scenario.ranges`) is set to its low and high end in the base
and in each alternative alike (an alternative that sets the key to its own value keeps it), both
are run again with the comparison's seed and replications (common random numbers), and the mean
paired difference of the first key KPI is the decision (`sim.experiment.sensitivity.sweep`, with
threshold 0: a flip means the alternative's effect changes direction).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.decide.comparison import Comparison
from sim.experiment.results import Results
from sim.experiment.sensitivity import Sensitivity, sweep
from sim.scenario.loader import parse_scenario
from sim.scenario.ranges import value_at, with_value
from sim.scenario.schema import Scenario

RunPair = Callable[[Scenario, Scenario], tuple[Results, Results]]


def _mean_difference(base: Results, alt: Results, kpi: str) -> float:
    """The mean over replications of alternative − base (pairs with a missing value dropped)."""
    a = (
        alt.replications[kpi].to_numpy(dtype=float)
        if kpi in alt.replications
        else np.full(alt.n_replications, np.nan)
    )
    b = (
        base.replications[kpi].to_numpy(dtype=float)
        if kpi in base.replications
        else np.full(base.n_replications, np.nan)
    )
    d = a - b
    d = d[~np.isnan(d)]
    return float(d.mean()) if d.size else float("nan")


def _moved(scenario: Scenario, base_doc: dict, key: str, value: float) -> Scenario:
    """`scenario` with the estimate at `key` set to `value` — only where it holds the base's value."""
    doc = scenario.model_dump(mode="python")
    try:
        if value_at(doc, key) != value_at(base_doc, key):
            return scenario
    except KeyError:
        return scenario
    return parse_scenario(with_value(doc, key, value), f"<{scenario.name}: {key} = {value:g}>")


def sweep_comparison(comparison: Comparison, run_pair: RunPair) -> tuple[tuple[str, str, Sensitivity], ...]:
    """One sweep per alternative, of the first key KPI's mean paired difference."""
    base = comparison.base.scenario
    if not comparison.key_kpis or not base.estimate_ranges:
        return ()
    kpi = comparison.key_kpis[0]
    base_doc = base.model_dump(mode="python")
    out = []
    for alt in comparison.alternatives:

        def evaluate(key: str, value: float, alt: Scenario = alt.scenario) -> float:
            b = parse_scenario(with_value(base_doc, key, value), f"<{base.name}: {key} = {value:g}>")
            rb, ra = run_pair(b, _moved(alt, base_doc, key, value))
            return _mean_difference(rb, ra, kpi)

        central = _mean_difference(comparison.base, alt, kpi)
        out.append((alt.scenario.name, kpi, sweep(base.estimate_ranges, evaluate, central)))
    return tuple(out)


__all__ = ["sweep_comparison"]
