"""Write the generated documentation: the parameter tables of the bundled scenarios, the sources.

    python docs/generate.py

Each `docs/parameters_<scenario>.md` is generated from `scenarios/<scenario>.toml` (and, for a
variant, the files it extends) by `sim.report.params`, and `docs/sources.md` from
`sim/data/sources.csv`; never edit them by hand. The test
`tests/test_docs_generated.py` fails when a committed file differs from what this script writes now,
so run it after changing a scenario file or the generator, and commit the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from sim.report.params import parameter_markdown, sources_markdown  # noqa: E402

SCENARIOS: tuple[str, ...] = ("scenarios/dao_xa_2025.toml", "scenarios/dao_xa_2026_08.toml")
"""Scenario files (relative to the repository root) whose parameter tables are generated."""


def output_path(scenario: str) -> Path:
    return ROOT / "docs" / f"parameters_{Path(scenario).stem}.md"


def render() -> dict[Path, str]:
    """Every generated file and its text, as the generator would write it now."""
    out = {output_path(s): parameter_markdown(ROOT / s, display_path=s) for s in SCENARIOS}
    out[ROOT / "docs" / "sources.md"] = sources_markdown()
    return out


def main() -> int:
    for path, text in render().items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            print(f"unchanged {path.relative_to(ROOT)}")
            continue
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
