"""Run replications of a scenario: in this process, in a pool of worker processes, or on an executor.

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

Worker processes are fresh interpreters started by loky (`ProcessExecutor`): unlike "spawn" they
never re-run the caller's main script, so `sim.run(..., workers=2)` works from a script without
`if __name__ == "__main__":`, from standard input and from notebooks; unlike "fork" they cannot
deadlock on a parent's threads (tqdm's monitor, BLAS pools); and they behave the same on Linux,
macOS and Windows. Workers import only `sim.experiment.worker`, the model and the scenario.
Worker counts are capped at the CPU count, with a warning (`executors.check_workers`); a worker
that dies raises `WorkerLostError` naming the replications that were running. The replications
are a `ReplicationTask` (scenario, seed, event-log switch) mapped over replication numbers; the
pool pickles it once and each worker unpickles it once (`sim.experiment.executors.ProcessExecutor`).

`Execution(executor=...)` runs every replication on a given executor instead (`sim.experiment.executors`:
serial, local processes, Dask) — no timing of a first replication, and the executor is left open
for the caller's next run. Results are identical whichever executor runs them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sim.experiment.executors import (
    Executor,
    ProcessExecutor,
    SerialExecutor,
    WorkerLostError,
    check_workers,
)
from sim.experiment.results import Results
from sim.experiment.worker import ReplicationTask, Simulate
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
    """None → one per CPU; never more workers than CPUs (with a warning) or than replications."""
    if workers is None:
        return max(1, min(replications, check_workers(None)))
    return min(check_workers(workers), replications)


@dataclass(frozen=True)
class Execution:
    """Where and how a run's replications execute: this changes the time taken, never the results.

    `workers`: 1 runs here, N uses N processes, None decides from the time of the first replication
    (module docstring). `executor` runs the replications on that executor instead
    (`SerialExecutor`, `ProcessExecutor`, `DaskExecutor`; give it or `workers`, not both); it is
    not closed, so one executor can serve many runs. `progress=True` shows a tqdm bar on stderr.
    """

    workers: int | None = None
    executor: Executor | None = None
    progress: bool = False


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    *,
    event_log: bool | None = None,
    execution: Execution | None = None,
    first_replication: int = 0,
    simulate: Simulate | None = None,
) -> Results:
    """Run `replications` replications of `scenario` and return their `Results`.

    Unset arguments come from `scenario.run`; `execution` (default `Execution()`: workers decided
    from the first replication, no bar) says where they run. `simulate` replaces the model (for
    tests and model variants); it must be a module-level function so that worker processes can
    import it. `sim.run` takes the execution options as plain keywords.

    `first_replication=k` runs replications k, k+1, …, k + replications − 1 (to extend an earlier
    run without repeating it): each output is exactly what a single run from 0 would give for that
    index, so concatenating the outputs of consecutive ranges equals one run of them all. The
    `Results` of a range not starting at 0 is a part: its `[run] replications` is the part's size.
    """
    ex = Execution() if execution is None else execution
    workers, executor = ex.workers, ex.executor
    spec = scenario.run
    replications = _check_int("replications", spec.replications if replications is None else replications, 1)
    seed = _check_int("seed", spec.seed if seed is None else seed, 0)
    first = _check_int("first_replication", first_replication, 0)
    event_log = spec.event_log if event_log is None else bool(event_log)
    if executor is not None and workers is not None:
        raise ValueError(
            f"workers: give workers or executor, not both (got workers={workers!r} and executor={executor!r})"
        )
    n_workers = resolve_workers(workers, replications)
    resolved = scenario.model_copy(
        update={
            "run": spec.model_copy(
                update={"replications": replications, "seed": seed, "event_log": event_log}
            )
        }
    )
    task = ReplicationTask(resolved, seed, event_log, simulate)
    reps = range(first, first + replications)

    started = time.perf_counter()
    bar = _progress_bar(replications, scenario.name) if ex.progress else None
    tick = bar.update if bar is not None else None
    try:
        outputs: list[ReplicationOutput] = []
        if executor is not None:
            outputs += executor.map(task, reps, on_result=tick)
            n_workers = executor.workers
        else:
            here = SerialExecutor()
            if workers is None and n_workers > 1:
                outputs += here.map(task, reps[:1], on_result=tick)
                remaining = replications - 1
                if (time.perf_counter() - started) * remaining < POOL_MIN_SECONDS:
                    n_workers = 1
                else:
                    n_workers = resolve_workers(None, remaining)
            rest = reps[len(outputs) :]
            if n_workers == 1:
                outputs += here.map(task, rest, on_result=tick)
            else:
                with ProcessExecutor(n_workers) as pool:
                    outputs += pool.map(task, rest, on_result=tick)
    except WorkerLostError as exc:
        raise WorkerLostError(exc.items, exc.how, noun="replication") from None
    finally:
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - started

    for i, out in enumerate(outputs, start=first):
        if out.replication != i:
            raise RuntimeError(f"the model returned replication {out.replication} when asked for {i}")
    return Results(scenario=resolved, seed=seed, outputs=outputs, workers=n_workers, wall_time_s=wall)


def _progress_bar(total: int, name: str) -> Any:
    """A tqdm bar on stderr; tqdm is imported only when a bar is wanted."""
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="rep", leave=False, dynamic_ncols=True)


__all__ = ["POOL_MIN_SECONDS", "Execution", "resolve_workers", "run"]
