"""The comparison printed by `python -m sim compare`: plain text, aligned, about 100 columns.

For each alternative: every key KPI's base mean, alternative mean, paired difference with its
Bonferroni-adjusted interval, and the verdict; then each scenario's target verdicts; then the number
of replications and how it was chosen. Values use the KPI table's formats (`sim.report.table`);
differences of shares are in percentage points ("pp").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.report.table import format_ci, format_kpi, format_threshold, kpi_kind, sign_decimals

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
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


def format_comparison(comparison: Comparison) -> str:
    """Differences per alternative, target verdicts per scenario, replications and rule."""
    base = comparison.base
    n = comparison.replications
    alts = comparison.alternatives
    lines = [
        f"Comparison: {len(alts)} alternative{'s' if len(alts) != 1 else ''} against the base "
        f"{base.scenario.name}, {n} paired replication{'s' if n != 1 else ''} each "
        f"(seed {base.seed}, common random numbers)",
        f"Differences are alternative − base; intervals are {_percent(comparison.confidence)} "
        f"family-wise (Bonferroni over {comparison.comparisons} comparisons: "
        f"{_percent(comparison.adjusted_confidence)} each).",
    ]
    keys = list(comparison.key_kpis)
    width = max([len("KPI"), *(len(k) for k in keys)])
    for alt in alts:
        name = alt.scenario.name
        lines += ["", f"{name} against {base.scenario.name}"]
        header = (f"{_INDENT}{'KPI':<{width}}  {'base':>11}  {'alternative':>11}  "
                  f"{'difference [adjusted CI]':<36}  verdict")
        lines += [header, _INDENT + "-" * (len(header) - len(_INDENT) + 18)]
        if not keys:
            lines.append(f"{_INDENT}(no key KPIs reported by the base)")
        for key in keys:
            b = comparison.row(base.scenario.name, key)
            a = comparison.row(name, key)
            base_mean = format_kpi(key, b.mean) if b is not None else "–"
            if a is None:
                lines.append(f"{_INDENT}{key:<{width}}  {base_mean:>11}  {'–':>11}  "
                             f"{'not reported':<36}")
                continue
            digits = difference_digits(key, a.difference, a.diff_ci_low, a.diff_ci_high)
            diff = (f"{format_difference(key, a.difference, digits)} "
                    f"{format_difference_ci(key, a.diff_ci_low, a.diff_ci_high, digits)}")
            lines.append(f"{_INDENT}{key:<{width}}  {base_mean:>11}  {format_kpi(key, a.mean):>11}  "
                         f"{diff:<36}  {a.verdict}")
    lines += ["", "Targets (each scenario on its own 95% CI: met / not met / undecided)"]
    for results in comparison.scenarios:
        lines += _targets(results, results is base)
    lines += ["", f"Replications: {n} per scenario ({comparison.replication_rule})"]
    return "\n".join(lines)


def _targets(results: Results, is_base: bool) -> list[str]:
    title = f"{_INDENT}{results.scenario.name}{' (base)' if is_base else ''}"
    if not results.targets:
        return [title + ": no targets"]
    lines = [title]
    for t in results.targets:
        key = t["kpi"]
        rule = f"{key} {t['op']} {format_threshold(key, t['value'])}"
        ci = format_ci(t["ci_low"], t["ci_high"], kpi_kind(key))
        detail = f"mean {format_kpi(key, t['mean'])}, CI {ci}"
        lines.append(f"{_INDENT * 2}{t['verdict']:<10} {rule}: {detail}")
    return lines
