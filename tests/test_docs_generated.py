"""Generated documentation stays in step with its sources.

- `docs/parameters_*.md` and `docs/sources.md` are exactly what `docs/generate.py` writes now (run
  it and commit when this fails), and name every procedure and member of staff;
- the provenance of `sim.report.params` labels what it should, and agrees with the TOML parser
  about which keys a file sets (the rules themselves: tests/test_provenance.py);
- every named random stream of the model is listed in `docs/model.md`.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sim.report.params import parameter_markdown, parameter_rows
from sim.scenario.loader import load_scenario, read_document

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("scenarios/dao_xa_2025.toml", "scenarios/dao_xa_2026_08.toml")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_up_to_date() -> None:
    rendered = _generator().render()
    assert {p.name for p in rendered} == {f"parameters_{Path(s).stem}.md" for s in SCENARIOS} | {"sources.md"}
    for path, text in rendered.items():
        assert path.exists(), f"{path.name} is missing: run `python docs/generate.py` and commit it"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python docs/generate.py` and commit the result"
        )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_generated_file_names_every_procedure_and_staff(scenario: str) -> None:
    sc = load_scenario(ROOT / scenario)
    text = (ROOT / "docs" / f"parameters_{Path(scenario).stem}.md").read_text(encoding="utf-8")
    assert text.startswith(f"<!-- generated from {scenario} ")
    assert "do not edit" in text.splitlines()[0]
    for p in sc.procedures:
        assert f"`procedures[{p.id}]`" in text, p.id
    for m in sc.staff:
        assert f"`staff[{m.id}]`" in text, m.id
    for f in sc.fields:
        assert f"`fields[{f.id}]`" in text, f.id


def _resolve(doc: Any, key: str) -> bool:
    """Whether the key path of a row (`procedures[land_intake].work_min`) is set in a document."""
    node = doc
    for name, tag in re.findall(r"([^.\[\]]+)|\[([^\]]+)\]", key):
        if name:
            if not isinstance(node, dict) or name not in node:
                return False
            node = node[name]
        else:
            if not isinstance(node, list):
                return False
            match = [x for x in node if isinstance(x, dict) and x.get("id") == tag]
            if match:
                node = match[0]
            elif tag.isdigit() and int(tag) < len(node):
                node = node[int(tag)]
            else:
                return False
    return True


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rows_agree_with_the_toml_parser_on_what_is_set(scenario: str) -> None:
    """A row names a file exactly when the merged document sets that key (or a table around it)."""
    doc = read_document(ROOT / scenario)
    rows = parameter_rows(ROOT / scenario)
    assert rows
    for row in rows:
        if row.key == "back_office":
            continue
        assert bool(row.file) == _resolve(doc, row.key), row
        assert (row.label == "default") == (not row.file), row


def test_bundled_scenario_labels() -> None:
    rows = {r.key: r for r in parameter_rows(ROOT / SCENARIOS[0])}
    assert rows["calendar.start"].label == "SOURCED"  # the block above the key
    assert rows["calendar.end"].label == "SOURCED"  # the same block covers the next key
    assert rows["equipment.ticket_machines.count"].label == "SOURCED"  # on the key's line
    assert "Đào Xá centre's report" in rows["equipment.ticket_machines.count"].note  # the source's name
    assert rows["equipment.ticket_machines.issue_min"].label == "ESTIMATE"
    assert rows["equipment.ticket_machines.issue_min"].note == "10–20 s per ticket"
    # An inline note without a label takes the label of the block above its table.
    assert rows["demand.purposes.collect.share"].label == "ESTIMATE"
    assert rows["demand.purposes.collect.share"].note == "collect a result"
    # A block above the first [[staff]] covers every member; naming both labels, it is an ESTIMATE.
    assert rows["staff[spec_business].counter"].label == "ESTIMATE"
    # An inline table: the comment on its line labels the keys inside.
    assert rows["equipment.ticket_machines.failures.repair_min"].label == "ESTIMATE"
    # Not set in the file.
    assert rows["calendar.sunday_sessions"].label == "default"
    assert rows["calendar.sunday_sessions"].file == ""
    # A parameter shown as one row: the block above the first [[demand.hourly_profile]].
    assert rows["demand.hourly_profile"].label == "ESTIMATE"
    assert rows["demand.hourly_profile"].unit == "relative rate"
    assert rows["procedures[land_intake].work_min"].value == "lognormal, mean 90, cv 0.6"
    assert rows["procedures[land_intake].work_min"].unit == "min"
    assert rows["procedures[land_intake].statutory_days"].unit == "working days"
    # Set without any label nearby: an estimate, and the note says so.
    assert rows["run.seed"].label == "ESTIMATE"
    assert rows["run.seed"].note == "set in dao_xa_2025.toml without a source"


def test_variant_rows_name_the_file_that_sets_them() -> None:
    rows = {r.key: r for r in parameter_rows(ROOT / SCENARIOS[1])}
    land = rows["procedures[land_intake].missing_papers"]
    assert (land.value, land.label, land.file) == ("0.3", "ESTIMATE", "dao_xa_2026_08.toml")
    inherited = rows["procedures[land_intake].service_min"]
    assert inherited.file == "dao_xa_2025.toml"
    assert rows["calendar.start"].file == "dao_xa_2026_08.toml"
    assert rows["back_office.initial_backlog"].value == "land 60, social 8, business 6, other 4"
    text = parameter_markdown(ROOT / SCENARIOS[1], display_path=SCENARIOS[1])
    assert "| Set in |" in text


def test_every_random_stream_is_documented() -> None:
    """Each stream name (or its prefix before an id) used by the model appears in docs/model.md."""
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for path in (ROOT / "sim" / "model").glob("*.py"):
        for m in re.finditer(r"""(?:streams|rng_names)\[f?["']([^"'{]+)""", path.read_text(encoding="utf-8")):
            names.add(m.group(1))
    assert "arrivals" in names and "service." in names
    missing = sorted(n for n in names if f"`{n}" not in model)
    assert not missing, f"streams not described in docs/model.md: {missing}"
