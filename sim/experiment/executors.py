"""Executors: where replications run — here, in local worker processes, or on Dask workers.

Every executor has one method that matters, `map(fn, items)`: it calls `fn(item)` for each item
and returns the results **in input order**, whatever order they finish in, so that a result never
depends on which executor ran it. `fn` must be picklable (a module-level function, or an object
such as `sim.experiment.worker.ReplicationTask` whose class lives in an importable module):
process and Dask workers import it by name. Executors are context managers; an executor keeps its
workers between `map` calls until it is closed, so one executor can run many scenarios.

    with DaskExecutor("tcp://scheduler-host:8786") as ex:       # or DaskExecutor() for a local cluster
        for scenario in scenarios:
            results = sim.run(scenario, executor=ex)

- `SerialExecutor()`: in this process, one item after another.
- `ProcessExecutor(workers)`: a pool of local worker processes (loky), created on first use and
  kept until `close`. Unlike the standard library's spawn pool, loky starts fresh interpreters
  that do not re-import the caller's `__main__`, so a plain script without a main guard, standard
  input, `python -c` and notebooks all work, on Linux, macOS and Windows; workers end when this
  process ends, however it ends (`_watch_parent`).
- `DaskExecutor(scheduler=None, workers=None)`: `scheduler=None` starts a local Dask cluster of
  `workers` single-threaded worker processes (default: one per CPU); `"tcp://HOST:PORT"` connects
  to a running cluster (`dask scheduler` and `dask worker tcp://HOST:PORT` on the machines, each
  with the same version of centre-sim installed). Dask is an optional extra
  (`pip install -e ".[dask]"`); without it `DaskExecutor` raises `ExecutorUnavailableError`.

How the work travels. A replication task holds the scenario (about 14 kB pickled; 0.5 ms to
pickle and unpickle, against ~50 ms for a replication of Đào Xá's 40-day window and a few ms for
one week). The process pool pickles `fn` once per `map` into a file of the pool's temporary
folder and sends only its name with each item; a worker loads it on its first item (so a pool can
serve several scenarios). Items stay a few hundred bytes, so loky's call queue never fills the
pipe — with the 14 kB task in every item it could, and then a shutdown after Ctrl-C or SIGTERM
waited forever on a killed worker's full pipe. Dask sends the task to every worker once per `map`
(`client.scatter(..., broadcast=True)`) and each item refers to it; sending it inside every task
instead took twice as long for 400 one-week replications on two local workers, and would push the
scenario through the scheduler once per replication in a province-wide study.

Worker counts are capped at the CPUs this process may use (`cpu_count`; more only queue on the
cores and cost memory), with a warning, and refused above `MAX_WORKERS`.

This module imports only the standard library (loky and Dask on first use), so that a worker that
unpickles a task does not pay for pandas or Dask.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, runtime_checkable
from urllib.parse import urlsplit

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


class WorkerLostError(RuntimeError):
    """A worker process ended in the middle of the work (killed, out of memory, crashed).

    `items` are the items that worker processes were running at that moment (the lost one among
    them; several when several workers were busy) and `how` says how the process ended, e.g.
    "killed by signal SIGKILL". The work is abandoned: nothing is returned, so nothing half-done
    can be saved. `noun` names the items in the message ("replication" in the runner).
    """

    def __init__(self, items: list[Any], how: str, noun: str = "item") -> None:
        self.items, self.how, self.noun = items, how, noun
        if not items:
            what, which = f"a {noun}", "while running it"
        elif len(items) == 1:
            what, which = f"{noun} {items[0]}", "while running it"
        else:
            what, which = f"{noun}s {', '.join(map(str, items))}", "while running one of them"
        super().__init__(f"{what}: a worker process ended unexpectedly ({how}) {which}")


MAX_WORKERS = 1024
"""More workers than this is refused outright: no machine this runs on has that many CPUs."""


def cpu_count() -> int:
    """The CPUs this process may use (affinity and container limits included, as loky counts)."""
    try:
        from loky import cpu_count as loky_cpu_count
    except ImportError:  # pragma: no cover - loky is a dependency
        return max(1, os.cpu_count() or 1)
    return max(1, loky_cpu_count())


def check_workers(workers: int | None, name: str = "workers") -> int:
    """A valid worker count: None → one per CPU; above the CPU count → the CPU count, with a
    warning (more processes than cores only queue and cost memory); above `MAX_WORKERS` or not a
    positive integer → `ValueError`."""
    if workers is None:
        return cpu_count()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"{name}: must be a positive integer, got {workers!r}")
    if workers > MAX_WORKERS:
        raise ValueError(f"{name}: must be at most {MAX_WORKERS}, got {workers}")
    cpus = cpu_count()
    if workers > cpus:
        warnings.warn(
            f"{name}={workers} is more than this machine's {cpus} CPUs; using {cpus}",
            UserWarning,
            stacklevel=3,
        )
        return cpus
    return workers


@runtime_checkable
class Executor(Protocol):
    """Runs `fn` over items and returns the results in input order."""

    @property
    def workers(self) -> int:
        """How many items can run at once (recorded as `Results.workers`)."""
        ...

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], *, on_result: OnResult | None = None
    ) -> list[R]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class _Base:
    """Context-manager plumbing shared by the executors."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers; the executor must not be used afterwards."""


