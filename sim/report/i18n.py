"""Words and number formats of the reports, in Vietnamese ("vi") and English ("en").

Every sentence, heading and label is English text (the gettext msgid); the Vietnamese is in the
catalogue `sim/report/locale/vi/LC_MESSAGES/centre_sim.po`, which a translator edits with any `.po`
tool without touching Python. `translator(lang).gettext` is the `_` of the reports. During the
redesign the old key look-up `t(key, lang)` / `MESSAGES[lang][key]` still works through the
transitional map `_LEGACY_MSGID` (key -> English msgid). Look-ups go through `t`, which
fills the placeholders. KPI names and short explanations are `kpi.<key>` and `kpi.<key>.help` for
every key of `sim.scenario.kpis.KPIS` and every breakdown prefix; `kpi_name` adds the field's or
staff member's name to a dotted breakdown (`wait_mean_min.land` → "Thời gian chờ trung bình (Đất
đai – môi trường)").

Numbers follow the language: Vietnamese writes 1.700 and 2,5; English 1,700 and 2.5. Dates are
25/8/2025 and 25 Aug 2025. Negative numbers use the minus sign (−), differences carry a sign (+1,2).

`PLOT_TEXT_VI` translates the English text of the standard figures (`sim.report.plots`) phrase by
phrase, so the Vietnamese report's figures read in Vietnamese too; a phrase it does not know stays
in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import math
import string
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sim.report.table import SCORE_MAX, kpi_kind, sign_decimals
from sim.scenario.kpis import BREAKDOWNS, KPIS

if TYPE_CHECKING:
    from sim.scenario.schema import FieldSpec, Scenario, ScenarioInfo, StaffSpec

LANGS: tuple[str, ...] = ("vi", "en")
SOURCE_LANG = "en"
"""The language of the msgids (the source text); the others have a `.po` catalogue."""
DOMAIN = "centre_sim"
"""The gettext domain: `locale/<lang>/LC_MESSAGES/centre_sim.po`."""
"""Report languages; the first is the default."""

MINUS = "\u2212"
"""The minus sign used for negative numbers (not the hyphen)."""

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ----- KPI names and explanations ----------------------------------------------------------------

_KPI_EN: dict[str, tuple[str, str]] = {
    "visitors_arrived": (
        "Visits to the centre",
        "Arrivals at the centre; a visitor sent home who comes back counts again.",
    ),
    "visitors_served": (
        "Visits served",
        "Visits that ended in service at a counter, by the support team or at the lookup PC.",
    ),
    "visitors_reneged": (
        "Visitors who gave up waiting",
        "Visitors holding a number who ran out of patience and left before being called.",
    ),
    "visitors_balked": (
        "Visitors put off by the queue",
        "Visitors who left on arrival on seeing a long queue.",
    ),
    "visitors_sent_home": (
        "Visitors sent home at closing",
        "Visitors still waiting at closing, asked to come back the next working day.",
    ),
    "visitors_in_system_end": (
        "Visitors still present at the end",
        "Visitors still at the centre when the simulated period ends.",
    ),
    "visitors_served_counter": (
        "Visits served at a counter",
        "Visits handled by a member of staff at a counter.",
    ),
    "visitors_served_support": (
        "Visits completed by the support team",
        "Visits that ended with the support team filing the dossier online.",
    ),
    "visitors_served_lookup": (
        "Visits to the lookup PC only",
        "Visits made only to look something up at the lookup PC.",
    ),
    "dossiers_submitted_counter": (
        "Dossiers handed in at a counter",
        "Dossiers citizens handed in at a counter.",
    ),
    "dossiers_submitted_online_support": (
        "Dossiers filed online with help",
        "Dossiers filed online with the support team's help.",
    ),
    "wait_mean_min": (
        "Mean waiting time",
        "From joining the ticket line (on arrival, or after the lookup "
        "PC or the support team) to the counter call, averaged over all visits.",
    ),
    "wait_p50_min": ("Median waiting time", "Half of the visitors wait no longer than this."),
    "wait_p90_min": (
        "Waiting time for 90% of visitors",
        "90% of visitors are called to the counter within this time (90th percentile).",
    ),
    "wait_p95_min": (
        "Waiting time for 95% of visitors",
        "95% of visitors are called to the counter within this time (95th percentile).",
    ),
    "wait_max_min": ("Longest wait", "The longest wait in the period."),
    "wait_within_target": (
        "Share waiting within the threshold",
        "Share of counter visitors called within the scenario's waiting-time threshold.",
    ),
    "queue_mean": ("Mean number waiting", "People waiting for a counter, time average over opening hours."),
    "queue_max": (
        "Most people waiting at once",
        "The largest number of people waiting for a counter at the same time.",
    ),
    "overtime_min_per_day": (
        "Overtime per working day",
        "Minutes staff keep serving at the counter "
        "past the end of a session (into the lunch break and after closing), "
        "summed over staff, per working day.",
    ),
    "overtime_lunch_min_per_day": (
        "Lunch overtime per working day",
        "Minutes staff keep serving at "
        "the counter after the morning session ends, into the lunch break, "
        "summed over staff, per working day.",
    ),
    "overtime_close_min_per_day": (
        "Closing overtime per working day",
        "Minutes staff keep serving at "
        "the counter after the day's closing time, summed over staff, per "
        "working day.",
    ),
    "staff_utilisation_mean": (
        "Staff utilisation at the counter",
        "Share of counter-present time "
        "staff spend serving, averaged over staff (counter only; see the "
        "busy share of working time).",
    ),
    "staff_busy_share": (
        "Busy share of working time",
        "Share of working time staff are busy: serving "
        "at the counter, processing dossiers and writing numbers by hand, over "
        "time at work (sessions not on leave or in a meeting, covered lunch breaks "
        "and overtime); averaged over staff. Only work the model represents counts, "
        "not meetings or leaders' other duties. Desk work runs beside the counter, "
        "so above 100% means the person is over-committed.",
    ),
    "staff_busy_counter_share": (
        "Part serving at the counter",
        "Part of the busy share of working time spent serving at the counter.",
    ),
    "staff_busy_back_office_share": (
        "Part processing dossiers",
        "Part of the busy share of working time spent on back-office dossier work.",
    ),
    "staff_busy_manual_share": (
        "Part writing numbers by hand",
        "Part of the busy share of working time spent writing numbers by hand while no ticket machine works.",
    ),
    "ticket_machine_utilisation": (
        "Ticket machine utilisation",
        "Share of issuing hours the ticket machine is printing tickets.",
    ),
    "ticket_machine_down_min": (
        "Time with no ticket machine working",
        "Minutes of issuing hours with "
        "no ticket machine working (out of order or out of paper); with one "
        "machine, its own down time. Each machine's down time is reported "
        "apart, not summed.",
    ),
    "ticket_machine_out_min": (
        "Ticket machine out of service",
        "Minutes of issuing hours each ticket "
        "machine was out of order or out of paper (both at once counted "
        "once).",
    ),
    "lookup_pc_utilisation": ("Lookup PC utilisation", "Share of opening hours the lookup PC is in use."),
    "support_team_utilisation": (
        "Support team utilisation",
        "Share of the support team's hours spent helping citizens.",
    ),
    "support_wait_mean_min": (
        "Mean wait for the support team",
        "Waiting time until a support team member is free to help.",
    ),
    "dossiers_received": (
        "Dossiers received",
        "Dossiers received in the period: at the counter, online, and online with help.",
    ),
    "dossiers_online": (
        "Dossiers received online",
        "Dossiers received through the online channel, including those filed with the support team's help.",
    ),
    "dossiers_completed": (
        "Dossiers completed",
        "Dossiers received in the period and completed before it ends.",
    ),
    "on_time_rate": (
        "On-time rate",
        "The national portal's definition: finished on or before the "
        "appointment date, plus those still in progress within it, over dossiers "
        "received; a second request for missing papers counts as late.",
    ),
    "early_rate": ("Share finished early", "Share of dossiers finished before their appointment date."),
    "late_dossiers": (
        "Late dossiers",
        "Dossiers received in the period that are late: finished late, "
        "overdue, or with a second request for missing papers.",
    ),
    "processing_days_mean": (
        "Mean processing time",
        "Calendar days from reception to the end of processing, for completed dossiers.",
    ),
    "backlog_end": (
        "Dossiers in progress at the end",
        "Dossiers still being processed when the period ends.",
    ),
    "apology_slips": (
        "Apology and new-appointment slips",
        "Slips issued for dossiers still open after their appointment date.",
    ),
    "dossiers_fee_bearing": (
        "Fee-bearing dossiers",
        "Dossiers received in the period that carry a fee or charge.",
    ),
    "online_payment_rate": (
        "Online payment rate",
        "Share of fee-bearing dossiers paid online (part A of the 766 online-payment score).",
    ),
    "back_office_utilisation": (
        "Back-office utilisation",
        "Dossier work done over the back office's capacity (share of time).",
    ),
    "score_progress_766": (
        "766 index: progress score",
        "Progress group, at most 20 points = 20 × on-time "
        "rate; formula inferred from portal data, unofficial.",
    ),
    "score_handling_satisfaction_766": (
        "766 index: handling satisfaction score",
        "At most 6 points = 6 × "
        "min(1, (on-time share − complaint share) / 0.9); formula "
        "inferred from portal data, unofficial.",
    ),
    "staff_utilisation": ("Utilisation", "Share of counter-present time spent serving."),
}


def _kpi_messages(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, (name, help_text) in table.items():
        out[f"kpi.{key}"] = name
        out[f"kpi.{key}.help"] = help_text
    return out


# ----- the message catalogue ---------------------------------------------------------------------

_EN: dict[str, str] = {
    "title.run": "Simulation report: {scenario}",
    "title.compare": "Scenario comparison report: {scenario}",
    "prepared": "Prepared on {date} with centre-sim {version}",
    "section.question": "The question",
    "section.answer": "The answer",
    "section.scenario": "The scenario",
    "section.scenarios": "The scenarios and what differs",
    "section.results": "Results",
    "section.targets": "Target verdicts",
    "section.estimates": "Assumptions that are estimates",
    "section.repro": "Reproducibility",
    "section.appendix": "Appendix: all indicators",
    "section.figures": "Appendix: charts",
    "question.run": "How does “{scenario}” perform from {start} to {end}?",
    "question.compare": "What changes if {alternatives} replaces “{base}”?",
    "question.or": " or ",
    "question.base": "Base scenario",
    "question.alternative": "Alternative",
    "answer.run.intro": "Mean of {replications} simulation runs of {start} – {end} ({days} working days), "
    "with 95% confidence intervals:",
    "answer.run.item": "{kpi}: {value} (95% confidence interval: {ci})",
    "answer.run.item_noci": "{kpi}: {value} (no confidence interval yet)",
    "answer.clause.down": "{kpi} falls by {amount} (95% confidence interval: {ci})",
    "answer.clause.up": "{kpi} rises by {amount} (95% confidence interval: {ci})",
    "answer.clause.same": "{kpis} shows no clear change",
    "answer.clause.same_many": "{kpis} show no clear change",
    "answer.clause.small": "{clause}, less than the smallest difference that matters ({mid})",
    "answer.clause.maybe_small": "{clause}, perhaps less than the smallest difference that matters ({mid})",
    "list.and": " and ",
    "answer.clause.noci": "{kpi} differs by {amount} (no confidence interval: at least 2 runs are needed)",
    "answer.clause.nodata": "{kpi}: not enough data to compare",
    "answer.tally": "In short, on {total} key indicators: {parts}.",
    "answer.tally.part": "{verdict} on {n}",
    "answer.targets": "Targets of “{scenario}”: {met}/{total} met, {not_met} not met, {undecided} undecided.",
    "answer.no_targets": "The scenario sets no targets.",
    "answer.note.run": "Each figure is the mean of {replications} simulation runs under the same "
    "conditions; the 95% confidence interval shows how uncertain it is. The results "
    "rest on many assumptions that are estimates (see “Assumptions that are "
    "estimates”).",
    "answer.note.compare": "Each scenario was simulated {replications} times with the same stream of "
    "arriving visitors (a paired comparison). A difference counts as clear when "
    "its confidence interval excludes 0, and as important when the whole "
    "interval lies beyond the indicator's minimum important difference (by "
    "default 1 minute of mean wait, 2 minutes of the 90th percentile, 1 "
    "percentage point, 1 late dossier; the scenario can set its own). The "
    "intervals of the differences hold "
    "jointly at {confidence} for all {comparisons} comparisons (Bonferroni "
    "adjustment, {adjusted} each); each difference with its interval is under "
    "“Results”. The results rest on many assumptions that are estimates.",
    "answer.one_rep": "With a single run there is no confidence interval; run at least 2 (20 or more for "
    "decisions).",
    # console (python -m sim run / compare)
    "console.run.header": "Scenario {name}: {n} replications, seed {seed}, {days} working days each",
    "console.run.header.one": "Scenario {name}: {n} replication, seed {seed}, {days} working days each",
    "console.staff_time.title": "Staff time: busy share of time at work = counter + back office + "
    "manual numbers",
    "console.staff_time.person": "person",
    "console.staff_time.total": "total",
    "console.staff_time.ci": "95% CI",
    "console.staff_time.counter": "counter",
    "console.staff_time.back_office": "back office",
    "console.staff_time.manual": "manual",
    "console.staff_time.all": "all (mean)",
    "console.running": "Running {n} replications of {name}…",
    "console.running.compare": "Running {scenarios} scenarios, {n} replications each…",
    "console.running.auto": "Running {scenarios} scenarios, replications chosen automatically…",
    "console.written": "Results written to {folder}",
    "console.answer": "ANSWER",
    "console.answer.kpis": "Headline KPIs (mean, 95% CI):",
    "console.full_table": "FULL TABLE",
    "console.col.kpi": "KPI",
    "console.col.mean": "mean",
    "console.col.ci": "95% CI",
    "console.no_data": "(no data)",
    "console.partial": "(n=…: replications in which the KPI was defined, e.g. had counter visitors)",
    "console.targets.title": "Targets (judged on the 95% CI: met / not met / undecided):",
    "console.target.detail": "mean {mean}, CI {ci}",
    "console.targets.tally": "Targets: {met}/{total} met, {not_met} not met, {undecided} undecided "
    "(details in the answer above)",
    "console.backlog.warmup": "Back office: a warm-up of {days} working days{extra} (statistics from "
    "{start} on)",
    "console.backlog.given": " plus a given backlog",
    "console.backlog.empty": "Back office: starts empty (no dossiers in progress on {start})",
    "console.backlog.from": "Back office: starts from a given backlog on {start}: {parts}",
    "console.backlog.part": "{n} {field}",
    "console.compare.header": "Comparison: {alternatives} alternatives against the base {base}, {n} "
    "paired replications each (seed {seed}, common random numbers)",
    "console.compare.header.one": "Comparison: 1 alternative against the base {base}, {n} paired "
    "replications each (seed {seed}, common random numbers)",
    "console.compare.intervals": "Differences are alternative − base; intervals are {confidence} "
    "family-wise (Bonferroni over {comparisons} comparisons: {adjusted} "
    "each).",
    "console.compare.against": "{alternative} against {base}:",
    "console.compare.verdict": "{verdict}: {kpi} {diff} {ci}",
    "console.compare.band": "(matters from ±{mid})",
    "console.compare.col.base": "base",
    "console.compare.col.alternative": "alternative",
    "console.compare.col.difference": "difference [adjusted CI]",
    "console.compare.col.verdict": "verdict",
    "console.compare.not_reported": "not reported",
    "console.compare.no_keys": "(no key KPIs reported by the base)",
    "console.compare.targets": "Targets (each scenario on its own 95% CI: met / not met / undecided):",
    "console.compare.no_targets": "{scenario}{role}: no targets",
    "console.compare.base_role": " (base)",
    "console.compare.no_interval": "[no interval]",
    "console.replications": "Replications: {n} per scenario ({rule})",
    "console.rule.fixed": "fixed",
    "console.rule.auto_met": "auto: every key difference precise enough",
    "console.rule.auto_cap": "auto: stopped at the cap; {unmet} key differences not yet precise enough",
    "verdict.better": "better",
    "verdict.better, maybe not enough to matter": "better, maybe not enough to matter",
    "verdict.better, but too small to matter": "better, but too small to matter",
    "verdict.worse": "worse",
    "verdict.worse, maybe enough to matter": "worse, maybe enough to matter",
    "verdict.worse, but too small to matter": "worse, but too small to matter",
    "verdict.no detectable difference": "no detectable difference",
    "verdict.neutral": "not judged",
    "target.met": "met",
    "target.not met": "not met",
    "target.undecided": "undecided",
    "target.legend": "How verdicts are reached: “met” when the whole 95% confidence interval satisfies "
    "the target; “not met” when the whole interval violates it; “undecided” when the "
    "interval contains the threshold — more runs are needed, or the result is close to "
    "the threshold.",
    "scenario.name": "Scenario id",
    "scenario.title": "Title",
    "scenario.description": "Description",
    "scenario.centre": "Centre",
    "scenario.window": "Period",
    "scenario.window_value": "{start} – {end} ({days} working days)",
    "scenario.staff": "Staff",
    "scenario.staff_value": "{total}: {roles}",
    "scenario.equipment": "Equipment",
    "scenario.equipment_value": "{machines} ticket machine(s), {pcs} lookup PC(s)",
    "scenario.support": "Support team",
    "scenario.support_value": "{members} member(s)",
    "scenario.back_office": "Dossier processing",
    "scenario.back_office_yes": "simulated",
    "scenario.back_office_no": "not simulated",
    "scenario.role": "Role",
    "diff.heading": "How “{alternative}” differs from “{base}”",
    "diff.none": "No parameter differs from the base scenario (apart from names and descriptions).",
    "diff.more": "… and {count} more parameters.",
    "diff.intro": "Parameters as run, with every default filled in; names, descriptions and run settings "
    "are not listed.",
    "diff.section": "Part",
    "diff.key": "Parameter",
    "diff.absent": "(none)",
    "diff.present": "present",
    "role.director": "Director",
    "machine.label": "machine {n}",
    "role.deputy_director": "Deputy director",
    "role.specialist": "Specialist",
    "role.civil_servant": "Civil servant",
    "role.other": "Staff member",
    "staff.role_field": "{role}, {field}",
    "part.scenario": "Scenario details",
    "part.calendar": "Calendar",
    "part.demand": "Demand",
    "part.fields": "Fields",
    "part.procedures": "Procedures",
    "part.staff": "Staff",
    "part.equipment": "Equipment",
    "part.support_team": "Support team",
    "part.policies": "Policies",
    "part.back_office": "Dossier processing",
    "part.online": "Online dossiers",
    "part.targets": "Targets",
    "part.run": "Run settings",
    "part.front": "Front office",
    "part.back": "Back office (dossiers)",
    "results.intro.run": "Mean of {replications} simulation runs, 95% confidence interval in brackets.",
    "results.intro.compare": "Mean of {replications} simulation runs per scenario, 95% confidence "
    "interval in brackets; the difference from the base scenario with its "
    "joint {confidence} confidence interval.",
    "results.band": "Smallest difference that matters: ±{mid}",
    "col.kpi": "Indicator",
    "staff_time.title": "Staff working time",
    "staff_time.intro": "The share of each person's time at work spent busy: serving at the counter, "
    "processing dossiers and writing numbers by hand (the three parts add up to "
    "the total). Counter utilisation alone counts only time at the counter, so it "
    "leaves out most of the work of staff who also process dossiers.",
    "staff_time.person": "Member of staff",
    "staff_time.all": "Average over staff",
    "col.scenario": "Scenario",
    "col.mean": "Mean [95% CI]",
    "col.difference": "Difference from base [CI]",
    "col.verdict": "Verdict",
    "col.target": "Target",
    "col.value": "Value",
    "col.note": "Note",
    "col.base": "base",
    "col.n": "data in {n} of {total} runs",
    "figure.forest": "Differences from the base scenario on the key indicators. Dots are mean "
    "differences, lines the joint {confidence} confidence intervals; a line crossing 0 "
    "means no detectable difference. The grey band is ± the minimum important "
    "difference: a difference inside it is too small to matter to people waiting.",
    "figure.forest.band": "± minimum important difference",
    "figure.forest.title": "Difference from “{base}”",
    "figure.forest.axis": "difference ({unit})",
    "figure.wait_distribution": "Distribution of the wait for the counter.",
    "figure.wait_by_hour": "Mean wait by hour of arrival.",
    "figure.queue_by_hour": "Mean number waiting by hour of day.",
    "figure.utilisation": "Each member of staff's busy share of time at work, split into counter, "
    "back office and manual numbers; the utilisation of each piece of equipment.",
    "figure.dossiers_weekly": "Dossiers received and completed per week.",
    "figure.backlog": "Dossiers in progress at the end of each working day.",
    "figure.on_time_by_field": "Dossier outcomes by field.",
    "figure.wait_by_hour_by_scenario": "Mean wait by hour of arrival, each scenario.",
    "figure.on_time_by_scenario": "On-time rate of each scenario, with its 95% confidence interval.",
    "figure.of": "{caption} Scenario: {scenario}.",
    "targets.none": "The scenario sets no targets.",
    "targets.rule": "{kpi} {op} {value}",
    "estimates.intro": "The parameters below are estimates (no source was found); replace them with the "
    "centre's own data when available, for example ticket-machine logs. The results "
    "depend on them. Notes are quoted from the scenario file.",
    "estimates.intro.compare": "Estimates of the base scenario; parameters changed in an alternative "
    "are listed under “The scenarios and what differs”.",
    "estimates.none": "No list of estimated assumptions was found for this scenario; see the scenario "
    "file (lines marked ESTIMATE) and docs/assumptions.md.",
    "estimates.more": "… and {count} more estimates (see the scenario file).",
    "repro.intro": "Rerunning the command below with the same version gives exactly the figures in this "
    "report.",
    "repro.command": "Command",
    "repro.command_rerun": "{command}   (the scenario as run is saved in the results folder as "
    "scenario.toml)",
    "repro.no_command": "not recorded",
    "repro.seed": "Random seed",
    "repro.replications": "Simulation runs (replications)",
    "repro.rule": "How the number of runs was chosen",
    "repro.rule_fixed": "fixed: {replications} runs",
    "repro.confidence": "Confidence level",
    "repro.version": "centre-sim version",
    "repro.python": "Python and libraries",
    "repro.created": "Run at",
    "repro.report_date": "Report prepared on",
    "repro.scenarios": "Scenarios",
    "appendix.intro": "Every indicator the model computes, mean [95% confidence interval]. Names with a "
    "part in brackets are breakdowns by field or by member of staff.",
    "appendix.nodata": "no data",
    "unit.minutes": "min",
    "unit.days": "days",
    "unit.visitors": "visitors",
    "unit.visitors.one": "visitor",
    "unit.dossiers": "dossiers",
    "unit.dossiers.one": "dossier",
    "unit.slips": "slips",
    "unit.slips.one": "slip",
    "unit.people": "people",
    "unit.people.one": "person",
    "unit.points": "points",
    "unit.pp": "percentage points",
    "unit.pp.one": "percentage point",
    "unit.pp_short": "% points",
    "unit.replications": "runs",
    "range.dash": "{low}–{high}",
    "range.wide": "{low} to {high}",
    "ci.brackets": "[{low}, {high}]",
    "ci.none": "none",
    "score": "{value}/{max} points",
    "na": "–",
}

_CONTEXT: dict[str, str] = {"console.staff_time.person": "staff"}
"""Legacy keys whose English text has another Vietnamese elsewhere: their gettext context."""

_LEGACY_MSGID: dict[str, str] = {**_EN, **_kpi_messages(_KPI_EN)}
"""Transitional: the old message key -> its English msgid. Goes when every caller uses `_()`."""


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The gettext translations of `lang`: the Vietnamese catalogue
    (`sim/report/locale/vi/LC_MESSAGES/centre_sim.po`, read with Babel, so no compiled `.mo` ships)
    or, for English, the msgids themselves. `translator(lang).gettext` is the usual `_`."""
    if check_lang(lang) == SOURCE_LANG:
        return gettext.NullTranslations()
    po = resources.files("sim.report") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class _LegacyMessages(Mapping[str, str]):
    """Transitional read-only view `MESSAGES[lang][key]` over the gettext catalogue."""

    def __init__(self, lang: str) -> None:
        self._lang = lang

    def __getitem__(self, key: str) -> str:
        msgid = _LEGACY_MSGID[key]
        context = _CONTEXT.get(key)
        tr = translator(self._lang)
        return tr.pgettext(context, msgid) if context else tr.gettext(msgid)

    def __iter__(self) -> Iterator[str]:
        return iter(_LEGACY_MSGID)

    def __len__(self) -> int:
        return len(_LEGACY_MSGID)


