"""Experiment layer: replications, seeds, executors and across-replication statistics.

Talks to the model only through `sim.model.simulate(scenario, seed, replication)`; knows nothing of
plots or the command line (those live in `sim.report` and `sim.cli`, above this layer).

Names are loaded on first use, so that a spawned worker process, which needs only
`sim.experiment.worker`, does not pay for importing pandas and scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.experiment.executors import (
        DaskExecutor,
        Executor,
        ExecutorUnavailableError,
        ProcessExecutor,
        SerialExecutor,
    )
    from sim.experiment.results import Results, kpi_order
    from sim.experiment.runner import Execution, run
    from sim.experiment.statistics import CONFIDENCE, KpiSummary, summarise, verdict

_WHERE = {
    "Results": "results",
    "kpi_order": "results",
    "run": "runner",
    "Execution": "runner",
    "CONFIDENCE": "statistics",
    "KpiSummary": "statistics",
    "summarise": "statistics",
    "verdict": "statistics",
    "Executor": "executors",
    "SerialExecutor": "executors",
    "ProcessExecutor": "executors",
    "DaskExecutor": "executors",
    "ExecutorUnavailableError": "executors",
}

__all__ = [
    "CONFIDENCE",
    "DaskExecutor",
    "Execution",
    "Executor",
    "ExecutorUnavailableError",
    "KpiSummary",
    "ProcessExecutor",
    "Results",
    "SerialExecutor",
    "kpi_order",
    "run",
    "summarise",
    "verdict",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"sim.experiment.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.experiment' has no attribute {name!r}")
