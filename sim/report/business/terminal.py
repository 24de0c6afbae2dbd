"""What `python -m sim business-case` prints: the answer first, then the money a year, the costs,
the switching values and the quality the money leaves out.

Plain text about 100 columns wide, the same sentences as the leader's page (`words`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from sim.report import format as fmt
from sim.report.business import words
from sim.report.business.labels import Labels
from sim.report.i18n import check_lang

if TYPE_CHECKING:
    from sim.business.case import BusinessCase

WIDTH = 100
_INDENT = "  "


def _plain(text: str) -> str:
    """A terminal wraps nothing itself: no-break spaces become spaces."""
    return text.replace(fmt.NBSP, " ")


def _wrap(text: str, indent: str = _INDENT, more: str = _INDENT) -> list[str]:
    return textwrap.wrap(_plain(text), WIDTH, initial_indent=indent, subsequent_indent=more) or [""]


def _table(head: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    cells = [head, *rows]
    widths = [max(len(_plain(r[k])) for r in cells) for k in range(len(head))]

    def line(values: list[str]) -> str:
        parts = [
            _plain(v).rjust(w) if k in right else _plain(v).ljust(w)
            for k, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return (_INDENT + "  ".join(parts)).rstrip()

    return [line(head), _INDENT + "-" * (sum(widths) + 2 * (len(widths) - 1)), *(line(r) for r in rows)]


def format_business_case(case: BusinessCase, lang: str = "en", labels: Labels | None = None) -> str:
    """The business case as printed in the terminal, in Vietnamese ("vi") or English ("en")."""
    check_lang(lang)
    _ = words.gettext(lang)
    out = [
        _("Business case: {option} against {base}").format(
            option=words.option_name(case, lang), base=words.base_name(case, lang)
        ),
        "",
        _("ANSWER"),
    ]
    out += _wrap(_INDENT + words.recommendation(case, lang), "")
    for f in words.three_numbers(case, lang):
        out += _wrap(f"- {f.label}: {f.value} ({f.note})", _INDENT, _INDENT + "  ")
    out += ["", _("WHAT DECIDES IT")]
    for sentence in words.deciding(case, labels, lang):
        out += _wrap(f"- {sentence}", _INDENT, _INDENT + "  ")

    mc = case.monte_carlo
    out += ["", _("MONEY A YEAR (mean and 90% interval over the draws)")]
    rows = []
    for b in case.benefits:
        money = mc.benefit_per_year[b.name]
        rows.append(
            [
                words.line_name(b.name, lang),
                fmt.number(float(b.per_replication.mean()) * b.per_year, lang, 1),
                _(words.LINE_UNITS.get(b.name, "")),
                words.uncertain_money(b.unit_value, lang),
                words.short_money(float(money.mean()), lang),
                words.money_range(*_quantiles(money), lang),
            ]
        )
    out += _table(
        [_("Saved"), _("Quantity"), _("Unit"), _("Value of a unit"), _("Per year"), _("90% interval")],
        rows,
        {1},
    )
    out += ["", _("COSTS")]
    rows = []
    for c in case.option_costs:
        rows.append(
            [
                words.item_name(case, c.name, lang),
                fmt.number(c.count, lang),
                words.uncertain_money(c.price, lang) if c.price.high else fmt.MISSING,
                words.uncertain_money(c.per_month, lang) if c.per_month.high else fmt.MISSING,
                words.short_money(words.yearly_cost(case, c), lang),
                words.label_text(labels, f"items.{c.name}.price", lang),
            ]
        )
    out += _table(
        [_("Item"), _("Count"), _("Price"), _("Per month"), _("Cost a year"), _("Label")], rows, {1}
    )
    out += ["", _("SWITCHING VALUES (where the verdict flips, other inputs at their most likely)")]
    for s in words.switches(case):
        out += _wrap(f"- {s.sentence(case, lang)}", _INDENT, _INDENT + "  ")
    quality = words.quality(case, lang)
    if quality:
        out += ["", _("QUALITY, NOT PRICED (option − base, 95% interval)")]
        for q in quality:
            out += _wrap(f"- {q.name}: {q.difference} ({q.interval})", _INDENT, _INDENT + "  ")
    out += ["", *_wrap(words.method_note(case, lang), "", "")]
    return "\n".join(out)


def _quantiles(values: object) -> tuple[float, float]:
    low, high = np.quantile(np.asarray(values, dtype=float), [0.05, 0.95])
    return float(low), float(high)


__all__ = ["format_business_case"]
