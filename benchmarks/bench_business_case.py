"""Benchmark of a business case (a benchmark, not a test: nothing here asserts a time).

One bundled case (default: the self-service kiosk) over the Đào Xá 2025 window (40 working days),
with the command's defaults — the base's `[run] replications`, 10,000 Monte Carlo draws — on one
pool of 2 worker processes, timed in its parts: the base and option runs (common random numbers),
the Monte Carlo, the switching values and, with `--sensitivity`, the one-at-a-time sweep of every
ranged estimate of the base (each end runs base and option again). The reference in the same run
is one replication of the base replayed through a minimal hand-written SimPy queue
(`bench_optimise.minimal_simpy`), so the figures can be read as ratios on any machine. Prints JSON.

Usage: python benchmarks/bench_business_case.py [--case kiosk] [--replications N] [--draws N]
       [--workers W] [--sensitivity]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_optimise import minimal_simpy, visits  # noqa: E402

from sim.business.case import benefits, central_case_npv, sweep_estimates, with_estimates  # noqa: E402
from sim.business.montecarlo import option_costs, simulate_npv, switching_values  # noqa: E402
from sim.decide.compare import CompareOptions, compare  # noqa: E402
from sim.experiment.executors import ProcessExecutor  # noqa: E402
from sim.model import simulate  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402
from sim.scenario.calendar import working_days  # noqa: E402
from sim.scenario.costs import load_costs  # noqa: E402

SCENARIOS = ROOT / "scenarios"
CASES = {
    "ticket_machine": "dao_xa_2025_two_ticket_machines",
    "kiosk": "dao_xa_2025_kiosk",
    "specialist": "dao_xa_2025_staff_8",
    "saturday": "dao_xa_2025_saturday_morning",
}
GOAL_WITH_SENSITIVITY_S = 120.0
"""Issue 11: a case with --sensitivity over ~10 ranged estimates, 40-day window, 2 cores."""
T = TypeVar("T")


def timed(f: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    out = f()
    return out, round(time.perf_counter() - t0, 3)


def reference(base: Scenario) -> dict[str, float]:
    """Best-of-3 seconds of one base replication, and of the same visits in a minimal SimPy queue."""
    seed = base.run.seed
    simulate(base, seed, 0)  # warm caches outside the measurement
    model = min(timed(lambda r=r: simulate(base, seed, r))[1] for r in range(3))  # type: ignore[misc]
    replay = visits(base, seed)
    minimal = min(minimal_simpy(replay, len(base.staff)) for _ in range(3))
    return {"model_replication_s": model, "minimal_simpy_replication_s": round(minimal, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=sorted(CASES), default="kiosk")
    ap.add_argument("--replications", type=int, default=None, help="default: the base's [run] replications")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sensitivity", action="store_true", help="also time the one-at-a-time sweep")
    args = ap.parse_args()
    base = load_scenario(SCENARIOS / "dao_xa_2025.toml")
    option = load_scenario(SCENARIOS / f"{CASES[args.case]}.toml")
    costs = load_costs(SCENARIOS / "costs" / f"dao_xa_{args.case}.toml")
    n = base.run.replications if args.replications is None else args.replications
    seed = base.run.seed
    ref = reference(base)
    out: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "case": args.case,
        "working_days": len(working_days(base.calendar)),
        "replications_each": n,
        "draws": args.draws,
        "workers": args.workers,
        **ref,
    }
    with ProcessExecutor(args.workers) as pool:
        options = CompareOptions(seed=seed, executor=pool)
        comparison, out["runs_s"] = timed(lambda: compare(base, [option], n, None, options))
        lines, priced = benefits(comparison, costs), option_costs(costs)
        mc, out["monte_carlo_s"] = timed(
            lambda: simulate_npv(lines, priced, costs.years, costs.discount_rate, draws=args.draws, seed=seed)
        )
        _, out["switching_values_s"] = timed(
            lambda: switching_values(lines, priced, costs.years, costs.discount_rate)
        )
        out["answer"] = {"p_pays_off": mc.p_positive, "npv_mean": round(mc.mean), "npv_p05": round(mc.p05)}
        total = out["runs_s"] + out["monte_carlo_s"] + out["switching_values_s"]
        if args.sensitivity:

            def run_pair(b: Scenario, o: Scenario) -> Any:
                return compare(b, [o], n, None, options)

            central = central_case_npv(comparison, costs)
            sweep, out["sensitivity_s"] = timed(
                lambda: sweep_estimates(base, option, costs, run_pair, central)
            )
            _, out["estimates_monte_carlo_s"] = timed(lambda: with_estimates(mc, sweep))
            out["ranged_estimates"] = len(sweep.bars)
            total += out["sensitivity_s"] + out["estimates_monte_carlo_s"]
            out["goal_with_sensitivity_s"] = GOAL_WITH_SENSITIVITY_S
    out["total_s"] = round(total, 2)
    out["runs_in_minimal_replications"] = round(out["runs_s"] / ref["minimal_simpy_replication_s"], 1)
    out["total_in_minimal_replications"] = round(total / ref["minimal_simpy_replication_s"], 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
