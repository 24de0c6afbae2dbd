"""Results: the replication table, summaries, targets, and the results folder on disk.

Most tests use `fake_simulate`, a tiny stand-in with the model's signature, so that they test the
experiment layer alone and stay fast; the last tests run the real model when it is available.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiment import Execution
from sim.experiment import run as run_experiment
from sim.experiment.results import Results, kpi_order
from sim.model.output import EVENT_LOG_COLUMNS, WAIT_BINS, ReplicationOutput
from sim.scenario import Scenario, load_scenario, parse_scenario
from sim.scenario.kpis import KPIS
from sim.scenario.loader import read_toml

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "dao_xa_2025.toml"


def fake_simulate(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
) -> ReplicationOutput:
    """A pure function of (scenario, seed, replication) shaped like `sim.model.simulate`."""
    rng = np.random.default_rng([seed, replication])
    waits = rng.exponential(6.0, size=200)
    hist = np.zeros(WAIT_BINS + 1, dtype=np.int64)
    np.add.at(hist, np.minimum((waits / 0.1).astype(int), WAIT_BINS), 1)
    kpis = {
        "visitors_arrived": float(rng.poisson(2000)),
        "wait_mean_min": float(waits.mean()),
        "wait_p90_min": float(np.quantile(waits, 0.9)),
        "wait_within_target": float(np.mean(waits <= 15.0)),
        "ticket_machine_utilisation": float(rng.uniform(0.05, 0.1)),
        # a field with no visitors in odd replications: NaN must be dropped per KPI
        "wait_mean_min.land": math.nan if replication % 2 else float(rng.uniform(5, 10)),
    }
    for member in scenario.staff:
        kpis[f"staff_utilisation.{member.id}"] = float(rng.uniform(0.3, 0.9))
    hours = np.zeros(24)
    hours[7:11] = 1.0
    log = None
    if event_log:
        log = [
            (
                v,
                0,
                "submit",
                "land",
                0,
                420.0 + v,
                420.5 + v,
                math.nan,
                math.nan,
                math.nan,
                "served",
                "spec_land",
            )
            for v in range(3)
        ]
    return ReplicationOutput(
        replication=replication,
        kpis=kpis,
        working_days=3,
        wait_histogram=hist,
        hourly_wait_sum=hours * 30.0,
        hourly_wait_count=hours * 5,
        hourly_queue_area=hours * 40.0,
        event_log=log,
    )


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(BUNDLED)


@pytest.fixture(scope="module")
def results(scenario: Scenario) -> Results:
    from sim.api import with_plots

    return with_plots(
        run_experiment(
            scenario, replications=5, seed=11, simulate=fake_simulate, execution=Execution(workers=1)
        )
    )


def test_replication_table_columns_and_rows(results: Results, scenario: Scenario) -> None:
    frame = results.replications
    assert list(frame["replication"]) == [0, 1, 2, 3, 4]
    cols = list(frame.columns)
    assert cols[0] == "replication"
    headline = [c for c in cols[1:] if c in KPIS]
    assert headline == [k for k in KPIS if k in headline]
    dotted = cols[1 + len(headline) :]
    assert dotted == sorted(dotted) and all("." in c for c in dotted)
    assert len(dotted) == len(scenario.staff) + 1


def test_kpi_order_puts_headline_first() -> None:
    assert kpi_order({"b.x", "wait_mean_min", "visitors_arrived", "a.y"}) == [
        "visitors_arrived",
        "wait_mean_min",
        "a.y",
        "b.x",
    ]


def test_summary_drops_nan_replications(results: Results) -> None:
    land = results.summary["wait_mean_min.land"]
    assert land["n"] == 3  # replications 0, 2, 4
    assert results.summary["wait_mean_min"]["n"] == 5
    expected = results.replications["wait_mean_min.land"].dropna().mean()
    assert land["mean"] == pytest.approx(expected)


def test_targets_carry_rule_interval_and_verdict(results: Results, scenario: Scenario) -> None:
    assert [t["kpi"] for t in results.targets] == [r.kpi for r in scenario.targets.rules]
    for t in results.targets:
        assert set(t) == {"kpi", "op", "value", "label", "mean", "ci_low", "ci_high", "verdict"}
        assert t["verdict"] in {"met", "not met", "undecided"}
    # fake waits are exponential with mean 6: p90 ≈ 13.8 and P(wait ≤ 15) ≈ 0.92
    assert results.targets[0]["ci_low"] < 15.0


@pytest.mark.slow
def test_save_writes_every_file(results: Results, tmp_path: Path) -> None:
    folder = results.save(tmp_path / "run")
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert names == {
        "scenario.toml",
        "meta.json",
        "summary.json",
        "replications.csv",
        "plots/wait_distribution.png",
        "plots/wait_by_hour.png",
        "plots/queue_by_hour.png",
        "plots/utilisation.png",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temporary folder left behind
    for png in (folder / "plots").iterdir():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_summary_json_structure(results: Results, tmp_path: Path) -> None:
    doc = json.loads((results.save(tmp_path / "run") / "summary.json").read_text("utf-8"))
    assert set(doc) == {
        "scenario",
        "replications",
        "seed",
        "back_office_start",
        "kpis",
        "targets",
        "warnings",
    }
    assert doc["warnings"] == []  # present even when empty
    assert (doc["scenario"], doc["replications"], doc["seed"]) == ("dao_xa_2025", 5, 11)
    assert list(doc["kpis"]) == list(results.replications.columns[1:])
    for entry in doc["kpis"].values():
        assert set(entry) == {"mean", "ci_low", "ci_high", "n"}
    assert doc["targets"][0]["kpi"] == "wait_p90_min"
    assert doc["kpis"]["wait_mean_min"]["mean"] == pytest.approx(results.summary["wait_mean_min"]["mean"])


@pytest.mark.slow
def test_meta_json_records_how_it_was_made(results: Results, tmp_path: Path) -> None:
    meta = json.loads((results.save(tmp_path / "run") / "meta.json").read_text("utf-8"))
    assert meta["seed"] == 11 and meta["replications"] == 5 and meta["workers"] == 1
    assert meta["version"] == sim.__version__
    assert set(meta["libraries"]) >= {"simpy", "numpy", "scipy", "pandas", "matplotlib", "pydantic"}
    assert isinstance(meta["command_line"], list)
    assert meta["wall_time_s"] >= 0


@pytest.mark.slow
def test_saved_scenario_reloads_equal_with_the_run_actually_made(results: Results, tmp_path: Path) -> None:
    folder = results.save(tmp_path / "run")
    again = load_scenario(folder / "scenario.toml")
    assert again == results.scenario
    assert (again.run.replications, again.run.seed) == (5, 11)


def test_replications_csv_is_byte_identical_across_saves_and_runs(
    results: Results, scenario: Scenario, tmp_path: Path
) -> None:
    first = (results.save(tmp_path / "a") / "replications.csv").read_bytes()
    rerun = run_experiment(
        scenario, replications=5, seed=11, simulate=fake_simulate, execution=Execution(workers=1)
    )
    second = (rerun.save(tmp_path / "b") / "replications.csv").read_bytes()
    assert first == second
    back = pd.read_csv(tmp_path / "a" / "replications.csv")
    pd.testing.assert_frame_equal(back, results.replications, check_exact=True)


def test_save_refuses_an_existing_folder_and_leaves_it_alone(results: Results, tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="already exists"):
        results.save(folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_failed_save_leaves_nothing(scenario: Scenario, tmp_path: Path) -> None:
    def broken_writer(_results: object, _folder: Path) -> None:
        raise RuntimeError("plotting failed")

    res = run_experiment(
        scenario, replications=2, seed=1, simulate=fake_simulate, execution=Execution(workers=1)
    )
    res.writers = (broken_writer,)
    with pytest.raises(RuntimeError, match="plotting failed"):
        res.save(tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_experiment_layer_save_writes_data_only(scenario: Scenario, tmp_path: Path) -> None:
    res = run_experiment(
        scenario, replications=2, seed=1, simulate=fake_simulate, execution=Execution(workers=1)
    )
    folder = res.save(tmp_path / "run")
    assert not (folder / "plots").exists()
    assert (folder / "summary.json").exists()


def test_event_log_csv_has_a_replication_column(scenario: Scenario, tmp_path: Path) -> None:
    res = run_experiment(
        scenario,
        replications=2,
        seed=1,
        event_log=True,
        simulate=fake_simulate,
        execution=Execution(workers=1),
    )
    assert res.scenario.run.event_log is True
    folder = res.save(tmp_path / "run")
    log = pd.read_csv(folder / "event_log.csv")
    assert list(log.columns) == ["replication", *EVENT_LOG_COLUMNS]
    assert list(log["replication"]) == [0, 0, 0, 1, 1, 1]
    assert log["call"].isna().all()


def test_no_event_log_file_unless_asked(results: Results, tmp_path: Path) -> None:
    assert not (results.save(tmp_path / "run") / "event_log.csv").exists()


def test_runner_rejects_bad_arguments(scenario: Scenario) -> None:
    for kwargs in (
        {"replications": 0},
        {"seed": -1},
        {"execution": Execution(workers=0)},
        {"replications": 2.5},
    ):
        with pytest.raises(ValueError, match="must be"):
            run_experiment(scenario, simulate=fake_simulate, **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_sequential_equals_parallel_with_a_fake_model(scenario: Scenario) -> None:
    one = run_experiment(
        scenario, replications=4, seed=7, simulate=fake_simulate, execution=Execution(workers=1)
    )
    two = run_experiment(
        scenario, replications=4, seed=7, simulate=fake_simulate, execution=Execution(workers=2)
    )
    assert two.workers == 2
    assert one.replications.equals(two.replications)
    assert all(
        np.array_equal(a.wait_histogram, b.wait_histogram)
        for a, b in zip(one.outputs, two.outputs, strict=True)
    )


@pytest.mark.slow
@pytest.mark.parametrize(("pool_min_seconds", "expected_workers"), [(math.inf, 1), (0.0, 2)])
def test_default_workers_start_a_pool_only_when_worth_it(
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    pool_min_seconds: float,
    expected_workers: int,
) -> None:
    from sim.experiment import executors, runner

    monkeypatch.setattr(runner, "POOL_MIN_SECONDS", pool_min_seconds)
    monkeypatch.setattr(executors, "cpu_count", lambda: 2)
    auto = run_experiment(scenario, replications=4, seed=7, simulate=fake_simulate)
    assert auto.workers == expected_workers
    one = run_experiment(
        scenario, replications=4, seed=7, simulate=fake_simulate, execution=Execution(workers=1)
    )
    assert auto.replications.equals(one.replications)


# ----- with the real model -------------------------------------------------------------------


def _short_scenario() -> Scenario:
    data = read_toml(BUNDLED)
    data["calendar"]["end"] = data["calendar"]["start"].replace(day=4)  # 1–4 July 2025: 4 days
    return parse_scenario(data, "short")


@pytest.fixture(scope="module")
def model() -> None:
    from sim.model import simulate  # noqa: F401  (the model must import: a failure, not a skip)


@pytest.mark.slow
@pytest.mark.usefixtures("model")
def test_sequential_equals_parallel_with_the_model() -> None:
    short = _short_scenario()
    one = sim.run(short, replications=4, seed=7, workers=1)
    two = sim.run(short, replications=4, seed=7, workers=2)
    assert one.replications.equals(two.replications)
    assert one.summary.keys() == two.summary.keys()


@pytest.mark.slow
@pytest.mark.usefixtures("model")
def test_real_model_results_save(tmp_path: Path) -> None:
    res = sim.run(_short_scenario(), replications=2, seed=3, workers=1, event_log=True)
    folder = res.save(tmp_path / "run")
    for name in (
        "scenario.toml",
        "meta.json",
        "summary.json",
        "replications.csv",
        "event_log.csv",
        "plots/utilisation.png",
    ):
        assert (folder / name).is_file(), name
    with (folder / "scenario.toml").open("rb") as fh:
        assert tomllib.load(fh)["run"]["replications"] == 2
    frame = pd.read_csv(folder / "replications.csv")
    assert len(frame) == 2
    assert all(f"staff_utilisation.{m.id}" in frame.columns for m in res.scenario.staff)


# ----- results folders that cannot be made, and leftovers of killed writers -----------------------


def _dead_pid() -> int:
    """The pid of a process that has ended (the kernel does not reuse it this soon)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(proc.stdout)


