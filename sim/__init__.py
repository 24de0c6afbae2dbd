"""centre-sim: discrete-event simulation of Vietnamese commune public administrative service
centres (Trung tâm Phục vụ hành chính công).

    import sim
    scenario = sim.load_scenario("scenarios/dao_xa_2025.toml")
    results = sim.run(scenario, replications=20, seed=1)
    results.summary            # KPI -> mean, 95% CI, n
    results.replications       # one row per replication (pandas)
    results.save("results/my-run")   # data files and plots, in a new folder

    comparison = sim.compare(scenario, "variant.toml", replications="auto")
    comparison.table()         # paired differences with Bonferroni-adjusted CIs and verdicts
    comparison.save("results/my-comparison")

    study = sim.load_study("scenarios/studies/dao_xa_staffing.toml")
    answer = sim.optimise(study)   # the cheapest plan that meets the targets, with a guarantee
    answer.table()             # every plan: cost, state, each constraint's estimate
    answer.save("results/my-study")

    fitted = sim.fit("ticket_log.csv", base="scenarios/dao_xa_2025.toml", out="my_centre.toml")
    fitted.result.durations    # each counter time fitted with censoring, its family by AIC

`run`, `compare`, `optimise`, `business_case`, `fit` and `load_study` are imported on first use so
that `import sim` stays light (no pandas or matplotlib).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.scenario import Scenario, ScenarioError, load_scenario

if TYPE_CHECKING:
    from sim.api import business_case, compare, fit, optimise, run
    from sim.optimiser.study import load_study

__all__ = [
    "Scenario",
    "ScenarioError",
    "__version__",
    "business_case",
    "compare",
    "fit",
    "load_scenario",
    "load_study",
    "optimise",
    "run",
]


def __getattr__(name: str) -> Any:
    if name in ("run", "compare", "optimise", "business_case", "fit"):
        from sim import api

        return getattr(api, name)
    if name == "load_study":
        from sim.optimiser.study import load_study

        return load_study
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
