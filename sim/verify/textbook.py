"""Textbook reductions of the centre model, for verification against queueing theory.

`textbook_scenario` switches every centre feature off — one field, identical staff always at the
counter, no ticket machine, no lookup PC, no support team, no priority, no patience, no lunch, no
closing — so that the full model *is* an M/M/c (or M/D/c, M/G/c) queue running continuously.

The model has no generic warm-up (a centre day is a terminating simulation), so the warm-up lives
here: a textbook run records the event log, and `waits_after_warmup` keeps only the visitors who
arrived after the warm-up (and, optionally, before the end of an observation window). Because the
reduced queue is FIFO with one field, visitors are called in arrival order, so when anyone who
arrived after the window was called, everyone who arrived inside it was called too: the window's
waits are then complete, not censored by the end of the run. `TextbookQueue` packages a reduction,
its warm-up and observation window, its analytic mean wait (`sim.verify.theory`), and a per-replication
observer that `sim.experiment.run` can run in worker processes.

`littles_law_scenario` is the other reduction used by `sim.verify.suite`: ordinary centre days
(opening sessions, a lunch break, an hour-of-day profile) that start and end empty, for Little's
law and for the arrival counts of the non-homogeneous Poisson process.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Literal

import numpy as np

from sim.model.output import EVENT_LOG_COLUMNS, ReplicationOutput
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Scenario
from sim.verify import theory

Kind = Literal["M/M/c", "M/D/c", "M/G/c"]
KINDS: tuple[str, ...] = ("M/M/c", "M/D/c", "M/G/c")

MINUTES_PER_HOUR = 60.0
DRAIN_HOURS = 12.0
"""`TextbookQueue` simulates this long after its observation window ends, so that everyone who
arrived inside the window has been called before the run stops (checked, see `observe`)."""

_ARRIVAL = EVENT_LOG_COLUMNS.index("arrival")
_CALL = EVENT_LOG_COLUMNS.index("call")
_OUTCOME = EVENT_LOG_COLUMNS.index("outcome")


def _service(kind: str, mean: float, cv: float) -> dict[str, Any]:
    if kind == "M/M/c":
        return {"dist": "exponential", "mean": mean}
    if kind == "M/D/c":
        return {"dist": "deterministic", "value": mean}
    if kind == "M/G/c":
        return {"dist": "gamma", "mean": mean, "cv": cv}
    raise ValueError(f"kind must be 'M/M/c', 'M/D/c' or 'M/G/c', got {kind!r}")


def _one_queue(servers: int, staff_prefix: str) -> dict[str, Any]:
    """The parts of a textbook reduction that make the centre one FIFO queue: one field, `servers`
    identical staff always at their counters, no ticket machine, lookup PC or support team."""
    return {
        "fields": [{"id": "queue"}],
        "procedures": [
            {
                "id": "unused",
                "field": "queue",
                "share": 1.0,
                "service_min": {"dist": "deterministic", "value": 1.0},
            }
        ],
        "staff": [
            {"id": f"{staff_prefix}{i + 1}", "role": "specialist", "fields": ["queue"], "counter": i + 1}
            for i in range(servers)
        ],
        "equipment": {"ticket_machines": {"count": 0}, "lookup_pcs": {"count": 0}},
        "support_team": {"members": 0},
    }


def textbook_scenario(
    kind: Kind,
    arrival_rate_per_hour: float,
    mean_service_min: float,
    servers: int,
    hours: float,
    *,
    service_cv: float = 1.0,
    warmup_hours: float = 0.0,
) -> Scenario:
    """A valid scenario whose model is the textbook queue, open around the clock.

    The run lasts `warmup_hours + hours`, rounded up to whole 24-hour days, starting on 2025-03-03
    (simulation time 0 is its midnight), with every day open 00:00–24:00 and waiting visitors held
    across midnight, so time runs on without a break. Service times: exponential ("M/M/c"),
    deterministic ("M/D/c") or gamma with coefficient of variation `service_cv` ("M/G/c").

    The scenario cannot carry the warm-up itself (the model has none): pass the same
    `warmup_hours` to `waits_after_warmup`, or use `TextbookQueue`, which keeps both together.
    The scenario is named "textbook" (`Scenario.name`; the title names the kind).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'M/M/c', 'M/D/c' or 'M/G/c', got {kind!r}")
    if servers < 1:
        raise ValueError("servers must be at least 1")
    if not hours > 0:
        raise ValueError(f"hours must be positive, got {hours!r}")
    if not warmup_hours >= 0:
        raise ValueError(f"warmup_hours must be non-negative, got {warmup_hours!r}")
    days = max(1, math.ceil((warmup_hours + hours) / 24.0 - 1e-9))
    start = dt.date(2025, 3, 3)
    data: dict[str, Any] = {
        "scenario": {"name": "textbook", "title": f"{kind} reduction"},
        "calendar": {
            "start": start,
            "end": start + dt.timedelta(days=days - 1),
            "use_holiday_table": False,
            "seasons": [
                {
                    "name": "all",
                    "start": "01-01",
                    "end": "12-31",
                    "sessions": [{"name": "day", "start": "00:00", "end": "24:00"}],
                }
            ],
            "saturday_sessions": [{"name": "day", "start": "00:00", "end": "24:00"}],
            "sunday_sessions": [{"name": "day", "start": "00:00", "end": "24:00"}],
        },
        "demand": {
            "visits_per_day": arrival_rate_per_hour * 24.0,
            "purposes": {
                "enquiry": {"share": 1.0, "service_min": _service(kind, mean_service_min, service_cv)}
            },
            "hourly_profile": [{"start": "00:00", "end": "24:00", "weight": 1.0}],
        },
        **_one_queue(servers, "server"),
        "policies": {"closing_rule": "hold", "lunch_rule": "hold", "overtime_limit_min": 0.0},
    }
    return parse_scenario(data, f"<textbook {kind}>")


