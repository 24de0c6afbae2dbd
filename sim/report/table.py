"""The KPI table printed after a run: plain text, aligned, fits an 80-column terminal.

Every value goes through the reports' one formatter (`sim.report.i18n.fmt_kpi`, on Babel), so a
planner reads "8,2 phút", "91,3%", "3,09 ngày", "19,90/20 điểm" in Vietnamese and "8.2 min",
"91.3%", "3.09 days" in English, never 8.2145 or 0.9126. Every word is an English gettext msgid
(`_ = translator(lang).gettext`), translated in the report's catalogue.

The printout starts with the answer (`format_answer`: target verdicts, then the headline KPIs of
the run's answer with intervals), then the full table in two sections, "Front office" (visitors,
queues, counters) and "Back office (dossiers)", each with its headline KPIs first and then its
breakdowns (`key.<staff or field>`). In Vietnamese the rows carry the KPIs' names; in English their
keys, which scripts and target rules use.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.report.i18n import (
    attach_unit,
    field_label,
    fmt_ci,
    fmt_date,
    fmt_kpi,
    fmt_plain,
    in_unit,
    kpi_decimals,
    kpi_name,
    staff_labels,
    translator,
    unit_label,
)
from sim.scenario.kpis import BACK, N_, REGISTRY, RUN_ANSWER_KPIS, SCORE_MAX, kpi_kind, kpi_section

if TYPE_CHECKING:
    from sim.experiment.results import Results

__all__ = [
    "BACK_OFFICE_KPIS",
    "SCORE_MAX",
    "format_answer",
    "format_kpi",
    "format_table",
    "format_threshold",
    "kpi_kind",
    "kpi_section",
    "staff_time_lines",
    "target_lines",
]

NAME_WIDTH = 34
"""Longest KPI key shown in full; longer names are shortened with '…'."""
VI_NAME_WIDTH = 44
"""Longest Vietnamese KPI name shown in full (the names are longer than the keys)."""

BACK_OFFICE_KPIS: tuple[str, ...] = tuple(k.key for k in REGISTRY.values() if k.section == BACK)
"""Headline KPIs of the back office; they and their dotted breakdowns form the second section."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("front", N_("Front office")),
    ("back", N_("Back office (dossiers)")),
)
"""Section id and title (English msgid), in print order."""

_INDENT = "  "

STAFF_TIME_KPIS: tuple[str, ...] = (
    "staff_busy_share",
    "staff_busy_counter_share",
    "staff_busy_back_office_share",
    "staff_busy_manual_share",
)
"""Each person's busy share of their time at work and its parts (counter, back office, numbers
written by hand): printed together in one "Staff time" block, the staff headline, rather than as
scattered rows."""


def gettext_for(lang: str) -> Callable[[str], str]:
    """`_` of the terminal: the catalogue's text with no-break spaces made plain (a terminal
    wraps nothing itself)."""
    tr = translator(lang)
    return lambda msgid: tr.gettext(msgid).replace("\u00a0", " ")


def format_kpi(key: str, value: float, lang: str = "en") -> str:
    """A value of the KPI `key` in that KPI's format: format_kpi('on_time_rate', 0.987) == '98.7%'."""
    return fmt_kpi(key, value, lang, kpi_decimals(key, value)).replace("\u00a0", " ")


def format_threshold(key: str, value: float, lang: str = "en") -> str:
    """A target's value, without trailing zeros: '98%', '15 min', '19/20 points', '1,500 dossiers'."""
    number = fmt_plain(in_unit(key, value), lang)
    out_of = SCORE_MAX.get(key.split(".", 1)[0])
    if out_of is not None:
        return (
            translator(lang).gettext("{value}/{max} points").format(value=number, max=fmt_plain(out_of, lang))
        )
    return attach_unit(number, unit_label(key, lang, diff=False, number=number)).replace("\u00a0", " ")


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _wrap(line: str, indent: str) -> list[str]:
    """A line cut to 80 columns, continuation lines indented (Vietnamese runs longer)."""
    lines = textwrap.wrap(line, 80, subsequent_indent=indent, break_on_hyphens=False) or [line]
    return [part.replace("\u00a0", " ") for part in lines]  # no-break spaces kept words together


