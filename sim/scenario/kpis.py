"""The vocabulary of results: every KPI key the model reports, with its meaning.

Keys are stable: the same names appear in `summary.json` (under "kpis"), as columns of
`replications.csv`, and in target rules. Breakdowns add a dotted suffix (`wait_mean_min.land`,
`staff_utilisation.s1`, `ticket_machine_out_min.2` for the second ticket machine).
"""

from __future__ import annotations

KPIS: dict[str, str] = {
    "visitors_arrived": "Visits to the centre (a visitor sent home who returns counts again)",
    "visitors_served": "Visits that ended in service (counter, support team or lookup PC)",
    "visitors_reneged": "Visitors who left the queue after running out of patience",
    "visitors_balked": "Visitors who left on arrival on seeing a long queue",
    "visitors_sent_home": "Visitors sent home at closing, to return the next working day",
    "visitors_in_system_end": "Visitors still at the centre when the window ends",
    "visitors_served_counter": "Visits served at a counter",
    "visitors_served_support": "Visits completed by the support team (filed online)",
    "visitors_served_lookup": "Visits completed at the lookup PC",
    "dossiers_submitted_counter": "Dossiers handed in at a counter",
    "dossiers_submitted_online_support": "Dossiers filed online with the support team's help",
    "wait_mean_min": "Mean wait for the counter (minutes): from stepping into the ticket line "
    "(on arrival, or after the lookup PC or the support team) to the counter call",
    "wait_p50_min": "Median wait for the counter (minutes)",
    "wait_p90_min": "90th percentile of the wait for the counter (minutes)",
    "wait_p95_min": "95th percentile of the wait for the counter (minutes)",
    "wait_max_min": "Longest wait for the counter (minutes)",
    "wait_within_target": "Share of counter visitors who waited no longer than the wait threshold",
    "queue_mean": "Time-average number waiting for a counter during opening hours",
    "queue_max": "Most visitors waiting for a counter at once",
    "overtime_min_per_day": "Counter minutes staff served past the end of a session, per working "
    "day (sum over staff): lunch overtime plus closing overtime",
    "overtime_lunch_min_per_day": "Counter minutes staff served into the lunch break (past the end "
    "of the morning session), per working day (sum over staff)",
    "overtime_close_min_per_day": "Counter minutes staff served after the day's closing, per working "
    "day (sum over staff)",
    "staff_utilisation_mean": "Busy share of counter-present time, averaged over staff (counter "
    "time only: see staff_busy_share for each person's whole working time)",
    "staff_busy_share": "Busy share of time at work, averaged over staff; per person "
    "(staff_busy_share.<staff>): counter service + back-office dossier work + numbers written by hand, "
    "over time at work (sessions not on leave or in a weekly meeting, covered lunch breaks, counter "
    "and back-office overtime). Only work the model represents counts (not meetings or a leader's "
    "other duties). Desk work runs at its share beside the counter, so above 100% means the person "
    "is over-committed",
    "staff_busy_counter_share": "Part of staff_busy_share spent serving at the counter",
    "staff_busy_back_office_share": "Part of staff_busy_share spent on back-office dossier work",
    "staff_busy_manual_share": "Part of staff_busy_share spent writing numbers by hand while no "
    "ticket machine works",
    "ticket_machine_utilisation": "Busy share of the ticket machines' issuing hours",
    "ticket_machine_down_min": "Minutes of issuing hours with no ticket machine working (all out of "
    "order or out of paper at once; with one machine, its own down time). Not the sum over machines: "
    "two machines down at different times leave visitors a working one",
    "ticket_machine_out_min": "Per machine only (ticket_machine_out_min.<n>, n = 1, 2, ...): minutes "
    "of issuing hours that machine was out of order or out of paper (both at once counted once)",
    "lookup_pc_utilisation": "Busy share of the lookup PCs' opening hours",
    "support_team_utilisation": "Busy share of the support team's hours",
    "support_wait_mean_min": "Mean wait for a support team member (minutes)",
    "dossiers_received": "Dossiers received in the window (counter, online, online with support)",
    "dossiers_online": "Dossiers received through the online channel (incl. those filed with support)",
    "dossiers_completed": "Dossiers received in the window whose processing ended by the window's end",
    "on_time_rate": "Portal on-time rate: finished by the appointment date, plus those still in "
    "progress within it, over received (a second missing-papers request counts as late)",
    "early_rate": "Share of received dossiers finished before their appointment date",
    "late_dossiers": "Dossiers received in the window that are late (finished late, overdue, or "
    "with a second missing-papers request)",
    "processing_days_mean": "Mean calendar days from reception to the end of processing (completed dossiers)",
    "backlog_end": "Dossiers still in progress at the end of the window (received in it, or carried "
    "into it from an initial backlog)",
    "dossiers_fee_bearing": "Dossiers received in the window that carry a fee or charge",
    "online_payment_rate": "Share of fee-bearing dossiers paid online (A in the 766 online-payment "
    "score, 6A + ...; portal data, unofficial)",
    "apology_slips": "Apology and new-appointment slips issued (dossiers still open after their "
    "appointment date)",
    "back_office_utilisation": "Back-office work done over back-office capacity (share of time)",
    "score_progress_766": "766 index, progress group (0-20) = 20 x on_time_rate (portal data, unofficial)",
    "score_handling_satisfaction_766": "766 index, satisfaction with handling (0-6) = "
    "6 x min(1, (on-time share - complaint share) / 0.9) (portal data, unofficial)",
}
"""Headline KPIs and what they mean; breakdowns use `key.<staff or field id>`."""

