"""Run a study: every plan on the model with common random numbers, the sequential procedure
deciding which replications to run, then the stress re-run of the chosen plan.

Replication r of every plan uses the study's seed and index r, so every plan draws from the same
named random streams (`sim.model.streams`): plans that differ in staff or equipment see identical
visitors. Each round's replications of all the plans that need them go to the executor in one
batch of (plan, replication) items, so both cores stay busy whatever the plans' count.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.experiment.executors import Executor, ProcessExecutor, SerialExecutor, WorkerLostError
from sim.experiment.runner import Execution, resolve_workers
from sim.experiment.worker import ReplicationTask, Simulate
from sim.model.output import ReplicationOutput
from sim.optimiser.procedure import FEASIBLE, RoundStatus, find_cheapest_feasible
from sim.optimiser.result import OptimiseResult, StressRun
from sim.optimiser.study import Study, stress_scenario
from sim.optimiser.worker import PlanTask
from sim.scenario.schema import Scenario


class _Sampler:
    """The procedure's `sample`: runs the asked replications, keeps every output per plan."""

    def __init__(
        self,
        scenarios: Mapping[int, Scenario],
        seed: int,
        kpis: tuple[str, ...],
        executor: Executor,
        simulate: Simulate | None,
        tick: Callable[[], None] | None,
    ) -> None:
        self.scenarios, self.seed, self.kpis = scenarios, seed, kpis
        self.executor, self.simulate, self.tick = executor, simulate, tick
        self.outputs: dict[int, list[ReplicationOutput]] = {}

    def __call__(self, requests: Mapping[int, range]) -> dict[int, dict[str, np.ndarray]]:
        wanted = {i: r for i, r in sorted(requests.items()) if len(r)}
        for i, reps in wanted.items():
            have = len(self.outputs.get(i, ()))
            if reps.start != have or reps.step != 1:
                raise ValueError(f"plan {i}: asked for replications {reps} after {have} were run")
        task = PlanTask(
            {i: ReplicationTask(self.scenarios[i], self.seed, False, self.simulate) for i in wanted}
        )
        items = [(i, r) for i, reps in wanted.items() for r in reps]
        try:
            outs = self.executor.map(task, items, on_result=self.tick)
        except WorkerLostError as exc:
            raise WorkerLostError(exc.items, exc.how, noun="replication (plan, replication)") from None
        got: dict[int, list[ReplicationOutput]] = {i: [] for i in wanted}
        for (i, r), out in zip(items, outs, strict=True):
            if out.replication != r:
                raise RuntimeError(f"the model returned replication {out.replication} when asked for {r}")
            got[i].append(out)
        for i, new in got.items():
            self.outputs.setdefault(i, []).extend(new)
        return {
            i: {k: np.array([o.kpis.get(k, math.nan) for o in new], dtype=float) for k in self.kpis}
            for i, new in got.items()
        }


def _kpis(study: Study) -> tuple[str, ...]:
    keys = [c.kpi for c in study.constraints]
    if study.settings.tie_kpi is not None:
        keys.append(study.settings.tie_kpi)
    return tuple(dict.fromkeys(keys))


def optimise(
    study: Study,
    execution: Execution | None = None,
    *,
    simulate: Simulate | None = None,
) -> OptimiseResult:
    """Find the cheapest plan of `study` that meets its constraints (see `sim.optimiser.procedure`).

    `execution`: where the replications run (`workers`, or an `executor`, which is left open);
    the result is identical whatever runs them. `simulate` replaces the model (tests).
    """
    ex = Execution() if execution is None else execution
    if ex.executor is not None and ex.workers is not None:
        raise ValueError("workers: give workers or executor, not both")
    if ex.executor is not None:
        return _optimise(study, ex.executor, ex.progress, simulate)
    n = resolve_workers(ex.workers, len(study.plans) * study.settings.first_stage)
    if n == 1:
        return _optimise(study, SerialExecutor(), ex.progress, simulate)
    with ProcessExecutor(n) as pool:
        return _optimise(study, pool, ex.progress, simulate)


def _optimise(study: Study, executor: Executor, progress: bool, simulate: Simulate | None) -> OptimiseResult:
    started = time.perf_counter()
    bar = _progress_bar(study.name) if progress else None
    tick = bar.update if bar is not None else None
    kpis = _kpis(study)
    try:
        sampler = _Sampler(
            {i: p.scenario for i, p in enumerate(study.plans)}, study.seed, kpis, executor, simulate, tick
        )

        def on_round(status: RoundStatus) -> None:
            if bar is not None:
                bar.set_postfix_str(f"decided {status.decided}, undecided {status.undecided}", refresh=True)

        outcome = find_cheapest_feasible(
            [p.cost for p in study.plans],
            study.constraints,
            sampler,
            study.settings,
            dominance=study.dominance,
            on_round=on_round,
        )
        stress = None
        if study.stress is not None and outcome.chosen is not None:
            stress = _stress(study, outcome.chosen, executor, simulate, tick)
    finally:
        if bar is not None:
            bar.close()
    return OptimiseResult(
        study=study,
        outcome=outcome,
        outputs={i: tuple(v) for i, v in sampler.outputs.items()},
        stress=stress,
        workers=executor.workers,
        executor=type(executor).__name__,
        wall_time_s=time.perf_counter() - started,
    )


def _stress(
    study: Study,
    chosen: int,
    executor: Executor,
    simulate: Simulate | None,
    tick: Callable[[], None] | None,
) -> StressRun:
    """The chosen plan under the stress variant: the same sequential check, one plan alone."""
    scenario = stress_scenario(study, study.plans[chosen])
    sampler = _Sampler({0: scenario}, study.seed, _kpis(study), executor, simulate, tick)
    settings = dataclasses.replace(study.settings, tie_kpi=None)
    outcome = find_cheapest_feasible([0.0], study.constraints, sampler, settings)
    return StressRun(scenario, outcome, tuple(sampler.outputs.get(0, ())))


def _progress_bar(name: str) -> Any:
    from tqdm import tqdm

    return tqdm(desc=name, unit="rep", leave=False, dynamic_ncols=True)


__all__ = ["FEASIBLE", "optimise"]
