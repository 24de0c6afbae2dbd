"""One replication: compile the scenario, build the centre, run it, and reduce it to KPIs.

A pure function of (scenario, seed, replication): it reads no files and prints nothing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.model.back.office import BackOffice
from sim.model.centre import Centre
from sim.model.inputs import compile_inputs
from sim.model.kpis import back_office_kpis, collect_kpis
from sim.model.output import ReplicationOutput
from sim.model.streams import Streams
from sim.scenario.calendar import load_holiday_table, sessions_for, working_days
from sim.scenario.schema import Scenario


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    event_log: bool = False,
) -> ReplicationOutput:
    """Run replication `replication` of `scenario` with the run seed `seed`.

    With `event_log`, the output also holds every visit (`event_log`) and, with a back office,
    every dossier of the window (`dossier_log`); `clock_start` dates the clock's minutes.
    """
    warmup = scenario.back_office.warmup_days if scenario.back_office is not None else 0
    if warmup:
        scenario = with_warmup(scenario, warmup)
    inputs = compile_inputs(scenario)
    days = working_days(inputs.calendar)
    centre = Centre(inputs, Streams(seed, replication), days, event_log=event_log, first_window_day=warmup)
    office = centre.dossiers
    if event_log and isinstance(office, BackOffice):
        office.keep_register()  # before the run; the register draws nothing and moves no event
    centre.run()
    centre.waits.fold(inputs.policies.wait_threshold)
    kpis = collect_kpis(centre)
    daily: dict[str, np.ndarray] = {}
    field_outcomes: dict[str, np.ndarray] = {}
    if isinstance(office, BackOffice):
        office.finish()
        kpis.update(back_office_kpis(office, inputs))
        daily = {
            "received": np.asarray(office.daily_received, dtype=float),
            "completed": np.asarray(office.daily_completed, dtype=float),
            "backlog": np.asarray(office.daily_backlog, dtype=float),
        }
        field_outcomes = {
            fid: np.asarray(office.outcomes[i], dtype=float) for i, fid in enumerate(inputs.field_ids)
        }
    return ReplicationOutput(
        replication=replication,
        kpis=kpis,
        working_days=len(days) - warmup,
        wait_histogram=centre.waits.hist.sum(axis=0),
        hourly_wait_sum=centre.waits.hour_sum.copy(),
        hourly_wait_count=centre.waits.hour_count.astype(float),
        hourly_queue_area=centre.waits.queue_area_hour.copy(),
        daily=daily,
        field_outcomes=field_outcomes,
        event_log=centre.events,
        dossier_log=_register_rows(office),
        clock_start=inputs.calendar.start,
    )


def _register_rows(office: object) -> list[tuple] | None:
    register = office.register if isinstance(office, BackOffice) else None
    return register.rows if register is not None else None


def with_warmup(scenario: Scenario, warmup_days: int) -> Scenario:
    """The scenario with its calendar started `warmup_days` working days earlier (the warm-up)."""
    cal = scenario.calendar
    table = load_holiday_table() if cal.use_holiday_table else None
    start, found = cal.start, 0
    while found < warmup_days:
        start -= dt.timedelta(days=1)
        if sessions_for(cal, start, table):
            found += 1
    return scenario.model_copy(update={"calendar": cal.model_copy(update={"start": start})})
