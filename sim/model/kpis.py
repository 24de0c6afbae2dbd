"""KPIs of one finished replication, keyed as in `sim.scenario.kpis`."""

from __future__ import annotations

import math

import numpy as np

from sim.model.back.office import BackOffice
from sim.model.back.rules import EARLY, LATE, ON_TIME_CLASSES
from sim.model.centre import Centre
from sim.model.inputs import ModelInputs, as_inputs
from sim.model.monitors import WaitMonitor
from sim.scenario.schema import Scenario

STAFF_TIME_PARTS: tuple[str, ...] = (
    "staff_busy_counter_share",
    "staff_busy_back_office_share",
    "staff_busy_manual_share",
)
"""The parts of `staff_busy_share`, in the order they are stacked: counter service, back-office
dossier work, numbers written by hand. Same denominator, so per person they add up to the total."""


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def collect_kpis(c: Centre) -> dict[str, float]:
    """The front office's KPIs of one replication."""
    k = visitor_kpis(c)
    k.update(wait_kpis(c))
    k.update(staff_kpis(c))
    k.update(staff_time_kpis(c))
    k.update(equipment_kpis(c))
    k.update(field_wait_kpis(c))
    return k


def visitor_kpis(c: Centre) -> dict[str, float]:
    """How visits ended, and the dossiers handed in at the front office."""
    served = c.served_counter + c.served_support + c.served_lookup
    ended = served + c.reneged + c.balked + c.sent_home
    channels = c.dossiers.channel_counts()
    return {
        "visitors_arrived": float(c.arrived),
        "visitors_served": float(served),
        "visitors_reneged": float(c.reneged),
        "visitors_balked": float(c.balked),
        "visitors_sent_home": float(c.sent_home),
        "visitors_in_system_end": float(c.arrived - ended),
        "visitors_served_counter": float(c.served_counter),
        "visitors_served_support": float(c.served_support),
        "visitors_served_lookup": float(c.served_lookup),
        "dossiers_submitted_counter": float(channels.get("counter", 0)),
        "dossiers_submitted_online_support": float(channels.get("online_support", 0)),
    }


def wait_kpis(c: Centre) -> dict[str, float]:
    """Counter waits and queue lengths."""
    w = c.waits
    open_minutes = c.open_hours.overlap(c.window_start, math.inf)
    return {
        "wait_mean_min": ratio(w.total, w.count),
        "wait_p50_min": w.quantile(0.50),
        "wait_p90_min": w.quantile(0.90),
        "wait_p95_min": w.quantile(0.95),
        "wait_max_min": w.max if w.count else math.nan,
        "wait_within_target": ratio(w.within, w.count),
        "queue_mean": ratio(w.queue_area, open_minutes),
        "queue_max": float(c.queues.max_length),
    }


def field_wait_kpis(c: Centre) -> dict[str, float]:
    """Counter waits per field."""
    w = c.waits
    k: dict[str, float] = {}
    per_field_n = w.hist.sum(axis=1)
    for i, fid in enumerate(c.inputs.field_ids):
        k[f"wait_p90_min.{fid}"] = w.quantile(0.90, i)
        k[f"wait_mean_min.{fid}"] = math.nan if per_field_n[i] == 0 else _field_mean(w, i)
    return k


def staff_kpis(c: Centre) -> dict[str, float]:
    """Counter overtime per day and each person's counter utilisation."""
    n_days = len(c.days) - c.first_window_day
    k = {
        "overtime_min_per_day": sum(st.overtime for st in c.staff) / n_days,
        "overtime_lunch_min_per_day": sum(st.overtime_lunch for st in c.staff) / n_days,
        "overtime_close_min_per_day": sum(st.overtime - st.overtime_lunch for st in c.staff) / n_days,
    }
    utils = []
    for st in c.staff:
        u = ratio(st.busy, st.present + st.overtime)
        k[f"staff_utilisation.{st.id}"] = u
        if not math.isnan(u):
            utils.append(u)
    k["staff_utilisation_mean"] = float(np.mean(utils)) if utils else math.nan
    return k


