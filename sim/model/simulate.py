"""One replication: build the centre, run it, and reduce its monitors to KPIs.

A pure function of (scenario, seed, replication): it reads no files and prints nothing.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.centre import Centre, DossierCounter
from sim.model.monitors import percentile_from_histogram
from sim.model.output import ReplicationOutput
from sim.model.streams import Streams
from sim.scenario.calendar import working_days
from sim.scenario.schema import Scenario


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def simulate(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False,
) -> ReplicationOutput:
    """Run replication `replication` of `scenario` with the run seed `seed`."""
    days = working_days(scenario.calendar)
    streams = Streams(seed, replication)
    dossiers = DossierCounter()
    centre = Centre(scenario, streams, days, event_log=event_log, dossiers=dossiers)
    centre.run()
    centre.waits.fold(scenario.targets.wait_threshold_min)
    return ReplicationOutput(
        replication=replication,
        kpis=collect_kpis(centre, dossiers),
        working_days=len(days),
        wait_histogram=centre.waits.hist.sum(axis=0),
        hourly_wait_sum=centre.waits.hour_sum.copy(),
        hourly_wait_count=centre.waits.hour_count.astype(float),
        hourly_queue_area=centre.waits.queue_area_hour.copy(),
        event_log=centre.events,
    )


def collect_kpis(c: Centre, dossiers: DossierCounter) -> dict[str, float]:
    """The KPI dictionary of one replication (keys as in `sim.scenario.kpis`)."""
    s = c.scenario
    w = c.waits
    hist = w.hist.sum(axis=0)
    n_days = len(c.days)
    served = c.served_counter + c.served_support + c.served_lookup
    ended = served + c.reneged + c.balked + c.sent_home
    open_minutes = c.open_hours.total
    k: dict[str, float] = {
        "visitors_arrived": float(c.arrived),
        "visitors_served": float(served),
        "visitors_reneged": float(c.reneged),
        "visitors_balked": float(c.balked),
        "visitors_sent_home": float(c.sent_home),
        "visitors_in_system_end": float(c.arrived - ended),
        "visitors_served_counter": float(c.served_counter),
        "visitors_served_support": float(c.served_support),
        "visitors_served_lookup": float(c.served_lookup),
        "dossiers_submitted_counter": float(dossiers.by_channel.get("counter", 0)),
        "dossiers_submitted_online_support": float(dossiers.by_channel.get("online_support", 0)),
        "wait_mean_min": _ratio(w.total, w.count),
        "wait_p50_min": percentile_from_histogram(hist, 0.50),
        "wait_p90_min": percentile_from_histogram(hist, 0.90),
        "wait_p95_min": percentile_from_histogram(hist, 0.95),
        "wait_max_min": w.max if w.count else math.nan,
        "wait_within_target": _ratio(w.within, w.count),
        "queue_mean": _ratio(w.queue_area, open_minutes),
        "queue_max": float(c.queues.max_length),
        "overtime_min_per_day": sum(st.overtime for st in c.staff) / n_days,
    }
    utils = []
    for st in c.staff:
        u = _ratio(st.busy, st.present + st.overtime)
        k[f"staff_utilisation.{st.id}"] = u
        if not math.isnan(u):
            utils.append(u)
    k["staff_utilisation_mean"] = float(np.mean(utils)) if utils else math.nan
    k["ticket_machine_utilisation"] = c.machines.utilisation()
    k["ticket_machine_down_min"] = c.machines.down_minutes()
    k["lookup_pc_utilisation"] = c.pcs.utilisation()
    k["support_team_utilisation"] = c.support.utilisation()
    k["support_wait_mean_min"] = _ratio(c.support.wait_sum, c.support.wait_n)
    per_field_n = w.hist.sum(axis=1)
    for i, f in enumerate(s.fields):
        k[f"wait_p90_min.{f.id}"] = percentile_from_histogram(w.hist[i], 0.90)
        k[f"wait_mean_min.{f.id}"] = math.nan if per_field_n[i] == 0 else _field_mean(w, i)
    return k


def _field_mean(w, i: int) -> float:
    return _ratio(w.field_sum[i], w.field_count[i])
