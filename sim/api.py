"""The public entry point `sim.run`: the experiment runner with the report's plots attached.

This module sits at the top of the layers (beside the command line), so it may join what the lower
layers keep apart: `sim.experiment` runs replications and writes data files, `sim.report` draws
plots, and here the plot writer is attached to the `Results`, so that `sim.run(...).save(folder)`
writes a complete results folder. Use `sim.experiment.run` for results whose `save` writes data
files only (no matplotlib).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sim.experiment.results import Results
from sim.experiment.runner import run as run_experiment
from sim.report import write_plots
from sim.scenario import Scenario, load_scenario


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    event_log: bool | None = None,
    progress: bool = False,
) -> Results:
    """Run a scenario (object or TOML path); unset arguments come from its `[run]` table.

    `workers=None` uses one process per CPU (at most one per replication), `workers=1` runs here.
    The results are identical whatever the number of workers.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    results = run_experiment(scenario, replications=replications, seed=seed, workers=workers,
                             event_log=event_log, progress=progress)
    return with_plots(results)


def with_plots(results: Results) -> Results:
    """The same results, whose `save` also writes the plots (`plots/*.png`)."""
    if write_plots in results.writers:
        return results
    return dataclasses.replace(results, writers=(*results.writers, write_plots))
