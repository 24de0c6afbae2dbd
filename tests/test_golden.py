"""Golden back-test: two fixed runs must reproduce their stored `replications.csv` byte for byte.

A refactoring must not change a single figure. When a change of figures is intended, regenerate
with `python tests/golden/cases.py` and say in the commit which figures changed and why.
"""

from __future__ import annotations

import csv
import io

import pytest
from golden.cases import CASES, path, replications_csv


def _differences(stored: bytes, now: bytes, limit: int = 8) -> list[str]:
    """Which (replication, column) cells differ: a readable failure instead of two blobs."""
    old = list(csv.DictReader(io.StringIO(stored.decode())))
    new = list(csv.DictReader(io.StringIO(now.decode())))
    if not old or not new or old[0].keys() != new[0].keys():
        added = sorted(set(new[0]) - set(old[0])) if old and new else []
        dropped = sorted(set(old[0]) - set(new[0])) if old and new else []
        return [f"columns differ: added {added}, dropped {dropped}"]
    out = [
        f"replication {a['replication']}, {k}: {a[k]} -> {b[k]}"
        for a, b in zip(old, new, strict=False)
        for k in a
        if a[k] != b[k]
    ]
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


@pytest.mark.parametrize("case", sorted(CASES))
def test_replications_are_byte_identical_to_the_golden_file(case: str) -> None:
    stored = path(case).read_bytes()
    now = replications_csv(case)
    assert now == stored, "\n".join(_differences(stored, now))
