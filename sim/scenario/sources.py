"""The sources the scenarios cite: `sim/data/sources.csv`, one row per source, as data.

A SOURCED note in a scenario file names sources by id (`SOURCED [dao-xa-report]: ...`); the
reports show a source's short name in their language and `docs/sources.md` (generated from this
table by `docs/generate.py`) gives the full reference, so every sourced figure can be traced to a
document that ships with the project.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Source:
    """One source: a law, a decision, a report, a data set."""

    id: str
    name: str
    """Short name in English."""
    name_vi: str
    """Short name in Vietnamese."""
    reference: str
    """The full reference (English)."""
    facts: str
    """What the project takes from it."""

    def short_name(self, lang: str) -> str:
        """The short name in `lang` ("vi" or "en"), the other one when that one is empty."""
        return (self.name_vi or self.name) if lang == "vi" else (self.name or self.name_vi)


@functools.cache
def sources() -> dict[str, Source]:
    """Every source, by id, in the order of the table."""
    text = (resources.files("sim") / "data" / "sources.csv").read_text(encoding="utf-8")
    return {row["id"]: Source(**row) for row in csv.DictReader(io.StringIO(text))}
