"""The KPI table printed after a run: plain text, aligned, fits an 80-column terminal.

Shares print as percentages, minutes with one decimal and a unit, counts with thousands separators,
days with two decimals and "d", 766 scores with two decimals out of their maximum, so a planner
reads "8.2 min", "91.3%", "3.09 d" or "19.90 / 20" rather than 8.2145 or 0.9126.

The printout starts with the answer (`format_answer`: target verdicts, then the five headline KPIs
of the report's answer with intervals), then the full table in two sections, "Front office"
(visitors, queues, counters) and "Back office (dossiers)", each with its headline KPIs first and
then its breakdowns (`key.<staff or field>`). `lang="vi"` prints the same in Vietnamese, every word
from the report's catalogue (`sim.report.i18n`, keys `console.*`), KPI names instead of keys and
Vietnamese numbers ("2,5 phút"); `lang="en"` keeps the keys that scripts and target rules use.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sim.scenario.kpis import KPIS

if TYPE_CHECKING:
    from sim.experiment.results import Results

NAME_WIDTH = 34
"""Longest KPI key shown in full; longer names are shortened with '…'."""
VI_NAME_WIDTH = 44
"""Longest Vietnamese KPI name shown in full (the names are longer than the keys)."""

BACK_OFFICE_KPIS: tuple[str, ...] = (
    "dossiers_received",
    "dossiers_online",
    "dossiers_completed",
    "on_time_rate",
    "early_rate",
    "late_dossiers",
    "processing_days_mean",
    "backlog_end",
    "apology_slips",
    "back_office_utilisation",
    "score_progress_766",
    "score_handling_satisfaction_766",
)
"""Headline KPIs of the back office; they and their dotted breakdowns form the second section.
(`dossiers_submitted_*` count hand-ins at the front office and stay in the first section.)"""

SCORE_MAX: dict[str, float] = {"score_progress_766": 20.0, "score_handling_satisfaction_766": 6.0}
"""Maximum points of the 766-index scores the model computes (progress 20, handling satisfaction 6)."""

SECTIONS: tuple[tuple[str, str], ...] = (("front", "Front office"), ("back", "Back office (dossiers)"))
"""Section id and title, in print order."""

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


def kpi_section(key: str) -> str:
    """'back' for back-office KPIs and their breakdowns, 'front' for everything else."""
    return "back" if key.split(".", 1)[0] in BACK_OFFICE_KPIS else "front"


def kpi_kind(key: str) -> str:
    """'share', 'minutes', 'days', 'score', 'count' or 'number': how to print a KPI's values."""
    base = key.split(".", 1)[0]
    if "utilisation" in base or base == "wait_within_target" or base.endswith(("_share", "_rate")):
        return "share"
    if base.endswith(("_min", "_min_per_day")):
        return "minutes"
    if base.endswith(("_days", "_days_mean")):
        return "days"
    if base in SCORE_MAX:
        return "score"
    if base.startswith(("visitors_", "dossiers_")) or base in {
        "late_dossiers",
        "backlog_end",
        "apology_slips",
    }:
        return "count"
    return "number"


def _num(value: float, kind: str) -> str:
    if math.isnan(value):
        return "–"
    if kind == "share":
        return f"{100 * value:.1f}"
    if kind in {"minutes", "count"}:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _unit(kind: str, out_of: float | None) -> str:
    if kind == "score" and out_of is not None:
        return f" / {out_of:g}"
    return {"share": "%", "minutes": " min", "days": " d"}.get(kind, "")


def format_value(value: float, kind: str, out_of: float | None = None) -> str:
    """One value with its unit: '8.2 min', '91.3%', '1,234.5', '3.09 d', '19.90 / 20' (out_of=20)."""
    text = _num(value, kind)
    if math.isnan(value):
        return text
    return text + _unit(kind, out_of)


def format_kpi(key: str, value: float) -> str:
    """A value of the KPI `key` in that KPI's format: format_kpi('on_time_rate', 0.987) == '98.7%'."""
    return format_value(value, kpi_kind(key), SCORE_MAX.get(key.split(".", 1)[0]))


