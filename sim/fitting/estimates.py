"""What stayed an estimate: the base's ESTIMATE values that no fitted value replaces.

The fit report lists them (issue 12: "what stayed an estimate") so a planner sees which figures
the data could not reach. The keys are the reports' parameter keys (`procedures[land_intake].
work_min`, `demand.hourly_profile`), read from the base's `extends` chain with the rules of
`sim.scenario.provenance`: a value counts when the file that sets it labels it ESTIMATE (or labels
it not at all). Model defaults are left out unless asked for: no file set them, so they are not
labelled ESTIMATE, and the reports show them as "default". Names, ids and the other parts that say
what an entry is are left out; values the model records but does not read (`fee_share`) are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.fitting.results import FittedValue
from sim.scenario.loader import load_scenario
from sim.scenario.provenance import DEFAULT, ESTIMATE, Key, chain_notes, key_text, note_for, parameter_keys

ID_ARRAYS = frozenset({"procedures", "staff", "fields", "pools"})
"""Arrays whose entries merge by `id`: a fitted path names the entry by its id after the array."""

NOT_FIGURES = frozenset({"scenario", "fields", "run", "targets", "estimate_ranges"})
"""Sections that are no figures about the centre its data could replace: names, the list of
fields, run settings and the planner's targets."""

NOT_FIGURES_KEYS = frozenset({("calendar", "start"), ("calendar", "end")})
"""The window to simulate: a choice of the run, not a figure the data could replace."""

IDENTITY = frozenset({"name", "name_vi", "field", "role", "counter"})
"""Parts of an entry that say what it is (a procedure's field, a member's role and counter number),
as the run report's list of estimates leaves them out."""


def note_key(path: Sequence[str]) -> Key:
    """A fitted value's path as a provenance key: the entry of an id-merged array in brackets,
    ("procedures", "land_intake", "service_min") -> ("procedures", "[land_intake]", "service_min")."""
    out: list[str] = []
    after_array = False
    for part in path:
        out.append(f"[{part}]" if after_array else part)
        after_array = not after_array and part in ID_ARRAYS
    return tuple(out)


def _overlap(a: Key, b: Key) -> bool:
    """One key is the other or inside it: a fitted table replaces every value in it."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def kept_estimates(
    base: Path,
    values: Sequence[FittedValue],
    scenario_root: Path | None = None,
    *,
    defaults: bool = False,
) -> tuple[str, ...]:
    """Key paths of the base chain's ESTIMATE values that no fitted value overrides, in the
    scenario's order (and, with `defaults`, of the model defaults no file sets)."""
    kinds = {ESTIMATE, DEFAULT} if defaults else {ESTIMATE}
    scenario = load_scenario(base, scenario_root)
    files = chain_notes(base, scenario_root)
    fitted = [note_key(v.path) for v in values]
    out: list[str] = []
    for key, _value in parameter_keys(scenario):
        if key[0] in NOT_FIGURES or key in NOT_FIGURES_KEYS or key[-1] in IDENTITY:
            continue
        if any(_overlap(key, f) for f in fitted):
            continue
        if note_for(key, files).kind in kinds:
            out.append(key_text(key))
    return tuple(dict.fromkeys(out))
