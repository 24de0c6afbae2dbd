"""Small scenarios and fixed arrival lists for exact tests of the model."""

from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.model.centre import Centre
from sim.model.streams import Streams
from sim.model.visitor import ENQUIRY, Visitor
from sim.scenario.calendar import WorkDay, working_days
from sim.scenario.loader import parse_scenario, read_toml
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
DAO_XA = ROOT / "scenarios" / "dao_xa_2025.toml"

SUBPROCESS_ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
"""The environment of a child Python: it imports this checkout's `sim`, not an installed one."""


def cli(*args: str | Path, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m sim ARGS` in a child process, as a user types it; the timeout turns a hang into
    a failure."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=cwd,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def dao_xa_data(**calendar: Any) -> dict[str, Any]:
    data = read_toml(DAO_XA)
    data["calendar"].update(calendar)
    return data


def small_data(staff: int = 1, service_min: float = 10.0) -> dict[str, Any]:
    """One field, `staff` identical clerks, deterministic service, summer hours, one week in July."""
    return {
        "scenario": {"name": "small"},
        "calendar": {"start": dt.date(2025, 7, 7), "end": dt.date(2025, 7, 11)},
        "demand": {
            "visits_per_day": 10.0,
            "purposes": {
                "enquiry": {"share": 1.0, "service_min": {"dist": "deterministic", "value": service_min}}
            },
            "hourly_profile": [{"start": "07:00", "end": "11:30", "weight": 1.0}],
        },
        "fields": [{"id": "f"}],
        "procedures": [
            {
                "id": "p",
                "field": "f",
                "share": 1.0,
                "service_min": {"dist": "deterministic", "value": service_min},
            }
        ],
        "staff": [
            {"id": f"s{i}", "role": "specialist", "fields": ["f"], "counter": i + 1} for i in range(staff)
        ],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "support_team": {"members": 0},
    }


def build(data: dict[str, Any]) -> Scenario:
    return parse_scenario(copy.deepcopy(data), "<test>")


class FixedDemand:
    """Visitors at given clock minutes on given working days (day index -> list of spec dicts)."""

    def __init__(self, by_day: dict[int, list[dict[str, Any]]]) -> None:
        self.by_day = by_day
        self.next_id = 0
        self.returned: list[Visitor] = []

    def day_visitors(self, day: WorkDay, rate: object, returning: list[Visitor]) -> list[Visitor]:
        out: list[Visitor] = []
        for spec in self.by_day.get(day.index, []):
            v = Visitor(
                self.next_id,
                day.index,
                day.midnight + spec["at"],
                spec.get("purpose", ENQUIRY),
                0,
                spec.get("field", 0),
                spec.get("priority", False),
                spec["service"],
                day.midnight + spec["at"] + spec.get("patience", float("inf")),
            )
            v.issue_min = spec.get("issue", 0.0)
            v.u_balk = 0.0  # balks whenever the balking rule says so
            self.next_id += 1
            out.append(v)
        self.returned.extend(returning)
        for v in returning:  # come back at 07:00 sharp
            v.arrival, v.day = day.midnight + 7 * 60, day.index
            v.ready = v.arrival
            v.deadline = float("inf")
            v.outcome = 0
        out.extend(returning)
        out.sort(key=lambda v: v.arrival)
        return out


def run_fixed(
    scenario: Scenario,
    by_day: dict[int, list[dict[str, Any]]],
    seed: int = 1,
    tweak: Callable[[Centre], None] | None = None,
) -> Centre:
    """Run the model on fixed arrivals with the event log on; returns the finished centre."""
    centre = Centre(
        scenario,
        Streams(seed, 0),
        working_days(scenario.calendar),
        event_log=True,
        demand=FixedDemand(by_day),
    )
    if tweak is not None:
        tweak(centre)
    centre.run()
    centre.waits.fold(scenario.targets.wait_threshold_min)
    return centre


def hhmm(text: str) -> float:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


Mutation = Callable[[dict[str, Any]], None]
"""An edit of a parsed scenario document, for tables of bad inputs."""


def put(*path: str | int, value: Any) -> Mutation:
    """Set the key at `path` (creating nothing but the last key) to `value`."""

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate
