"""The documents agree with the model on what counts as waiting, and document the minimum
important difference of a comparison."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.kpis import KPIS
from sim.scenario.schema import DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE

ROOT = Path(__file__).resolve().parents[1]


def _flat(path: str) -> str:
    return " ".join((ROOT / path).read_text("utf-8").split())


def test_every_document_says_the_wait_starts_at_the_ticket_line() -> None:
    for path in ("scenarios/README.md", "README.md", "docs/model.md"):
        text = _flat(path)
        assert "steps into the ticket line" in text, path
        assert "counts as waiting" not in text, path
    assert "stepping into the ticket line" in KPIS["wait_mean_min"]
    assert "is not waiting" in _flat("scenarios/README.md")


def test_the_minimum_important_difference_is_documented() -> None:
    text = _flat("docs/scenario_format.md")
    assert "[targets.minimum_important_difference]" in text
    for kpi in DEFAULT_MINIMUM_IMPORTANT_DIFFERENCE:
        assert f"| `{kpi}` |" in text, kpi
    for verdict in (
        "better, maybe not enough to matter",
        "better, but too small to matter",
        "worse, but too small to matter",
        "worse, maybe enough to matter",
    ):
        assert f"| {verdict} |" in text
    assert "targets.minimum_important_difference" in _flat("docs/assumptions.md")
