"""Staff presence from the ticket log's staff ids: who sat at the counter, on which days and sessions.

The log shows a member only when they serve, so presence is a lower bound: a session counts when
at least one service started in it. The scenario's `counter_share` is the share of the sessions a
member is at work (not on leave, not in a weekly meeting, by the base's rules) that they spend at
the counter, so `session_share` is counted over exactly those sessions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.fitting.arrivals import calendar_days
from sim.fitting.results import FittedValue, StaffPresence
from sim.logs.formats import Provenance, TicketLog
from sim.model.inputs import compile_inputs
from sim.model.schedules import Presence
from sim.scenario.calendar import WorkDay
from sim.scenario.schema import Scenario

DIGITS = 3


def _session_of(day: WorkDay, minute: float) -> str:
    """The session a service started in: the last one begun by then (a service in the lunch break
    or in overtime belongs to the session just ended; one before opening to the first)."""
    starts = [s - day.midnight for s, _ in day.sessions]
    k = int(np.searchsorted(starts, minute, side="right")) - 1
    return day.session_names[max(k, 0)]


def _at_work(base: Scenario, days: Sequence[WorkDay]) -> dict[str, set[tuple[dt.date, str]]]:
    """Per base member: the (date, session) pairs they are at work by the base's leave and meetings."""
    presence = Presence(compile_inputs(base).staff)
    return {m.id: {(d.date, name) for d in days for name in presence.sessions(m.id, d)} for m in base.staff}


def staff_presence(tickets: TicketLog, base: Scenario) -> tuple[StaffPresence, ...]:
    """One record per staff id in the log (empty without staff ids); when some ids are the base's,
    every base member gets one, so a member never seen shows as never present."""
    if not tickets.has_staff:
        return ()
    src = tickets.source
    days = calendar_days(base, src.first_day, src.last_day)
    by_date = {d.date: d for d in days}
    frame = tickets.frame
    served = frame[(frame["staff_id"] != "") & frame["service_started"].notna()]
    served = served[served["service_started"].dt.date.isin(set(by_date))]
    all_sessions = {(d.date, name) for d in days for name in d.session_names}
    at_work = _at_work(base, days)
    ids = list(dict.fromkeys(frame.loc[frame["staff_id"] != "", "staff_id"]))
    if any(i in at_work for i in ids):
        ids += [m.id for m in base.staff if m.id not in ids]
    out = []
    for sid in ids:
        rows = served[served["staff_id"] == sid]
        out.append(_one(sid, rows, by_date, at_work.get(sid, all_sessions), len(days)))
    return tuple(out)


def _one(
    sid: str,
    rows: pd.DataFrame,
    by_date: dict[dt.date, WorkDay],
    at_work: set[tuple[dt.date, str]],
    n_days: int,
) -> StaffPresence:
    start, end = rows["service_started"], rows["service_ended"]
    dates = start.dt.date
    minutes = ((end - start).dt.total_seconds() / 60.0).clip(lower=0.0)
    present = sorted(set(dates))
    open_min = sum(sum(e - s for s, e in by_date[d].sessions) for d in present)
    clock = start.dt.hour * 60 + start.dt.minute + start.dt.second / 60.0
    sessions = {(d, _session_of(by_date[d], m)) for d, m in zip(dates, clock, strict=True)}
    counter_min = float(minutes.sum())
    return StaffPresence(
        staff_id=sid,
        days_present=len(present),
        tickets=len(rows),
        counter_minutes=counter_min,
        counter_share=counter_min / open_min if open_min > 0 else math.nan,
        presence_share=len(present) / n_days if n_days else math.nan,
        sessions_present=len(sessions),
        session_share=len(sessions & at_work) / len(at_work) if at_work else math.nan,
    )


def staff_values(presence: Sequence[StaffPresence], source: Provenance, base: Scenario) -> list[FittedValue]:
    """`counter_share` of the base members who sit at the counter only part of the time (base
    `counter_share` < 1: the leaders), as their share of sessions at work spent serving."""
    seen = {p.staff_id: p for p in presence}
    days = calendar_days(base, source.first_day, source.last_day)
    at_work = _at_work(base, days)
    out = []
    for m in base.staff:
        p = seen.get(m.id)
        if m.counter_share >= 1 or p is None or math.isnan(p.session_share):
            continue
        n = len(at_work[m.id])
        out.append(
            FittedValue(
                ("staff", m.id, "counter_share"),
                round(p.session_share, DIGITS),
                source.file,
                source.period,
                n,
                f"served in {round(p.session_share * n)} of {n} sessions at work "
                "(a session counts with at least one ticket served)",
            )
        )
    return out