@pytest.mark.slow
def test_a_killed_writers_leftover_is_removed_by_the_next_save(
    results: Results, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stale = tmp_path / f".old.partial-{_dead_pid()}-0123abcd"
    live = tmp_path / f".other.partial-{os.getpid()}-89abcdef"  # a writer still at work
    for folder in (stale, live):
        (folder / "plots").mkdir(parents=True)
        (folder / "replications.csv").write_text("half", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="sim.experiment.folders"):
        results.save(tmp_path / "new")
    assert not stale.exists() and live.exists() and (tmp_path / "new" / "meta.json").exists()
    assert [r.getMessage() for r in caplog.records] == [
        f"note: removed {stale}, an unfinished results folder left by an interrupted run "
        f"(process {stale.name.split('-')[1]})"
    ]


@pytest.mark.parametrize("kind", ["name too long", "inside a file", "deep and too long"])
def test_out_folders_that_cannot_be_made_give_one_line_and_leave_nothing(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim import cli

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    out = {
        "name too long": tmp_path / ("r" * 300),
        "inside a file": tmp_path / "a-file" / "res",
        "deep and too long": tmp_path / "new" / "deeper" / ("r" * 300),
    }[kind]
    code = cli.main(["run", str(BUNDLED), "--out", str(out), "--replications", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --out: "), err
    assert ("file name too long" if "long" in kind else "is not a folder") in lines[0]
    assert "choose a folder that can be created" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.slow
def test_a_save_that_fails_removes_the_parents_it_made(results: Results, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="too long"):
        results.save(tmp_path / "new" / "deeper" / ("r" * 300))
    assert list(tmp_path.iterdir()) == []
