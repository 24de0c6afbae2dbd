"""Run replications of a scenario, in this process or in a pool of worker processes.

Replication `i` is `simulate(scenario, seed, i)` — a pure function — so results depend only on
(scenario, seed, replication count), never on the number of workers or on which finishes first:
outputs are put back in replication order.

How many workers:
- `workers=1` runs everything in this process; `workers=N` uses a pool of N processes (never more
  than there are replications).
- `workers=None` (the default) first runs replication 0 here and times it. If the remaining
  replications would take less than `POOL_MIN_SECONDS` in this process, it carries on here — a
  worker takes about half a second to start, more than a whole replication of a short window;
  otherwise it starts one worker per CPU for the rest. `Results.workers` records what was used.

Worker processes are started with the "spawn" method on every platform: forking a parent that
already runs threads (tqdm's monitor, BLAS pools) can deadlock, spawn behaves the same on Linux,
macOS and Windows, and Python 3.14 stops defaulting to fork anyway. Workers import only
`sim.experiment.worker`, the model and the scenario; the scenario is sent once per worker through
the pool initializer rather than pickled with every task.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from sim.experiment.results import Results
from sim.experiment.worker import Simulate, init_worker, model_simulate, replicate
from sim.model.output import ReplicationOutput
from sim.scenario.schema import Scenario


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise ValueError(f"{name}: must be {kind} integer, got {value!r}")
    return value


POOL_MIN_SECONDS = 2.0
"""With `workers=None`, start a pool only when the remaining replications would take longer
than this in this process."""


def resolve_workers(workers: int | None, replications: int) -> int:
    """None → one per CPU; never more workers than replications."""
    if workers is None:
        return max(1, min(replications, os.cpu_count() or 1))
    return min(_check_int("workers", workers, 1), replications)


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    event_log: bool | None = None,
    progress: bool = False,
    *,
    simulate: Simulate | None = None,
) -> Results:
    """Run `replications` replications of `scenario` and return their `Results`.

    Unset arguments come from `scenario.run`. `workers`: 1 runs here, N uses N processes, None
    decides from the time of the first replication (module docstring). `progress=True` shows a
    tqdm bar on stderr. `simulate` replaces the model (for tests and model variants); it must be
    a module-level function so that worker processes can import it.
    """
    spec = scenario.run
    replications = _check_int("replications", spec.replications if replications is None
                              else replications, 1)
    seed = _check_int("seed", spec.seed if seed is None else seed, 0)
    event_log = spec.event_log if event_log is None else bool(event_log)
    n_workers = resolve_workers(workers, replications)
    resolved = scenario.model_copy(update={"run": spec.model_copy(update={
        "replications": replications, "seed": seed, "event_log": event_log})})
    job = _Job(resolved, seed, event_log, simulate)

    started = time.perf_counter()
    bar = _progress_bar(replications, scenario.name) if progress else None
    try:
        outputs: list[ReplicationOutput] = []
        if workers is None and n_workers > 1:
            outputs += job.here(range(1), bar)
            remaining = replications - 1
            if (time.perf_counter() - started) * remaining < POOL_MIN_SECONDS:
                n_workers = 1
            else:
                n_workers = resolve_workers(None, remaining)
        rest = range(len(outputs), replications)
        if n_workers == 1:
            outputs += job.here(rest, bar)
        else:
            outputs += job.pool(rest, bar, n_workers)
    finally:
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - started

    for i, out in enumerate(outputs):
        if out.replication != i:
            raise RuntimeError(
                f"the model returned replication {out.replication} when asked for {i}")
    return Results(scenario=resolved, seed=seed, outputs=outputs, workers=n_workers,
                   wall_time_s=wall)


def _progress_bar(total: int, name: str) -> Any:
    """A tqdm bar on stderr; tqdm is imported only when a bar is wanted."""
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="rep", leave=False, dynamic_ncols=True)


class _Job:
    """One experiment's fixed inputs, run over a range of replication numbers."""

    def __init__(self, scenario: Scenario, seed: int, event_log: bool,
                 simulate: Simulate | None) -> None:
        self.scenario, self.seed, self.event_log, self.simulate = (
            scenario, seed, event_log, simulate)

    def here(self, reps: range, bar: Any) -> list[ReplicationOutput]:
        model = self.simulate or model_simulate()
        outputs = []
        for i in reps:
            outputs.append(model(self.scenario, self.seed, i, event_log=self.event_log))
            if bar is not None:
                bar.update(1)
        return outputs

    def pool(self, reps: range, bar: Any, workers: int) -> list[ReplicationOutput]:
        context = multiprocessing.get_context("spawn")
        results: dict[int, ReplicationOutput] = {}
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker,
            initargs=(self.scenario, self.seed, self.event_log, self.simulate),
        ) as pool:
            futures: dict[Future[ReplicationOutput], int] = {
                pool.submit(replicate, i): i for i in reps}
            try:
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()  # re-raises a worker's exception
                    if bar is not None:
                        bar.update(1)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return [results[i] for i in reps]


__all__ = ["POOL_MIN_SECONDS", "resolve_workers", "run"]
