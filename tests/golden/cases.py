"""The golden back-test cases: two fixed runs whose `replications.csv` is stored byte for byte.

`full_centre` is the bundled Đào Xá scenario as it is; `front_office` is the same centre without
its back office and online channel (only what happens at the counters). Regenerate the stored files
with `python tests/golden/cases.py` only when a change of figures is intended, and say in the
commit which figures changed and why.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
SCENARIO = ROOT / "scenarios" / "dao_xa_2025.toml"
REPLICATIONS = 4

CASES: dict[str, int] = {"front_office": 20250701, "full_centre": 20250825}
"""Case name → base seed."""


def document(case: str) -> dict[str, Any]:
    """The scenario document of a case (the bundled file, trimmed for the front-office case)."""
    from sim.scenario.loader import read_document

    data = read_document(SCENARIO)
    if case == "front_office":
        data = {k: v for k, v in data.items() if k not in {"back_office", "online"}}
        data["scenario"] = {**data["scenario"], "name": "golden-front-office"}
    return data


def replications_csv(case: str) -> bytes:
    """The bytes of `replications.csv` for one case, written the way a results folder writes it."""
    import sim
    from sim.scenario.loader import parse_scenario

    results = sim.run(
        parse_scenario(document(case), f"golden:{case}"),
        replications=REPLICATIONS,
        seed=CASES[case],
        workers=1,
    )
    text = results.replications.to_csv(index=False, na_rep="", lineterminator="\n")
    return text.encode("utf-8")


def path(case: str) -> Path:
    return GOLDEN / f"{case}_replications.csv"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for name in CASES:
        path(name).write_bytes(replications_csv(name))
        print(f"wrote {path(name).relative_to(ROOT)}")