def format_threshold(key: str, value: float) -> str:
    """A target's value, without trailing zeros: 'on_time_rate >= 98%', 'wait_p90_min <= 15 min'."""
    kind = kpi_kind(key)
    number = 100 * value if kind == "share" else value
    text = f"{number:,.6g}" if abs(number) < 1e6 else f"{number:,.0f}"
    return text + _unit(kind, SCORE_MAX.get(key.split(".", 1)[0]))


def format_ci(low: float, high: float, kind: str) -> str:
    """'[7.9, 8.5]' in the same unit as the mean column; '–' when there is no interval."""
    if math.isnan(low) or math.isnan(high):
        return "–"
    return f"[{_num(low, kind)}, {_num(high, kind)}]"


MAX_SIGN_DECIMALS = 4
"""Most decimals `sign_decimals` adds: a difference smaller than that prints as 0."""


def sign_decimals(
    values: Iterable[float], decimals: int, scale: float = 1.0, most: int = MAX_SIGN_DECIMALS
) -> int:
    """The decimals, from `decimals` up to `most`, at which no non-zero value prints as zero.

    A difference "+0.05 [−0.04, +0.13]" rounded to one decimal reads "+0.0 [-0.0, +0.1]": the
    sign of the mean and of the lower bound, which is what a reader of an interval looks at, is
    lost. `scale` is the factor the values are printed with (100 for shares in points).
    """
    shown = [abs(scale * v) for v in values if math.isfinite(v) and v != 0]
    d = decimals
    while d < most and any(float(f"{v:.{d}f}") == 0 for v in shown):
        d += 1
    return d


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _say(key: str, lang: str, **values: object) -> str:
    """A console message from the report's catalogue (`sim.report.i18n`, keys `console.*`)."""
    from sim.report.i18n import t

    return t(key, lang, **values).replace("\u00a0", " ")


def _wrap(line: str, indent: str) -> list[str]:
    """A line cut to 80 columns, continuation lines indented (Vietnamese runs longer)."""
    lines = textwrap.wrap(line, 80, subsequent_indent=indent, break_on_hyphens=False) or [line]
    return [part.replace("\u00a0", " ") for part in lines]  # no-break spaces kept words together


def _label(key: str, lang: str, results: Results) -> str:
    """The KPI's key in English (what scripts and target rules use), its name in Vietnamese."""
    if lang == "en":
        return key
    from sim.report.i18n import kpi_name

    return kpi_name(key, lang, results.scenario)


def _value(key: str, value: float, lang: str) -> str:
    if lang == "en":
        return format_kpi(key, value)
    from sim.report.i18n import fmt_kpi, kpi_decimals

    return fmt_kpi(key, value, lang, kpi_decimals(key, value)).replace("\u00a0", " ")


def _interval(key: str, low: float, high: float, mean: float, lang: str) -> str:
    if lang == "en":
        return format_ci(low, high, kpi_kind(key))
    from sim.report.i18n import fmt_ci, kpi_decimals

    return fmt_ci(key, low, high, lang, kpi_decimals(key, mean))


def _back_office_start(results: Results, lang: str) -> str | None:
    scenario = results.scenario
    bo = scenario.back_office
    if bo is None:
        return None
    if lang == "en":
        return f"Back office starts {scenario.back_office_start}"
    from sim.report.i18n import field_label, fmt_date

    start = fmt_date(scenario.calendar.start, lang)
    if bo.warmup_days:
        extra = "" if bo.start == "empty" else _say("console.backlog.given", lang)
        return _say("console.backlog.warmup", lang, days=bo.warmup_days, extra=extra, start=start)
    if bo.start == "empty" or not any(bo.initial_backlog.values()):
        return _say("console.backlog.empty", lang, start=start)
    names = {f.id: field_label(f, lang) for f in scenario.fields}
    parts = ", ".join(
        _say("console.backlog.part", lang, n=n, field=names.get(f, f))
        for f, n in bo.initial_backlog.items()
        if n
    )
    return _say("console.backlog.from", lang, start=start, parts=parts)


