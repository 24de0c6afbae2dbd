"""The KPI registry: every KPI the model reports, declared once.

Each `Kpi` says where the KPI is shown (`section`), how its values print (`kind`, `unit`), which
way is better (`direction`), the smallest difference that matters in a comparison
(`min_important_diff`, which a scenario may override), how it is broken down (`breakdown`: per
staff member, ticket machine or field), and its name and explanation (`name`, `help`: English
gettext msgids, translated in `sim/report/locale/*/LC_MESSAGES/centre_sim.po`). The model's output,
the checks, the terminal tables, the HTML report and the comparison read it; the other names of
this module (`KPIS`, `BREAKDOWN_BY`, `KPI_DIRECTION`, ...) are views derived from it.

Keys are stable: the same names appear in `summary.json` (under "kpis"), as columns of
`replications.csv`, and in target rules. Breakdowns add a dotted suffix (`wait_mean_min.land`,
`staff_utilisation.s1`, `ticket_machine_out_min.2` for the second ticket machine).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Section = Literal["front", "back"]
Kind = Literal["share", "minutes", "days", "score", "count", "number"]
"""How values print: a share (0-1, shown in %), minutes, days, a 766 score out of its maximum, a
count of visits/dossiers/slips, or a plain number (a mean queue length)."""
Unit = Literal["percent", "minutes", "days", "points", "visitors", "dossiers", "slips", "people", ""]
Breakdown = Literal["staff", "machine", "field"]

FRONT: Section = "front"
BACK: Section = "back"
SHARE: Kind = "share"
MINUTES: Kind = "minutes"
DAYS: Kind = "days"
SCORE: Kind = "score"
COUNT: Kind = "count"
NUMBER: Kind = "number"

LOWER_IS_BETTER, NEUTRAL, HIGHER_IS_BETTER = -1, 0, 1
LOWER, HIGHER = LOWER_IS_BETTER, HIGHER_IS_BETTER


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a string defined as data for `pybabel extract -k N_`; translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI: everything the model, the checks, the tables and the reports need to know."""

    key: str
    section: Section
    """"front" (visitors, queues, counters, staff time) or "back" (dossiers): the table it is in."""
    kind: Kind
    unit: Unit
    direction: int
    """-1 lower is better, +1 higher is better, 0 neutral (demand, a utilisation)."""
    name: str
    """Short name (English msgid)."""
    help: str
    """One-sentence explanation for a reader (English msgid)."""
    description: str
    """The exact definition, for scripts and the scenario-format documentation."""
    min_important_diff: float | None = None
    """Default smallest difference that matters, in the KPI's unit (shares as fractions); None:
    not a key KPI of a comparison by default."""
    breakdown: Breakdown | None = None
    """Also reported per staff member (`.<staff id>`), ticket machine (`.<n>`) or field (`.<field id>`)."""
    out_of: float | None = None
    """Maximum of a score (766 index)."""
    upper: float | None = None
    """The largest value when the kind does not say it (a share is at most 1, a score `out_of`):
    `math.inf` for staff time, which exceeds 100% when a person is over-committed."""
    headline: bool = True
    """False for a KPI reported only per staff member or machine (no bare key in the output)."""