def waits_after_warmup(
    event_log: list[tuple] | ReplicationOutput,
    warmup_hours: float,
    end_hours: float | None = None,
) -> np.ndarray:
    """Waits (minutes, arrival to counter call) of the visitors called at a counter who arrived in
    [warmup_hours, end_hours) — hours on the simulation clock, 0 = the first day's midnight.

    `event_log` is `ReplicationOutput.event_log` (or the output itself); the run must have been
    made with `event_log=True`. Visitors still waiting when the run stopped are not in the log: see
    `window_complete`.
    """
    rows = event_log.event_log if isinstance(event_log, ReplicationOutput) else event_log
    if rows is None:
        raise ValueError("no event log: run the model with event_log=True")
    lo = warmup_hours * MINUTES_PER_HOUR
    hi = math.inf if end_hours is None else end_hours * MINUTES_PER_HOUR
    served = [(r[_ARRIVAL], r[_CALL]) for r in rows if r[_OUTCOME] == "served_counter"]
    if not served:
        return np.empty(0)
    a = np.asarray(served, dtype=float)
    keep = (a[:, 0] >= lo) & (a[:, 0] < hi)
    return a[keep, 1] - a[keep, 0]


def window_complete(out: ReplicationOutput, end_hours: float) -> bool:
    """True when every visitor who arrived before `end_hours` was called (FIFO, one field): nobody
    was left in the system, or somebody who arrived at or after `end_hours` was called."""
    if out.kpis.get("visitors_in_system_end", 0.0) == 0:
        return True
    rows = out.event_log or []
    hi = end_hours * MINUTES_PER_HOUR
    return any(r[_OUTCOME] == "served_counter" and r[_ARRIVAL] >= hi for r in rows)


def observe(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    event_log: bool = False,
    warmup_hours: float,
    end_hours: float,
    tail_min: tuple[float, ...] = (),
) -> ReplicationOutput:
    """One replication of a textbook reduction, reduced to statistics of the observation window.

    Runs `sim.model.simulate` with the event log on and returns its output with the log dropped
    (it is large, and worker processes would have to send it back) and these KPIs added:
    `window_wait_mean_min`, `window_p_wait` (share who waited at all), `window_p_wait_over_<t>`
    for each t in `tail_min`, `window_visitors`, and `window_complete` (1.0 or 0.0). Module-level
    so that `sim.experiment.run(..., simulate=partial(observe, ...))` can run it in worker
    processes; `event_log` is accepted for that interface and ignored.
    """
    from sim.model import simulate

    out = simulate(scenario, seed, replication, event_log=True)
    w = waits_after_warmup(out, warmup_hours, end_hours)
    kpis = dict(out.kpis)
    n = len(w)
    kpis["window_visitors"] = float(n)
    kpis["window_wait_mean_min"] = float(w.mean()) if n else math.nan
    kpis["window_p_wait"] = float((w > 0).mean()) if n else math.nan
    for t in tail_min:
        kpis[f"window_p_wait_over_{t:g}"] = float((w > t).mean()) if n else math.nan
    kpis["window_complete"] = 1.0 if window_complete(out, end_hours) else 0.0
    return ReplicationOutput(
        replication=out.replication,
        kpis=kpis,
        working_days=out.working_days,
        wait_histogram=out.wait_histogram,
        hourly_wait_sum=out.hourly_wait_sum,
        hourly_wait_count=out.hourly_wait_count,
        hourly_queue_area=out.hourly_queue_area,
    )


