"""Short readable names of scenario keys, as data: what a report shows instead of a TOML key.

`LABELS` maps a key PATTERN to an English msgid (its Vietnamese is in the catalogue). A pattern is
the key path with list ids and positions written `[]` (`procedures[land_intake].work_min` →
`procedures[].work_min`, `calendar.seasons[0]` → `calendar.seasons[]`) and the season names a
scenario chooses written `*` (`demand.season_profiles.winter` → `demand.season_profiles.*`, whose
label says `{name}`). Sections and entries have labels too (`demand`, `equipment.ticket_machines`,
`staff[]`), so a row can be named at any level. `key_label` gives "" for a key without a label: the
report then shows the key itself. Meanings: `sim/scenario/schema.py` and `docs/scenario_format.md`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sim.report.i18n import N_

SECTIONS: dict[str, str] = {
    "scenario": N_("Scenario details"),
    "calendar": N_("Calendar"),
    "demand": N_("Demand"),
    "fields": N_("Fields"),
    "procedures": N_("Procedures"),
    "staff": N_("Staff"),
    "equipment": N_("Equipment"),
    "support_team": N_("Support team"),
    "policies": N_("Policies"),
    "back_office": N_("Dossier processing"),
    "online": N_("Online dossiers"),
    "targets": N_("Targets"),
    "run": N_("Run settings"),
}
"""Top-level sections of a scenario → their names."""

CALENDAR = {
    "calendar.start": N_("First day"),
    "calendar.end": N_("Last day"),
    "calendar.seasons[]": N_("Season and its hours"),
    "calendar.saturday_sessions": N_("Saturday sessions"),
    "calendar.sunday_sessions": N_("Sunday sessions"),
    "calendar.use_holiday_table": N_("Public holidays applied"),
    "calendar.extra_holidays": N_("Extra days off"),
    "calendar.extra_workdays": N_("Extra working days"),
}

DEMAND = {
    "demand.visits_per_day": N_("Visits per day"),
    "demand.hourly_profile": N_("Arrivals by hour"),
    "demand.season_profiles": N_("Arrivals by hour in a season"),
    "demand.season_profiles.*": N_("Arrivals by hour in {name}"),
    "demand.weekday_factors": N_("Weekday factors"),
    "demand.priority_share": N_("Share with priority"),
    "demand.patience_min": N_("Patience before leaving"),
    "demand.balking": N_("Leaving a long queue"),
    "demand.balking.queue_length": N_("People waiting that make some leave"),
    "demand.balking.probability": N_("Probability of leaving then"),
    "demand.uses_lookup_pc_share": N_("Share using a lookup PC"),
    "demand.needs_help_share": N_("Share needing the support team"),
    "demand.return_delay_min": N_("Delay of those sent home"),
    "demand.purposes": N_("Purposes of visits"),
    "demand.purposes.submit.share": N_("Share filing a dossier"),
    "demand.purposes.submit.service_min": N_("Time to file a dossier"),
    "demand.purposes.collect.share": N_("Share collecting a result"),
    "demand.purposes.collect.service_min": N_("Time to collect a result"),
    "demand.purposes.enquiry.share": N_("Share asking for information"),
    "demand.purposes.enquiry.service_min": N_("Time to answer an enquiry"),
    "demand.purposes.online_help.share": N_("Share needing help to file online"),
    "demand.purposes.online_help.service_min": N_("Time to help file online"),
    "demand.purposes.lookup.share": N_("Share only looking up"),
    "demand.purposes.lookup.service_min": N_("Time to look up"),
}

PROCEDURES = {
    "procedures[]": N_("Procedure"),
    "procedures[].name": N_("Name"),
    "procedures[].field": N_("Field"),
    "procedures[].share": N_("Share of dossiers"),
    "procedures[].service_min": N_("Reception time at the counter"),
    "procedures[].documents": N_("Papers per dossier"),
    "procedures[].extra_document_min": N_("Time per extra paper"),
    "procedures[].statutory_days": N_("Legal time limit"),
    "procedures[].on_the_spot": N_("Settled on the spot"),
    "procedures[].work_min": N_("Processing time"),
    "procedures[].missing_papers": N_("Probability of missing papers"),
    "procedures[].second_request": N_("Probability of a second request"),
    "procedures[].supply_days": N_("Time to bring missing papers"),
    "procedures[].external_days": N_("Time at another agency"),
    "procedures[].sign_off": N_("Signed by a leader"),
    "procedures[].fee_share": N_("Share paying a fee"),
    "procedures[].online_payment_share": N_("Share paying online"),
    "procedures[].result_return": N_("Result returned"),
    "procedures[].online_weight": N_("Weight among online dossiers"),
}

STAFF = {
    "staff[]": N_("Staff member"),
    "staff[].name": N_("Name"),
    "staff[].role": N_("Position"),
    "staff[].fields": N_("Fields in charge"),
    "staff[].cross_trained": N_("Can also serve"),
    "staff[].counter": N_("Counter"),
    "staff[].counter_share": N_("Share of time at the counter"),
    "staff[].back_office_share": N_("Share of time on dossiers"),
    "staff[].leave": N_("Leave"),
    "staff[].meetings": N_("Regular meetings"),
    "fields[]": N_("Field"),
}

EQUIPMENT = {
    "equipment.ticket_machines": N_("Ticket machines"),
    "equipment.ticket_machines.count": N_("Number of ticket machines"),
    "equipment.ticket_machines.issue_min": N_("Time to take a ticket"),
    "equipment.ticket_machines.failures.time_between_min": N_("Time between breakdowns"),
    "equipment.ticket_machines.failures.repair_min": N_("Repair time"),
    "equipment.ticket_machines.paper.tickets_per_roll": N_("Tickets per paper roll"),
    "equipment.ticket_machines.paper.refill_min": N_("Time to change the roll"),
    "equipment.ticket_machines.fallback": N_("When no machine works"),
    "equipment.ticket_machines.manual_issue_min": N_("Time to hand out a number"),
    "equipment.ticket_machines.manual_staff": N_("Who hands out numbers"),
    "equipment.lookup_pcs": N_("Lookup PCs"),
    "equipment.lookup_pcs.count": N_("Number of lookup PCs"),
    "equipment.lookup_pcs.session_min": N_("Time per lookup"),
    "equipment.lookup_pcs.max_queue": N_("Most people waiting for a PC"),
}

SUPPORT = {
    "support_team.members": N_("Members"),
    "support_team.hours": N_("Hours of help"),
    "support_team.weekdays": N_("Days of help"),
    "support_team.help_min": N_("Help time per person"),
    "support_team.online_share": N_("Share then filing online"),
    "support_team.counter_time_factor": N_("Counter time after help"),
    "support_team.max_queue": N_("Most people waiting for help"),
}

POLICIES = {
    "policies.ticket_cutoff_min": N_("Last ticket before closing"),
    "policies.closing_rule": N_("At closing time"),
    "policies.overtime_limit_min": N_("Longest overtime"),
    "policies.lunch_rule": N_("At lunchtime"),
    "policies.lunch_cover": N_("Staff on lunch duty"),
    "policies.priority_rule": N_("Calling priority numbers"),
    "policies.priority_interleave": N_("One priority call in"),
    "policies.cross_serving": N_("Serving other fields"),
}

BACK_OFFICE = {
    "back_office.order": N_("Order of work"),
    "back_office.overtime_limit_min": N_("Longest overtime"),
    "back_office.same_day_cutoff": N_("Same-day cut-off"),
    "back_office.pools[]": N_("Processing team"),
    "back_office.pools[].fields": N_("Fields in charge"),
    "back_office.pools[].workers": N_("Workers"),
    "back_office.pools[].share": N_("Share of their time"),
    "back_office.sign_off": N_("Signing of results"),
    "back_office.sign_off.times": N_("Signing times"),
    "back_office.sign_off.signers": N_("Who signs"),
    "back_office.sign_off.at_close": N_("Also signs at closing"),
    "back_office.start": N_("Start of the period"),
    "back_office.warmup_days": N_("Warm-up days"),
    "back_office.initial_backlog": N_("Dossiers in progress at the start"),
    "back_office.complaint_share": N_("Share with a complaint"),
    "back_office.pickup_visits": N_("Visits to collect results"),
    "back_office.pickup_delay_days": N_("Days before collecting"),
}

OTHERS = {
    "online.dossiers_per_day": N_("Dossiers per day"),
    "online.hourly_profile": N_("Filing by hour"),
    "targets.wait_threshold_min": N_("Wait threshold"),
    "targets.rules[]": N_("Target"),
    "targets.minimum_important_difference": N_("Smallest differences that matter"),
    "run.replications": N_("Simulation runs"),
    "run.seed": N_("Random seed"),
    "run.event_log": N_("Event log"),
}

LABELS: dict[str, str] = {
    **SECTIONS,
    **CALENDAR,
    **DEMAND,
    **PROCEDURES,
    **STAFF,
    **EQUIPMENT,
    **SUPPORT,
    **POLICIES,
    **BACK_OFFICE,
    **OTHERS,
}
"""Key pattern → label (msgid): every key the bundled scenarios have (a test keeps it so)."""

_LIST_PART = re.compile(r"\[[^\]]*\]")
_SEASON = re.compile(r"^demand\.season_profiles\.([^.\[]+)")


def pattern(key: str) -> str:
    """`staff[director].meetings` → `staff[].meetings`; `demand.season_profiles.winter` →
    `demand.season_profiles.*`."""
    return _SEASON.sub("demand.season_profiles.*", _LIST_PART.sub("[]", key))


def key_label(key: str, gettext: Callable[[str], str]) -> str:
    """The label of a key in the language of `gettext`; "" when the key has none."""
    msgid = LABELS.get(pattern(key))
    if msgid is None:
        return ""
    season = _SEASON.match(key)
    text = gettext(msgid)
    return text.format(name=gettext(season.group(1))) if season and "{name}" in msgid else text