MESSAGES: dict[str, Mapping[str, str]] = {lang: _LegacyMessages(lang) for lang in ("vi", "en")}
"""Language → message key → text with `{placeholders}`; both languages have the same keys."""


def N_(message: str) -> str:  # noqa: N802  # the gettext convention
    """Mark a string defined as data for `pybabel extract -k N_`; translate it later with `_`."""
    return message


def check_lang(lang: str) -> str:
    """`lang` if it is a report language, else a ValueError naming the allowed ones."""
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **values: Any) -> str:
    """The message `key` in `lang`, placeholders filled from `values`."""
    text = MESSAGES[check_lang(lang)][key]
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """The `{names}` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ----- numbers, dates ----------------------------------------------------------------------------


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x: float | None, lang: str, decimals: int = 0) -> str:
    """1700 → "1.700" (vi) / "1,700" (en); 2.5 → "2,5" / "2.5"; negatives with "−"; NaN → "–"."""
    check_lang(lang)
    if _missing(x):
        return "–"
    assert x is not None
    text = f"{abs(x):,.{decimals}f}"
    if lang == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    negative = x < 0 and any(c in "123456789" for c in text)
    return (MINUS if negative else "") + text


def fmt_signed(x: float | None, lang: str, decimals: int = 0) -> str:
    """Like `fmt_number` with an explicit sign: "+1,2", "−0,8", "0,0"."""
    text = fmt_number(x, lang, decimals)
    if _missing(x) or text.startswith(MINUS) or not any(c in "123456789" for c in text):
        return text
    return "+" + text


def fmt_plain(x: float, lang: str) -> str:
    """A number with as many digits as it needs (axis ticks): 2.5 → "2,5" (vi), 20 → "20"."""
    if _missing(x):
        return "–"
    text = f"{x:.6g}"
    if "e" in text:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt_number(float(text), lang, decimals)


def fmt_percent(share: float | None, lang: str, decimals: int = 1) -> str:
    """A share as a percentage: 0.953 → "95,3%" (vi) / "95.3%" (en)."""
    if _missing(share):
        return "–"
    assert share is not None
    return fmt_number(100 * share, lang, decimals) + "%"


def _with_unit(number: str, unit: str) -> str:
    return f"{number}\u00a0{unit}" if unit else number


def fmt_minutes(x: float | None, lang: str, decimals: int = 1) -> str:
    """2.5 → "2,5 phút" (vi) / "2.5 min" (en)."""
    if _missing(x):
        return "–"
    return _with_unit(fmt_number(x, lang, decimals), t("unit.minutes", lang))


def fmt_days(x: float | None, lang: str, decimals: int = 2) -> str:
    """3.09 → "3,09 ngày" (vi) / "3.09 days" (en)."""
    if _missing(x):
        return "–"
    return _with_unit(fmt_number(x, lang, decimals), t("unit.days", lang))


def fmt_count(x: float | None, lang: str, unit: str = "dossiers", decimals: int = 0) -> str:
    """1700 → "1.700 hồ sơ" (vi) / "1,700 dossiers" (en); unit: dossiers, visitors, slips, people."""
    if _missing(x):
        return "–"
    number = fmt_number(x, lang, decimals)
    one = number in {"1", f"{MINUS}1"}
    return _with_unit(number, t(f"unit.{unit}.one" if one else f"unit.{unit}", lang))


def fmt_date(d: dt.date, lang: str) -> str:
    """2025-08-25 → "25/8/2025" (vi) / "25 Aug 2025" (en)."""
    check_lang(lang)
    if lang == "vi":
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def fmt_datetime(moment: dt.datetime, lang: str) -> str:
    """A date with hours and minutes: "25/8/2025, 14:05" / "25 Aug 2025, 14:05"."""
    return f"{fmt_date(moment.date(), lang)}, {moment:%H:%M}"


# ----- KPIs --------------------------------------------------------------------------------------

_UNIT_OF_COUNT: dict[str, str] = {"apology_slips": "slips", "queue_mean": "people", "queue_max": "people"}


def kpi_base(key: str) -> str:
    """The headline part of a KPI key: "wait_mean_min.land" → "wait_mean_min"."""
    return key.split(".", 1)[0]


def kpi_unit(key: str) -> str:
    """The unit a KPI's values are read in: percent, minutes, days, points, visitors, dossiers,
    slips, people, or "" (a plain number)."""
    base = kpi_base(key)
    kind = kpi_kind(key)
    if kind == "share":
        return "percent"
    if kind in {"minutes", "days"}:
        return kind
    if kind == "score":
        return "points"
    if base in _UNIT_OF_COUNT:
        return _UNIT_OF_COUNT[base]
    if kind == "count":
        return "visitors" if base.startswith("visitors_") else "dossiers"
    return ""


def kpi_decimals(key: str, magnitude: float) -> int:
    """Decimals to show for a KPI value (or difference) of about `magnitude` in the KPI's unit
    (shares as fractions): waits 2,5 phút / 0,28 phút, 95,3%, 3,09 ngày, 1.700 hồ sơ / 12,5 hồ sơ."""
    kind = kpi_kind(key)
    m = abs(magnitude) if not _missing(magnitude) else 0.0
    if kind == "share":
        return 2 if 0 < 100 * m < 0.1 else 1
    if kind == "minutes":
        return 1 if m >= 1 or m == 0 else 2
    if kind in {"days", "score"}:
        return 2
    if kind == "count" or kpi_unit(key) == "people":
        return 0 if m >= 100 else 1
    return 2 if m < 10 else 1


def diff_decimals(key: str, values: Iterable[float]) -> int:
    """Decimals for a difference and its interval: the KPI's usual ones for their magnitude, plus
    as many as it takes (at most `MAX_SIGN_DECIMALS`) for no non-zero bound to print as 0."""
    values = [v for v in values if not _missing(v)]
    usual = kpi_decimals(key, max((abs(v) for v in values), default=0.0))
    return sign_decimals(values, usual, 100.0 if kpi_kind(key) == "share" else 1.0)


def _number_in_unit(key: str, x: float, lang: str, decimals: int, signed: bool = False) -> str:
    value = 100 * x if kpi_kind(key) == "share" else x
    return (fmt_signed if signed else fmt_number)(value, lang, decimals)


def unit_label(key: str, lang: str, *, diff: bool, number: str = "", short: bool = False) -> str:
    unit = kpi_unit(key)
    if unit == "percent":
        if not diff:
            return "%"
        one = number.lstrip("+" + MINUS) == "1"
        return t("unit.pp_short" if short else "unit.pp.one" if one else "unit.pp", lang)
    if unit in {"minutes", "days", "points"}:
        return t(f"unit.{unit}", lang)
    if unit:
        one = number.lstrip("+" + MINUS) == "1"
        return t(f"unit.{unit}.one" if one else f"unit.{unit}", lang)
    return ""


def attach_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return number + unit if unit == "%" else f"{number}\u00a0{unit}"


def fmt_kpi(key: str, value: float | None, lang: str, decimals: int | None = None) -> str:
    """A KPI value with its unit: "2,5 phút", "95,3%", "3,09 ngày", "1.700 hồ sơ", "19,96/20 điểm"."""
    if _missing(value):
        return t("na", lang)
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value, lang, dec)
    base = kpi_base(key)
    if base in SCORE_MAX:
        return t("score", lang, value=number, max=fmt_plain(SCORE_MAX[base], lang))
    return attach_unit(number, unit_label(key, lang, diff=False, number=number))


def fmt_kpi_diff(
    key: str,
    value: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = True,
    short: bool = False,
) -> str:
    """A difference of a KPI with its unit: "+1,2 phút", "−0,8 điểm phần trăm" (shares), "+12 hồ sơ".
    `signed=False` prints the magnitude ("giảm 1,2 phút"); `short` abbreviates percentage points."""
    if _missing(value):
        return t("na", lang)
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value if signed else abs(value), lang, dec, signed=signed)
    return attach_unit(number, unit_label(key, lang, diff=True, number=number, short=short))


def fmt_kpi_range(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    *,
    diff: bool = False,
    signed: bool = False,
    decimals: int | None = None,
) -> str:
    """An interval in prose with the unit once: "0,8–1,6 phút", "từ −0,5 đến +0,7 điểm phần trăm"."""
    if _missing(low) or _missing(high):
        return t("ci.none", lang)
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    a = _number_in_unit(key, low, lang, dec, signed=signed)
    b = _number_in_unit(key, high, lang, dec, signed=signed)
    wide = (low < 0 < high) or a.startswith(MINUS) or b.startswith(MINUS)
    text = t("range.wide" if wide else "range.dash", lang, low=a, high=b)
    return attach_unit(text, unit_label(key, lang, diff=diff, number=b))


def fmt_ci(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = False,
) -> str:
    """An interval for a table cell, without the unit: "[0,8; 1,6]" (vi) / "[0.8, 1.6]" (en)."""
    if _missing(low) or _missing(high):
        return t("na", lang)
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    return t(
        "ci.brackets",
        lang,
        low=_number_in_unit(key, low, lang, dec, signed=signed),
        high=_number_in_unit(key, high, lang, dec, signed=signed),
    )


def field_label(spec: FieldSpec, lang: str) -> str:
    """A field's name: `name_vi` in Vietnamese (else `name`), `name` in English (else the id)."""
    if lang == "vi":
        return spec.name_vi or spec.name or spec.id
    return spec.name or spec.name_vi or spec.id