@dataclass(frozen=True)
class TextbookQueue:
    """A textbook queue run through the full model: scenario, warm-up, window and theory.

    The model runs for `warmup_hours + hours + DRAIN_HOURS` (rounded up to whole days); waits are
    those of the visitors who arrived in the observation window [warmup_hours, warmup_hours +
    hours).
    """

    kind: Kind
    arrival_rate_per_hour: float
    mean_service_min: float
    servers: int
    hours: float
    warmup_hours: float = 0.0
    service_cv: float = 1.0
    tail_min: tuple[float, ...] = field(default=())
    """Wait thresholds t (minutes) for which `observe` also records the share with Wq > t."""

    def __post_init__(self) -> None:
        if self.kind == "M/D/c" and self.service_cv != 0.0:
            object.__setattr__(self, "service_cv", 0.0)
        if self.kind == "M/M/c" and self.service_cv != 1.0:
            raise ValueError("M/M/c has exponential service: service_cv must be 1")
        self.utilisation  # noqa: B018 - refuse an unstable queue at once

    @property
    def utilisation(self) -> float:
        """ρ = λ E[S] / c; raises `sim.verify.theory.UnstableSystemError` when ρ ≥ 1."""
        lam, mu = self.arrival_rate_per_hour / 60.0, 1.0 / self.mean_service_min
        theory.erlang_c(lam, mu, self.servers)  # raises for an unstable queue
        return lam / (mu * self.servers)

    @property
    def label(self) -> str:
        k = self.kind.replace("/c", f"/{self.servers}")
        cv = f", cv {self.service_cv:g}" if self.kind == "M/G/c" else ""
        return f"{k} ρ={self.utilisation:.2f}{cv}"

    @property
    def end_hours(self) -> float:
        return self.warmup_hours + self.hours

    @cached_property
    def scenario(self) -> Scenario:
        return textbook_scenario(
            self.kind,
            self.arrival_rate_per_hour,
            self.mean_service_min,
            self.servers,
            self.hours + DRAIN_HOURS,
            service_cv=self.service_cv if self.kind == "M/G/c" else 1.0,
            warmup_hours=self.warmup_hours,
        )

    @property
    def exact(self) -> bool:
        """True when `mean_wait` is an exact result (M/M/c; M/D/1 and M/G/1 by P-K), False when
        it is the Allen–Cunneen approximation (M/D/c, M/G/c with c > 1)."""
        return self.kind == "M/M/c" or self.servers == 1

    @property
    def formula(self) -> str:
        if self.kind == "M/M/c":
            return "Erlang C"
        return "Pollaczek–Khinchine" if self.servers == 1 else "Allen–Cunneen"

    def mean_wait(self) -> float:
        """Analytic mean wait in queue (minutes): Erlang C, P-K, or Allen–Cunneen."""
        lam, mu = self.arrival_rate_per_hour / 60.0, 1.0 / self.mean_service_min
        if self.kind == "M/M/c":
            return theory.erlang_c(lam, mu, self.servers).mean_wait
        if self.servers == 1:
            return theory.mg1(lam, self.mean_service_min, self.service_cv).mean_wait
        return theory.allen_cunneen(lam, mu, self.servers, 1.0, self.service_cv**2)

    def wait_tail(self, t: float) -> float:
        """P(Wq > t) for M/M/c (Erlang C tail); other kinds have no closed form here."""
        if self.kind != "M/M/c":
            raise ValueError("the wait-time tail is available for M/M/c only")
        return theory.mmc_wait_tail(
            self.arrival_rate_per_hour / 60.0, 1.0 / self.mean_service_min, self.servers, t
        )

    def observer(self) -> partial[ReplicationOutput]:
        """`observe` bound to this queue's window: a picklable `simulate` for `sim.experiment.run`."""
        return partial(
            observe, warmup_hours=self.warmup_hours, end_hours=self.end_hours, tail_min=self.tail_min
        )

    def replicate(self, seed: int, replication: int) -> ReplicationOutput:
        """One replication in this process (see `observe` for the KPIs added)."""
        return self.observer()(self.scenario, seed, replication)


