"""Run replications of a scenario, in this process or in a pool of worker processes.

Replication `i` is `simulate(scenario, seed, i)` — a pure function — so results depend only on
(scenario, seed, replication count), never on the number of workers or on which finishes first:
outputs are put back in replication order.

Worker processes are started with the "spawn" method on every platform: forking a parent that
already runs threads (tqdm's monitor, BLAS pools) can deadlock, spawn behaves the same on Linux,
macOS and Windows, and Python 3.14 stops defaulting to fork anyway. The price is a child start-up of
about a second, small beside a replication. The scenario is sent once per worker through the pool
initializer rather than pickled with every task.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from sim.experiment.results import Results
from sim.model.output import ReplicationOutput
from sim.scenario.schema import Scenario


class Simulate(Protocol):
    """The model entry point: `sim.model.simulate`."""

    def __call__(
        self, scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
    ) -> ReplicationOutput: ...


def _model_simulate() -> Simulate:
    """`sim.model.simulate`, imported on first use so that importing `sim` stays light."""
    from sim.model import simulate

    return simulate


# Per-worker state, set once by the pool initializer.
_worker: dict[str, object] = {}


def _init_worker(scenario: Scenario, seed: int, event_log: bool, simulate: Simulate | None) -> None:
    _worker.update(scenario=scenario, seed=seed, event_log=event_log,
                   simulate=simulate or _model_simulate())


def _replicate(replication: int) -> ReplicationOutput:
    simulate: Simulate = _worker["simulate"]  # type: ignore[assignment]
    return simulate(_worker["scenario"], _worker["seed"], replication,  # type: ignore[arg-type]
                    event_log=bool(_worker["event_log"]))


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise ValueError(f"{name}: must be {kind} integer, got {value!r}")
    return value


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

    Unset arguments come from `scenario.run`. `workers=1` runs in this process; more starts a
    spawn-based process pool. `progress=True` shows a tqdm bar on stderr. `simulate` replaces the
    model (for tests and model variants); it must be a module-level function so that worker
    processes can import it.
    """
    spec = scenario.run
    replications = _check_int("replications", spec.replications if replications is None
                              else replications, 1)
    seed = _check_int("seed", spec.seed if seed is None else seed, 0)
    event_log = spec.event_log if event_log is None else bool(event_log)
    n_workers = resolve_workers(workers, replications)
    resolved = scenario.model_copy(update={"run": spec.model_copy(update={
        "replications": replications, "seed": seed, "event_log": event_log})})

    started = time.perf_counter()
    bar = _progress_bar(replications, scenario.name) if progress else None
    try:
        if n_workers == 1:
            outputs = _run_here(resolved, seed, replications, event_log, simulate, bar)
        else:
            outputs = _run_pool(resolved, seed, replications, event_log, simulate, bar, n_workers)
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


def _run_here(scenario: Scenario, seed: int, n: int, event_log: bool,
              simulate: Simulate | None, bar: Any) -> list[ReplicationOutput]:
    model = simulate or _model_simulate()
    outputs = []
    for i in range(n):
        outputs.append(model(scenario, seed, i, event_log=event_log))
        if bar is not None:
            bar.update(1)
    return outputs


def _run_pool(scenario: Scenario, seed: int, n: int, event_log: bool,
              simulate: Simulate | None, bar: Any, workers: int) -> list[ReplicationOutput]:
    context = multiprocessing.get_context("spawn")
    results: list[ReplicationOutput | None] = [None] * n
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(scenario, seed, event_log, simulate)) as pool:
        futures: dict[Future[ReplicationOutput], int] = {
            pool.submit(_replicate, i): i for i in range(n)}
        try:
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()  # re-raises a worker's exception
                if bar is not None:
                    bar.update(1)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [r for r in results if r is not None]


__all__ = ["Simulate", "resolve_workers", "run"]
