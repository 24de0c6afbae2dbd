"""The public entry points `sim.run` and `sim.compare`: experiments with the report's plots attached.

This module sits at the top of the layers (beside the command line), so it may join what the lower
layers keep apart: `sim.experiment` runs replications and writes data files, `sim.report` draws
plots, and here the plot writer is attached to the `Results`, so that `sim.run(...).save(folder)`
writes a complete results folder; `sim.compare` does the same for a comparison (its own plots, and
each scenario's). Use `sim.experiment.run` for results whose `save` writes data
files only (no matplotlib).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sim.experiment.results import Results
from sim.experiment.runner import Execution
from sim.experiment.runner import run as run_experiment
from sim.report import write_plots
from sim.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from sim.business.case import BusinessCase
    from sim.decide.compare import CompareOptions
    from sim.decide.comparison import Comparison
    from sim.experiment.executors import Executor
    from sim.fitting.fit import Fitted
    from sim.optimiser.result import OptimiseResult
    from sim.optimiser.study import Study
    from sim.scenario.costs import CostsSpec


def run(  # noqa: PLR0913 - the public API: each option a keyword, as the README and notebooks use them
    scenario: Scenario | str | Path,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    event_log: bool | None = None,
    progress: bool = False,
    executor: Executor | None = None,
    scenario_root: str | Path | None = None,
) -> Results:
    """Run a scenario (object or TOML path); unset arguments come from its `[run]` table.

    `workers=None` uses one process per CPU (at most one per replication), `workers=1` runs here.
    The results are identical whatever the number of workers. `scenario_root`: a folder whose
    files a TOML path's `extends` may also name (see `sim.load_scenario`).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, scenario_root)
    results = run_experiment(
        scenario,
        replications=replications,
        seed=seed,
        event_log=event_log,
        execution=Execution(workers=workers, executor=executor, progress=progress),
    )
    return with_plots(results)


def with_plots(results: Results) -> Results:
    """The same results, whose `save` also writes the plots (`plots/*.png`)."""
    if write_plots in results.writers:
        return results
    return dataclasses.replace(results, writers=(*results.writers, write_plots))


def compare(  # noqa: PLR0913 - the public API: each option a keyword, as the README and notebooks use them
    base: Scenario | str | Path,
    alternatives: Scenario | str | Path | Sequence[Scenario | str | Path],
    *,
    replications: int | Literal["auto"] | None = None,
    seed: int | None = None,
    workers: int | None = None,
    key_kpis: Sequence[str] | None = None,
    precision: float | None = None,
    absolute: Mapping[str, float] | None = None,
    start: int | None = None,
    step: int | None = None,
    cap: int | None = None,
    sensitivity: bool = False,
    progress: bool = False,
    executor: Executor | None = None,
    scenario_root: str | Path | None = None,
) -> Comparison:
    """Compare alternatives with a base scenario under common random numbers (objects or TOML paths).

    Every scenario runs with the same seed (default: the base's `[run] seed`) and replication
    indices. `replications`: a number (default: the base's `[run] replications`) or "auto" — add
    replications until each key difference's Bonferroni-adjusted half-width is within
    max(precision × |base mean|, absolute[kpi]) (defaults 5% and `DEFAULT_ABSOLUTE`), starting at
    `start`, in steps of `step`, up to `cap` (10, 10, 200). See `sim.decide.compare.compare`.
    `.save(folder)` on the result writes comparison.csv, meta.json, plots and each scenario's folder.
    `scenario_root`: a folder whose files the TOML paths' `extends` may also name.
    `sensitivity=True` also moves each ranged estimate of the base to its low and high end (same
    seed and replications) and records how the first key KPI's difference moves
    (`Comparison.sensitivity`, `sim.decide.sweep`).
    """
    from sim.decide.compare import AutoRule, CompareOptions
    from sim.decide.compare import compare as compare_scenarios
    from sim.report.compare_plots import write_comparison_plots

    def load(s: Scenario | str | Path) -> Scenario:
        return s if isinstance(s, Scenario) else load_scenario(s, scenario_root)

    if isinstance(alternatives, Scenario | str | Path):
        alternatives = [alternatives]
    d = AutoRule()
    auto = AutoRule(
        precision=d.precision if precision is None else precision,
        absolute=d.absolute if absolute is None else absolute,
        start=d.start if start is None else start,
        step=d.step if step is None else step,
        cap=d.cap if cap is None else cap,
    )
    options = CompareOptions(
        seed=seed, workers=workers, progress=progress, executor=executor, auto=auto, sensitivity=sensitivity
    )
    comparison = compare_scenarios(
        load(base), [load(a) for a in alternatives], replications, key_kpis, options
    )
    return dataclasses.replace(
        comparison,
        base=with_plots(comparison.base),
        alternatives=tuple(with_plots(r) for r in comparison.alternatives),
        writers=(*comparison.writers, write_comparison_plots),
    )