def _label(key: str, lang: str, results: Results) -> str:
    """The KPI's key in English (what scripts and target rules use), its name in Vietnamese."""
    return key if lang == "en" else kpi_name(key, lang, results.scenario)


def _value(key: str, value: float, lang: str) -> str:
    return format_kpi(key, value, lang)


def _interval(key: str, low: float, high: float, mean: float, lang: str) -> str:
    return fmt_ci(key, low, high, lang, kpi_decimals(key, mean))


def _back_office_start(results: Results, lang: str) -> str | None:
    scenario = results.scenario
    bo = scenario.back_office
    if bo is None:
        return None
    _ = gettext_for(lang)
    start = fmt_date(scenario.calendar.start, lang)
    if bo.warmup_days:
        extra = "" if bo.start == "empty" else _(" plus a given backlog")
        return _("Back office: a warm-up of {days} working days{extra} (statistics from {start} on)").format(
            days=bo.warmup_days, extra=extra, start=start
        )
    if bo.start == "empty" or not any(bo.initial_backlog.values()):
        return _("Back office: starts empty (no dossiers in progress on {start})").format(start=start)
    names = {f.id: field_label(f, lang) for f in scenario.fields}
    parts = ", ".join(
        _("{n} {field}").format(n=n, field=names.get(f, f)) for f, n in bo.initial_backlog.items() if n
    )
    return _("Back office: starts from a given backlog on {start}: {parts}").format(start=start, parts=parts)


def _header(results: Results, lang: str) -> list[str]:
    _ = gettext_for(lang)
    n_reps = results.n_replications
    days = results.outputs[0].working_days if results.outputs else 0
    text = (
        _("Scenario {name}: {n} replication, seed {seed}, {days} working days each")
        if n_reps == 1
        else _("Scenario {name}: {n} replications, seed {seed}, {days} working days each")
    )
    lines = _wrap(text.format(name=results.scenario.name, n=n_reps, seed=results.seed, days=days), "  ")
    start = _back_office_start(results, lang)
    if start is not None:
        lines += textwrap.wrap(start, 80, subsequent_indent="  ")
    return lines


def _kpi_row(results: Results, key: str, width: int, lang: str, value_width: int = 12) -> tuple[str, bool]:
    """One aligned row of the KPI table, and whether the KPI is missing from some replications."""
    _ = gettext_for(lang)
    s = results.summary[key]
    name = f"{_INDENT}{_short(_label(key, lang, results), width):<{width}}  "
    if s["n"] == 0:
        no_data = _("(no data)")
        return f"{name}{no_data:>{value_width}}", False
    row = (
        f"{name}{_value(key, s['mean'], lang):>{value_width}}  "
        f"{_interval(key, s['ci_low'], s['ci_high'], s['mean'], lang)}"
    )
    if s["n"] < results.n_replications:
        return row + f"  (n={s['n']})", True
    return row, False


def _name_width(results: Results, keys: list[str], lang: str) -> int:
    widest = max((len(_label(k, lang, results)) for k in keys), default=3)
    return min(NAME_WIDTH if lang == "en" else VI_NAME_WIDTH, widest)


def _value_width(results: Results, keys: list[str], lang: str) -> int:
    """12 columns, or more for values with their units ("223 lượt người dân")."""
    return max([12, *(len(_value(k, results.summary[k]["mean"], lang)) for k in keys)])