class SerialExecutor(_Base):
    """Runs every item here, one after another."""

    workers = 1

    def __repr__(self) -> str:
        return "SerialExecutor()"

    def map(self, fn: Callable[[T], R], items: Iterable[T], *, on_result: OnResult | None = None) -> list[R]:
        out = []
        for item in items:
            out.append(fn(item))
            if on_result is not None:
                on_result()
        return out


_cached: dict[str, Callable[[Any], Any]] = {}
"""In a worker process: the function of the current `map`, unpickled once (key -> function)."""

_marker: list[str] = []
"""In a worker process: the file naming the item it runs (read by the parent if a worker dies)."""

PARENT_POLL_SECONDS = 0.5
"""How often a worker checks that its parent is still alive (`_watch_parent`)."""


def _parent_alive(parent: int) -> bool:
    """Whether process `parent` still runs. POSIX re-parents an orphan, so `getppid` changes;
    Windows does not, so there the parent's handle is asked whether it has ended."""
    if sys.platform != "win32":
        return os.getppid() == parent
    from sim.experiment.folders import pid_alive

    return pid_alive(parent)


def _watch_parent(parent: int, markers: str) -> None:
    """End this worker soon after its parent ends, even mid-replication: a parent killed with
    SIGKILL (or a crashed notebook kernel) cannot tell its workers to stop, and loky's workers
    notice only when they next talk to it, after the item they are running. The parent's
    temporary folder goes too, since nobody else will remove it."""
    while _parent_alive(parent):
        time.sleep(PARENT_POLL_SECONDS)
    shutil.rmtree(markers, ignore_errors=True)
    os._exit(1)