def optimise(  # noqa: PLR0913 - the public API: each option a keyword, as the README and notebooks use them
    study: Study | str | Path,
    *,
    alpha: float | None = None,
    max_replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: bool = False,
    executor: Executor | None = None,
    scenario_root: str | Path | None = None,
) -> OptimiseResult:
    """The cheapest plan of a study (object or TOML path) that meets its constraints.

    Every plan runs with common random numbers; replications are added only to plans still
    undecided (`sim.optimiser.procedure`), and the chosen plan is re-run under the study's stress
    variant. `alpha`, `max_replications`, `seed` override the study's [procedure] (only for a
    path: a `Study` object is already built). `.save(folder)` writes candidates.csv, study.toml,
    meta.json, the cost–performance plot and the chosen plan's own results folder.
    """
    from sim.optimiser.search import optimise as run_study
    from sim.optimiser.study import load_study
    from sim.report.optimise import optimise_plots_writer

    if isinstance(study, str | Path):
        study = load_study(study, scenario_root, alpha=alpha, max_replications=max_replications, seed=seed)
    elif alpha is not None or max_replications is not None or seed is not None:
        raise ValueError(
            "alpha, max_replications, seed: give them with a study file, or set them in the Study"
        )
    result = run_study(study, Execution(workers=workers, executor=executor, progress=progress))
    return dataclasses.replace(
        result,
        writers=(*result.writers, optimise_plots_writer("en")),
        results_writers=(*result.results_writers, write_plots),
    )