def format_answer(results: Results, lang: str = "en") -> str:
    """The answer a planner reads first: target verdicts, then the headline KPIs with intervals."""
    _ = gettext_for(lang)
    summary = results.summary
    keys = [k for k in RUN_ANSWER_KPIS if k in summary and summary[k]["n"] > 0]
    lines = [_("ANSWER"), *_targets(results, lang)]
    if keys:
        lines += ["", _INDENT + _("Headline KPIs (mean, 95% CI):")]
        width, value_width = _name_width(results, keys, lang), _value_width(results, keys, lang)
        lines += [_kpi_row(results, k, width, lang, value_width)[0] for k in keys]
    if results.n_replications == 1:
        lines.append(
            _INDENT
            + _(
                "With a single run there is no confidence interval; run at least 2 (20 or more for "
                "decisions)."
            )
        )
    return "\n".join(lines)


def format_table(results: Results, lang: str = "en") -> str:
    """Header, the answer (`format_answer`), then the KPI table by section (headlines, then
    breakdowns), as one string in `lang` ("en": KPI keys; "vi": KPI names)."""
    _ = gettext_for(lang)
    lines = [*_header(results, lang), "", format_answer(results, lang), ""]
    keys = list(results.summary)
    width, value_width = _name_width(results, keys, lang), _value_width(results, keys, lang)
    kpi, mean, ci = _("KPI"), _("mean"), _("95% CI")
    header = f"{kpi:<{width + len(_INDENT)}}  {mean:>{value_width}}  {ci}"
    lines += [_("FULL TABLE"), header, "-" * min(80, len(header) + 24)]
    partial = False
    for section, title in SECTIONS:
        in_section = [k for k in keys if kpi_section(k) == section]
        if not in_section:
            continue
        if lines[-1] and not lines[-1].startswith("-"):
            lines.append("")
        lines.append(_(title))
        rows, missing = _section_rows(results, in_section, section, lang, (width, value_width))
        lines += rows
        partial = partial or missing
    if partial:
        lines.append(_("(n=…: replications in which the KPI was defined, e.g. had counter visitors)"))
    return "\n".join(lines + _tally(results, lang))


def _section_rows(
    results: Results, keys: list[str], section: str, lang: str, widths: tuple[int, int]
) -> tuple[list[str], bool]:
    """A section's headline rows, (front office) the staff-time block, then its breakdowns."""
    headline = [k for k in keys if "." not in k and not is_staff_time(k)]
    breakdown = [k for k in keys if "." in k and not is_staff_time(k)]
    lines: list[str] = []
    partial = False
    for group in (headline, breakdown):
        if group is breakdown and section == "front":
            lines += staff_time_lines(results, lang)
        if group is breakdown and headline and breakdown:
            lines.append("")
        for key in group:
            row, missing = _kpi_row(results, key, widths[0], lang, widths[1])
            partial = partial or missing
            lines.append(row)
    return lines, partial


def _tally(results: Results, lang: str) -> list[str]:
    """The answer has scrolled away by the end of the table: its target tally again, one line."""
    _ = gettext_for(lang)
    if not results.targets:
        return []
    from sim.experiment.statistics import VERDICTS  # scipy: not before the first line is out

    counts = {v: sum(t["verdict"] == v for t in results.targets) for v in VERDICTS}
    text = _(
        "Targets: {met}/{total} met, {not_met} not met, {undecided} undecided (details in the answer above)"
    ).format(
        met=counts["met"],
        total=len(results.targets),
        not_met=counts["not met"],
        undecided=counts["undecided"],
    )
    return ["", *_wrap(text, _INDENT)]


def is_staff_time(key: str) -> bool:
    """True for `staff_busy_share` and its parts, per person or averaged."""
    return key.split(".", 1)[0] in STAFF_TIME_KPIS


def _staff_time_head(lang: str) -> list[str]:
    _ = gettext_for(lang)
    person = translator(lang).pgettext("staff", "person")
    total, ci, counter, back, manual = _("total"), _("95% CI"), _("counter"), _("back office"), _("manual")
    head = f"{_INDENT}{person:<22} {total:>7}  {ci:<14}{counter:>8} {back:>12} {manual:>7}"
    title = _("Staff time: busy share of time at work = counter + back office + manual numbers")
    return ["", *_wrap(title, _INDENT), head.rstrip()]