def _header(results: Results, lang: str) -> list[str]:
    n_reps = results.n_replications
    days = results.outputs[0].working_days if results.outputs else 0
    lines = _wrap(
        _say(
            "console.run.header" + (".one" if n_reps == 1 else ""),
            lang,
            name=results.scenario.name,
            n=n_reps,
            seed=results.seed,
            days=days,
        ),
        "  ",
    )
    start = _back_office_start(results, lang)
    if start is not None:
        lines += textwrap.wrap(start, 80, subsequent_indent="  ")
    return lines


def _kpi_row(results: Results, key: str, width: int, lang: str, value_width: int = 12) -> tuple[str, bool]:
    """One aligned row of the KPI table, and whether the KPI is missing from some replications."""
    s = results.summary[key]
    if s["n"] == 0:
        return (
            f"{_INDENT}{_short(_label(key, lang, results), width):<{width}}  "
            f"{_say('console.no_data', lang):>{value_width}}"
        ), False
    row = (
        f"{_INDENT}{_short(_label(key, lang, results), width):<{width}}  "
        f"{_value(key, s['mean'], lang):>{value_width}}  "
        f"{_interval(key, s['ci_low'], s['ci_high'], s['mean'], lang)}"
    )
    if s["n"] < results.n_replications:
        return row + f"  (n={s['n']})", True
    return row, False


def _name_width(results: Results, keys: list[str], lang: str) -> int:
    widest = max((len(_label(k, lang, results)) for k in keys), default=3)
    return min(NAME_WIDTH if lang == "en" else VI_NAME_WIDTH, widest)


def _value_width(results: Results, keys: list[str], lang: str) -> int:
    """12 columns, or more for Vietnamese values with their units ("223 lượt người dân")."""
    return max([12, *(len(_value(k, results.summary[k]["mean"], lang)) for k in keys)])


def format_answer(results: Results, lang: str = "en") -> str:
    """The answer a planner reads first: target verdicts, then the headline KPIs with intervals."""
    from sim.report.html import RUN_ANSWER_KPIS

    summary = results.summary
    keys = [k for k in RUN_ANSWER_KPIS if k in summary and summary[k]["n"] > 0]
    lines = [_say("console.answer", lang)]
    lines += _targets(results, lang)
    if keys:
        lines += ["", _INDENT + _say("console.answer.kpis", lang)]
        width, value_width = _name_width(results, keys, lang), _value_width(results, keys, lang)
        lines += [_kpi_row(results, k, width, lang, value_width)[0] for k in keys]
    if results.n_replications == 1:
        lines.append(_INDENT + _say("answer.one_rep", lang))
    return "\n".join(lines)


def format_table(results: Results, lang: str = "en") -> str:
    """Header, the answer (`format_answer`), then the KPI table by section (headlines, then
    breakdowns), as one string in `lang` ("en": KPI keys; "vi": KPI names, Vietnamese numbers)."""
    lines = [*_header(results, lang), "", format_answer(results, lang), ""]
    summary = results.summary
    keys = list(summary)
    width, value_width = _name_width(results, keys, lang), _value_width(results, keys, lang)
    header = (
        f"{_say('console.col.kpi', lang):<{width + len(_INDENT)}}  "
        f"{_say('console.col.mean', lang):>{value_width}}  {_say('console.col.ci', lang)}"
    )
    lines += [_say("console.full_table", lang), header, "-" * min(80, len(header) + 24)]
    partial = False
    for section, _title in SECTIONS:
        in_section = [k for k in keys if kpi_section(k) == section]
        if not in_section:
            continue
        if lines[-1] and not lines[-1].startswith("-"):
            lines.append("")
        lines.append(_say(f"part.{section}", lang))
        headline = [k for k in in_section if k in KPIS and not is_staff_time(k)]
        breakdown = [k for k in in_section if k not in KPIS and not is_staff_time(k)]
        for group in (headline, breakdown):
            if group is breakdown and section == "front":
                lines += staff_time_lines(results, lang)
            if group is breakdown and headline and breakdown:
                lines.append("")
            for key in group:
                row, missing = _kpi_row(results, key, width, lang, value_width)
                partial = partial or missing
                lines.append(row)
    if partial:
        lines.append(_say("console.partial", lang))
    if results.targets:  # the answer has scrolled away by now: its tally again, one line
        from sim.experiment.statistics import VERDICTS  # scipy: not before the first line is out

        counts = {v: sum(t["verdict"] == v for t in results.targets) for v in VERDICTS}
        lines += [
            "",
            *_wrap(
                _say(
                    "console.targets.tally",
                    lang,
                    met=counts["met"],
                    total=len(results.targets),
                    not_met=counts["not met"],
                    undecided=counts["undecided"],
                ),
                _INDENT,
            ),
        ]
    return "\n".join(lines)