def _info(scenario: Scenario | ScenarioInfo) -> ScenarioInfo:
    from sim.scenario.schema import ScenarioInfo

    return scenario if isinstance(scenario, ScenarioInfo) else scenario.scenario


def scenario_title(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's title: `title_vi` in Vietnamese (else `title`), `title` in English (else
    `title_vi`), and the scenario's name when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.title_vi or info.title or info.name
    return info.title or info.title_vi or info.name


def scenario_description(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's description: `description_vi` in Vietnamese (else `description`),
    `description` in English (else `description_vi`); "" when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.description_vi or info.description
    return info.description or info.description_vi


def staff_labels(scenario: Scenario, lang: str) -> dict[str, str]:
    """Staff id → a readable label: the member's `name`, else the role ("Giám đốc"), with the first
    field's name when the role is shared ("Chuyên viên lĩnh vực chứng thực"), and the id if still
    ambiguous."""
    fields = {f.id: f for f in scenario.fields}
    roles = [m.role for m in scenario.staff]

    def label(member: StaffSpec) -> str:
        if member.name:
            return member.name
        role = t(f"role.{member.role}", lang)
        if roles.count(member.role) == 1:
            return role
        first = fields.get(member.fields[0])
        return t(
            "staff.role_field",
            lang,
            role=role,
            field=lower_first(field_label(first, lang)) if first else member.fields[0],
        )

    out = {m.id: label(m) for m in scenario.staff}
    seen = list(out.values())
    return {sid: (f"{text} – {sid}" if seen.count(text) > 1 else text) for sid, text in out.items()}


def kpi_name(key: str, lang: str, scenario: Scenario | None = None) -> str:
    """The KPI's name in `lang`; a dotted breakdown adds its field or staff member in brackets."""
    base, _, part = key.partition(".")
    messages = MESSAGES[check_lang(lang)]
    name = messages.get(f"kpi.{base}", base)
    if not part:
        return name
    label = part
    if scenario is not None:
        fields = {f.id: f for f in scenario.fields}
        if part in fields:
            label = field_label(fields[part], lang)
        elif base.startswith("ticket_machine") and part.isdigit():
            label = t("machine.label", lang, n=part)
        else:
            label = staff_labels(scenario, lang).get(part, part)
    return f"{name} ({label})"


def kpi_help(key: str, lang: str) -> str:
    """The KPI's short explanation in `lang` ("" for an unknown key)."""
    return MESSAGES[check_lang(lang)].get(f"kpi.{kpi_base(key)}.help", "")


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless the word is an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


NAMED_KPIS: tuple[str, ...] = (*KPIS, *(b for b in BREAKDOWNS if b not in KPIS))
"""Every key with a name in MESSAGES: the headline KPIs and the breakdown prefixes."""


# ----- figure text (sim.report.plots) in Vietnamese ----------------------------------------------

PLOT_TEXT_VI: tuple[tuple[str, str], ...] = (
    # sim.report.compare_plots (before the general patterns they share words with)
    (r"^Mean wait by hour of arrival, by scenario", "Thời gian chờ trung bình theo giờ đến, theo phương án"),
    (
        r"(\d+) replications per scenario pooled, common random numbers",
        r"gộp \1 lần mô phỏng mỗi phương án, cùng một dòng người dân đến",
    ),
    (r"(\d+) replications per scenario", r"\1 lần mô phỏng mỗi phương án"),
    (r"^hour of arrival$", "giờ đến"),
    (r" \(base\)$", " (cơ sở)"),
    (
        r"^Dossiers on time \(portal definition\), by scenario",
        "Hồ sơ đúng hạn (theo cách tính của Cổng Dịch vụ công), theo phương án",
    ),
    (r"^on-time rate \(%\), ", "tỷ lệ đúng hạn (%), "),
    (r"^target >= ", "mục tiêu ≥ "),
    (r"^target <= ", "mục tiêu ≤ "),
    (r"^target > ", "mục tiêu > "),
    (r"^target < ", "mục tiêu < "),
    (r"^no key KPIs to compare$", "không có chỉ tiêu chính để so sánh"),
    (r"^no value$", "không có số liệu"),
    # sim.report.plots (the staff-time axis label before the general "bars show ..." pattern)
    (r"^busy share \(%\)$", "tỷ lệ thời gian bận (%)"),
    (r"^error bars: 95% confidence interval of the total$", "vạch sai số: khoảng tin cậy 95% của tổng"),
    (r"^Waiting time for the counter", "Thời gian chờ đến lượt tại quầy"),
    (r"(\d+) replications? pooled", r"gộp \1 lần mô phỏng"),
    (r"mean of (\d+) replications", r"trung bình \1 lần mô phỏng"),
    (r"(\d+) replications?\b", r"\1 lần mô phỏng"),
    (r"bars show the 95% confidence interval", "vạch sai số là khoảng tin cậy 95%"),
    (r"^no counter visitors$", "không có người dân đến quầy"),
    (r"^no replications$", "không có lần mô phỏng nào"),
    (r"^no dossiers$", "không có hồ sơ"),
    (r"^no utilisation KPIs reported$", "không có số liệu về mức độ bận"),
    (r"share of visitors per ([\d.]+) min", r"tỷ lệ người dân theo khoảng \1 phút"),
    (r"^wait for the counter call \(minutes\)", "thời gian chờ đến khi được gọi lên quầy (phút)"),
    (r"([\d.]+)% waited over ([\d.]+) min \(not shown\)", r"\1% số người dân chờ quá \2 phút (không vẽ)"),
    (r"^share of visitors \(%\)$", "tỷ lệ người dân (%)"),
    (r"^cumulative share \(%\)$", "tỷ lệ cộng dồn (%)"),
    (r"^cumulative share$", "tỷ lệ cộng dồn"),
    (r"^threshold ([\d.]+) min$", r"ngưỡng \1 phút"),
    (r"^p90 ([\d.]+) min \(mean\)$", r"phân vị 90: \1 phút (trung bình)"),
    (r"^Mean wait by hour of arrival", "Thời gian chờ trung bình theo giờ đến"),
    (r"^hour of day$", "giờ trong ngày"),
    (
        r"^arrived before opening \(([\d:–]+)\): includes the wait at the door$",
        r"đến trước giờ mở cửa (\1): gồm cả thời gian chờ ở cửa",
    ),
    (
        r"^hour of arrival \(the wait runs from stepping into the ticket line to the counter call\)$",
        "giờ đến (thời gian chờ tính từ lúc xếp hàng lấy số đến khi được gọi lên quầy)",
    ),
    (r"^mean wait \(minutes\)$", "thời gian chờ trung bình (phút)"),
    (r"^Mean queue length by hour of day", "Số người chờ trung bình theo giờ trong ngày"),
    (r"^visitors waiting \(time average\)$", "số người chờ (trung bình theo thời gian)"),
    (
        r"^Utilisation \(busy share of present time\)",
        "Mức độ bận (tỷ lệ thời gian bận trên thời gian có mặt)",
    ),
    (r"^utilisation \(%\), ", "mức độ bận (%), "),
    (r"^Staff: busy share of time at work$", "Cán bộ: tỷ lệ thời gian làm việc bận"),
    (r"^Equipment: busy share of its hours$", "Thiết bị: tỷ lệ thời gian hoạt động bận"),
    (r"^counter$", "tiếp người dân tại quầy"),
    (r"^back office$", "xử lý hồ sơ"),
    (r"^manual numbers$", "cấp số thủ công"),
    (r"^equipment$", "thiết bị"),
    (r"^ticket machine$", "Máy lấy số"),
    (r"^lookup PC$", "Máy tra cứu"),
    (r"^support team$", "Tổ hỗ trợ"),
    (r"^Dossiers received and completed per week", "Hồ sơ tiếp nhận và giải quyết xong theo tuần"),
    (r"^received$", "tiếp nhận"),
    (r"^completed$", "giải quyết xong"),
    (
        r"^week starting \(Monday, dd/mm\); \(n d\): a week with n working days, not (\d+)$",
        r"tuần bắt đầu từ thứ Hai (ngày/tháng); (n ngày): tuần chỉ có n ngày làm việc thay vì \1",
    ),
    (r"\((\d+) d\)$", r"(\1 ngày)"),
    (r"^dossiers per week$", "hồ sơ mỗi tuần"),
    (r"^Back-office backlog at the end of each working day", "Hồ sơ đang giải quyết cuối mỗi ngày làm việc"),
    (r"^95% confidence interval$", "khoảng tin cậy 95%"),
    (r"^mean over replications$", "trung bình các lần mô phỏng"),
    (r"^working day$", "ngày làm việc"),
    (r"^dossiers in progress \(any reception date\)$", "hồ sơ đang giải quyết (mọi ngày tiếp nhận)"),
    (
        r"^Dossier outcomes by field \(portal categories\)",
        "Kết quả giải quyết hồ sơ theo lĩnh vực (phân loại của Cổng Dịch vụ công)",
    ),
    (r"^all fields$", "tất cả lĩnh vực"),
    (r"^early$", "trước hạn"),
    (r"^on time$", "đúng hạn"),
    (r"^late$", "trễ hạn"),
    (r"^in progress within due$", "đang giải quyết, còn trong hạn"),
    (r"^target ([\d.]+)% on time$", r"mục tiêu \1% đúng hạn"),
    (
        r"^share of dossiers received \(%\); the figure at the end is the on-time rate$",
        "tỷ lệ trên số hồ sơ tiếp nhận (%); số ở cuối thanh là tỷ lệ đúng hạn",
    ),
    (r"^better$", "tốt hơn"),
    (r"^worse$", "kém hơn"),
    (r"^no detectable difference$", "không có khác biệt rõ rệt"),
)
"""(regular expression, replacement) pairs applied in order, line by line (re.MULTILINE), to every
text of a standard figure in the Vietnamese report; decimal points then become commas."""