# One KPI per block: key, section, kind, unit and direction on its first line, then its name and
# help (msgids), its definition, and the optional fields.
# fmt: off
_REGISTRY: tuple[Kpi, ...] = (
    Kpi("visitors_arrived", FRONT, COUNT, "visitors", NEUTRAL,
        N_("Visits to the centre"),
        N_("Arrivals at the centre; a visitor sent home who comes back counts again."),
        "Visits to the centre (a visitor sent home who returns counts again)"),
    Kpi("visitors_served", FRONT, COUNT, "visitors", NEUTRAL,
        N_("Visits served"),
        N_("Visits that ended in service at a counter, by the support team or at the lookup PC."),
        "Visits that ended in service (counter, support team or lookup PC)"),
    Kpi("visitors_reneged", FRONT, COUNT, "visitors", LOWER,
        N_("Visitors who gave up waiting"),
        N_("Visitors holding a number who ran out of patience and left before being called."),
        "Visitors who left the queue after running out of patience"),
    Kpi("visitors_balked", FRONT, COUNT, "visitors", LOWER,
        N_("Visitors put off by the queue"),
        N_("Visitors who left on arrival on seeing a long queue."),
        "Visitors who left on arrival on seeing a long queue"),
    Kpi("visitors_sent_home", FRONT, COUNT, "visitors", LOWER,
        N_("Visitors sent home at closing"),
        N_("Visitors still waiting at closing, asked to come back the next working day."),
        "Visitors sent home at closing, to return the next working day"),
    Kpi("visitors_in_system_end", FRONT, COUNT, "visitors", LOWER,
        N_("Visitors still present at the end"),
        N_("Visitors still at the centre when the simulated period ends."),
        "Visitors still at the centre when the window ends"),
    Kpi("visitors_served_counter", FRONT, COUNT, "visitors", NEUTRAL,
        N_("Visits served at a counter"),
        N_("Visits handled by a member of staff at a counter."),
        "Visits served at a counter"),
    Kpi("visitors_served_support", FRONT, COUNT, "visitors", NEUTRAL,
        N_("Visits completed by the support team"),
        N_("Visits that ended with the support team filing the dossier online."),
        "Visits completed by the support team (filed online)"),
    Kpi("visitors_served_lookup", FRONT, COUNT, "visitors", NEUTRAL,
        N_("Visits to the lookup PC only"),
        N_("Visits made only to look something up at the lookup PC."),
        "Visits completed at the lookup PC"),
    Kpi("dossiers_submitted_counter", FRONT, COUNT, "dossiers", NEUTRAL,
        N_("Dossiers handed in at a counter"),
        N_("Dossiers citizens handed in at a counter."),
        "Dossiers handed in at a counter"),
    Kpi("dossiers_submitted_online_support", FRONT, COUNT, "dossiers", NEUTRAL,
        N_("Dossiers filed online with help"),
        N_("Dossiers filed online with the support team's help."),
        "Dossiers filed online with the support team's help"),
    Kpi("wait_mean_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Mean waiting time"),
        N_("From joining the ticket line (on arrival, or after the lookup PC or the support team) to the "
           "counter call, averaged over all visits."),
        "Mean wait for the counter (minutes): from stepping into the ticket line (on arrival, or after the "
        "lookup PC or the support team) to the counter call",
        min_important_diff=1.0, breakdown="field"),
    Kpi("wait_p50_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Median waiting time"),
        N_("Half of the visitors wait no longer than this."),
        "Median wait for the counter (minutes)"),
    Kpi("wait_p90_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Waiting time for 90% of visitors"),
        N_("90% of visitors are called to the counter within this time (90th percentile)."),
        "90th percentile of the wait for the counter (minutes)",
        min_important_diff=2.0, breakdown="field"),
    Kpi("wait_p95_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Waiting time for 95% of visitors"),
        N_("95% of visitors are called to the counter within this time (95th percentile)."),
        "95th percentile of the wait for the counter (minutes)"),
    Kpi("wait_max_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Longest wait"),
        N_("The longest wait in the period."),
        "Longest wait for the counter (minutes)"),
    Kpi("wait_within_target", FRONT, SHARE, "percent", HIGHER,
        N_("Share waiting within the threshold"),
        N_("Share of counter visitors called within the scenario's waiting-time threshold."),
        "Share of counter visitors who waited no longer than the wait threshold",
        min_important_diff=0.01),
    Kpi("queue_mean", FRONT, NUMBER, "people", LOWER,
        N_("Mean number waiting"),
        N_("People waiting for a counter, time average over opening hours."),
        "Time-average number waiting for a counter during opening hours"),
    Kpi("queue_max", FRONT, NUMBER, "people", LOWER,
        N_("Most people waiting at once"),
        N_("The largest number of people waiting for a counter at the same time."),
        "Most visitors waiting for a counter at once"),
    Kpi("overtime_min_per_day", FRONT, MINUTES, "minutes", LOWER,
        N_("Overtime per working day"),
        N_("Minutes staff keep serving at the counter past the end of a session (into the lunch break and "
           "after closing), summed over staff, per working day."),
        "Counter minutes staff served past the end of a session, per working day (sum over staff): lunch "
        "overtime plus closing overtime"),
    Kpi("overtime_lunch_min_per_day", FRONT, MINUTES, "minutes", LOWER,
        N_("Lunch overtime per working day"),
        N_("Minutes staff keep serving at the counter after the morning session ends, into the lunch break,"
           " summed over staff, per working day."),
        "Counter minutes staff served into the lunch break (past the end of the morning session), per "
        "working day (sum over staff)"),
    Kpi("overtime_close_min_per_day", FRONT, MINUTES, "minutes", LOWER,
        N_("Closing overtime per working day"),
        N_("Minutes staff keep serving at the counter after the day's closing time, summed over staff, per "
           "working day."),
        "Counter minutes staff served after the day's closing, per working day (sum over staff)"),
    Kpi("staff_utilisation", FRONT, SHARE, "percent", NEUTRAL,
        N_("Utilisation"),
        N_("Share of counter-present time spent serving."),
        "Per staff member only (staff_utilisation.<staff>): busy share of counter-present time (counter "
        "service only; staff_busy_share covers the whole working time)",
        breakdown="staff", headline=False),
    Kpi("staff_utilisation_mean", FRONT, SHARE, "percent", NEUTRAL,
        N_("Staff utilisation at the counter"),
        N_("Share of counter-present time staff spend serving, averaged over staff (counter only; see the "
           "busy share of working time)."),
        "Busy share of counter-present time, averaged over staff (counter time only: see staff_busy_share "
        "for each person's whole working time)"),
    Kpi("staff_busy_share", FRONT, SHARE, "percent", NEUTRAL,
        N_("Busy share of working time"),
        N_("Share of working time staff are busy: serving at the counter, processing dossiers and writing "
           "numbers by hand, over time at work (sessions not on leave or in a meeting, covered lunch breaks"
           " and overtime); averaged over staff. Only work the model represents counts, not meetings or "
           "leaders' other duties. Desk work runs beside the counter, so above 100% means the person is "
           "over-committed."),
        "Busy share of time at work, averaged over staff; per person (staff_busy_share.<staff>): counter "
        "service + back-office dossier work + numbers written by hand, over time at work (sessions not on "
        "leave or in a weekly meeting, covered lunch breaks, counter and back-office overtime). Only work "
        "the model represents counts (not meetings or a leader's other duties). Desk work runs at its share"
        " beside the counter, so above 100% means the person is over-committed",
        breakdown="staff", upper=math.inf),
    Kpi("staff_busy_counter_share", FRONT, SHARE, "percent", NEUTRAL,
        N_("Part serving at the counter"),
        N_("Part of the busy share of working time spent serving at the counter."),
        "Part of staff_busy_share spent serving at the counter",
        breakdown="staff", upper=math.inf),
    Kpi("staff_busy_back_office_share", FRONT, SHARE, "percent", NEUTRAL,
        N_("Part processing dossiers"),
        N_("Part of the busy share of working time spent on back-office dossier work."),
        "Part of staff_busy_share spent on back-office dossier work",
        breakdown="staff", upper=math.inf),
    Kpi("staff_busy_manual_share", FRONT, SHARE, "percent", NEUTRAL,
        N_("Part writing numbers by hand"),
        N_("Part of the busy share of working time spent writing numbers by hand while no ticket machine "
           "works."),
        "Part of staff_busy_share spent writing numbers by hand while no ticket machine works",
        breakdown="staff", upper=math.inf),
    Kpi("ticket_machine_utilisation", FRONT, SHARE, "percent", NEUTRAL,
        N_("Ticket machine utilisation"),
        N_("Share of issuing hours the ticket machine is printing tickets."),
        "Busy share of the ticket machines' issuing hours"),
    Kpi("ticket_machine_down_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Time with no ticket machine working"),
        N_("Minutes of issuing hours with no ticket machine working (out of order or out of paper); with "
           "one machine, its own down time. Each machine's down time is reported apart, not summed."),
        "Minutes of issuing hours with no ticket machine working (all out of order or out of paper at once;"
        " with one machine, its own down time). Not the sum over machines: two machines down at different "
        "times leave visitors a working one"),
    Kpi("ticket_machine_out_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Ticket machine out of service"),
        N_("Minutes of issuing hours each ticket machine was out of order or out of paper (both at once "
           "counted once)."),
        "Per machine only (ticket_machine_out_min.<n>, n = 1, 2, ...): minutes of issuing hours that "
        "machine was out of order or out of paper (both at once counted once)",
        breakdown="machine", headline=False),
    Kpi("lookup_pc_utilisation", FRONT, SHARE, "percent", NEUTRAL,
        N_("Lookup PC utilisation"),
        N_("Share of opening hours the lookup PC is in use."),
        "Busy share of the lookup PCs' opening hours"),
    Kpi("support_team_utilisation", FRONT, SHARE, "percent", NEUTRAL,
        N_("Support team utilisation"),
        N_("Share of the support team's hours spent helping citizens."),
        "Busy share of the support team's hours"),
    Kpi("support_wait_mean_min", FRONT, MINUTES, "minutes", LOWER,
        N_("Mean wait for the support team"),
        N_("Waiting time until a support team member is free to help."),
        "Mean wait for a support team member (minutes)"),
    Kpi("dossiers_received", BACK, COUNT, "dossiers", NEUTRAL,
        N_("Dossiers received"),
        N_("Dossiers received in the period: at the counter, online, and online with help."),
        "Dossiers received in the window (counter, online, online with support)",
        breakdown="field"),
    Kpi("dossiers_online", BACK, COUNT, "dossiers", NEUTRAL,
        N_("Dossiers received online"),
        N_("Dossiers received through the online channel, including those filed with the support team's "
           "help."),
        "Dossiers received through the online channel (incl. those filed with support)"),
    Kpi("dossiers_completed", BACK, COUNT, "dossiers", NEUTRAL,
        N_("Dossiers completed"),
        N_("Dossiers received in the period and completed before it ends."),
        "Dossiers received in the window whose processing ended by the window's end"),
    Kpi("on_time_rate", BACK, SHARE, "percent", HIGHER,
        N_("On-time rate"),
        N_("The national portal's definition: finished on or before the appointment date, plus those still "
           "in progress within it, over dossiers received; a second request for missing papers counts as "
           "late."),
        "Portal on-time rate: finished by the appointment date, plus those still in progress within it, "
        "over received (a second missing-papers request counts as late)",
        min_important_diff=0.01, breakdown="field"),
    Kpi("early_rate", BACK, SHARE, "percent", HIGHER,
        N_("Share finished early"),
        N_("Share of dossiers finished before their appointment date."),
        "Share of received dossiers finished before their appointment date",
        breakdown="field"),
    Kpi("late_dossiers", BACK, COUNT, "dossiers", LOWER,
        N_("Late dossiers"),
        N_("Dossiers received in the period that are late: finished late, overdue, or with a second request"
           " for missing papers."),
        "Dossiers received in the window that are late (finished late, overdue, or with a second "
        "missing-papers request)",
        min_important_diff=1.0, breakdown="field"),
    Kpi("processing_days_mean", BACK, DAYS, "days", LOWER,
        N_("Mean processing time"),
        N_("Calendar days from reception to the end of processing, for completed dossiers."),
        "Mean calendar days from reception to the end of processing (completed dossiers)",
        breakdown="field"),
    Kpi("backlog_end", BACK, COUNT, "dossiers", LOWER,
        N_("Dossiers in progress at the end"),
        N_("Dossiers still being processed when the period ends."),
        "Dossiers still in progress at the end of the window (received in it, or carried into it from an "
        "initial backlog)"),
    Kpi("dossiers_fee_bearing", BACK, COUNT, "dossiers", NEUTRAL,
        N_("Fee-bearing dossiers"),
        N_("Dossiers received in the period that carry a fee or charge."),
        "Dossiers received in the window that carry a fee or charge"),
    Kpi("online_payment_rate", BACK, SHARE, "percent", HIGHER,
        N_("Online payment rate"),
        N_("Share of fee-bearing dossiers paid online (part A of the 766 online-payment score)."),
        "Share of fee-bearing dossiers paid online (A in the 766 online-payment score, 6A + ...; portal "
        "data, unofficial)"),
    Kpi("apology_slips", BACK, COUNT, "slips", LOWER,
        N_("Apology and new-appointment slips"),
        N_("Slips issued for dossiers still open after their appointment date."),
        "Apology and new-appointment slips issued (dossiers still open after their appointment date)"),
    Kpi("back_office_utilisation", BACK, SHARE, "percent", NEUTRAL,
        N_("Back-office utilisation"),
        N_("Dossier work done over the back office's capacity (share of time)."),
        "Back-office work done over back-office capacity (share of time)"),
    Kpi("score_progress_766", BACK, SCORE, "points", HIGHER,
        N_("766 index: progress score"),
        N_("Progress group, at most 20 points = 20 × on-time rate; formula inferred from portal data, "
           "unofficial."),
        "766 index, progress group (0-20) = 20 x on_time_rate (portal data, unofficial)",
        out_of=20.0),
    Kpi("score_handling_satisfaction_766", BACK, SCORE, "points", HIGHER,
        N_("766 index: handling satisfaction score"),
        N_("At most 6 points = 6 × min(1, (on-time share − complaint share) / 0.9); formula inferred from "
           "portal data, unofficial."),
        "766 index, satisfaction with handling (0-6) = 6 x min(1, (on-time share - complaint share) / 0.9) "
        "(portal data, unofficial)",
        out_of=6.0),
)
# fmt: on

