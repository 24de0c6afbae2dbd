"""What `python -m sim optimise` prints: the answer first, the stress re-run, then every plan.

Plain text about 100 columns wide. The plans' table is in cost order (the order of candidates.csv)
with each constraint's mean under a numbered column; the numbers are explained above the table,
because KPI names are too long for a header. The options come last, as they are the widest.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from sim.report import format as fmt
from sim.report.i18n import check_lang
from sim.report.optimise import words

if TYPE_CHECKING:
    from sim.optimise.result import OptimiseResult

WIDTH = 100
_INDENT = "  "


def _plain(text: str) -> str:
    """A terminal wraps nothing itself: no-break spaces become spaces."""
    return text.replace(fmt.NBSP, " ")


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(_plain(text), WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [""]


def _table(result: OptimiseResult, lang: str) -> list[str]:
    """One row per plan; the options, last, wrap within the width under their own column."""
    _ = words.gettext(lang)
    study = result.study
    head = [_("Plan"), _("Cost"), _("State"), *(f"[{k}]" for k in range(1, len(study.constraints) + 1)), "n"]
    rows = []
    for i, plan in enumerate(study.plans):
        po = result.outcome.plans[i]
        row = [
            words.plan_number(plan) + ("*" if result.outcome.chosen == i else ""),
            fmt.number(plan.cost / 1e6, lang, 2),
            _(words.CONSTRAINT_STATES[po.state]),
            *(_plain(words.mean(result, i, c.kpi, lang)) for c in study.constraints),
            fmt.number(po.replications, lang),
        ]
        rows.append((row, study.plan_title(plan, lang)))
    widths = [max(len(r[k]) for r in [head, *(row for row, _o in rows)]) for k in range(len(head))]
    left = {0, 2}
    lead = len(_INDENT) + sum(widths) + 2 * len(widths)
    room = max(WIDTH - lead, 24)

    def cells(values: list[str]) -> str:
        parts = [
            v.ljust(w) if k in left else v.rjust(w)
            for k, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return _INDENT + "  ".join(parts) + "  "

    out = [(cells(head) + _("Options")).rstrip(), _INDENT + "-" * (lead - len(_INDENT) + len(_("Options")))]
    for row, text in rows:
        wrapped = textwrap.wrap(_plain(text), room, break_on_hyphens=False) or [""]
        out.append(cells(row) + wrapped[0])
        out += [" " * lead + more for more in wrapped[1:]]
    return out


def format_optimise(result: OptimiseResult, lang: str = "en") -> str:
    """The optimiser's answer as printed in the terminal, in Vietnamese ("vi") or English ("en")."""
    check_lang(lang)
    _ = words.gettext(lang)
    study = result.study
    title = (study.title_vi or study.title) if lang == "vi" else (study.title or study.title_vi)
    out = [_("Study {name}").format(name=study.name) + (f": {title}" if title else ""), "", _("ANSWER")]
    for sentence in words.answer(result, lang):
        out += _wrap(_INDENT + sentence, _INDENT)
    stress = words.stress(result, lang)
    if stress:
        out += _wrap(_INDENT + stress, _INDENT)
    out += _wrap(_INDENT + words.replications(result, lang), _INDENT)
    out += ["", _("PLANS (cheapest first; * = the answer)")]
    out += _wrap(
        _INDENT
        + _(
            "Cost in million VND per month; n = replications run; "
            "[1], [2], … = the plan's mean on each target:"
        ),
        _INDENT,
    )
    for k, c in enumerate(study.constraints, start=1):
        text = _("[{k}] {rule} (tolerance {tolerance})").format(
            k=k, rule=words.rule(study, c, lang), tolerance=words.tolerance(c, lang)
        )
        out += _wrap(_INDENT + text, _INDENT + "    ")
    out += _table(result, lang)
    return "\n".join(out)


__all__ = ["format_optimise"]
