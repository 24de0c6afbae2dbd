"""Words of the reports, in Vietnamese ("vi") and English ("en"), and KPI values with their units.

Every sentence, heading and label is English text (the gettext msgid); the Vietnamese is in the
catalogue `sim/report/locale/vi/LC_MESSAGES/centre_sim.po`, which a translator edits with any `.po`
tool without touching Python. `translator(lang).gettext` is the `_` of the reports. KPI names and
explanations are the msgids `name` and `help` of the KPI registry (`sim.scenario.kpis.REGISTRY`);
`kpi_name` adds the field's, machine's or staff member's name to a dotted breakdown
(`wait_mean_min.land` → "Thời gian chờ trung bình (Đất đai – môi trường)").

Numbers and dates come from the one formatter `sim.report.format` (Babel), re-exported here under
their old names (`fmt_number`, `fmt_date`, ...): Vietnamese 1.700 and 2,5, English 1,700 and 2.5;
25/8/2025 and 25 Aug 2025; the minus sign (−); differences with a sign (+1,2). `fmt_kpi`,
`fmt_kpi_diff`, `fmt_ci` and `fmt_kpi_range` add the KPI's unit from the registry; the terminal
tables and the HTML report both print through them.

Transitional, for the HTML code until it calls `_()` itself: the old key look-up `t(key, lang)` /
`MESSAGES[lang][key]` over `_LEGACY_MSGID` (key -> English msgid).

Figures draw their own text through `_` (`sim.report.figures`): nothing is rewritten after drawing.
"""

from __future__ import annotations

import functools
import gettext
import io
import string
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sim.report import format as fmt
from sim.report.format import MINUS, NBSP, sign_decimals
from sim.scenario.kpis import (
    BREAKDOWN_BY,
    N_,
    REGISTRY,
    SCORE_MAX,
    get_kpi,
    kpi_base,
    kpi_kind,
    kpi_unit,
)

if TYPE_CHECKING:
    from sim.scenario.schema import FieldSpec, Scenario, ScenarioInfo, StaffSpec

LANGS: tuple[str, ...] = ("vi", "en")
SOURCE_LANG = "en"
"""The language of the msgids (the source text); the others have a `.po` catalogue."""
DOMAIN = "centre_sim"
"""The gettext domain: `locale/<lang>/LC_MESSAGES/centre_sim.po`."""
"""Report languages; the first is the default."""


def _kpi_messages() -> dict[str, str]:
    """Transitional keys `kpi.<key>` and `kpi.<key>.help` of the HTML code: the registry's msgids."""
    out: dict[str, str] = {}
    for kpi in REGISTRY.values():
        out[f"kpi.{kpi.key}"] = kpi.name
        out[f"kpi.{kpi.key}.help"] = kpi.help
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
    "score": "{value}/{max} points",
    "na": "–",
}

_CONTEXT: dict[str, str] = {}
"""Legacy keys whose English text has another Vietnamese elsewhere: their gettext context."""

_LEGACY_MSGID: dict[str, str] = {**_EN, **_kpi_messages()}
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


# ----- numbers, dates: `sim.report.format` (re-exported under their old names) -----------------

fmt_number = fmt.number
fmt_signed = fmt.signed
fmt_plain = fmt.plain
fmt_percent = fmt.percent
fmt_minutes = fmt.minutes
fmt_days = fmt.days
fmt_date = fmt.date
fmt_datetime = fmt.datetime
fmt_list = fmt.join
_missing = fmt.missing

_COUNT_WORDS: dict[str, tuple[str, str]] = {
    "visitors": (N_("visitor"), N_("visitors")),
    "dossiers": (N_("dossier"), N_("dossiers")),
    "slips": (N_("slip"), N_("slips")),
    "people": (N_("person"), N_("people")),
}
"""The word after a count, for exactly one and for any other number (CLDR has no such units)."""


def _count_word(unit: str, number: str, lang: str) -> str:
    one, other = _COUNT_WORDS[unit]
    word = one if _is_one(number) else other
    return translator(lang).gettext(word)


def fmt_count(x: float | None, lang: str, unit: str = "dossiers", decimals: int = 0) -> str:
    """1700 → "1.700 hồ sơ" (vi) / "1,700 dossiers" (en); unit: dossiers, visitors, slips, people."""
    if _missing(x):
        return fmt.MISSING
    number = fmt_number(x, lang, decimals)
    return f"{number}{NBSP}{_count_word(unit, number, lang)}"


# ----- KPIs --------------------------------------------------------------------------------------


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
    return sign_decimals(values, usual, in_unit(key, 1.0))


def in_unit(key: str, x: float) -> float:
    """A KPI value in the unit it is read in: shares (0-1) as percent, the rest unchanged."""
    return 100 * x if kpi_kind(key) == "share" else x


def _number_in_unit(key: str, x: float, lang: str, decimals: int, signed: bool = False) -> str:
    return (fmt_signed if signed else fmt_number)(in_unit(key, x), lang, decimals)


def _is_one(number: str) -> bool:
    return number.lstrip("+" + MINUS) == "1"