def equipment_kpis(c: Centre) -> dict[str, float]:
    """Ticket machines, lookup PCs and the support team."""
    k = {
        "ticket_machine_utilisation": c.machines.utilisation(c.window_start),
        "ticket_machine_down_min": c.machines.none_working_minutes(),
    }
    for i, minutes in enumerate(c.machines.down_minutes()):
        k[f"ticket_machine_out_min.{i + 1}"] = minutes
    k["lookup_pc_utilisation"] = c.pcs.utilisation(c.window_start)
    k["support_team_utilisation"] = c.support.utilisation(c.window_start)
    k["support_wait_mean_min"] = ratio(c.support.wait_sum, c.support.wait_n)
    return k


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
            scheduled += sum(b - a for a, b in c.presence.spans(st.id, day))
        worker = desk.get(st.id)
        back_office = worker.work_done if worker is not None else 0.0
        time_at_work = scheduled + st.covered + st.overtime + (worker.overtime if worker else 0.0)
        counter = st.busy - st.manual_busy
        parts = (counter, back_office, st.manual_busy)
        k[f"staff_busy_share.{st.id}"] = ratio(sum(parts), time_at_work)
        for key, minutes in zip(STAFF_TIME_PARTS, parts, strict=True):
            k[f"{key}.{st.id}"] = ratio(minutes, time_at_work)
        if time_at_work > 0:
            for key in totals:
                totals[key].append(k[f"{key}.{st.id}"])
    for key, values in totals.items():
        k[key] = float(np.mean(values)) if values else math.nan
    return k


def back_office_kpis(office: BackOffice, source: Scenario | ModelInputs) -> dict[str, float]:
    """Dossier KPIs, counted as the national portal counts them (766 index)."""
    inputs = as_inputs(source)
    received = float(sum(office.received))
    o = np.asarray(office.outcomes, dtype=float)
    on_time = float(sum(o[:, c].sum() for c in ON_TIME_CLASSES))
    rate = ratio(on_time, received)
    complaints = inputs.back_office.complaint_share if inputs.back_office else 0.0
    channels = office.channel_counts()
    k: dict[str, float] = {
        "dossiers_received": received,
        "dossiers_online": float(channels["online"] + channels["online_support"]),
        "dossiers_completed": float(office.completed),
        "on_time_rate": rate,
        "early_rate": ratio(float(o[:, EARLY].sum()), received),
        "late_dossiers": float(o[:, LATE].sum()),
        "processing_days_mean": ratio(office.processing_minutes / 1440.0, office.completed),
        "backlog_end": float(office.backlog()),
        "apology_slips": float(office.slips),
        "dossiers_fee_bearing": float(office.fee_bearing),
        "online_payment_rate": ratio(float(office.paid_online), float(office.fee_bearing)),
        "back_office_utilisation": office.utilisation(),
        "score_progress_766": 20.0 * rate if not math.isnan(rate) else math.nan,
        "score_handling_satisfaction_766": (
            6.0 * min(1.0, (rate - complaints) / 0.9) if not math.isnan(rate) else math.nan
        ),
    }
    for i, fid in enumerate(inputs.field_ids):
        k.update(_field_dossier_kpis(office, o, i, fid))
    return k


def _field_dossier_kpis(office: BackOffice, o: np.ndarray, i: int, fid: str) -> dict[str, float]:
    n = float(office.received[i])
    if n == 0:
        return {}
    return {
        f"dossiers_received.{fid}": n,
        f"on_time_rate.{fid}": sum(o[i, c] for c in ON_TIME_CLASSES) / n,
        f"early_rate.{fid}": o[i, EARLY] / n,
        f"late_dossiers.{fid}": float(o[i, LATE]),
        f"processing_days_mean.{fid}": ratio(office.field_processing[i] / 1440.0, office.field_completed[i]),
    }


def _field_mean(w: WaitMonitor, i: int) -> float:
    return ratio(w.field_sum[i], w.field_count[i])
