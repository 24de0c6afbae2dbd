"""Textbook reductions of the centre model, for verification against queueing theory.

`textbook_scenario` switches every centre feature off — one field, identical staff always at the
counter, no ticket machine, no lookup PC, no support team, no priority, no patience, no lunch, no
closing — so that the full model *is* an M/M/c (or M/D/c, M/G/c) queue running continuously.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Scenario

Kind = Literal["M/M/c", "M/D/c", "M/G/c"]


def _service(kind: str, mean: float, cv: float) -> dict[str, Any]:
    if kind == "M/M/c":
        return {"dist": "exponential", "mean": mean}
    if kind == "M/D/c":
        return {"dist": "deterministic", "value": mean}
    if kind == "M/G/c":
        return {"dist": "gamma", "mean": mean, "cv": cv}
    raise ValueError(f"kind must be 'M/M/c', 'M/D/c' or 'M/G/c', got {kind!r}")


def textbook_scenario(
    kind: Kind, arrival_rate_per_hour: float, mean_service_min: float, servers: int,
    hours: float, *, service_cv: float = 1.0, name: str = "textbook",
) -> Scenario:
    """A valid scenario whose model is the textbook queue, open around the clock for `hours`.

    The window is made of whole 24-hour days (hours is rounded up to a whole day) starting on
    2025-01-06, with every day open 00:00–24:00 and waiting visitors held across midnight, so time
    runs on without a break.
    """
    if servers < 1:
        raise ValueError("servers must be at least 1")
    days = max(1, -(-int(hours) // 24))
    start = dt.date(2025, 3, 3)
    data: dict[str, Any] = {
        "scenario": {"name": name, "title": f"{kind} reduction"},
        "calendar": {
            "start": start,
            "end": start + dt.timedelta(days=days - 1),
            "use_holiday_table": False,
            "seasons": [{"name": "all", "start": "01-01", "end": "12-31",
                         "sessions": [{"name": "day", "start": "00:00", "end": "24:00"}]}],
            "saturday_sessions": [{"name": "day", "start": "00:00", "end": "24:00"}],
            "sunday_sessions": [{"name": "day", "start": "00:00", "end": "24:00"}],
        },
        "demand": {
            "visits_per_day": arrival_rate_per_hour * 24.0,
            "purposes": {"enquiry": {"share": 1.0,
                                     "service_min": _service(kind, mean_service_min, service_cv)}},
            "hourly_profile": [{"start": "00:00", "end": "24:00", "weight": 1.0}],
        },
        "fields": [{"id": "queue"}],
        "procedures": [{"id": "unused", "field": "queue", "share": 1.0,
                        "service_min": {"dist": "deterministic", "value": 1.0}}],
        "staff": [{"id": f"server{i + 1}", "role": "specialist", "fields": ["queue"],
                   "counter": i + 1} for i in range(servers)],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "support_team": {"members": 0},
        "policies": {"closing_rule": "hold", "lunch_rule": "hold", "overtime_limit_min": 0.0},
    }
    return parse_scenario(data, f"<textbook {kind}>")
