"""Benchmark of a planner's comparison (a benchmark, not a test: nothing here asserts a time).

Compares 8 scenarios — the Đào Xá 2025 base and 7 variants from `scenarios/` — with 100
replications each over the 2025 window (40 working days), with the local process executor, once
with 1 worker and once with 2, and prints the wall times and the speed-up.

Usage: python benchmarks/bench_compare.py [--replications N] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.decide.compare import CompareOptions, compare  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

VARIANTS = (
    "dao_xa_2025_staff_6",
    "dao_xa_2025_staff_8",
    "dao_xa_2025_two_ticket_machines",
    "dao_xa_2025_saturday_morning",
    "dao_xa_2025_support_none",
    "dao_xa_2025_surge",
    "dao_xa_2025_priority_interleaved",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=100)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    base = load_scenario(ROOT / "scenarios" / "dao_xa_2025.toml")
    alternatives = [load_scenario(ROOT / "scenarios" / f"{name}.toml") for name in VARIANTS]
    times: dict[str, float] = {}
    tables = []
    for w in args.workers:
        t0 = time.perf_counter()
        result = compare(base, alternatives, args.replications, options=CompareOptions(seed=1, workers=w))
        times[str(w)] = round(time.perf_counter() - t0, 2)
        tables.append(result.table())
    same = all(t.equals(tables[0]) for t in tables[1:])
    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "scenarios": 1 + len(alternatives),
        "replications_each": args.replications,
        "working_days_each": 40,
        "wall_seconds_by_workers": times,
        "speed_up": round(times[str(args.workers[0])] / times[str(args.workers[-1])], 2)
        if len(args.workers) > 1
        else None,
        "identical_results_across_workers": same,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
