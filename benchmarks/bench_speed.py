"""Speed and memory benchmark (a benchmark, not a test: nothing here asserts a time).

In one run on one machine it measures:
  (a) the model reduced to M/M/c (one field, c identical staff, exponential times, no ticket
      machine, no breaks) — customers served per second;
  (b) a minimal hand-written SimPy M/M/c with the same parameters (one process per customer and a
      `simpy.Resource`, the usual textbook code) — customers per second; and the ratio a/b;
  (c) seconds per simulated year of the Đào Xá scenario per replication (2025-01-01..2025-12-31);
  (d) peak memory (max RSS) of a 100-replication run of the bundled Đào Xá scenario, and the
      peak traced memory of one replication over a 1-year and a 4-year window (flat = streaming).

The Đào Xá scenario includes the back office (dossiers, due dates, sign-off).

Usage: python benchmarks/bench_speed.py [--customers N] [--repeats R] [--skip-memory]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.model import simulate  # noqa: E402
from sim.scenario.loader import parse_scenario, read_toml  # noqa: E402
from sim.verify.textbook import textbook_scenario  # noqa: E402

ARRIVALS_PER_HOUR = 48.0
MEAN_SERVICE_MIN = 5.0
SERVERS = 5  # rho = 0.8


def minimal_simpy_mmc(customers: int, seed: int) -> tuple[float, float]:
    """The reference: textbook SimPy M/M/c. Returns (seconds, mean wait)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=SERVERS)
    waits: list[float] = []
    rate = ARRIVALS_PER_HOUR / 60.0

    def customer(env: simpy.Environment) -> object:
        arrive = env.now
        with counter.request() as req:
            yield req
            waits.append(env.now - arrive)
            yield env.timeout(rng.expovariate(1.0 / MEAN_SERVICE_MIN))

    def source(env: simpy.Environment) -> object:
        for _ in range(customers):
            yield env.timeout(rng.expovariate(rate))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    return time.perf_counter() - t0, sum(waits) / len(waits)


def model_mmc(hours: float, seed: int) -> tuple[float, float, float]:
    """The model's M/M/c reduction. Returns (seconds, customers served, mean wait)."""
    scenario = textbook_scenario("M/M/c", ARRIVALS_PER_HOUR, MEAN_SERVICE_MIN, SERVERS, hours)
    t0 = time.perf_counter()
    out = simulate(scenario, seed, 0)
    return time.perf_counter() - t0, out.kpis["visitors_served"], out.kpis["wait_mean_min"]


def dao_xa_year(replications: int, seed: int) -> dict[str, float]:
    """Seconds per simulated year of Đào Xá per replication: mean, median and best over replications."""
    data = read_toml(ROOT / "scenarios" / "dao_xa_2025.toml")
    data["calendar"]["start"] = dt.date(2025, 1, 1)
    data["calendar"]["end"] = dt.date(2025, 12, 31)
    scenario = parse_scenario(data, "dao_xa_2025 (one year)")
    simulate(scenario, seed, replications)  # warm caches (calendar) outside the measurement
    times = []
    for r in range(replications):
        t0 = time.perf_counter()
        simulate(scenario, seed, r)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "mean": round(sum(times) / len(times), 4),
        "median": round(times[len(times) // 2], 4),
        "best": round(times[0], 4),
    }


def window_memory_mb(years: tuple[int, ...] = (1, 4)) -> dict[str, float]:
    """Peak traced Python memory (MB) of one replication over windows of 1 and 4 years: flat
    memory means the monitors stream rather than store."""
    import tracemalloc

    data = read_toml(ROOT / "scenarios" / "dao_xa_2025.toml")
    out: dict[str, float] = {}
    for n in years:
        data["calendar"]["start"] = dt.date(2024, 1, 1)
        data["calendar"]["end"] = dt.date(2024 + n - 1, 12, 31)
        scenario = parse_scenario(data, f"dao_xa_2025 ({n} years)")
        simulate(scenario, 1, 0)  # warm caches outside the measurement
        tracemalloc.start()
        simulate(scenario, 1, 1)
        out[f"{n}_year"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()
    return out


def peak_memory_mb() -> float:
    """Max RSS (MB) of `python -m sim run` with 100 replications, workers included."""
    code = (
        "import resource, sim, tempfile, os\n"
        "s = sim.load_scenario('scenarios/dao_xa_2025.toml')\n"
        "r = sim.run(s, replications=100, seed=1, workers=2)\n"
        "self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(max(self_kb, kids_kb) / 1024, self_kb / 1024, kids_kb / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--years", type=int, default=5, help="replications of the one-year run")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()

    hours = args.customers / ARRIVALS_PER_HOUR
    best_model = best_ref = float("inf")
    served = 0.0
    waits_model: list[float] = []
    waits_ref: list[float] = []
    for r in range(args.repeats):
        t_model, served, w_model = model_mmc(hours, seed=r)
        best_model = min(best_model, t_model / served)
        t_ref, w_ref = minimal_simpy_mmc(int(served), seed=r)
        best_ref = min(best_ref, t_ref / served)
        waits_model.append(w_model)
        waits_ref.append(w_ref)
    model_cps, ref_cps = 1.0 / best_model, 1.0 / best_ref
    year = dao_xa_year(args.years, seed=1)
    result = {
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()},"
        f" SimPy {simpy.__version__}",
        "mmc": {
            "servers": SERVERS,
            "rho": ARRIVALS_PER_HOUR / 60 * MEAN_SERVICE_MIN / SERVERS,
            "customers": int(served),
        },
        "model_customers_per_s": round(model_cps),
        "minimal_simpy_customers_per_s": round(ref_cps),
        "ratio_model_to_minimal": round(model_cps / ref_cps, 2),
        "mean_wait_min_model_vs_minimal": [
            round(sum(waits_model) / len(waits_model), 3),
            round(sum(waits_ref) / len(waits_ref), 3),
        ],
        "dao_xa_seconds_per_simulated_year": year,
    }
    if not args.skip_memory:
        result["peak_memory_mb_100_replications"] = round(peak_memory_mb(), 1)
        result["peak_traced_mb_one_replication_by_window"] = window_memory_mb()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