# --- ordinary centre days that start and end empty -----------------------------------------------

LITTLE_PROFILE: tuple[tuple[str, str, float], ...] = (
    ("06:30", "07:00", 0.6),
    ("07:00", "08:00", 1.0),
    ("08:00", "09:00", 1.7),
    ("09:00", "10:00", 1.9),
    ("10:00", "11:30", 1.2),
    ("11:30", "13:30", 0.15),
    ("13:30", "14:30", 1.3),
    ("14:30", "16:00", 1.5),
    ("16:00", "17:00", 0.5),
)
"""Hour-of-day weights for `littles_law_scenario`: morning peak, quiet lunch, afternoon."""


def littles_law_scenario(
    weeks: int = 1,
    visits_per_day: float = 110.0,
    servers: int = 3,
    mean_service_min: float = 7.0,
    overtime_limit_min: float = 240.0,
) -> Scenario:
    """Ordinary centre days that start and end empty, for Little's law and arrival counts.

    Summer sessions 07:00–11:30 and 13:30–17:00 from Monday 7 July 2025 for `weeks` weeks
    (weekdays only, no holiday table), arrivals from 06:30 by `LITTLE_PROFILE`, exponential service,
    one field, no ticket machine; staff serve everyone holding a number at lunch and at closing
    (`serve_all`) up to `overtime_limit_min`, so every day ends with nobody waiting.

    The default limit, 4 hours, is far more than these days need and shorter than the 5.5 hours
    from the end of the morning to the end of the afternoon: the model's closing clock sleeps the
    overtime limit after each session in turn, so a longer limit makes it late for the next
    session's end and for the next day's arrivals (early visitors then get their number late and
    Little's law fails; see tests/test_verification.py).
    """
    start = dt.date(2025, 7, 7)
    data: dict[str, Any] = {
        "scenario": {"name": "little", "title": "centre days that start and end empty"},
        "calendar": {
            "start": start,
            "end": start + dt.timedelta(days=7 * weeks - 3),
            "use_holiday_table": False,
        },
        "demand": {
            "visits_per_day": visits_per_day,
            "purposes": {
                "enquiry": {"share": 1.0, "service_min": {"dist": "exponential", "mean": mean_service_min}}
            },
            "hourly_profile": [{"start": s, "end": e, "weight": w} for s, e, w in LITTLE_PROFILE],
        },
        **_one_queue(servers, "clerk"),
        "policies": {
            "closing_rule": "serve_all",
            "lunch_rule": "serve_all",
            "overtime_limit_min": overtime_limit_min,
        },
    }
    return parse_scenario(data, "<little's law>")


def profile_rate(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """The arrival rate (visitors per minute) of a scenario's hour-of-day profile, computed from
    the scenario's own numbers: breaks in minutes after midnight, and the rate on each block,
    weight × visits_per_day / Σ(block length × weight). Assumes the profile lies inside the
    day's arrival window (opening − 30 min to closing) and no weekday factors, as in
    `littles_law_scenario`."""
    blocks = scenario.demand.hourly_profile
    starts = [_minutes(b.start) for b in blocks]
    ends = [_minutes(b.end) for b in blocks]
    if any(s != e for s, e in zip(starts[1:], ends[:-1], strict=True)):
        raise ValueError("profile_rate needs contiguous profile blocks")
    weights = np.array([b.weight for b in blocks])
    widths = np.array(ends, dtype=float) - np.array(starts, dtype=float)
    rates = weights * scenario.demand.visits_per_day / float(np.dot(widths, weights))
    return np.array([*starts, ends[-1]], dtype=float), rates


def _minutes(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 60.0 + int(m)


__all__ = [
    "DRAIN_HOURS",
    "KINDS",
    "LITTLE_PROFILE",
    "Kind",
    "TextbookQueue",
    "littles_law_scenario",
    "observe",
    "profile_rate",
    "textbook_scenario",
    "waits_after_warmup",
    "window_complete",
]