def is_staff_time(key: str) -> bool:
    """True for `staff_busy_share` and its parts, per person or averaged."""
    return key.split(".", 1)[0] in STAFF_TIME_KPIS


def staff_time_lines(results: Results, lang: str = "en") -> list[str]:
    """The staff headline: each person's busy share of time at work with its 95% CI, and the
    parts beside it (counter, back office, manual numbers), then the average over staff. The
    counter-only `staff_utilisation` is over counter-present time and reads as "idle most of the
    day" for people who spend it on dossiers, so this block comes first."""
    summary = results.summary
    if "staff_busy_share" not in summary:
        return []
    col = {
        c: _say(f"console.staff_time.{c}", lang)
        for c in ("person", "total", "ci", "counter", "back_office", "manual")
    }
    head = (
        f"{_INDENT}{col['person']:<22} {col['total']:>7}  {col['ci']:<14}{col['counter']:>8} "
        f"{col['back_office']:>12} {col['manual']:>7}"
    )
    lines = ["", *_wrap(_say("console.staff_time.title", lang), _INDENT), head.rstrip()]
    from sim.report.i18n import staff_labels

    names = staff_labels(results.scenario, lang) if lang != "en" else {}
    people = [(m.id, names.get(m.id, m.id)) for m in results.scenario.staff]
    people.append(("", _say("console.staff_time.all", lang)))
    for sid, label in people:
        suffix = f".{sid}" if sid else ""
        total = summary.get(f"staff_busy_share{suffix}")
        if total is None:
            continue
        cells = []
        for key in STAFF_TIME_KPIS[1:]:
            part = summary.get(f"{key}{suffix}")
            cells.append(_value(key, part["mean"], lang) if part is not None else "–")
        key = "staff_busy_share"
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
    """'wait_p90_min <= 15 min' (en) / 'Thời gian chờ của 90% người dân ≤ 15 phút' (vi)."""
    if lang == "en":
        return f"{key} {op} {format_threshold(key, value)}"
    from sim.report import i18n

    number = i18n.fmt_plain(100 * value if kpi_kind(key) == "share" else value, lang)
    threshold = i18n.attach_unit(number, i18n.unit_label(key, lang, diff=False, number=number))
    symbol = {"<=": "≤", ">=": "≥"}.get(op, op)
    return _say("targets.rule", lang, kpi=_label(key, lang, results), op=symbol, value=threshold)


def target_lines(results: Results, lang: str, indent: str = "  ") -> list[str]:
    """One line per target rule: verdict, rule, mean and interval (and the rule's label)."""
    verdicts = [_say(f"target.{t['verdict']}", lang) for t in results.targets]
    pad = max((len(v) for v in verdicts), default=0)
    lines = []
    for t, word in zip(results.targets, verdicts, strict=True):
        key = t["kpi"]
        rule = target_rule(key, t["op"], t["value"], lang, results)
        detail = _say(
            "console.target.detail",
            lang,
            mean=_value(key, t["mean"], lang),
            ci=_interval(key, t["ci_low"], t["ci_high"], t["mean"], lang),
        )
        detail = ", ".join(part.replace(" ", "\u00a0") for part in detail.split(", "))
        lines += _wrap(f"{indent}{word:<{max(pad, 10)}} {rule}: {detail}", indent + " " * (max(pad, 10) + 1))
        if t["label"] and lang == "en":  # the scenario's own words, not translated: English only
            lines.append(f"{indent}{'':<{max(pad, 10)}} {t['label']}")
    return lines


def _targets(results: Results, lang: str = "en") -> list[str]:
    if not results.targets:
        return [_INDENT + _say("answer.no_targets", lang)]
    return [_INDENT + _say("console.targets.title", lang), *target_lines(results, lang, _INDENT * 2)]
