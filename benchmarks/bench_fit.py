"""Benchmark of `python -m sim fit` on a year of data (a benchmark, not a test: nothing here asserts a time).

Issue 12's speed goal: "Fitting a year of tickets (about 15,000 rows) and a year of dossiers should
take under 10 s on the 2-core machine". The data are a known truth: the bundled Đào Xá 2025
scenario over 2025-01-02..2025-12-31 with `visits_per_day` raised (default 67, from 58) so that
replication 0's ticket log has about 15,000 rows, exported with `sim.logs.export.write_logs`. Timed
separately, as `sim.fitting.fit.fit` runs them:

  read        both files read and checked, the base loaded (`sim.fitting.fit.read_inputs`);
  fit         everything after reading with `validate=False`: arrivals, shares, counter times,
              patience, staff, register, the new scenario's text, loaded and validated;
  validation  the validation step (`sim.fitting.validate`): the data's KPIs with a bootstrap over
              days, and 10 replications of the fitted scenario over the data's year on 2 workers.

The goal is judged on read + fit (what "fitting" means; the validation step runs the model and is
reported beside it). The reference in the same run, as in the project's other benchmarks
(`bench_business_case.py`), is one replication of the same year scenario and the same visits
replayed through a minimal hand-written SimPy queue (`bench_optimise.minimal_simpy`), so the
figures can be read as ratios on any machine. Prints JSON.

Usage: python benchmarks/bench_fit.py [--visits-per-day V] [--replications N] [--workers W]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_optimise import minimal_simpy, visits  # noqa: E402

import sim.fitting.fit as fitting  # noqa: E402
from sim.experiment.runner import Execution  # noqa: E402
from sim.fitting import validate as validation  # noqa: E402
from sim.fitting.arrivals import working_days  # noqa: E402
from sim.fitting.fit import FitRequest  # noqa: E402
from sim.logs.export import write_logs  # noqa: E402
from sim.model import simulate  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402

BASE = ROOT / "scenarios" / "dao_xa_2025.toml"
FIRST, LAST = dt.date(2025, 1, 2), dt.date(2025, 12, 31)
VISITS_PER_DAY = 67.0
"""Raised from the base's 58 so that a year's ticket log has about 15,000 rows (0.92 tickets per
visit over 250 working days)."""
GOAL_S = 10.0
"""Issue 12: a year of tickets (~15,000 rows) and of dossiers fitted in under 10 s on 2 cores."""
T = TypeVar("T")


def timed(f: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    out = f()
    return out, round(time.perf_counter() - t0, 3)


def year_scenario(visits_per_day: float) -> Scenario:
    """The bundled scenario over the benchmark's year, with the raised demand."""
    base = load_scenario(BASE)
    calendar = base.calendar.model_copy(update={"start": FIRST, "end": LAST})
    demand = base.demand.model_copy(update={"visits_per_day": visits_per_day})
    return base.model_copy(update={"calendar": calendar, "demand": demand})


def reference(scenario: Scenario) -> dict[str, float]:
    """Best-of-3 seconds of one replication of the year, and of its visits in a minimal SimPy queue."""
    seed = scenario.run.seed
    model = min(timed(lambda r=r: simulate(scenario, seed, r))[1] for r in range(3))  # type: ignore[misc]
    replay = visits(scenario, seed)
    minimal = min(minimal_simpy(replay, len(scenario.staff)) for _ in range(3))
    return {"model_replication_s": model, "minimal_simpy_replication_s": round(minimal, 4)}


def bench(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    truth = year_scenario(args.visits_per_day)
    output, simulate_s = timed(lambda: simulate(truth, truth.run.seed, 0, event_log=True))
    (tickets, dossiers), export_s = timed(lambda: write_logs(folder, output, truth))
    request = FitRequest(
        tickets=tickets, dossiers=dossiers, base=BASE, out=folder / "fitted.toml", validate=False
    )
    inputs, read_s = timed(lambda: fitting.read_inputs(request))
    log, register, base = inputs
    with mock.patch.object(fitting, "read_inputs", return_value=inputs):  # the fit proper: no reading
        fitted, fit_s = timed(lambda: fitting.fit(request))
    days = working_days(base, log.source.first_day, log.source.last_day)
    threshold = fitted.scenario.targets.wait_threshold_min

    def validate() -> tuple[Any, ...]:
        data = validation.data_kpis(log, register, days, threshold)
        model = validation.model_kpis(
            fitted.scenario,
            days,
            threshold,
            with_register=True,
            replications=args.replications,
            execution=Execution(workers=args.workers),
        )
        return validation.checks(data, model)

    checks, validation_s = timed(validate)
    ref = reference(truth)
    minimal = ref["minimal_simpy_replication_s"]
    fitting_s = round(read_s + fit_s, 3)
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "period": f"{FIRST.isoformat()}..{LAST.isoformat()}",
        "working_days": len(days),
        "visits_per_day": args.visits_per_day,
        "ticket_rows": len(log.frame),
        "dossier_rows": len(register.frame) if register is not None else 0,
        "time_resolution": log.source.time_resolution,
        "simulate_truth_s": simulate_s,
        "export_s": export_s,
        "read_s": read_s,
        "fit_s": fit_s,
        "fitting_s": fitting_s,
        "validation_replications": args.replications,
        "validation_workers": args.workers,
        "validation_s": validation_s,
        "validation_agree": f"{sum(c.agree for c in checks)} of {len(checks)} KPIs",
        "fitting_and_validation_s": round(fitting_s + validation_s, 3),
        **ref,
        "fitting_in_model_replications": round(fitting_s / ref["model_replication_s"], 1),
        "fitting_in_minimal_replications": round(fitting_s / minimal, 1),
        "validation_in_minimal_replications": round(validation_s / minimal, 1),
        "goal_fitting_s": GOAL_S,
        "goal_met": fitting_s < GOAL_S,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits-per-day", type=float, default=VISITS_PER_DAY)
    ap.add_argument("--replications", type=int, default=validation.VALIDATION_REPLICATIONS)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fit-") as folder:
        out = bench(Path(folder), args)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
