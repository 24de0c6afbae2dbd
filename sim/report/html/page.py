"""The page model: what every part of the report needs (language, runs, translator, names)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.i18n import fmt_plain, kpi_name, translator

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results
    from sim.scenario.schema import Scenario

REPORT_FILE = "report.html"
"""Name of the report in a results or comparison folder (one language per folder)."""


@dataclass
class Page:
    """One report being built: the runs it is about and the language it speaks."""

    lang: str
    runs: tuple[Results, ...]
    comparison: Comparison | None = None
    command: str | None = None
    sources: dict[str, Path] = field(default_factory=dict)
    gettext: Callable[[str], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.gettext = translator(self.lang).gettext

    @property
    def base(self) -> Results:
        return self.runs[0]

    @property
    def alternatives(self) -> tuple[Results, ...]:
        return self.runs[1:]

    @property
    def n_replications(self) -> int:
        return self.comparison.replications if self.comparison is not None else self.base.n_replications

    def kpi(self, key: str, results: Results | None = None) -> str:
        """The KPI's name (the share within the wait threshold names the threshold in minutes)."""
        return kpi_name(key, self.lang, (results or self.base).scenario)

    def pct(self, share: float) -> str:
        return fmt_plain(round(100 * share, 2), self.lang) + "%"


def is_missing(x: float | None) -> bool:
    return x is None or math.isnan(x)


def _own_and_other(text: str, other: str, lang: str) -> tuple[str, str]:
    """(text in `lang`, fallback in the other language) for a field pair like title / title_vi."""
    return (other, text) if lang == "vi" else (text, other)


def scenario_text(scenario: Scenario, what: str, lang: str) -> dict[str, str | bool]:
    """The scenario's title or description in `lang`, falling back VISIBLY on the other language.

    `{"text": ..., "untranslated": True}` when the text is the other language's; the title falls
    back on the scenario's name last. `what` is "title" or "description".
    """
    info = scenario.scenario
    own, other = _own_and_other(getattr(info, what), getattr(info, f"{what}_vi"), lang)
    if own:
        return {"text": own, "untranslated": False}
    if other:
        return {"text": other, "untranslated": True}
    return {"text": info.name if what == "title" else "", "untranslated": False}


def title(results: Results, lang: str) -> str:
    """The scenario's title as plain text (tables, figure labels)."""
    return str(scenario_text(results.scenario, "title", lang)["text"])


def working_days(results: Results) -> int:
    if results.outputs:
        return results.outputs[0].working_days
    from sim.scenario.calendar import working_days as days

    return len(days(results.scenario.calendar))
