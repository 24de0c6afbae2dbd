"""Experiment layer: replications, seeds, executors and across-replication statistics.

Talks to the model only through `sim.model.simulate(scenario, seed, replication)`; knows nothing of
plots or the command line (those live in `sim.report` and `sim.cli`, above this layer).
"""

from sim.experiment.results import Results, kpi_order
from sim.experiment.runner import run
from sim.experiment.statistics import CONFIDENCE, KpiSummary, summarise, verdict

__all__ = ["CONFIDENCE", "KpiSummary", "Results", "kpi_order", "run", "summarise", "verdict"]