def init_worker(
    parent: int, markers: str, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """Run once in each pool worker: watch the parent, name the marker file, then the caller's
    initializer."""
    threading.Thread(
        target=_watch_parent, args=(parent, markers), name="centre-sim-parent-watch", daemon=True
    ).start()
    _marker[:] = [os.path.join(markers, str(os.getpid()))]
    if initializer is not None:
        initializer(*initargs)


def _mark(text: str) -> None:
    if _marker:
        with open(_marker[0], "w", encoding="ascii") as fh:
            fh.write(text)


def call_cached(key: str, task_file: str, index: int, item: T) -> Any:
    """What a pool worker runs for one item: `task_file` holds `fn`, pickled once by the parent;
    the worker loads it on its first item of a `map` and reuses it for the next ones. While it
    runs, the worker's marker file holds `index`, so that the parent can say which item a dead
    worker ran."""
    fn = _cached.get(key)
    if fn is None:
        _cached.clear()  # one `map` at a time: drop the previous scenario
        with open(task_file, "rb") as fh:
            fn = _cached[key] = pickle.load(fh)
    _mark(str(index))
    try:
        return fn(item)
    finally:
        _mark("")


SIGNAL_POLL_SECONDS = 0.1
"""While a pool runs, Ctrl-C and SIGTERM wait at most this long to take effect."""


@contextlib.contextmanager
def _signals_deferred() -> Iterator[Callable[[], None]]:
    """While this thread calls into the pool, SIGINT and SIGTERM are only noted, and the yielded
    checkpoint runs their former handlers. A handler that raises (KeyboardInterrupt, the command
    line's SIGTERM) in the middle of loky's queue or future code can leave one of their locks
    held, and then the pool's shutdown waits forever; raised at the checkpoint, it unwinds
    cleanly. (Masking the signals is not enough: numpy's BLAS threads would still take them.)
    Main thread only, where handlers can be set; elsewhere signals arrive as before."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    noted: list[int] = []
    former: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        former[sig] = signal.signal(sig, lambda signum, frame: noted.append(signum))

    def restore() -> None:
        for sig, handler in former.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def checkpoint() -> None:
        while noted:
            sig = noted.pop(0)
            handler = former[sig]
            if callable(handler):
                handler(sig, None)  # e.g. raises KeyboardInterrupt, here
            elif handler in (signal.SIG_DFL, None):
                restore()
                signal.raise_signal(sig)  # the default action: end the process

    try:
        yield checkpoint
    finally:
        restore()


def _how_it_ended(exc: BaseException) -> str:
    """'killed by signal SIGKILL', from loky's message listing the dead workers' exit codes."""
    found = re.findall(r"([A-Z]+)\((-?\d+)\)", str(exc))
    if not found:
        return "its exit status is unknown"
    name, code = found[0]
    if int(code) < 0 and name.startswith("SIG"):
        return f"killed by signal {name}"
    return f"exit status {code}"


class ProcessExecutor(_Base):
    """A pool of `workers` local processes (default: one per CPU, never more), started by loky.

    loky starts each worker as a fresh interpreter that imports only what the tasks need — never
    the caller's `__main__` — so parallel runs work from a plain script without a main guard,
    from standard input, `python -c` and notebooks, and behave the same on Linux, macOS and
    Windows (the standard library's "spawn" pool re-runs the main script in every worker, and
    "fork" can deadlock a parent that runs threads). Workers end when this process ends, even by
    SIGKILL (`_watch_parent`).

    The pool starts on the first `map` and is kept for the next ones until `close`. `initializer`
    and `initargs` are run once in each worker process when it starts. A worker's exception is
    re-raised here, after the items not yet started are cancelled; a worker that dies (killed, out
    of memory) raises `WorkerLostError` naming the items that were running.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self._workers = check_workers(workers)
        self._initializer, self._initargs = initializer, initargs
        self._pool: Any = None
        self._markers: str | None = None

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self._workers})"

    @property
    def workers(self) -> int:
        return self._workers

    def _get_pool(self) -> Any:
        if self._pool is None:
            from loky import ProcessPoolExecutor

            self._markers = tempfile.mkdtemp(prefix="centre-sim-workers-")
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                initializer=init_worker,
                initargs=(os.getpid(), self._markers, self._initializer, self._initargs),
            )
        return self._pool

    def _running(self, items: list[Any]) -> list[Any]:
        """The items that the marker files say were running (when a worker has died)."""
        indices: set[int] = set()
        if self._markers is not None:
            for name in os.listdir(self._markers):
                if not name.isdigit():  # a worker's pid, not a task file
                    continue
                try:
                    with open(os.path.join(self._markers, name), encoding="ascii") as fh:
                        text = fh.read().strip()
                except OSError:
                    continue
                if text.isdigit() and int(text) < len(items):
                    indices.add(int(text))
        return [items[i] for i in sorted(indices)]

    def map(self, fn: Callable[[T], R], items: Iterable[T], *, on_result: OnResult | None = None) -> list[R]:
        items = list(items)
        if not items:
            return []
        pool = self._get_pool()
        import cloudpickle  # loky's: pickles __main__'s functions too
        from loky.process_executor import TerminatedWorkerError

        key = uuid.uuid4().hex
        assert self._markers is not None
        task_file = os.path.join(self._markers, f"{key}.task")
        with open(task_file, "wb") as fh:
            cloudpickle.dump(fn, fh)
        futures: dict[Future[R], int] = {}
        results: dict[int, R] = {}
        finished: queue.SimpleQueue[Future[R]] = queue.SimpleQueue()
        try:
            with _signals_deferred() as checkpoint:
                for i, item in enumerate(items):
                    fut = pool.submit(call_cached, key, task_file, i, item)
                    futures[fut] = i
                    fut.add_done_callback(finished.put)
                while len(results) < len(items):
                    checkpoint()  # Ctrl-C and SIGTERM take effect here, outside loky's code
                    try:
                        fut = finished.get(timeout=SIGNAL_POLL_SECONDS)
                    except queue.Empty:
                        continue
                    results[futures[fut]] = fut.result()  # re-raises a worker's exception
                    if on_result is not None:
                        on_result()
        except TerminatedWorkerError as exc:
            lost = WorkerLostError(self._running(items), _how_it_ended(exc))
            self.close(kill=True)  # a new pool starts if the executor is used again
            raise lost from None
        except BaseException as exc:
            if not isinstance(exc, Exception) or isinstance(exc, BrokenProcessPool):
                # Ctrl-C, SIGTERM: stop the workers now (loky fails the pending futures itself,
                # and breaks if they were cancelled first)
                self.close(kill=True)
            else:
                for fut in futures:
                    fut.cancel()
            raise
        finally:
            with contextlib.suppress(OSError):
                os.remove(task_file)
        return [results[i] for i in range(len(items))]

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(kill=exc is not None and not isinstance(exc, Exception))  # Ctrl-C: at once

    def close(self, kill: bool = False) -> None:
        """Stop the workers: after their current items, or at once with `kill=True`."""
        pool, markers = self._pool, self._markers
        self._pool = self._markers = None
        if pool is not None:
            pool.shutdown(wait=True, kill_workers=kill)
        if markers is not None:
            shutil.rmtree(markers, ignore_errors=True)


