"""Where each figure of a costs table comes from: SOURCED (with its sources) or ESTIMATE.

The labels live in the TOML comments (`sim.scenario.provenance`), so they are read from the costs
file and the shared files it extends, nearest file first, as the loader merges the values. A
figure whose file is not known is an ESTIMATE: the project's rule for a value nobody gave a
source for.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from sim.scenario.provenance import DEFAULT, ESTIMATE, FileNotes, Note, file_notes, note_for

EXTENDS_MAX = 10
"""As the costs loader: a case file extends a shared one, rarely more."""

Labels = Mapping[str, Note]
"""A costs key path ("value_of_hour", "items.kiosk.price") → its note."""

UNKNOWN = Note(ESTIMATE, (), "", "", labelled=False)


def _chain(path: Path) -> list[FileNotes]:
    """The notes of the costs file and of every file it extends, the file itself first."""
    out: list[FileNotes] = []
    seen: set[Path] = set()
    while len(out) <= EXTENDS_MAX:
        path = path.resolve()
        if path in seen:
            break
        seen.add(path)
        text = path.read_bytes().decode("utf-8-sig")
        out.append(file_notes(text, path.name))
        parent = tomllib.loads(text).get("extends")
        if not isinstance(parent, str):
            break
        path = path.parent / parent
    return out


def cost_labels(path: str | Path, keys: list[str]) -> dict[str, Note]:
    """The note of each costs key (dotted, without the leading "costs.") in the file at `path`."""
    files = _chain(Path(path))
    return {key: note_for(("costs", *key.split(".")), files) for key in keys}


def label_of(labels: Labels | None, key: str) -> Note:
    """The note of `key`; ESTIMATE when the costs file is not known or does not set it."""
    note = (labels or {}).get(key)
    if note is None:
        return UNKNOWN
    return UNKNOWN if note.kind == DEFAULT else note


__all__ = ["Labels", "cost_labels", "label_of"]
