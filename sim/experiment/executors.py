"""Executors: where replications run — here, in local worker processes, or on Dask workers.

Every executor has one method that matters, `map(fn, items)`: it calls `fn(item)` for each item
and returns the results **in input order**, whatever order they finish in, so that a result never
depends on which executor ran it. `fn` must be picklable (a module-level function, or an object
such as `sim.experiment.worker.ReplicationTask` whose class lives in an importable module):
process and Dask workers import it by name. Executors are context managers; an executor keeps its
workers between `map` calls until it is closed, so one executor can run many scenarios.

    with DaskExecutor("tcp://scheduler-host:8786") as ex:       # or DaskExecutor() for a local cluster
        for scenario in scenarios:
            results = sim.experiment.run(scenario, executor=ex)

- `SerialExecutor()`: in this process, one item after another.
- `ProcessExecutor(workers)`: a pool of local worker processes started with "spawn" (see
  `sim.experiment.runner` for why), created on first use and kept until `close`.
- `DaskExecutor(scheduler=None, workers=None)`: `scheduler=None` starts a local Dask cluster of
  `workers` single-threaded worker processes (default: one per CPU); `"tcp://HOST:PORT"` connects
  to a running cluster (`dask scheduler` and `dask worker tcp://HOST:PORT` on the machines, each
  with the same version of centre-sim installed). Dask is an optional extra
  (`pip install -e ".[dask]"`); without it `DaskExecutor` raises `ExecutorUnavailableError`.

How the work travels. A replication task holds the scenario (about 14 kB pickled; 0.5 ms to
pickle and unpickle, against ~50 ms for a replication of Đào Xá's 40-day window and a few ms for
one week). The process pool pickles `fn` once per `map` and sends those bytes with each item; a
worker unpickles them only on its first item (as the former pool initializer did, but a pool can
now serve several scenarios). Dask sends the task to every worker once per `map`
(`client.scatter(..., broadcast=True)`) and each item refers to it; sending it inside every task
instead took twice as long for 400 one-week replications on two local workers, and would push the
scenario through the scheduler once per replication in a province-wide study.

This module imports only the standard library (Dask on first use), so that a spawned worker that
unpickles a task does not pay for pandas or Dask.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

T = TypeVar("T")
R = TypeVar("R")

OnResult = Callable[[], None]
"""Called once each time an item finishes (in completion order): progress bars."""

DASK_INSTALL_HINT = "pip install -e '.[dask]'"


class ExecutorUnavailableError(RuntimeError):
    """The executor cannot run here: Dask is not installed, the scheduler cannot be reached, or
    its workers cannot run centre-sim. The message says what to do; the command line prints it as
    one `error:` line with exit status 2."""


ExecutorUnavailable = ExecutorUnavailableError
"""Alias of `ExecutorUnavailableError`."""


@runtime_checkable
class Executor(Protocol):
    """Runs `fn` over items and returns the results in input order."""

    @property
    def workers(self) -> int:
        """How many items can run at once (recorded as `Results.workers`)."""
        ...

    def map(self, fn: Callable[[T], R], items: Iterable[T], *,
            on_result: OnResult | None = None) -> list[R]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


class _Base:
    """Context-manager plumbing shared by the executors."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers; the executor must not be used afterwards."""


def _check_workers(workers: int | None) -> int:
    if workers is None:
        return max(1, os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: must be a positive integer, got {workers!r}")
    return workers


class SerialExecutor(_Base):
    """Runs every item here, one after another."""

    workers = 1

    def __repr__(self) -> str:
        return "SerialExecutor()"

    def map(self, fn: Callable[[T], R], items: Iterable[T], *,
            on_result: OnResult | None = None) -> list[R]:
        out = []
        for item in items:
            out.append(fn(item))
            if on_result is not None:
                on_result()
        return out


_cached: dict[str, Callable[[Any], Any]] = {}
"""In a worker process: the function of the current `map`, unpickled once (key -> function)."""


def call_cached(key: str, blob: bytes, item: T) -> Any:
    """What a pool worker runs for one item: `blob` is `fn` pickled once by the parent; the worker
    unpickles it on its first item of a `map` and reuses it for the next ones."""
    fn = _cached.get(key)
    if fn is None:
        _cached.clear()  # one `map` at a time: drop the previous scenario
        fn = _cached[key] = pickle.loads(blob)
    return fn(item)


class ProcessExecutor(_Base):
    """A pool of `workers` local processes (default: one per CPU), started with "spawn".

    The pool starts on the first `map` and is kept for the next ones until `close`. `initializer`
    and `initargs` are run once in each worker process when it starts, as with
    `concurrent.futures.ProcessPoolExecutor`. A worker's exception is re-raised here, after the
    items not yet started are cancelled.
    """

    def __init__(self, workers: int | None = None, *,
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        self._workers = _check_workers(workers)
        self._initializer, self._initargs = initializer, initargs
        self._pool: ProcessPoolExecutor | None = None

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self._workers})"

    @property
    def workers(self) -> int:
        return self._workers

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=self._initializer, initargs=self._initargs)
        return self._pool

    def map(self, fn: Callable[[T], R], items: Iterable[T], *,
            on_result: OnResult | None = None) -> list[R]:
        items = list(items)
        if not items:
            return []
        pool = self._get_pool()
        key, blob = uuid.uuid4().hex, pickle.dumps(fn)
        futures: dict[Future[R], int] = {
            pool.submit(call_cached, key, blob, item): i for i, item in enumerate(items)}
        results: dict[int, R] = {}
        try:
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()  # re-raises a worker's exception
                if on_result is not None:
                    on_result()
        except BaseException as exc:
            for fut in futures:
                fut.cancel()
            if not isinstance(exc, Exception) or isinstance(exc, BrokenProcessPool):
                self.close()  # Ctrl-C, or a worker died: stop the pool (a new one starts if needed)
            raise
        return [results[i] for i in range(len(items))]

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


