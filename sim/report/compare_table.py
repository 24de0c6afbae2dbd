"""The comparison printed by `python -m sim compare`: plain text, aligned, about 100 columns.

First the answer (`format_answer`): for each alternative, the verdict on every key KPI with the
paired difference, its Bonferroni-adjusted interval and the minimum important difference; then each
scenario's target verdicts. Then the full table per alternative (base mean, alternative mean,
difference, verdict) and the number of replications and how it was chosen. Values and differences
go through the reports' one formatter (`sim.report.i18n`); differences of shares are in percentage
points, with enough decimals to show every sign. Every word is an English gettext msgid.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from sim.report.i18n import (
    N_,
    attach_unit,
    diff_decimals,
    fmt_ci,
    fmt_kpi_diff,
    fmt_plain,
    in_unit,
    unit_label,
)
from sim.report.table import _label, _value, gettext_for, target_lines

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results
    from sim.experiment.sensitivity import Sensitivity

_INDENT = "  "
_NO_VERDICT = N_("not judged")
"""What a KPI with no better direction gets instead of a verdict."""


def format_difference(key: str, value: float, lang: str = "en", digits: int | None = None) -> str:
    """A signed difference in the KPI's unit: '+0.52 min', '−1.30 % points', '+3.1 dossiers'.

    `digits` (default: the KPI's usual decimals, more if needed to show the sign)."""
    d = diff_decimals(key, [value]) if digits is None else digits
    return fmt_kpi_diff(key, value, lang, d, short=True).replace("\u00a0", " ")


def format_difference_ci(
    key: str, low: float, high: float, lang: str = "en", digits: int | None = None
) -> str:
    """'[+0.41, +0.63]' in the difference's unit (without it); '[no interval]' when undefined."""
    if math.isnan(low) or math.isnan(high):
        _ = gettext_for(lang)
        return _("[no interval]")
    d = diff_decimals(key, [low, high]) if digits is None else digits
    return fmt_ci(key, low, high, lang, d, signed=True)


def _wrap(line: str, indent: str) -> list[str]:
    """A line cut to 100 columns, the width of the comparison table."""
    return textwrap.wrap(line, 100, subsequent_indent=indent, break_on_hyphens=False) or [line]


def _diff_text(key: str, row: KpiComparison, lang: str) -> str:
    """'+0.52 min [+0.41, +0.63]' (en) / '+0,52 phút [+0,41; +0,63]' (vi), signs always visible."""
    digits = diff_decimals(key, (row.difference, row.diff_ci_low, row.diff_ci_high))
    amount = format_difference(key, row.difference, lang, digits)
    return f"{amount} {format_difference_ci(key, row.diff_ci_low, row.diff_ci_high, lang, digits)}"


def _band(key: str, row: KpiComparison, lang: str) -> str:
    _ = gettext_for(lang)
    if math.isnan(row.mid) or row.mid <= 0:
        return ""
    number = fmt_plain(in_unit(key, row.mid), lang)
    mid = attach_unit(number, unit_label(key, lang, diff=True, number=number))
    return "  " + _("(matters from ±{mid})").format(mid=mid).replace("\u00a0", " ")


def _rule(comparison: Comparison, lang: str) -> str:
    """How the replications were chosen: the comparison's own words in English, else translated."""
    if lang == "en":
        return comparison.replication_rule
    _ = gettext_for(lang)
    checks = comparison.precision_checks
    if not checks:
        return _("fixed")
    unmet = sum(not c.met for c in checks)
    if not unmet:
        return _("auto: every key difference precise enough")
    return _("auto: stopped at the cap; {unmet} key differences not yet precise enough").format(unmet=unmet)


def _percent_in(share: float, lang: str) -> str:
    return fmt_plain(round(100 * share, 2), lang) + "%"


def _against(comparison: Comparison, name: str, lang: str) -> str:
    _ = gettext_for(lang)
    text = _("{alternative} against {base}:")
    return text.format(alternative=name, base=comparison.base.scenario.name)


def _answer_lines(comparison: Comparison, name: str, lang: str) -> list[str]:
    """One alternative's verdict on every key KPI, with the difference and the band that matters."""
    _ = gettext_for(lang)
    base, keys = comparison.base, list(comparison.key_kpis)
    rows = [(k, comparison.row(name, k)) for k in keys]
    verdicts = {k: _(r.verdict or _NO_VERDICT) for k, r in rows if r}
    pad = max((len(v) for v in verdicts.values()), default=0)
    width = max((len(_label(k, lang, base)) for k in keys), default=0)
    lines = [] if keys else [_INDENT * 2 + _("(no key KPIs reported by the base)")]
    for key, row in rows:
        label = f"{_label(key, lang, base):<{width}}"
        if row is None or math.isnan(row.difference):
            lines.append(f"{_INDENT * 2}{'':<{pad}}  {label}  " + _("not reported"))
        else:
            lines.append(
                f"{_INDENT * 2}{verdicts[key]:<{pad}}  {label}  "
                f"{_diff_text(key, row, lang)}{_band(key, row, lang)}"
            )
    return lines


def format_answer(comparison: Comparison, lang: str = "en") -> str:
    """What a planner reads first: each alternative's verdict on every key KPI, with the
    difference, its adjusted interval and the band that matters; then every scenario's targets."""
    _ = gettext_for(lang)
    lines = [_("ANSWER")]
    for alt in comparison.alternatives:
        lines.append(_INDENT + _against(comparison, alt.scenario.name, lang))
        lines += _answer_lines(comparison, alt.scenario.name, lang)
    title = _("Targets (each scenario on its own 95% CI: met / not met / undecided):")
    lines += ["", *_wrap(_INDENT + title, _INDENT * 2)]
    for results in comparison.scenarios:
        lines += _targets(results, results is comparison.base, lang)
    return "\n".join(lines)


def _header(comparison: Comparison, lang: str) -> list[str]:
    _ = gettext_for(lang)
    base, alts = comparison.base, comparison.alternatives
    header = (
        _(
            "Comparison: 1 alternative against the base {base}, {n} paired replications each (seed "
            "{seed}, common random numbers)"
        )
        if len(alts) == 1
        else _(
            "Comparison: {alternatives} alternatives against the base {base}, {n} paired replications "
            "each (seed {seed}, common random numbers)"
        )
    )
    intervals = _(
        "Differences are alternative − base; intervals are {confidence} family-wise (Bonferroni over "
        "{comparisons} comparisons: {adjusted} each)."
    )
    return [
        *_wrap(
            header.format(
                alternatives=len(alts), base=base.scenario.name, n=comparison.replications, seed=base.seed
            ),
            _INDENT,
        ),
        *_wrap(
            intervals.format(
                confidence=_percent_in(comparison.confidence, lang),
                comparisons=comparison.comparisons,
                adjusted=_percent_in(comparison.adjusted_confidence, lang),
            ),
            _INDENT,
        ),
    ]


def _full_table(comparison: Comparison, name: str, width: int, lang: str) -> list[str]:
    """One alternative's rows: base mean, alternative mean, difference [adjusted CI], verdict."""
    _ = gettext_for(lang)
    base = comparison.base
    lines = [_against(comparison, name, lang).rstrip(":")]
    kpi, base_head, alt_head = _("KPI"), _("base"), _("alternative")
    diff_head, verdict_head = _("difference [adjusted CI]"), _("verdict")
    header = f"{_INDENT}{kpi:<{width}}  {base_head:>11}  {alt_head:>11}  {diff_head:<36}  {verdict_head}"
    lines += [header, _INDENT + "-" * (len(header) - len(_INDENT) + 18)]
    if not comparison.key_kpis:
        lines.append(_INDENT + _("(no key KPIs reported by the base)"))
    for key in comparison.key_kpis:
        b = comparison.row(base.scenario.name, key)
        a = comparison.row(name, key)
        label = _label(key, lang, base)
        base_mean = _value(key, b.mean, lang) if b is not None else "–"
        if a is None:
            missing = _("not reported")
            lines.append(f"{_INDENT}{label:<{width}}  {base_mean:>11}  {'–':>11}  {missing:<36}")
            continue
        verdict = _(a.verdict) if a.verdict else ""
        lines.append(
            f"{_INDENT}{label:<{width}}  {base_mean:>11}  {_value(key, a.mean, lang):>11}  "
            f"{_diff_text(key, a, lang):<36}  {verdict}"
        )
    return lines


def format_comparison(comparison: Comparison, lang: str = "en") -> str:
    """Header, the answer (`format_answer`), then per alternative the full table of key KPIs (base,
    alternative, difference with its adjusted interval, verdict), then replications and rule."""
    _ = gettext_for(lang)
    lines = [*_header(comparison, lang), "", format_answer(comparison, lang), "", _("FULL TABLE")]
    base = comparison.base
    width = max([len(_("KPI")), *(len(_label(k, lang, base)) for k in comparison.key_kpis)])
    for k, alt in enumerate(comparison.alternatives):
        if k:
            lines.append("")
        lines += _full_table(comparison, alt.scenario.name, width, lang)
    replications = _("Replications: {n} per scenario ({rule})")
    lines += ["", replications.format(n=comparison.replications, rule=_rule(comparison, lang))]
    if comparison.sensitivity:
        lines += ["", *sensitivity_lines(comparison, lang)]
    return "\n".join(lines)


def sensitivity_sentence(
    comparison: Comparison, alt: str, kpi: str, sweep: Sensitivity, lang: str = "en"
) -> str:
    """Whether the alternative's difference in `kpi` keeps its direction over every ranged
    estimate, or which estimate reverses it and where."""
    from sim.report.figures.tornado import estimate_label

    _ = gettext_for(lang)
    name = _label(kpi, lang, comparison.base)
    if sweep.holds:
        text = _(
            "{alternative}: the difference in {kpi} keeps its direction over the whole range "
            "of each of the {n} ranged estimates."
        )
    else:
        text = _("{alternative}: the difference in {kpi} changes direction when one estimate moves: {flips}.")
    flips = "; ".join(
        _("{estimate} at {value} (plausible {low}–{high})").format(
            estimate=estimate_label(b.key, _),
            value=fmt_plain(b.flip or 0.0, lang),
            low=fmt_plain(b.low, lang),
            high=fmt_plain(b.high, lang),
        )
        for b in sweep.flipping
    )
    return text.format(alternative=alt, kpi=name, n=len(sweep.bars), flips=flips)


def sensitivity_lines(comparison: Comparison, lang: str = "en", bars: int = 3) -> list[str]:
    """Per alternative: the sentence (`sensitivity_sentence`), then the estimates that move the
    first key KPI's difference most."""
    from sim.report.figures.tornado import estimate_label

    _ = gettext_for(lang)
    out = [_("SENSITIVITY (each ranged estimate moved alone, same random numbers)")]
    for alt, kpi, sweep in comparison.sensitivity:
        out += _wrap(_INDENT + sensitivity_sentence(comparison, alt, kpi, sweep, lang), _INDENT * 2)
        for b in sweep.bars[:bars]:
            move = _("{estimate}: {at_low} at its low end, {at_high} at its high end")
            out += _wrap(
                _INDENT * 2
                + move.format(
                    estimate=estimate_label(b.key, _),
                    at_low=format_difference(kpi, b.at_low, lang),
                    at_high=format_difference(kpi, b.at_high, lang),
                ),
                _INDENT * 3,
            )
    return out


def _targets(results: Results, is_base: bool, lang: str = "en") -> list[str]:
    _ = gettext_for(lang)
    role = _(" (base)") if is_base else ""
    if not results.targets:
        return [
            _INDENT * 2 + _("{scenario}{role}: no targets").format(scenario=results.scenario.name, role=role)
        ]
    return [f"{_INDENT * 2}{results.scenario.name}{role}", *target_lines(results, lang, _INDENT * 3)]