def staff_time_lines(results: Results, lang: str = "en") -> list[str]:
    """The staff headline: each person's busy share of time at work with its 95% CI, and the
    parts beside it (counter, back office, manual numbers), then the average over staff. The
    counter-only `staff_utilisation` is over counter-present time and reads as "idle most of the
    day" for people who spend it on dossiers, so this block comes first."""
    _ = gettext_for(lang)
    summary = results.summary
    if "staff_busy_share" not in summary:
        return []
    lines = _staff_time_head(lang)
    names = staff_labels(results.scenario, lang) if lang != "en" else {}
    people = [(m.id, names.get(m.id, m.id)) for m in results.scenario.staff]
    people.append(("", _("all (mean)")))
    key = "staff_busy_share"
    for sid, label in people:
        suffix = f".{sid}" if sid else ""
        total = summary.get(f"{key}{suffix}")
        if total is None:
            continue
        parts = [summary.get(f"{part}{suffix}") for part in STAFF_TIME_KPIS[1:]]
        cells = [
            _value(k, p["mean"], lang) if p else "–" for k, p in zip(STAFF_TIME_KPIS[1:], parts, strict=True)
        ]
        if len(label) > 22:  # a long name on its own line rather than cut off
            lines.append(f"{_INDENT}{label}")
            label = ""
        lines.append(
            f"{_INDENT}{label:<22} {_value(key, total['mean'], lang):>7}  "
            f"{_interval(key, total['ci_low'], total['ci_high'], total['mean'], lang):<14}"
            f"{cells[0]:>8} {cells[1]:>12} {cells[2]:>7}"
        )
    return lines


def target_rule(key: str, op: str, value: float, lang: str, results: Results) -> str:
    """'wait_p90_min <= 15 min' (en: the key and operator of the scenario file) /
    'Thời gian chờ của 90% người dân ≤ 15 phút' (vi)."""
    _ = gettext_for(lang)
    threshold = format_threshold(key, value, lang)
    if lang == "en":
        return f"{key} {op} {threshold}"
    symbol = {"<=": "≤", ">=": "≥"}.get(op, op)
    return _("{kpi} {op} {value}").format(kpi=_label(key, lang, results), op=symbol, value=threshold)


def target_lines(results: Results, lang: str, indent: str = "  ") -> list[str]:
    """One line per target rule: verdict, rule, mean and interval (and the rule's label)."""
    _ = gettext_for(lang)
    verdicts = [_(t["verdict"]) for t in results.targets]
    pad = max([10, *(len(v) for v in verdicts)])
    lines = []
    for t, word in zip(results.targets, verdicts, strict=True):
        key = t["kpi"]
        rule = target_rule(key, t["op"], t["value"], lang, results)
        detail = _("mean {mean}, CI {ci}").format(
            mean=_value(key, t["mean"], lang),
            ci=_interval(key, t["ci_low"], t["ci_high"], t["mean"], lang),
        )
        detail = ", ".join(part.replace(" ", "\u00a0") for part in detail.split(", "))
        lines += _wrap(f"{indent}{word:<{pad}} {rule}: {detail}", indent + " " * (pad + 1))
        if t["label"] and lang == "en":  # the scenario's own words, not translated: English only
            lines.append(f"{indent}{'':<{pad}} {t['label']}")
    return lines


def _targets(results: Results, lang: str = "en") -> list[str]:
    _ = gettext_for(lang)
    if not results.targets:
        return [_INDENT + _("The scenario sets no targets.")]
    return [
        _INDENT + _("Targets (judged on the 95% CI: met / not met / undecided):"),
        *target_lines(results, lang, _INDENT * 2),
    ]