BREAKDOWN_BY: dict[str, str] = {
    "staff_utilisation": "staff",
    "staff_busy_share": "staff",
    "staff_busy_counter_share": "staff",
    "staff_busy_back_office_share": "staff",
    "staff_busy_manual_share": "staff",
    "ticket_machine_out_min": "machine",
    "wait_mean_min": "field",
    "wait_p90_min": "field",
    "dossiers_received": "field",
    "on_time_rate": "field",
    "early_rate": "field",
    "late_dossiers": "field",
    "processing_days_mean": "field",
}
"""KPIs reported per staff member (`.<staff id>`), per ticket machine (`.<n>`, 1 = the first) or
per field (`.<field id>`): the one list the model's output, the checks and the reports read."""

BREAKDOWNS: tuple[str, ...] = tuple(BREAKDOWN_BY)


def is_known_kpi(key: str) -> bool:
    """True for a headline KPI or a dotted breakdown of one."""
    return key in KPIS or key.split(".", 1)[0] in KPIS


LOWER_IS_BETTER, NEUTRAL, HIGHER_IS_BETTER = -1, 0, 1

KPI_DIRECTION: dict[str, int] = {
    "visitors_arrived": NEUTRAL,
    "visitors_served": NEUTRAL,
    "visitors_reneged": LOWER_IS_BETTER,
    "visitors_balked": LOWER_IS_BETTER,
    "visitors_sent_home": LOWER_IS_BETTER,
    "visitors_in_system_end": LOWER_IS_BETTER,
    "visitors_served_counter": NEUTRAL,
    "visitors_served_support": NEUTRAL,
    "visitors_served_lookup": NEUTRAL,
    "dossiers_submitted_counter": NEUTRAL,
    "dossiers_submitted_online_support": NEUTRAL,
    "wait_mean_min": LOWER_IS_BETTER,
    "wait_p50_min": LOWER_IS_BETTER,
    "wait_p90_min": LOWER_IS_BETTER,
    "wait_p95_min": LOWER_IS_BETTER,
    "wait_max_min": LOWER_IS_BETTER,
    "wait_within_target": HIGHER_IS_BETTER,
    "queue_mean": LOWER_IS_BETTER,
    "queue_max": LOWER_IS_BETTER,
    "overtime_min_per_day": LOWER_IS_BETTER,
    "overtime_lunch_min_per_day": LOWER_IS_BETTER,
    "overtime_close_min_per_day": LOWER_IS_BETTER,
    "staff_utilisation_mean": NEUTRAL,
    "staff_busy_share": NEUTRAL,
    "staff_busy_counter_share": NEUTRAL,
    "staff_busy_back_office_share": NEUTRAL,
    "staff_busy_manual_share": NEUTRAL,
    "ticket_machine_utilisation": NEUTRAL,
    "ticket_machine_down_min": LOWER_IS_BETTER,
    "ticket_machine_out_min": LOWER_IS_BETTER,
    "lookup_pc_utilisation": NEUTRAL,
    "support_team_utilisation": NEUTRAL,
    "support_wait_mean_min": LOWER_IS_BETTER,
    "dossiers_received": NEUTRAL,
    "dossiers_online": NEUTRAL,
    "dossiers_completed": NEUTRAL,
    "on_time_rate": HIGHER_IS_BETTER,
    "early_rate": HIGHER_IS_BETTER,
    "late_dossiers": LOWER_IS_BETTER,
    "processing_days_mean": LOWER_IS_BETTER,
    "backlog_end": LOWER_IS_BETTER,
    "apology_slips": LOWER_IS_BETTER,
    "online_payment_rate": HIGHER_IS_BETTER,
    "dossiers_fee_bearing": NEUTRAL,
    "back_office_utilisation": NEUTRAL,
    "score_progress_766": HIGHER_IS_BETTER,
    "score_handling_satisfaction_766": HIGHER_IS_BETTER,
}
"""Which way is better for each headline KPI: −1 lower, +1 higher, 0 neutral (a count of demand or a
utilisation, which is neither good nor bad in itself). Dotted breakdowns take their headline's."""


def kpi_direction(key: str) -> int:
    """−1 (lower is better), +1 (higher is better) or 0 (neutral) for a KPI or a breakdown of one;
    0 for a key this table does not know."""
    return KPI_DIRECTION.get(key, KPI_DIRECTION.get(key.split(".", 1)[0], NEUTRAL))
