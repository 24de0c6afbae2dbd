"""The comparison printed by `python -m sim compare`: plain text, aligned, about 100 columns.

First the answer (`format_answer`): for each alternative, the verdict on every key KPI with the
paired difference, its Bonferroni-adjusted interval and the minimum important difference; then each
scenario's target verdicts. Then the full table per alternative (base mean, alternative mean,
difference, verdict) and the number of replications and how it was chosen. Values use the KPI
table's formats (`sim.report.table`); differences of shares are in percentage points ("pp"), with
enough decimals to show every sign. `lang="vi"` prints it all in Vietnamese from the report's
catalogue.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from sim.report.table import _label, _say, _value, kpi_kind, sign_decimals, target_lines

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results

_INDENT = "  "


def _percent(share: float) -> str:
    return f"{100 * share:.4g}%"


def _difference_digits(key: str) -> tuple[float, int]:
    kind = kpi_kind(key)
    return (100.0 if kind == "share" else 1.0), (1 if kind == "count" else 2)


def format_difference(key: str, value: float, digits: int | None = None) -> str:
    """A signed difference in the KPI's unit: '+0.52 min', '-1.30 pp', '+3.1', '+0.05 d'.

    `digits` (default: the KPI's usual decimals, more if needed to show the sign)."""
    if math.isnan(value):
        return "–"
    kind = kpi_kind(key)
    scale, usual = _difference_digits(key)
    d = sign_decimals([value], usual, scale) if digits is None else digits
    unit = {"share": " pp", "minutes": " min", "days": " d"}.get(kind, "")
    return f"{scale * value:+,.{d}f}{unit}"


def format_difference_ci(key: str, low: float, high: float, digits: int | None = None) -> str:
    """'[+0.41, +0.63]' in the difference's unit (without it); '[no interval]' when undefined."""
    if math.isnan(low) or math.isnan(high):
        return "[no interval]"
    scale, usual = _difference_digits(key)
    d = sign_decimals([low, high], usual, scale) if digits is None else digits
    return f"[{scale * low:+,.{d}f}, {scale * high:+,.{d}f}]"


def difference_digits(key: str, value: float, low: float, high: float) -> int:
    """One number of decimals for a difference and its interval, enough to show every sign."""
    scale, usual = _difference_digits(key)
    return sign_decimals([value, low, high], usual, scale)


def _wrap(line: str, indent: str) -> list[str]:
    """A line cut to 100 columns, the width of the comparison table."""
    return textwrap.wrap(line, 100, subsequent_indent=indent, break_on_hyphens=False) or [line]


def _diff_text(key: str, row: KpiComparison, lang: str) -> str:
    """'+0.52 min [+0.41, +0.63]' (en) / '+0,52 phút [+0,41; +0,63]' (vi), signs always visible."""
    if lang == "en":
        digits = difference_digits(key, row.difference, row.diff_ci_low, row.diff_ci_high)
        ci = format_difference_ci(key, row.diff_ci_low, row.diff_ci_high, digits)
        if ci == "[no interval]":
            ci = _say("console.compare.no_interval", lang)
        return f"{format_difference(key, row.difference, digits)} {ci}"
    from sim.report import i18n

    dec = i18n.diff_decimals(key, (row.difference, row.diff_ci_low, row.diff_ci_high))
    amount = i18n.fmt_kpi_diff(key, row.difference, lang, dec, short=True)
    if math.isnan(row.diff_ci_low) or math.isnan(row.diff_ci_high):
        ci = _say("console.compare.no_interval", lang)
    else:
        ci = i18n.fmt_ci(key, row.diff_ci_low, row.diff_ci_high, lang, dec, signed=True)
    return f"{amount} {ci}".replace("\u00a0", " ")


def _band(key: str, row: KpiComparison, lang: str) -> str:
    if math.isnan(row.mid) or row.mid <= 0:
        return ""
    from sim.report import i18n

    number = i18n.fmt_plain(100 * row.mid if kpi_kind(key) == "share" else row.mid, lang)
    mid = i18n.attach_unit(number, i18n.unit_label(key, lang, diff=True, number=number))
    return "  " + _say("console.compare.band", lang, mid=mid).replace("\u00a0", " ")


def _rule(comparison: Comparison, lang: str) -> str:
    """How the replications were chosen: the comparison's own words in English, else translated."""
    if lang == "en":
        return comparison.replication_rule
    checks = comparison.precision_checks
    if not checks:
        return _say("console.rule.fixed", lang)
    unmet = sum(not c.met for c in checks)
    if not unmet:
        return _say("console.rule.auto_met", lang)
    return _say("console.rule.auto_cap", lang, unmet=unmet)


def _percent_in(share: float, lang: str) -> str:
    if lang == "en":
        return _percent(share)
    from sim.report.i18n import fmt_plain

    return fmt_plain(round(100 * share, 2), lang) + "%"


def format_answer(comparison: Comparison, lang: str = "en") -> str:
    """What a planner reads first: each alternative's verdict on every key KPI, with the
    difference, its adjusted interval and the band that matters; then every scenario's targets."""
    base = comparison.base
    keys = list(comparison.key_kpis)
    lines = [_say("console.answer", lang)]
    for alt in comparison.alternatives:
        name = alt.scenario.name
        lines.append(
            _INDENT + _say("console.compare.against", lang, alternative=name, base=base.scenario.name)
        )
        rows = [(k, comparison.row(name, k)) for k in keys]
        verdicts = {k: _say("verdict." + (r.verdict or "neutral"), lang) for k, r in rows if r}
        pad = max((len(v) for v in verdicts.values()), default=0)
        width = max((len(_label(k, lang, base)) for k in keys), default=0)
        if not keys:
            lines.append(_INDENT * 2 + _say("console.compare.no_keys", lang))
        for key, row in rows:
            label = f"{_label(key, lang, base):<{width}}"
            if row is None or math.isnan(row.difference):
                lines.append(
                    f"{_INDENT * 2}{'':<{pad}}  {label}  {_say('console.compare.not_reported', lang)}"
                )
                continue
            lines.append(
                f"{_INDENT * 2}{verdicts[key]:<{pad}}  {label}  "
                f"{_diff_text(key, row, lang)}{_band(key, row, lang)}"
            )
    lines += ["", *_wrap(_INDENT + _say("console.compare.targets", lang), _INDENT * 2)]
    for results in comparison.scenarios:
        lines += _targets(results, results is base, lang)
    return "\n".join(lines)


def format_comparison(comparison: Comparison, lang: str = "en") -> str:
    """Header, the answer (`format_answer`), then per alternative the full table of key KPIs (base,
    alternative, difference with its adjusted interval, verdict), then replications and rule."""
    base = comparison.base
    n = comparison.replications
    alts = comparison.alternatives
    confidence = _percent_in(comparison.confidence, lang)
    adjusted = _percent_in(comparison.adjusted_confidence, lang)
    lines = [
        *_wrap(
            _say(
                "console.compare.header" + (".one" if len(alts) == 1 else ""),
                lang,
                alternatives=len(alts),
                base=base.scenario.name,
                n=n,
                seed=base.seed,
            ),
            _INDENT,
        ),
        *_wrap(
            _say(
                "console.compare.intervals",
                lang,
                confidence=confidence,
                comparisons=comparison.comparisons,
                adjusted=adjusted,
            ),
            _INDENT,
        ),
        "",
        format_answer(comparison, lang),
        "",
        _say("console.full_table", lang),
    ]
    keys = list(comparison.key_kpis)
    width = max([len(_say("console.col.kpi", lang)), *(len(_label(k, lang, base)) for k in keys)])
    cols = {
        c: _say(f"console.compare.col.{c}", lang) for c in ("base", "alternative", "difference", "verdict")
    }
    for k, alt in enumerate(alts):
        name = alt.scenario.name
        if k:
            lines.append("")
        lines.append(
            _say("console.compare.against", lang, alternative=name, base=base.scenario.name).rstrip(":")
        )
        header = (
            f"{_INDENT}{_say('console.col.kpi', lang):<{width}}  {cols['base']:>11}  "
            f"{cols['alternative']:>11}  {cols['difference']:<36}  {cols['verdict']}"
        )
        lines += [header, _INDENT + "-" * (len(header) - len(_INDENT) + 18)]
        if not keys:
            lines.append(_INDENT + _say("console.compare.no_keys", lang))
        for key in keys:
            b = comparison.row(base.scenario.name, key)
            a = comparison.row(name, key)
            label = _label(key, lang, base)
            base_mean = _value(key, b.mean, lang) if b is not None else "–"
            if a is None:
                lines.append(
                    f"{_INDENT}{label:<{width}}  {base_mean:>11}  {'–':>11}  "
                    f"{_say('console.compare.not_reported', lang):<36}"
                )
                continue
            verdict = _say("verdict." + a.verdict, lang) if a.verdict else ""
            lines.append(
                f"{_INDENT}{label:<{width}}  {base_mean:>11}  {_value(key, a.mean, lang):>11}  "
                f"{_diff_text(key, a, lang):<36}  {verdict}"
            )
    lines += ["", _say("console.replications", lang, n=n, rule=_rule(comparison, lang))]
    return "\n".join(lines)


def _targets(results: Results, is_base: bool, lang: str = "en") -> list[str]:
    role = _say("console.compare.base_role", lang) if is_base else ""
    if not results.targets:
        return [
            _INDENT * 2 + _say("console.compare.no_targets", lang, scenario=results.scenario.name, role=role)
        ]
    return [f"{_INDENT * 2}{results.scenario.name}{role}", *target_lines(results, lang, _INDENT * 3)]
