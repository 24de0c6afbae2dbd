"""Benchmark of the optimiser on the bundled study (a benchmark, not a test: nothing here asserts a time).

In one run on one machine it runs the study as `python -m sim optimise` would (its own settings,
the local process executor) and prints:
  (a) the plans and their final states, the answer and the chosen plan;
  (b) replications spent by the sequential procedure, replications a fixed-n design would need for
      the same guarantee (every plan × the most replications any plan needed), and their ratio
      (goal ≤ 0.3);
  (c) the wall time of the whole study, stress re-run included (goal < 2 minutes on 2 cores);
  (d) the time of one replication of the study's base scenario against a minimal SimPy model of
      the same visits (the replication's own arrival times and counter times, replayed through one
      `simpy.Resource` with a counter per staff member: no fields, tickets, breaks or back office),
      and the ratio of their times (model / minimal: above 1 the model is slower) — what the
      model's detail costs per replication, measured in the same run. (bench_speed.py's ratio is
      the other way round, customers per second, on the model's M/M/c reduction.)

Usage: python benchmarks/bench_optimise.py [--study PATH] [--workers W] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiment.runner import Execution  # noqa: E402
from sim.model import simulate  # noqa: E402
from sim.model.output import EVENT_LOG_COLUMNS  # noqa: E402
from sim.optimiser.result import OptimiseResult  # noqa: E402
from sim.optimiser.search import optimise  # noqa: E402
from sim.optimiser.study import Study, load_study  # noqa: E402
from sim.scenario.errors import ScenarioError  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402

STUDY = ROOT / "scenarios" / "studies" / "dao_xa_staffing.toml"
GOAL_RATIO = 0.3
GOAL_WALL_S = 120.0
TIMING_REPEATS = 3


def visits(scenario: Scenario, seed: int) -> list[tuple[float, float]]:
    """(arrival, counter minutes) of every visit of replication 0, from the model's event log;
    visits that never reached a counter (look-ups, balking, leaving) hold it for 0 minutes."""
    log = simulate(scenario, seed, 0, event_log=True).event_log or []
    col = {name: k for k, name in enumerate(EVENT_LOG_COLUMNS)}
    out = []
    for row in log:
        arrival = float(row[col["arrival"]])
        service = float(row[col["service_end"]]) - float(row[col["service_start"]])
        out.append((arrival, service if math.isfinite(service) else 0.0))
    return sorted(out)


def minimal_simpy(arrivals: Sequence[tuple[float, float]], counters: int) -> float:
    """The reference: the same visits through a textbook SimPy queue. Returns seconds."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=counters)

    def visitor(service: float) -> Generator[Any, Any, None]:
        with desk.request() as req:
            yield req
            yield env.timeout(service)

    def source() -> Generator[Any, Any, None]:
        for arrival, service in arrivals:
            yield env.timeout(max(0.0, arrival - env.now))
            env.process(visitor(service))

    env.process(source())
    t0 = time.perf_counter()
    env.run()
    return time.perf_counter() - t0


def replication_ratio(study: Study) -> dict[str, Any]:
    """Best-of-3 seconds of one replication of the study's base against the minimal model."""
    base, seed = study.base, study.seed
    simulate(base, seed, 0)  # warm caches (calendar) outside the measurement
    model = min(_timed(base, seed, r) for r in range(TIMING_REPEATS))
    replay = visits(base, seed)
    reference = min(minimal_simpy(replay, len(base.staff)) for _ in range(TIMING_REPEATS))
    return {
        "scenario": base.name,
        "visits_per_replication": len(replay),
        "model_s": round(model, 4),
        "minimal_simpy_s": round(reference, 4),
        "time_ratio_model_to_minimal": round(model / reference, 1),
    }


def _timed(scenario: Scenario, seed: int, replication: int) -> float:
    t0 = time.perf_counter()
    simulate(scenario, seed, replication)
    return time.perf_counter() - t0


def run_study(study: Study, workers: int) -> dict[str, Any]:
    """The study end to end, and the figures of the issue's speed goals."""
    t0 = time.perf_counter()
    result = optimise(study, Execution(workers=workers))
    wall = time.perf_counter() - t0
    o = result.outcome
    chosen = result.chosen
    ratio = o.spent / result.fixed_design if result.fixed_design else math.nan
    return {
        "study": study.name,
        "plans": len(study.plans),
        "levers": {lv.id: len(lv.options) for lv in study.levers},
        "working_days_per_replication": _working_days(result),
        "constraints": [f"{c.kpi} {c.op} {c.threshold:g} ± {c.tolerance:g}" for c in study.constraints],
        "alpha": study.settings.alpha,
        "first_stage": study.settings.first_stage,
        "batch": study.settings.batch,
        "max_replications": study.settings.max_replications,
        "answer": o.answer,
        "chosen": None if chosen is None else f"{chosen.id}: {study.plan_title(chosen)}",
        "chosen_cost_vnd_per_month": None if chosen is None else round(chosen.cost),
        "states": dict(sorted(Counter(p.state for p in o.plans).items())),
        "rounds": o.rounds,
        "replications_sequential": o.spent,
        "replications_most_per_plan": o.max_used,
        "replications_fixed_design": result.fixed_design,
        "ratio_sequential_to_fixed": round(ratio, 3),
        "goal_ratio": GOAL_RATIO,
        "stress": None
        if result.stress is None
        else {"state": result.stress.state, "replications": result.stress.plan.replications},
        "replications_with_stress": result.spent,
        "wall_s": round(wall, 1),
        "goal_wall_s": GOAL_WALL_S,
        "seconds_per_replication_effective": round(wall * result.workers / result.spent, 4),
        "workers": result.workers,
    }


def _working_days(result: OptimiseResult) -> int | None:
    runs = next((outs for outs in result.outputs.values() if outs), ())
    return runs[0].working_days if runs else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", type=Path, default=STUDY, help="study file (default: the bundled one)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write the figures here")
    args = ap.parse_args()
    if args.workers < 1:
        ap.error("--workers: give a whole number ≥ 1")
    try:
        study = load_study(args.study)
    except ScenarioError as exc:
        ap.exit(2, f"{exc}\n")
    figures = run_study(study, args.workers)
    figures["meets_goal_ratio"] = figures["ratio_sequential_to_fixed"] <= GOAL_RATIO
    figures["meets_goal_wall"] = figures["wall_s"] < GOAL_WALL_S
    figures["one_replication"] = replication_ratio(study)
    figures["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" SimPy {simpy.__version__}"
    )
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
