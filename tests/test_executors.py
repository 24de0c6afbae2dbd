"""Executors: serial, local processes and Dask give the same results, in input order.

The Dask tests start one local cluster of two worker processes for the module (a few seconds) and
are skipped when Dask is not installed; the test for the missing-Dask message runs either way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest
from helpers import DAO_XA

from sim.experiment import Execution, executors
from sim.experiment import run as run_experiment
from sim.experiment.executors import (
    MAX_WORKERS,
    DaskExecutor,
    Executor,
    ExecutorUnavailableError,
    ProcessExecutor,
    SerialExecutor,
    WorkerLostError,
    check_scheduler_address,
)
from sim.experiment.results import Results
from sim.experiment.runner import resolve_workers
from sim.scenario import Scenario
from sim.scenario.loader import parse_scenario, read_document

SEED = 20250707
REPS = 6


def slow_square(x: int) -> int:
    """Early items finish last (a few ms each), so completion order is not input order."""
    time.sleep(0.002 * (10 - x % 10))
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("item 3 is bad")
    return x


@pytest.fixture(scope="module")
def week() -> Scenario:
    """Đào Xá 2025 cut to its first working week (1–7 July 2025)."""
    data = read_document(DAO_XA)
    data["calendar"]["end"] = dt.date(2025, 7, 7)
    return parse_scenario(data, "dao_xa_2025 first week")


@pytest.fixture(scope="module")
def serial_results(week: Scenario) -> Results:
    return run_experiment(week, replications=REPS, seed=SEED, execution=Execution(workers=1))


@pytest.fixture(scope="module")
def dask_local() -> Iterator[DaskExecutor]:
    import distributed  # noqa: F401  (a test extra: missing means a broken install, not a skip)

    with DaskExecutor(workers=2) as ex:
        yield ex


def assert_same(a: Results, b: Results) -> None:
    assert list(a.replications["replication"]) == list(range(REPS))
    assert a.replications.equals(b.replications)
    for x, y in zip(a.outputs, b.outputs, strict=True):
        assert np.array_equal(x.wait_histogram, y.wait_histogram)
        assert np.array_equal(x.hourly_queue_area, y.hourly_queue_area)


# ----- every executor --------------------------------------------------------------------------


def test_serial_executor_keeps_order_and_reports_progress() -> None:
    ticks: list[int] = []
    with SerialExecutor() as ex:
        assert isinstance(ex, Executor)
        assert ex.map(slow_square, range(5), on_result=lambda: ticks.append(1)) == [0, 1, 4, 9, 16]
        assert ex.map(slow_square, []) == []
    assert len(ticks) == 5 and ex.workers == 1


@pytest.mark.slow
def test_process_executor_keeps_order_across_maps() -> None:
    ticks: list[int] = []
    with ProcessExecutor(2) as ex:
        assert isinstance(ex, Executor) and ex.workers == 2
        items = list(range(12))
        assert ex.map(slow_square, items, on_result=lambda: ticks.append(1)) == [x * x for x in items]
        # the same pool runs a second function (the worker's cached function is replaced)
        assert ex.map(fail_on_three, [5, 4]) == [5, 4]
        with pytest.raises(ValueError, match="item 3 is bad"):
            ex.map(fail_on_three, range(6))
        assert ex.map(slow_square, [3]) == [9]  # still usable after a task failed
    assert len(ticks) == 12


def test_process_executor_rejects_bad_worker_counts() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="workers: must be a positive integer"):
            ProcessExecutor(bad)  # type: ignore[arg-type]


def test_runner_takes_an_executor_or_workers_not_both(week: Scenario) -> None:
    with pytest.raises(ValueError, match="not both"):
        run_experiment(week, replications=2, execution=Execution(workers=2, executor=SerialExecutor()))


@pytest.mark.slow
def test_serial_and_process_executors_give_identical_results(week: Scenario, serial_results: Results) -> None:
    with SerialExecutor() as ex:
        assert_same(
            serial_results,
            run_experiment(week, replications=REPS, seed=SEED, execution=Execution(executor=ex)),
        )
    with ProcessExecutor(2) as ex:
        pooled = run_experiment(week, replications=REPS, seed=SEED, execution=Execution(executor=ex))
        assert pooled.workers == 2
        assert_same(serial_results, pooled)
        # a later part of the same run on the same pool: replications 4 and 5 again
        part = run_experiment(
            week, replications=2, seed=SEED, first_replication=4, execution=Execution(executor=ex)
        )
        assert part.replications.drop(columns="replication").equals(
            serial_results.replications.iloc[4:].reset_index(drop=True).drop(columns="replication")
        )


# ----- Dask ------------------------------------------------------------------------------------


def test_missing_dask_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    with pytest.raises(ExecutorUnavailableError, match=r"Dask is not installed: pip install -e '\.\[dask\]'"):
        DaskExecutor()
    with pytest.raises(ExecutorUnavailableError, match="Dask is not installed"):
        DaskExecutor("tcp://127.0.0.1:8786")


def test_dask_executor_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="workers: only for a local Dask cluster"):
        DaskExecutor("tcp://127.0.0.1:8786", workers=2)
    with pytest.raises(ValueError, match="scheduler: must be an address"):
        DaskExecutor("  ")


@pytest.mark.slow
def test_local_dask_cluster_gives_identical_results(
    week: Scenario, serial_results: Results, dask_local: DaskExecutor
) -> None:
    assert isinstance(dask_local, Executor)
    on_dask = run_experiment(week, replications=REPS, seed=SEED, execution=Execution(executor=dask_local))
    assert on_dask.workers == 2
    assert_same(serial_results, on_dask)


@pytest.mark.slow
def test_dask_executor_keeps_order_and_reports_progress(dask_local: DaskExecutor) -> None:
    ticks: list[int] = []
    items = list(range(20, 0, -1))
    assert dask_local.map(abs, [-x for x in items], on_result=lambda: ticks.append(1)) == items
    assert dask_local.map(abs, []) == []
    assert len(ticks) == len(items)


@pytest.mark.slow
def test_dask_worker_errors_reach_the_caller(dask_local: DaskExecutor) -> None:
    with pytest.raises(ZeroDivisionError):
        dask_local.map((1).__truediv__, [1, 0, 2])
    assert dask_local.map(abs, [-1]) == [1]  # the cluster is still usable


@pytest.mark.slow
def test_connecting_to_a_running_scheduler_by_address(
    week: Scenario, serial_results: Results, dask_local: DaskExecutor
) -> None:
    address = dask_local.client.scheduler.address  # e.g. tcp://127.0.0.1:41235
    with DaskExecutor(address) as remote:
        assert_same(
            serial_results,
            run_experiment(week, replications=REPS, seed=SEED, execution=Execution(executor=remote)),
        )
    assert dask_local.map(abs, [-2]) == [2]  # closing the client left the cluster running


@pytest.mark.slow
def test_unreachable_scheduler_gives_a_clear_message() -> None:
    import distributed  # noqa: F401  (a test extra: missing means a broken install, not a skip)

    with (
        pytest.raises(
            ExecutorUnavailableError,
            match="cannot connect to the Dask scheduler at "
            r"tcp://127\.0\.0\.1:9",
        ),
        DaskExecutor("tcp://127.0.0.1:9", timeout=1.0),
    ):
        pass


# ----- worker counts, lost workers, scheduler addresses ------------------------------------------


def kill_self_on_three(x: int) -> int:
    """Item 3 kills its own worker process, as the OOM killer or a user would."""
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return x


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this machine has 2 CPUs, whatever it has."""
    monkeypatch.setattr(executors, "cpu_count", lambda: 2)


