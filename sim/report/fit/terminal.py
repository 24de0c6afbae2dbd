"""What `python -m sim fit` prints: the period and rows, what was fitted (the family chosen for
each group), the checks that disagree and where the files went.

A few lines about 100 columns wide, the same words as fit_report.html (`words`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from sim.report import format as fmt
from sim.report.fit import words
from sim.report.i18n import check_lang

if TYPE_CHECKING:
    from sim.fitting.results import FitResult

WIDTH = 100
_INDENT = "  "


def _plain(text: str) -> str:
    """A terminal wraps nothing itself: no-break spaces become spaces."""
    return text.replace(fmt.NBSP, " ")


def _wrap(text: str, indent: str = _INDENT) -> list[str]:
    return textwrap.wrap(_plain(text), WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [""]


def format_fit(result: FitResult, lang: str = "vi", written: Path | None = None) -> str:
    """The fit in a few lines, in Vietnamese ("vi") or English ("en")."""
    check_lang(lang)
    _ = words.gettext(lang)
    t = result.tickets
    out = [
        _("Fit of {file}: {period}, {days} working days").format(
            file=t.file, period=words.period(t, lang), days=fmt.number(result.arrivals.working_days, lang)
        )
    ]
    out += _wrap(f"{_(words.DATASETS['tickets'])}: {words.rows(t, lang)}; {words.resolution(t, lang)}")
    if result.dossiers is not None:
        d = result.dossiers
        out += _wrap(f"{_(words.DATASETS['dossiers'])} ({d.file}): {words.rows(d, lang)}")
    out += ["", _("FITTED")]
    out += _wrap(_("Arrivals: {visits}").format(visits=words.visits(result.arrivals, lang)))
    for fit in result.durations:
        if not words.fitted(fit):
            if fit.quantity == words.PATIENCE:
                out += _wrap(_("Patience: too few walk-outs to fit; the base's estimate stays"))
            continue
        line = _("{group} (n = {n}): {chosen}").format(
            group=words.group(fit, lang), n=fmt.number(fit.n, lang), chosen=words.chosen(fit, lang)
        )
        out += _wrap(words.upper_first(line))
    if result.staff:
        out += _wrap(
            _("Staff at the counter: {n} members named in the log").format(
                n=fmt.number(len(result.staff), lang)
            )
        )
    out += _wrap(words.fitted_count(result, lang))
    for note in words.notes(result, lang):
        out += _wrap(note)
    out += ["", _("CHECKS")]
    out += _wrap(words.disagreements(result.checks, lang))
    if written is not None:
        out += ["", _("Written: {path}").format(path=written)]
    return "\n".join(out)


__all__ = ["format_fit"]