def business_case(  # noqa: PLR0913 - the public API: each option a keyword, as the README and notebooks use them
    base: Scenario | str | Path,
    option: Scenario | str | Path,
    *,
    costs: CostsSpec | str | Path | None = None,
    years: int | None = None,
    replications: int | Literal["auto"] | None = None,
    seed: int | None = None,
    draws: int = 10_000,
    sensitivity: bool = False,
    workers: int | None = None,
    progress: bool = False,
    executor: Executor | None = None,
    scenario_root: str | Path | None = None,
) -> BusinessCase:
    """What `option` costs and returns against `base`, in đồng, with the chance it pays off.

    Both run with common random numbers (`sim.compare`); the paired differences of citizens'
    waiting hours, wasted trips and staff overtime are valued with `costs` (a `CostsSpec`, a
    `--costs` TOML file, or None: the base scenario's own `[costs]` table) and drawn in a Monte
    Carlo with every cost range (`sim.business.case`). `years` overrides the appraisal period.
    `.save(folder)` writes case.csv, npv_draws.csv, costs.toml, meta.json and the comparison.
    """
    from sim.business.case import appraise
    from sim.decide.compare import CompareOptions
    from sim.scenario.costs import CostsSpec, load_costs

    def load(s: Scenario | str | Path) -> Scenario:
        return s if isinstance(s, Scenario) else load_scenario(s, scenario_root)

    base_s, option_s = load(base), load(option)
    if isinstance(costs, str | Path):
        costs = load_costs(costs)
    elif costs is None:
        if base_s.costs is None:
            raise ValueError(
                "costs: the base scenario has no [costs] table; give a costs file "
                "(e.g. scenarios/costs/dao_xa_costs.toml extended with what the option buys)"
            )
        costs = base_s.costs
    if not isinstance(costs, CostsSpec):
        raise TypeError(f"costs: a CostsSpec or a path, got {type(costs).__name__}")
    if years is not None:
        costs = CostsSpec.model_validate({**costs.model_dump(mode="python"), "years": years})
    with contextlib.ExitStack() as stack:
        if executor is None and workers != 1:  # one pool for the answer and every sweep
            from sim.experiment.executors import ProcessExecutor
            from sim.experiment.runner import resolve_workers

            n = resolve_workers(workers, 1_000)
            if n > 1:
                executor = stack.enter_context(ProcessExecutor(n))
        run_workers = None if executor is not None else workers
        comparison = compare(
            base_s,
            option_s,
            replications=replications,
            seed=seed,
            progress=progress,
            workers=run_workers,
            executor=executor,
        )
        case = appraise(comparison, costs, draws=draws, seed=comparison.base.seed)
        if sensitivity:
            options = CompareOptions(seed=case.base.seed, workers=run_workers, executor=executor)
            case = _with_sweep(case, base_s, option_s, costs, options)
    return dataclasses.replace(case, comparison_writers=(*case.comparison_writers, *comparison.writers))


def _with_sweep(
    case: BusinessCase, base: Scenario, option: Scenario, costs: CostsSpec, options: CompareOptions
) -> BusinessCase:
    """The case with its one-at-a-time sweep of the base's ranged estimates, under the same seed
    and replications, and the estimates' uncertainty added to the Monte Carlo."""
    from sim.business.case import central_case_npv, sweep_estimates, with_estimates
    from sim.decide.compare import compare as compare_scenarios

    n = case.base.n_replications

    def run_pair(b: Scenario, o: Scenario) -> Comparison:
        return compare_scenarios(b, [o], n, None, options)

    sweep = sweep_estimates(base, option, costs, run_pair, central_case_npv(case.comparison, costs))
    return dataclasses.replace(
        case,
        sensitivity=sweep,
        simulation_only=case.monte_carlo,
        monte_carlo=with_estimates(case.monte_carlo, sweep),
    )


def fit(  # noqa: PLR0913 - the public API: each option a keyword, as the README and notebooks use them
    tickets: str | Path,
    *,
    base: str | Path,
    out: str | Path,
    dossiers: str | Path | None = None,
    mapping: str | Path | None = None,
    drop_bad_rows: bool = False,
    validate: bool = True,
    replications: int = 10,
    seed: int | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    scenario_root: str | Path | None = None,
) -> Fitted:
    """Fit a scenario from a centre's ticket log (and dossier register): `sim fit` without files.

    `out` is where the new scenario file will go (its `extends` is relative to that folder);
    nothing is written: `sim.fitting.save.save(fitted, folder)` writes the results folder and then
    the file. `fitted.result` holds every fit with its intervals, `fitted.text` the file's text,
    `fitted.scenario` the scenario it loads as.
    """
    from sim.fitting.fit import FitRequest
    from sim.fitting.fit import fit as fit_data

    request = FitRequest(
        tickets=Path(tickets),
        base=Path(base),
        out=Path(out),
        dossiers=Path(dossiers) if dossiers is not None else None,
        mapping=Path(mapping) if mapping is not None else None,
        drop_bad_rows=drop_bad_rows,
        scenario_root=Path(scenario_root) if scenario_root is not None else None,
        validate=validate,
        replications=replications,
        seed=seed,
    )
    return fit_data(request, execution=Execution(workers=workers, executor=executor))