# ----- Dask ---------------------------------------------------------------------------------------


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorUnavailableError(f"Dask is not installed: {DASK_INSTALL_HINT} "
                                  f"({exc})") from None
    return distributed


def run_task(fn: Callable[[T], R], item: T) -> R:
    """What a Dask worker runs for one item: `fn` arrives once per worker (scattered)."""
    return fn(item)


def worker_version() -> str:
    """The centre-sim version a worker runs (checked on connecting: same version, same results)."""
    from importlib import metadata

    try:
        return metadata.version("centre-sim")
    except metadata.PackageNotFoundError:
        import sim

        return str(sim.__version__)


class DaskExecutor(_Base):
    """Runs items on Dask workers: a local cluster, or an existing one at `scheduler`.

    `scheduler=None` starts a `distributed.LocalCluster` of `workers` worker processes (default:
    one per CPU) with one thread each — the model is pure Python, so threads would queue on the
    interpreter lock. `scheduler="tcp://HOST:PORT"` connects to a running scheduler; its workers
    must have the same centre-sim version installed (checked on connecting). The connection is made
    on entering the `with` block (or on the first `map`); `timeout` seconds bound the wait for the
    scheduler and for a first worker. Closing stops a local cluster but never a remote one.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None, *,
                 timeout: float = 10.0) -> None:
        if scheduler is not None:
            if not isinstance(scheduler, str) or not scheduler.strip():
                raise ValueError(f"scheduler: must be an address such as tcp://HOST:8786, "
                                 f"got {scheduler!r}")
            if workers is not None:
                raise ValueError("workers: only for a local Dask cluster; the workers of a running "
                                 "cluster are started with `dask worker`")
        self.scheduler = scheduler.strip() if scheduler is not None else None
        self._n_local = _check_workers(workers) if scheduler is None else None
        self.timeout = float(timeout)
        self._distributed = _import_distributed()  # fail early, before any work
        self._client: Any = None
        self._cluster: Any = None

    def __repr__(self) -> str:
        where = self.scheduler or f"local cluster, {self._n_local} workers"
        return f"DaskExecutor({where})"

    def __enter__(self) -> Self:
        self.start()
        return self

    @property
    def client(self) -> Any:
        """The `distributed.Client` (connecting first if needed): for users who want the
        dashboard link or to submit their own work on the same cluster."""
        self.start()
        return self._client

    @property
    def workers(self) -> int:
        """Worker threads now connected to the scheduler."""
        return max(1, sum(self.client.nthreads().values()))

    def start(self) -> None:
        """Start the local cluster or connect to the scheduler; check the workers."""
        if self._client is not None:
            return
        dd = self._distributed
        if self.scheduler is None:
            self._cluster = dd.LocalCluster(n_workers=self._n_local, threads_per_worker=1,
                                            processes=True, dashboard_address=":0")
            self._client = dd.Client(self._cluster)
            return
        try:
            self._client = dd.Client(self.scheduler, timeout=self.timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorUnavailableError(
                f"cannot connect to the Dask scheduler at {self.scheduler} within "
                f"{self.timeout:g} s ({exc}); start one with `dask scheduler` and give its "
                "address, e.g. tcp://HOST:8786") from None
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        try:
            self._client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, TimeoutError):
            raise ExecutorUnavailableError(
                f"no Dask worker is connected to {self.scheduler} after {self.timeout:g} s; "
                f"start some with `dask worker {self.scheduler}`") from None
        try:
            versions: dict[str, str] = self._client.run(worker_version)
        except Exception as exc:
            raise ExecutorUnavailableError(
                f"the Dask workers at {self.scheduler} cannot run centre-sim ({exc!r}); install "
                "the same version of centre-sim on every worker machine") from None
        here = worker_version()
        wrong = {addr: v for addr, v in versions.items() if v != here}
        if wrong:
            addr, v = next(iter(wrong.items()))
            raise ExecutorUnavailableError(
                f"Dask worker {addr} runs centre-sim {v}, this machine {here}: install the same "
                f"version on every worker ({len(wrong)} of {len(versions)} differ)")

    def map(self, fn: Callable[[T], R], items: Iterable[T], *,
            on_result: OnResult | None = None) -> list[R]:
        items = list(items)
        if not items:
            return []
        client = self.client
        [shared] = client.scatter([fn], broadcast=True, hash=False)
        futures = client.map(run_task, [shared] * len(items), items, pure=False)
        try:
            for fut in self._distributed.as_completed(futures):
                if fut.status == "error":
                    fut.result()  # re-raises the worker's exception
                if on_result is not None:
                    on_result()
            return list(client.gather(futures))
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            del futures, shared  # release the task and the results on the workers

    def close(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["DaskExecutor", "Executor", "ExecutorUnavailable", "ExecutorUnavailableError",
           "ProcessExecutor", "SerialExecutor", "run_task"]