# ----- Dask ---------------------------------------------------------------------------------------


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorUnavailableError(f"Dask is not installed: {DASK_INSTALL_HINT} ({exc})") from None
    return distributed


SCHEDULER_FORM = "give tcp://HOST:PORT with a port from 1 to 65535, e.g. tcp://127.0.0.1:8786"


def check_scheduler_address(address: object) -> str:
    """`address` stripped, if it is `tcp://HOST:PORT` (IPv6 as `tcp://[::1]:PORT`); else
    `ValueError` saying what is wrong. tls:// would need certificates, which `DaskExecutor` cannot
    take, and inproc:// reaches only a scheduler inside this very process: both are refused."""
    text = address.strip() if isinstance(address, str) else ""
    if not text:
        raise ValueError(f"scheduler: must be an address; {SCHEDULER_FORM}, got {address!r}")
    scheme, sep, _ = text.partition("://")
    if not sep:
        raise ValueError(f"scheduler: {text} has no scheme; {SCHEDULER_FORM}")
    if scheme == "tls":
        raise ValueError(
            f"scheduler: {text}: tls:// needs client certificates, which centre-sim "
            f"cannot pass; reach the scheduler over tcp:// (an SSH tunnel, say): "
            f"{SCHEDULER_FORM}"
        )
    if scheme == "inproc":
        raise ValueError(
            f"scheduler: {text}: inproc:// reaches only a scheduler inside this process; {SCHEDULER_FORM}"
        )
    if scheme != "tcp":
        raise ValueError(f"scheduler: {text}: unknown scheme {scheme}://; {SCHEDULER_FORM}")
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname:
        raise ValueError(f"scheduler: {text} has no host; {SCHEDULER_FORM}")
    if port is None or not 1 <= port <= 65535:
        raise ValueError(f"scheduler: {text} has no valid port; {SCHEDULER_FORM}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"scheduler: {text} has more than a host and a port; {SCHEDULER_FORM}")
    return text


def run_task(fn: Callable[[T], R], item: T) -> R:
    """What a Dask worker runs for one item: `fn` arrives once per worker (scattered)."""
    return fn(item)


def worker_version() -> str:
    """The centre-sim version a worker runs (checked on connecting: same version, same results)."""
    from importlib import metadata

    try:
        return metadata.version("centre-sim")
    except metadata.PackageNotFoundError:
        from sim._version import __version__

        return __version__


class DaskExecutor(_Base):
    """Runs items on Dask workers: a local cluster, or an existing one at `scheduler`.

    `scheduler=None` starts a `distributed.LocalCluster` of `workers` worker processes (default:
    one per CPU) with one thread each — the model is pure Python, so threads would queue on the
    interpreter lock. `scheduler="tcp://HOST:PORT"` connects to a running scheduler; its workers
    must have the same centre-sim version installed (checked on connecting). The connection is made
    on entering the `with` block (or on the first `map`); `timeout` seconds bound the wait for the
    scheduler and for a first worker. Closing stops a local cluster but never a remote one.
    """

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, *, timeout: float = 10.0
    ) -> None:
        if scheduler is not None:
            scheduler = check_scheduler_address(scheduler)
            if workers is not None:
                raise ValueError(
                    "workers: only for a local Dask cluster; the workers of a running "
                    "cluster are started with `dask worker`"
                )
        self.scheduler = scheduler
        self._n_local = check_workers(workers) if scheduler is None else None
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
            self._cluster = dd.LocalCluster(
                n_workers=self._n_local, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            self._client = dd.Client(self._cluster)
            return
        try:
            self._client = dd.Client(self.scheduler, timeout=self.timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorUnavailableError(
                f"cannot connect to the Dask scheduler at {self.scheduler} within "
                f"{self.timeout:g} s ({exc}); start one with `dask scheduler` and give its "
                "address, e.g. tcp://HOST:8786"
            ) from None
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
                f"start some with `dask worker {self.scheduler}`"
            ) from None
        try:
            versions: dict[str, str] = self._client.run(worker_version)
        except Exception as exc:
            raise ExecutorUnavailableError(
                f"the Dask workers at {self.scheduler} cannot run centre-sim ({exc!r}); install "
                "the same version of centre-sim on every worker machine"
            ) from None
        here = worker_version()
        wrong = {addr: v for addr, v in versions.items() if v != here}
        if wrong:
            addr, v = next(iter(wrong.items()))
            raise ExecutorUnavailableError(
                f"Dask worker {addr} runs centre-sim {v}, this machine {here}: install the same "
                f"version on every worker ({len(wrong)} of {len(versions)} differ)"
            )

    def map(self, fn: Callable[[T], R], items: Iterable[T], *, on_result: OnResult | None = None) -> list[R]:
        items = list(items)
        if not items:
            return []
        client = self.client
        [shared] = client.scatter([fn], broadcast=True, hash=False)
        futures = client.map(run_task, [shared] * len(items), items, pure=False)
        try:
            for fut in self._distributed.as_completed(futures):
                if fut.status == "error":
                    try:
                        fut.result()  # re-raises the worker's exception
                    except self._distributed.KilledWorker:  # its workers died running it
                        # A dying worker fails every task it held: all are suspects, as in loky.
                        lost = [items[i] for i, f in enumerate(futures) if f.status == "error"]
                        raise WorkerLostError(lost, "a Dask worker died each time it was tried") from None
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


__all__ = [
    "MAX_WORKERS",
    "DaskExecutor",
    "Executor",
    "ExecutorUnavailable",
    "ExecutorUnavailableError",
    "ProcessExecutor",
    "SerialExecutor",
    "WorkerLostError",
    "check_workers",
    "cpu_count",
    "run_task",
]
