"""Faults around parallel runs, with real processes: plain scripts without a main guard, a parent
killed by SIGTERM or SIGKILL, a worker killed mid-run.

Worker processes are found through /proc (Linux); the waits are bounds that a healthy run meets
with a wide margin, never timed assertions.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomli_w
from helpers import DAO_XA, SUBPROCESS_ENV, dao_xa_data

from sim import cli
from sim.experiment import Execution, executors
from sim.experiment import run as run_experiment
from sim.scenario.loader import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
ENV = SUBPROCESS_ENV
WEEK_END = dt.date(2025, 7, 4)
SEED, REPS = 5, 4

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

# ----- a plain script, standard input, python -c --------------------------------------------------

STUDY = textwrap.dedent(f"""\
    import datetime as dt
    import sys

    import sim
    from sim.scenario.loader import parse_scenario, read_toml

    data = read_toml({str(DAO_XA)!r})
    data["calendar"]["end"] = dt.date(2025, 7, 4)
    results = sim.run(parse_scenario(data, "week"), replications={REPS}, seed={SEED}, workers=2)
    assert results.workers == 2, results.workers
    results.save(sys.argv[-1])
    """)
"""A study script as a user writes it: no `if __name__ == "__main__":` guard."""


@pytest.fixture(scope="module")
def serial_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    scenario = parse_scenario(dao_xa_data(end=WEEK_END), "week")
    folder = tmp_path_factory.mktemp("serial") / "res"
    run_experiment(scenario, replications=REPS, seed=SEED, execution=Execution(workers=1)).save(folder)
    return (folder / "replications.csv").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["script", "stdin", "-c"])
def test_parallel_runs_work_without_a_main_guard(how: str, tmp_path: Path, serial_csv: bytes) -> None:
    out = tmp_path / "res"
    if how == "script":
        script = tmp_path / "study.py"
        script.write_text(STUDY, encoding="utf-8")
        cmd, stdin = [sys.executable, str(script), str(out)], None
    elif how == "stdin":
        cmd, stdin = [sys.executable, "-", str(out)], STUDY
    else:
        cmd, stdin = [sys.executable, "-c", STUDY, str(out)], None
    proc = subprocess.run(
        cmd, input=stdin, cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "replications.csv").read_bytes() == serial_csv


# ----- killing the parent or a worker -------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Live (not zombie) child processes of `pid` that are pool workers, not resource trackers."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z" and b"resource_tracker" not in cmdline:
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for(condition: Callable[[], bool], bound_s: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `bound_s` (a bound, not a timing assertion)."""
    deadline = time.monotonic() + bound_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} after {bound_s:g} s")
        time.sleep(0.05)


LongRun = tuple[subprocess.Popen[bytes], list[int], Path, Path]
"""The run, its worker pids, its working folder, its stderr file."""


@pytest.fixture
def long_run(tmp_path: Path) -> Iterator[LongRun]:
    """`python -m sim run` with two workers and far more work than the test lets it finish, in
    `tmp_path / "work"`; its stderr goes to a file (orphaned workers holding a pipe would keep a
    test waiting for it)."""
    work, log = tmp_path / "work", tmp_path / "stderr.txt"
    work.mkdir()
    (tmp_path / "tmp").mkdir()  # the run's temporary folders, to check that none is left
    with log.open("w") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                "run",
                str(DAO_XA),
                "--workers",
                "2",
                "--replications",
                "2000",
                "--out",
                str(work / "res"),
                "-q",
            ],
            cwd=work,
            env={**ENV, "TMPDIR": str(tmp_path / "tmp")},
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_for(
            lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None,
            60,
            "the two workers did not start",
        )
        assert proc.poll() is None, log.read_text()
        yield proc, _children(proc.pid), work, log
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.mark.slow
@linux_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_end_with_their_parent(sig: signal.Signals, long_run: LongRun) -> None:
    proc, workers, work, log = long_run
    proc.send_signal(sig)
    proc.wait(timeout=60)
    _wait_for(lambda: not any(map(_alive, workers)), 10, f"workers {workers} still alive")
    assert list(work.iterdir()) == []  # nothing written, not even a hidden partial folder
    left = work.parent / "tmp"
    _wait_for(
        lambda: not list(left.glob("centre-sim-workers-*")), 10, "the pool's temporary folder is still there"
    )
    if sig == signal.SIGTERM:  # a clean interrupt: one line
        assert proc.returncode == 143, log.read_text()
        assert log.read_text().strip().splitlines() == ["terminated: nothing was written"]


@pytest.mark.slow
@linux_only
def test_a_worker_killed_mid_run_gives_one_line(long_run: LongRun) -> None:
    proc, workers, work, log = long_run
    os.kill(workers[0], signal.SIGKILL)
    proc.wait(timeout=60)
    stderr = log.read_text()
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert re.match(
        r"error: (replications? [\d, ]+|a replication): a worker process ended "
        r"unexpectedly \(killed by signal SIGKILL\) while running",
        lines[0],
    ), lines
    assert "nothing was written" in lines[0]
    assert list(work.iterdir()) == []
    _wait_for(lambda: not any(map(_alive, workers)), 10, f"workers {workers} still alive")


# ----- bad worker counts and scheduler addresses on the command line -----------------------------


@pytest.fixture
def week_file(tmp_path: Path) -> Path:
    path = tmp_path / "week.toml"
    path.write_text(tomli_w.dumps(dao_xa_data(end=WEEK_END)), encoding="utf-8")
    return path


def assert_one_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    "flags",
    [
        ["run", "{week}", "--workers", "10000"],
        ["run", "{week}", "--dask", "--workers", "10000"],
        ["compare", "{week}", "{week}", "--workers", "1025"],
        ["verify", "--quick", "--workers", "10000"],
    ],
)
def test_absurd_worker_counts_are_refused(
    flags: list[str], week_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [f.format(week=week_file) for f in flags]
    if flags[0] != "verify":
        argv += ["--out", str(tmp_path / "res")]
    code = cli.main(argv)
    assert_one_error(code, capsys.readouterr().err, "--workers: ", "is too many; give 1 to 1024")
    assert not (tmp_path / "res").exists()


def test_more_workers_than_cpus_are_lowered_with_one_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(executors, "cpu_count", lambda: 2)
    assert cli._workers_flag("64") == 2
    assert cli._workers_flag("2") == 2
    assert capsys.readouterr().err.splitlines() == [
        "note: --workers 64 is more than this machine's 2 CPUs; using 2"
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "address",
    [
        "tcp://127.0.0.1:1",
        "tcp://",
        "tcp://127.0.0.1:abc",
        "tls://127.0.0.1:8786",
        "inproc://192.168.0.2/1/2",
        "127.0.0.1:8786",
        "tcp://127.0.0.1:99999",
    ],
)
def test_bad_or_unreachable_schedulers_give_one_line(
    address: str,
    week_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import distributed  # noqa: F401  (a test extra: missing means a broken install, not a skip)

    monkeypatch.setattr(cli, "SCHEDULER_TIMEOUT_S", 1.0)  # port 1: nobody listens
    code = cli.main(["run", str(week_file), "--scheduler", address, "--out", str(tmp_path / "r")])
    needle = "cannot connect to the Dask scheduler" if address.endswith(":1") else "tcp://HOST:PORT"
    assert_one_error(code, capsys.readouterr().err, "--scheduler: ", needle)
    assert not (tmp_path / "r").exists()