REGISTRY: Mapping[str, Kpi] = MappingProxyType({k.key: k for k in _REGISTRY})
"""Key -> `Kpi`, in the order the tables print them."""


def kpi_base(key: str) -> str:
    """The headline part of a KPI key: "wait_mean_min.land" -> "wait_mean_min"."""
    return key.split(".", 1)[0]


def get_kpi(key: str) -> Kpi | None:
    """The registry entry of a KPI or of a dotted breakdown of one; None for an unknown key."""
    return REGISTRY.get(kpi_base(key))


# ----- read-only views derived from the registry -------------------------------------------------

KPIS: Mapping[str, str] = MappingProxyType({k.key: k.description for k in _REGISTRY})
"""Every KPI key and its definition; breakdowns use `key.<staff, machine or field id>`."""

_BREAKDOWN_ORDER: tuple[Breakdown, ...] = ("staff", "machine", "field")

BREAKDOWN_BY: Mapping[str, str] = MappingProxyType(
    {k.key: by for by in _BREAKDOWN_ORDER for k in _REGISTRY if k.breakdown == by}
)
"""KPIs reported per staff member (`.<staff id>`), per ticket machine (`.<n>`, 1 = the first) or
per field (`.<field id>`)."""

BREAKDOWNS: tuple[str, ...] = tuple(BREAKDOWN_BY)

