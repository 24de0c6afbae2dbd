"""Running a study on the model: common random numbers, identical bytes whatever runs it, the
results folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_optimise_study import write_study

from sim.experiment.executors import DaskExecutor, SerialExecutor
from sim.experiment.runner import Execution
from sim.model import simulate
from sim.optimise.result import CHOSEN_DIR, STRESS_DIR, OptimiseResult
from sim.optimise.search import optimise
from sim.optimise.study import Study, load_study


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    return load_study(write_study(tmp_path_factory.mktemp("study")))


@pytest.fixture(scope="module")
def result(study: Study) -> OptimiseResult:
    return optimise(study, Execution(workers=1))


def test_every_plan_sees_the_same_visitors(study: Study, result: OptimiseResult) -> None:
    """CRN: replication r of every plan has the same arrivals (count and times), whatever its
    staff or machines, so the plans' differences are the plans', not the luck of the draw."""
    runs = {i: len(o) for i, o in result.outputs.items()}
    assert min(runs.values()) >= study.settings.first_stage
    arrived = {i: [o.kpis["visitors_arrived"] for o in outs] for i, outs in result.outputs.items()}
    n = min(runs.values())
    assert all(arrived[i][:n] == arrived[0][:n] for i in arrived)
    assert len(set(arrived[0][:n])) > 1  # and the replications differ from each other
    logs = [simulate(p.scenario, study.seed, 1, event_log=True).event_log for p in study.plans]
    # visitor, purpose, arrival
    times = [sorted((row[0], row[2], row[6]) for row in log or ()) for log in logs]
    assert times[0] and all(t == times[0] for t in times)


def test_same_seed_gives_identical_bytes_whatever_runs_it(
    study: Study, result: OptimiseResult, tmp_path: Path
) -> None:
    with SerialExecutor() as serial:
        again = optimise(study, Execution(executor=serial))
    pooled = optimise(study, Execution(workers=2))
    texts = []
    for k, r in enumerate((result, again, pooled)):
        folder = tmp_path / f"r{k}"
        folder.mkdir()
        r.write_files(folder)
        texts.append((folder / "candidates.csv").read_bytes())
    assert texts[0] == texts[1] == texts[2]
    assert pooled.workers == 2


@pytest.fixture(scope="module")
def dask_local() -> Iterator[DaskExecutor]:
    with DaskExecutor(workers=2) as ex:
        yield ex


@pytest.mark.slow
def test_dask_gives_the_same_table(study: Study, result: OptimiseResult, dask_local: DaskExecutor) -> None:
    on_dask = optimise(study, Execution(executor=dask_local))
    assert on_dask.rows() == result.rows()


def test_another_seed_gives_other_estimates(tmp_path: Path, result: OptimiseResult) -> None:
    other = optimise(load_study(write_study(tmp_path), seed=12345), Execution(workers=1))
    means = [r[10] for r in result.rows()]
    assert [r[10] for r in other.rows()] != means


def test_the_results_folder(result: OptimiseResult, tmp_path: Path) -> None:
    folder = result.save(tmp_path / "study-out")
    names = sorted(p.name for p in folder.iterdir())
    assert {"candidates.csv", "study.toml", "meta.json"} <= set(names)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["plans"] == 4 and meta["common_random_numbers"] is True
    assert meta["replications_spent"] == result.outcome.spent
    header = (folder / "candidates.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["candidate", "staff", "machines"]
    assert {"kpi", "mean", "ci_low", "ci_high", "state", "replications"} <= set(header)
    if result.chosen is not None:
        assert (folder / CHOSEN_DIR / "replications.csv").is_file()
        assert (folder / STRESS_DIR / "scenario.toml").is_file() == (result.stress is not None)
    with pytest.raises(FileExistsError):
        result.save(folder)
    # study.toml as run names its base by its full path: it loads again from the results folder
    # (with the base's folder as scenario root) and makes the same plans and settings
    assert result.study.base_path is not None
    again = load_study(folder / "study.toml", scenario_root=result.study.base_path.parent)
    assert [p.cost for p in again.plans] == [p.cost for p in result.study.plans]
    assert again.settings == result.study.settings and again.seed == result.study.seed


def test_table_rows_hold_each_constraint_and_the_objective(result: OptimiseResult) -> None:
    study = result.study
    rows = result.rows()
    assert len(rows) == len(study.plans) * (len(study.constraints) + 1)
    for i in range(len(study.plans)):
        values = result.outcome.plans[i].values["wait_within_target"]
        row = next(r for r in rows if r[0] == study.plans[i].id and r[5] == "wait_within_target")
        assert row[10] == pytest.approx(float(np.mean(values)))
