"""The validation step: does the fitted scenario reproduce what the data shows?

Both sides go through the same KPI functions (`sim.fitting.kpis`): the data as read, and the model
through the ticket log and register it writes for each replication (`sim.logs.export`), over the
data's own period. The data's intervals come from a bootstrap over days, the model's from the
spread between replications (Student t); a KPI whose intervals do not overlap is a disagreement
the report names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pandas as pd

from sim.experiment.runner import Execution, run
from sim.experiment.statistics import summarise
from sim.fitting.kpis import (
    REGISTER_KPIS,
    TICKET_KPIS,
    DayParts,
    bootstrap_over_days,
    register_columns,
    register_kpis,
    register_kpis_of,
    ticket_columns,
    ticket_kpis,
    ticket_kpis_of,
)
from sim.fitting.results import KpiCheck
from sim.logs.export import dossier_frame, ticket_frame
from sim.logs.formats import DossierRegister, TicketLog
from sim.scenario import Scenario

VALIDATION_REPLICATIONS = 10
SHARES = frozenset({"wait_within_target", "walked_out_share", "on_time_rate"})
"""KPIs that are shares: their intervals stay within [0, 1] (the others within [0, ∞))."""


def over_period(scenario: Scenario, first: dt.date, last: dt.date) -> Scenario:
    """The scenario run over the data's period instead of its own window."""
    calendar = scenario.calendar.model_copy(update={"start": first, "end": last})
    return scenario.model_copy(update={"calendar": calendar})


def data_kpis(
    tickets: TicketLog, register: DossierRegister | None, days: tuple[dt.date, ...], threshold_min: float
) -> dict[str, tuple[float, float, float]]:
    """The data's KPIs, each (value, low, high) from a bootstrap over its working days."""
    out = bootstrap_over_days(
        DayParts(tickets.frame["issued_at"], ticket_columns(tickets.frame), days),
        lambda cols, n: ticket_kpis_of(cols, n, threshold_min),
    )
    if register is not None:
        out |= bootstrap_over_days(
            DayParts(register.frame["received_at"], register_columns(register.frame), days),
            register_kpis_of,
        )
    return out


def model_kpis(
    fitted: Scenario,
    days: tuple[dt.date, ...],
    threshold_min: float,
    *,
    with_register: bool,
    replications: int = VALIDATION_REPLICATIONS,
    seed: int | None = None,
    execution: Execution | None = None,
) -> dict[str, tuple[float, float, float]]:
    """The fitted scenario's KPIs over the data's period: mean and t interval over replications,
    each computed from that replication's own ticket log and register."""
    scenario = over_period(fitted, days[0], days[-1])
    results = run(scenario, replications, seed, event_log=True, execution=execution)
    per_rep: dict[str, list[float]] = {k: [] for k in (*TICKET_KPIS, *REGISTER_KPIS)}
    wanted = {pd.Timestamp(d) for d in days}
    for output in results.outputs:
        frame = ticket_frame(output, results.scenario)
        frame = frame[frame["issued_at"].dt.normalize().isin(wanted)]
        for k, v in ticket_kpis(frame, threshold_min, len(days)).items():
            per_rep[k].append(v)
        if with_register:
            register = dossier_frame(output)
            register = register[register["received_at"].dt.normalize().isin(wanted)]
            for k, v in register_kpis(register, len(days)).items():
                per_rep[k].append(v)
    out: dict[str, tuple[float, float, float]] = {}
    for k, values in per_rep.items():
        if values:
            s = summarise(values, bounds=(0.0, 1.0) if k in SHARES else (0.0, math.inf))
            out[k] = (s["mean"], s["ci_low"], s["ci_high"])
    return out


def checks(
    data: dict[str, tuple[float, float, float]], model: dict[str, tuple[float, float, float]]
) -> tuple[KpiCheck, ...]:
    """One check per KPI both sides have, in the report's order."""
    order: Sequence[str] = (*TICKET_KPIS, *REGISTER_KPIS)
    return tuple(
        KpiCheck(k, data[k][0], (data[k][1], data[k][2]), model[k][0], (model[k][1], model[k][2]))
        for k in order
        if k in data and k in model
    )