KPI_DIRECTION: Mapping[str, int] = MappingProxyType({k.key: k.direction for k in _REGISTRY})
"""Which way is better for each KPI: -1 lower, +1 higher, 0 neutral. Breakdowns take their headline's."""

SCORE_MAX: Mapping[str, float] = MappingProxyType(
    {k.key: k.out_of for k in _REGISTRY if k.out_of is not None}
)
"""Maximum points of the 766-index scores (progress 20, handling satisfaction 6)."""

DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE: Mapping[str, float] = MappingProxyType(
    {k.key: k.min_important_diff for k in _REGISTRY if k.min_important_diff is not None}
)
"""Smallest change in each key KPI of a comparison that a planner would act on (ESTIMATE): a
difference the simulation can detect but that lies inside +/- this band is "too small to matter".
These KPIs are also the default key KPIs of a comparison."""

RUN_ANSWER_KPIS: tuple[str, ...] = (
    "dossiers_received",
    "on_time_rate",
    "wait_mean_min",
    "wait_p90_min",
    "overtime_min_per_day",
)
"""KPIs quoted in the answer of a run (terminal and report)."""

RUN_REPORT_KPIS: tuple[str, ...] = (
    "visitors_arrived",
    "visitors_served_counter",
    "wait_mean_min",
    "wait_p90_min",
    "wait_within_target",
    "queue_mean",
    "staff_busy_share",
    "overtime_min_per_day",
    "dossiers_received",
    "dossiers_completed",
    "on_time_rate",
    "late_dossiers",
    "processing_days_mean",
    "apology_slips",
    "backlog_end",
    "score_progress_766",
)
"""KPIs in the results table of a run's report (those the run reports), plus every KPI with a target:
the rest are in `summary.json`, so that the report fits on 4 pages."""


def is_known_kpi(key: str) -> bool:
    """True for a KPI the model reports: a headline key, or a dotted breakdown of a KPI that has one."""
    kpi = get_kpi(key)
    if kpi is None:
        return False
    return kpi.headline if "." not in key else True


def kpi_direction(key: str) -> int:
    """-1 (lower is better), +1 (higher is better) or 0 (neutral) for a KPI or a breakdown of one;
    0 for an unknown key."""
    kpi = get_kpi(key)
    return NEUTRAL if kpi is None else kpi.direction


def kpi_kind(key: str) -> Kind:
    """How a KPI's values print ("number" for an unknown key)."""
    kpi = get_kpi(key)
    return NUMBER if kpi is None else kpi.kind


def kpi_unit(key: str) -> Unit:
    """The unit a KPI's values are read in ("" for an unknown key or a plain number)."""
    kpi = get_kpi(key)
    return "" if kpi is None else kpi.unit


def kpi_section(key: str) -> Section:
    """ "back" for back-office KPIs and their breakdowns, "front" for everything else."""
    kpi = get_kpi(key)
    return FRONT if kpi is None else kpi.section
