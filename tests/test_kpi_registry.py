"""The KPI registry (`sim.scenario.kpis.REGISTRY`) is the one declaration of every KPI: the model
reports exactly its keys, the views the other layers read derive from it, and every field of it
is read somewhere."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest

from sim.decide.compare import DEFAULT_KEY_KPIS, minimum_important_difference
from sim.report import i18n
from sim.report.table import BACK_OFFICE_KPIS, format_kpi
from sim.scenario import Scenario, load_scenario
from sim.scenario import kpis as K  # noqa: N812 (the registry module, short)
from sim.scenario.kpis import REGISTRY, Kpi

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "dao_xa_2025.toml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def reported(scenario: Scenario) -> dict[str, float]:
    """The KPIs of one short replication of the reference scenario (back office on)."""
    from sim.api import run

    short = scenario.model_copy(update={"run": scenario.run.model_copy(update={"replications": 1})})
    results = run(short, replications=1, workers=1)
    return dict(results.outputs[0].kpis)


def test_the_model_reports_exactly_the_registry(reported: dict[str, float], scenario: Scenario) -> None:
    bare = {k for k in reported if "." not in k}
    assert bare == {k.key for k in REGISTRY.values() if k.headline}
    heads = {k.split(".", 1)[0] for k in reported if "." in k}
    assert heads == {k.key for k in REGISTRY.values() if k.breakdown}
    ids = {
        "staff": {m.id for m in scenario.staff},
        "field": {f.id for f in scenario.fields},
        "machine": {str(n + 1) for n in range(scenario.equipment.ticket_machines.count)},
    }
    for key in reported:
        head, _, part = key.partition(".")
        kpi = REGISTRY[head]
        if part:
            assert kpi.breakdown is not None and part in ids[kpi.breakdown], key
        assert K.is_known_kpi(key), key


def test_kinds_units_and_values_agree(reported: dict[str, float]) -> None:
    units = {
        "share": {"percent"},
        "minutes": {"minutes"},
        "days": {"days"},
        "score": {"points"},
        "count": {"visitors", "dossiers", "slips"},
        "number": {"people"},
    }
    for kpi in REGISTRY.values():
        assert kpi.unit in units[kpi.kind], kpi.key
        assert (kpi.out_of is not None) == (kpi.kind == "score"), kpi.key
        assert kpi.direction in (-1, 0, 1)
        assert kpi.section in ("front", "back")
    for key, value in reported.items():
        kpi = REGISTRY[key.split(".", 1)[0]]
        if math.isnan(value):
            continue
        if kpi.kind == "share":
            assert -1e-9 <= value <= 2.0, key  # busy shares may pass 100% (over-committed)
        if kpi.out_of is not None:
            assert 0 <= value <= kpi.out_of, key


def test_the_views_derive_from_the_registry() -> None:
    assert list(K.KPIS) == list(REGISTRY)
    assert all(K.KPIS[k] == kpi.description for k, kpi in REGISTRY.items())
    assert dict(K.KPI_DIRECTION) == {k: kpi.direction for k, kpi in REGISTRY.items()}
    assert set(K.BREAKDOWN_BY.items()) == {(k, kpi.breakdown) for k, kpi in REGISTRY.items() if kpi.breakdown}
    assert tuple(K.BREAKDOWN_BY) == K.BREAKDOWNS
    assert dict(K.SCORE_MAX) == {"score_progress_766": 20.0, "score_handling_satisfaction_766": 6.0}
    assert K.kpi_direction("wait_mean_min.land") == -1
    assert K.kpi_direction("no_such_kpi") == 0
    assert not K.is_known_kpi("ticket_machine_out_min")  # reported per machine only
    assert K.is_known_kpi("ticket_machine_out_min.1") and K.is_known_kpi("staff_utilisation.s1")
    with pytest.raises(TypeError):
        K.KPIS["x"] = "y"  # type: ignore[index]


def test_each_field_is_used(scenario: Scenario) -> None:
    """Every field of `Kpi` reaches the reader: section, kind, unit, direction, minimum important
    difference, breakdown, name, help, description, out_of, headline."""
    names = {f.name for f in dataclasses.fields(Kpi)}
    # section: the terminal's back-office table
    assert set(BACK_OFFICE_KPIS) == {k for k, kpi in REGISTRY.items() if kpi.section == "back"}
    # kind and unit: the value's format
    assert format_kpi("processing_days_mean", 3.0912) == "3.09 days"
    assert format_kpi("apology_slips", 2.0) == "2.0 slips"
    # min_important_diff: the scenario's default bands and the comparison's key KPIs
    assert scenario.targets.minimum_important_difference["wait_p90_min"] == 2.0
    assert minimum_important_difference(scenario, "late_dossiers.land") == 1.0
    assert tuple(k for k, kpi in REGISTRY.items() if kpi.min_important_diff is not None) == DEFAULT_KEY_KPIS
    # name, help: the translations; breakdown: the part in brackets
    assert i18n.kpi_name("wait_mean_min", "vi") == "Thời gian chờ trung bình"
    assert i18n.kpi_name("wait_mean_min", "en") == REGISTRY["wait_mean_min"].name
    assert i18n.kpi_name("ticket_machine_out_min.2", "vi", scenario).endswith("(máy số 2)")
    assert i18n.kpi_help("on_time_rate", "en") == REGISTRY["on_time_rate"].help
    # every field is read outside the registry module (or by its derived views)
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "sim").rglob("*.py"))
    for name in names:
        assert re.search(rf"\.{name}\b", source), name


def test_every_name_and_help_is_translated() -> None:
    vi = i18n.translator("vi")
    names = []
    for kpi in REGISTRY.values():
        for msgid in (kpi.name, kpi.help):
            assert vi.gettext(msgid) != msgid, (kpi.key, msgid)
        names.append(vi.gettext(kpi.name))
    assert len(set(names)) == len(names), "two KPIs read the same in Vietnamese"


def test_the_wait_threshold_share_names_its_threshold_in_minutes() -> None:
    """'Tỷ lệ người dân chờ không quá 15 phút', not '... không quá ngưỡng': the reader sees the
    threshold wherever the KPI is named (terminal, report, figures)."""
    from helpers import ROOT

    from sim.report.i18n import kpi_name
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "dao_xa_2025.toml")
    minutes = scenario.targets.wait_threshold_min
    assert kpi_name("wait_within_target", "vi", scenario) == f"Tỷ lệ người dân chờ không quá {minutes:g} phút"
    assert (
        kpi_name("wait_within_target", "en", scenario) == f"Share of people waiting at most {minutes:g} min"
    )
