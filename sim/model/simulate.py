"""One replication: build the centre, run it, and reduce its monitors to KPIs.

A pure function of (scenario, seed, replication): it reads no files and prints nothing.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sim.model.backoffice import EARLY, LATE, ON_TIME, OPEN_WITHIN, BackOffice
from sim.model.centre import Centre
from sim.model.monitors import percentile_from_histogram
from sim.model.output import ReplicationOutput
from sim.model.streams import Streams
from sim.scenario.calendar import load_holiday_table, sessions_for, working_days
from sim.scenario.schema import Scenario


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def simulate(
    scenario: Scenario,
    seed: int,
    replication: int,
    *,
    event_log: bool = False,
) -> ReplicationOutput:
    """Run replication `replication` of `scenario` with the run seed `seed`."""
    warmup = scenario.back_office.warmup_days if scenario.back_office is not None else 0
    if warmup:
        scenario = with_warmup(scenario, warmup)
    days = working_days(scenario.calendar)
    streams = Streams(seed, replication)
    centre = Centre(scenario, streams, days, event_log=event_log, first_window_day=warmup)
    centre.run()
    centre.waits.fold(scenario.targets.wait_threshold_min)
    kpis = collect_kpis(centre)
    daily: dict[str, np.ndarray] = {}
    field_outcomes: dict[str, np.ndarray] = {}
    office = centre.dossiers
    if isinstance(office, BackOffice):
        office.finish()
        kpis.update(back_office_kpis(office, scenario))
        daily = {
            "received": np.asarray(office.daily_received, dtype=float),
            "completed": np.asarray(office.daily_completed, dtype=float),
            "backlog": np.asarray(office.daily_backlog, dtype=float),
        }
        field_outcomes = {
            f.id: np.asarray(office.outcomes[i], dtype=float) for i, f in enumerate(scenario.fields)
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
    )


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


def back_office_kpis(office: BackOffice, scenario: Scenario) -> dict[str, float]:
    """Dossier KPIs, counted as the national portal counts them (766 index)."""
    received = float(sum(office.received))
    o = np.asarray(office.outcomes, dtype=float)
    on_time = float(o[:, EARLY].sum() + o[:, ON_TIME].sum() + o[:, OPEN_WITHIN].sum())
    rate = _ratio(on_time, received)
    complaints = scenario.back_office.complaint_share if scenario.back_office else 0.0
    k: dict[str, float] = {
        "dossiers_received": received,
        "dossiers_online": float(office.by_channel["online"] + office.by_channel["online_support"]),
        "dossiers_completed": float(office.completed),
        "on_time_rate": rate,
        "early_rate": _ratio(float(o[:, EARLY].sum()), received),
        "late_dossiers": float(o[:, LATE].sum()),
        "processing_days_mean": _ratio(office.processing_minutes / 1440.0, office.completed),
        "backlog_end": float(office.backlog()),
        "apology_slips": float(office.slips),
        "dossiers_fee_bearing": float(office.fee_bearing),
        "online_payment_rate": _ratio(float(office.paid_online), float(office.fee_bearing)),
        "back_office_utilisation": office.utilisation(),
        "score_progress_766": 20.0 * rate if not math.isnan(rate) else math.nan,
        "score_handling_satisfaction_766": (
            6.0 * min(1.0, (rate - complaints) / 0.9) if not math.isnan(rate) else math.nan
        ),
    }
    for i, f in enumerate(scenario.fields):
        n = float(office.received[i])
        if n == 0:
            continue
        k[f"dossiers_received.{f.id}"] = n
        k[f"on_time_rate.{f.id}"] = (o[i, EARLY] + o[i, ON_TIME] + o[i, OPEN_WITHIN]) / n
        k[f"early_rate.{f.id}"] = o[i, EARLY] / n
        k[f"late_dossiers.{f.id}"] = float(o[i, LATE])
        k[f"processing_days_mean.{f.id}"] = _ratio(
            office.field_processing[i] / 1440.0, office.field_completed[i]
        )
    return k


def collect_kpis(c: Centre) -> dict[str, float]:
    """The KPI dictionary of one replication (keys as in `sim.scenario.kpis`)."""
    dossiers = c.dossiers
    s = c.scenario
    w = c.waits
    hist = w.hist.sum(axis=0)
    n_days = len(c.days) - c.first_window_day
    served = c.served_counter + c.served_support + c.served_lookup
    ended = served + c.reneged + c.balked + c.sent_home
    open_minutes = c.open_hours.overlap(c.window_start, math.inf)
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
        "overtime_lunch_min_per_day": sum(st.overtime_lunch for st in c.staff) / n_days,
        "overtime_close_min_per_day": sum(st.overtime - st.overtime_lunch for st in c.staff) / n_days,
    }
    utils = []
    for st in c.staff:
        u = _ratio(st.busy, st.present + st.overtime)
        k[f"staff_utilisation.{st.id}"] = u
        if not math.isnan(u):
            utils.append(u)
    k["staff_utilisation_mean"] = float(np.mean(utils)) if utils else math.nan
    k.update(staff_time_kpis(c))
    k["ticket_machine_utilisation"] = c.machines.utilisation(c.window_start)
    k["ticket_machine_down_min"] = c.machines.none_working_minutes()
    for i, minutes in enumerate(c.machines.down_minutes()):
        k[f"ticket_machine_out_min.{i + 1}"] = minutes
    k["lookup_pc_utilisation"] = c.pcs.utilisation(c.window_start)
    k["support_team_utilisation"] = c.support.utilisation(c.window_start)
    k["support_wait_mean_min"] = _ratio(c.support.wait_sum, c.support.wait_n)
    per_field_n = w.hist.sum(axis=1)
    for i, f in enumerate(s.fields):
        k[f"wait_p90_min.{f.id}"] = percentile_from_histogram(w.hist[i], 0.90)
        k[f"wait_mean_min.{f.id}"] = math.nan if per_field_n[i] == 0 else _field_mean(w, i)
    return k


STAFF_TIME_PARTS: tuple[str, ...] = (
    "staff_busy_counter_share",
    "staff_busy_back_office_share",
    "staff_busy_manual_share",
)
"""The parts of `staff_busy_share`, in the order they are stacked: counter service, back-office
dossier work, numbers written by hand. Same denominator, so per person they add up to the total."""


def staff_time_kpis(c: Centre) -> dict[str, float]:
    """Each person's busy share of their time at work, and its parts (counter, back office, manual
    numbers), per person and averaged over staff.

    Time at work is every session of the window the person is not on leave or in a weekly meeting,
    plus lunch breaks covered at the counter, plus counter and back-office overtime. The counter
    share alone (`staff_utilisation`) is over counter-present time and says nothing about the desk
    work the same people do between and beside counter sessions; this is the figure that does.
    """
    office = c.dossiers
    desk = {w.name: w for w in office.workers} if isinstance(office, BackOffice) else {}
    window = c.days[c.first_window_day :]
    totals: dict[str, list[float]] = {key: [] for key in ("staff_busy_share", *STAFF_TIME_PARTS)}
    k: dict[str, float] = {}
    for st in c.staff:
        scheduled = 0.0
        for day in window:
            at_work = c.presence.sessions(st.id, day)
            if at_work:
                scheduled += sum(
                    b - a
                    for (a, b), name in zip(day.sessions, day.session_names, strict=True)
                    if name in at_work
                )
        worker = desk.get(st.id)
        back_office = worker.work_done if worker is not None else 0.0
        time_at_work = scheduled + st.covered + st.overtime + (worker.overtime if worker else 0.0)
        counter = st.busy - st.manual_busy
        parts = (counter, back_office, st.manual_busy)
        k[f"staff_busy_share.{st.id}"] = _ratio(sum(parts), time_at_work)
        for key, minutes in zip(STAFF_TIME_PARTS, parts, strict=True):
            k[f"{key}.{st.id}"] = _ratio(minutes, time_at_work)
        if time_at_work > 0:
            for key in totals:
                totals[key].append(k[f"{key}.{st.id}"])
    for key, values in totals.items():
        k[key] = float(np.mean(values)) if values else math.nan
    return k


def _field_mean(w, i: int) -> float:
    return _ratio(w.field_sum[i], w.field_count[i])