@pytest.mark.usefixtures("two_cpus")
def test_worker_counts_are_capped_at_the_cpus_and_absurd_ones_refused() -> None:
    with pytest.warns(UserWarning, match="workers=5 is more than this machine's 2 CPUs; using 2"):
        assert ProcessExecutor(5).workers == 2
    with pytest.warns(UserWarning, match="using 2"):
        assert resolve_workers(10, replications=50) == 2
    assert resolve_workers(None, replications=50) == 2
    for bad in (MAX_WORKERS + 1, 10_000):
        with pytest.raises(ValueError, match=f"workers: must be at most {MAX_WORKERS}, got {bad}"):
            ProcessExecutor(bad)
        with pytest.raises(ValueError, match=f"must be at most {MAX_WORKERS}"):
            run_experiment(Scenario.model_construct(), replications=5, execution=Execution(workers=bad))


@pytest.mark.usefixtures("two_cpus")
def test_a_local_dask_cluster_is_capped_too() -> None:
    import distributed  # noqa: F401  (a test extra: missing means a broken install, not a skip)

    with pytest.warns(UserWarning, match="using 2"):
        assert DaskExecutor(workers=3)._n_local == 2  # nothing started yet
    with pytest.raises(ValueError, match=f"must be at most {MAX_WORKERS}"):
        DaskExecutor(workers=10_000)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_worker_is_named_and_the_pool_recovers() -> None:
    with ProcessExecutor(2) as ex:
        with pytest.raises(
            WorkerLostError,
            match=r"a worker process ended unexpectedly "
            r"\(killed by signal SIGKILL\)",
        ) as info:
            ex.map(kill_self_on_three, range(8))
        assert 3 in info.value.items and len(info.value.items) <= 2
        assert ex.map(abs, [-1, -2]) == [1, 2]  # a new pool replaces the broken one


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("tcp://", "has no host"),
        ("tcp://127.0.0.1:abc", "has no valid port"),
        ("tcp://127.0.0.1:0", "has no valid port"),
        ("tcp://127.0.0.1:70000", "has no valid port"),
        ("tcp://127.0.0.1", "has no valid port"),
        ("127.0.0.1:8786", "has no scheme"),
        ("tls://127.0.0.1:8786", "tls:// needs client certificates"),
        ("inproc://192.168.1.2/1234/5", "inproc:// reaches only a scheduler inside this process"),
        ("ws://127.0.0.1:8786", "unknown scheme"),
        ("tcp://127.0.0.1:8786/x", "more than a host and a port"),
    ],
)
def test_scheduler_addresses_are_checked(address: str, needle: str) -> None:
    with pytest.raises(ValueError, match=re.escape(needle) + ".*give tcp://HOST:PORT"):
        check_scheduler_address(address)


def test_good_scheduler_addresses_pass() -> None:
    for address in ("tcp://127.0.0.1:8786", " tcp://scheduler.local:1 ", "tcp://[::1]:65535"):
        assert check_scheduler_address(address) == address.strip()


@pytest.mark.slow
def test_a_dask_task_whose_workers_die_names_its_item() -> None:
    """Dask gives up on a task after its workers die (`KilledWorker`); that is the same one-line
    lost-worker error as the process pool's, naming the item."""
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        DaskExecutor(workers=1) as ex,
        pytest.raises(WorkerLostError) as lost,
    ):
        ex.map(lambda x: os._exit(1), [7])
    assert str(lost.value) == (
        "item 7: a worker process ended unexpectedly (a Dask worker died "
        "each time it was tried) while running it"
    )