def unit_label(key: str, lang: str, *, diff: bool, number: str = "", short: bool = False) -> str:
    """The word after a KPI value: "%", "phút", "ngày", "điểm", "hồ sơ"...; a difference of a
    share is in percentage points ("điểm phần trăm", `short`: "điểm %")."""
    _ = translator(lang).gettext
    unit = kpi_unit(key)
    if unit == "percent":
        if not diff:
            return "%"
        if short:
            return _("% points")
        return _("percentage point") if _is_one(number) else _("percentage points")
    words = {"minutes": N_("min"), "days": N_("days"), "points": N_("points")}
    if unit in words:
        return _(words[unit])
    return _count_word(unit, number, lang) if unit else ""


def attach_unit(number: str, unit: str) -> str:
    """ "95,3%", else the number and its unit joined by a no-break space: "2,5 phút"."""
    if not unit:
        return number
    return number + unit if unit == "%" else f"{number}{NBSP}{unit}"


def fmt_kpi(key: str, value: float | None, lang: str, decimals: int | None = None) -> str:
    """A KPI value with its unit: "2,5 phút", "95,3%", "3,09 ngày", "1.700 hồ sơ", "19,96/20 điểm"."""
    if _missing(value):
        return fmt.MISSING
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value, lang, dec)
    out_of = SCORE_MAX.get(kpi_base(key))
    if out_of is not None:
        return (
            translator(lang).gettext("{value}/{max} points").format(value=number, max=fmt_plain(out_of, lang))
        )
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
        return fmt.MISSING
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
    _ = translator(lang).gettext
    if _missing(low) or _missing(high):
        return _("none")
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    a = _number_in_unit(key, low, lang, dec, signed=signed)
    b = _number_in_unit(key, high, lang, dec, signed=signed)
    wide = (low < 0 < high) or a.startswith(MINUS) or b.startswith(MINUS)
    text = (_("{low} to {high}") if wide else _("{low}–{high}")).format(low=a, high=b)
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
        return fmt.MISSING
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    return (
        translator(lang)
        .gettext("[{low}, {high}]")
        .format(
            low=_number_in_unit(key, low, lang, dec, signed=signed),
            high=_number_in_unit(key, high, lang, dec, signed=signed),
        )
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


ROLE_NAMES: dict[str, str] = {
    "director": N_("Director"),
    "deputy_director": N_("Deputy director"),
    "specialist": N_("Specialist"),
    "civil_servant": N_("Civil servant"),
    "other": N_("Staff member"),
}
"""A staff role's name (English msgid)."""


def role_name(role: str, lang: str) -> str:
    """A staff role in `lang`: "director" -> "Giám đốc"; an unknown role is shown as it is."""
    return translator(lang).gettext(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def staff_labels(scenario: Scenario, lang: str) -> dict[str, str]:
    """Staff id → a readable label: the member's `name`, else the role ("Giám đốc"), with the first
    field's name when the role is shared ("Chuyên viên lĩnh vực chứng thực"), and the id if still
    ambiguous."""
    fields = {f.id: f for f in scenario.fields}
    roles = [m.role for m in scenario.staff]

    def label(member: StaffSpec) -> str:
        if member.name:
            return member.name
        role = role_name(member.role, lang)
        if roles.count(member.role) == 1:
            return role
        first = fields.get(member.fields[0])
        field = lower_first(field_label(first, lang)) if first else member.fields[0]
        return translator(lang).gettext("{role}, {field}").format(role=role, field=field)

    out = {m.id: label(m) for m in scenario.staff}
    seen = list(out.values())
    return {sid: (f"{text} – {sid}" if seen.count(text) > 1 else text) for sid, text in out.items()}


def kpi_name(key: str, lang: str, scenario: Scenario | None = None) -> str:
    """The KPI's name in `lang`; a dotted breakdown adds its field or staff member in brackets."""
    base, _, part = key.partition(".")
    kpi = get_kpi(base)
    name = base if kpi is None else translator(check_lang(lang)).gettext(kpi.name)
    if not part:
        return name
    return f"{name} ({_part_label(base, part, lang, scenario)})"


def _part_label(base: str, part: str, lang: str, scenario: Scenario | None) -> str:
    """The field, ticket machine or staff member a breakdown is for."""
    if scenario is None:
        return part
    fields = {f.id: f for f in scenario.fields}
    if part in fields:
        return field_label(fields[part], lang)
    if BREAKDOWN_BY.get(base) == "machine" and part.isdigit():
        return translator(lang).gettext("machine {n}").format(n=part)
    return staff_labels(scenario, lang).get(part, part)


def kpi_help(key: str, lang: str) -> str:
    """The KPI's short explanation in `lang` ("" for an unknown key)."""
    kpi = get_kpi(key)
    return "" if kpi is None else translator(check_lang(lang)).gettext(kpi.help)


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless the word is an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


NAMED_KPIS: tuple[str, ...] = tuple(REGISTRY)
"""Every KPI with a name: the registry's keys (headline KPIs and breakdown prefixes)."""
