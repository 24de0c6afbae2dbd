"""Plausible ranges of estimates (`sim.scenario.ranges`): where they are found, every refusal with
its key path, inheritance through `extends`, `with_value`, the round trip through a results
folder, and the bundled scenario's ranges (each an ESTIMATE, each bracketing its value)."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import ROOT, cli

from sim.experiment import Execution
from sim.experiment import run as run_experiment
from sim.model.output import WAIT_BINS, ReplicationOutput
from sim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario, read_document
from sim.scenario.provenance import ESTIMATE, SOURCED, Key, chain_notes, note_for
from sim.scenario.ranges import EstimateRange, extract_ranges, value_at, with_value

BASE = ROOT / "scenarios" / "dao_xa_2025.toml"
PARENT = BASE.as_posix()
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))

REASON = 'reason = "a judgement"'
WIDE = '{ low = 0.0, high = 30.0, reason = "a judgement" }'
NARROW = '{ low = 10.0, high = 20.0, reason = "a judgement" }'


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def variant(folder: Path, body: str, name: str = "v.toml") -> Path:
    return write(folder, name, f'extends = "{PARENT}"\n{body}')


def refusal(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def ranges_of(scenario: Scenario) -> dict[str, EstimateRange]:
    return {r.key: r for r in scenario.estimate_ranges}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(BASE)


# ----- where ranges are found ------------------------------------------------------------------


def test_ranges_are_found_at_their_key_paths(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        f"""
[demand]
priority_share = 0.08
priority_share_range = {{ low = 0.05, high = 0.12, {REASON} }}
return_delay_min = {{ dist = "deterministic", value = 0.0, value_range = {WIDE} }}

[[staff]]
id = "spec_land"
back_office_share = 0.4
back_office_share_range = {{ low = 0.2, high = 0.6, {REASON} }}

[equipment.lookup_pcs]
session_min = {{ dist = "uniform", low = 5.0, high = 15.0, high_range = {NARROW} }}
""",
    )
    scenario = load_scenario(path)
    found = ranges_of(scenario)
    expected = {
        "demand.priority_share": (0.05, 0.08, 0.12),  # a top-level key of a table
        "demand.return_delay_min.value": (0.0, 0.0, 30.0),  # a distribution's parameter, inline
        "staff[spec_land].back_office_share": (0.2, 0.4, 0.6),  # an id-array entry, by id
        "equipment.lookup_pcs.session_min.high": (10.0, 15.0, 20.0),
    }
    for key, (low, value, high) in expected.items():
        r = found[key]
        assert (r.low, r.value, r.high, r.reason) == (low, value, high, "a judgement")
    # stripped before validation: the schema (which refuses unknown keys) never saw them, and the
    # validated values are the ones written
    assert scenario.demand.priority_share == 0.08
    assert {m.id: m for m in scenario.staff}["spec_land"].back_office_share == 0.4
    # the parent's ranges are still there, after the variant's own in document order
    assert len(found) == len(load_scenario(BASE).estimate_ranges) + 4


def test_an_array_without_ids_is_named_by_position(base: Scenario) -> None:
    peak = ranges_of(base)["demand.hourly_profile[2].weight"]
    assert base.demand.hourly_profile[2].start == "08:00"
    assert peak.value == base.demand.hourly_profile[2].weight == 1.4


def test_a_range_key_inside_a_table_of_chosen_names_is_a_name() -> None:
    # season names and field ids are the user's: a field called "land_range" is not a range of "land"
    document = read_document(BASE)
    document["back_office"]["initial_backlog"] = {"land": 3, "land_range": 4}
    stripped, pending = extract_ranges(document)
    assert stripped["back_office"]["initial_backlog"] == {"land": 3, "land_range": 4}
    assert "back_office.initial_backlog.land" not in {r.key for r in pending.settle()}


# ----- refusals --------------------------------------------------------------------------------

_VISITS = "[demand]\npriority_share = 0.08\npriority_share_range = "
"""A value the parent gives no range: the variant's range is the whole range (no merging)."""

REFUSALS = {
    "no sibling": (
        f"[demand]\nvisits_per_month_range = {{ low = 1.0, high = 2.0, {REASON} }}",
        "demand.visits_per_month_range",
        "a range belongs next to the number it brackets: there is no such key",
    ),
    "sibling not a number": (
        f"[demand]\nbalking_range = {{ low = 1.0, high = 2.0, {REASON} }}",
        "demand.balking_range",
        "a range belongs next to the number it brackets: demand.balking is not a number",
    ),
    "not a table": (_VISITS + "50.0", "demand.priority_share_range", "a range is a table"),
    "unknown key": (
        _VISITS + f"{{ low = 0.05, mode = 0.08, high = 0.12, {REASON} }}",
        "demand.priority_share_range",
        "unknown key 'mode'; a range has only low, high and reason",
    ),
    "missing low": (
        _VISITS + f"{{ high = 0.12, {REASON} }}",
        "demand.priority_share_range.low",
        "is required",
    ),
    "infinite high": (
        _VISITS + f"{{ low = 0.05, high = inf, {REASON} }}",
        "demand.priority_share_range.high",
        "must be a finite number (got inf)",
    ),
    "nan low": (
        _VISITS + f"{{ low = nan, high = 0.12, {REASON} }}",
        "demand.priority_share_range.low",
        "must be a finite number (got nan)",
    ),
    "text bound": (
        _VISITS + f'{{ low = "0.05", high = 0.12, {REASON} }}',
        "demand.priority_share_range.low",
        "must be a finite number (got '0.05')",
    ),
    "boolean bound": (
        _VISITS + f"{{ low = 0.05, high = true, {REASON} }}",
        "demand.priority_share_range.high",
        "must be a finite number (got True)",
    ),
    "low above high": (
        _VISITS + f"{{ low = 0.12, high = 0.05, {REASON} }}",
        "demand.priority_share_range",
        "low (0.12) is above high (0.05)",
    ),
    "value below": (
        _VISITS + f"{{ low = 0.1, high = 0.12, {REASON} }}",
        "demand.priority_share_range",
        "the value 0.08 is outside its range [0.1, 0.12]",
    ),
    "value above": (
        '[[staff]]\nid = "director"\ncounter_share = 0.2\n'
        f"counter_share_range = {{ low = 0.0, high = 0.1, {REASON} }}",
        "staff[0].counter_share_range",  # by position, as every error of the loader; the id in words
        "the value 0.2 is outside its range [0, 0.1]; change the range together with the value "
        "(counter_share_range next to it) (the range of staff[director].counter_share)",
    ),
    "missing reason": (
        _VISITS + "{ low = 0.05, high = 0.12 }",
        "demand.priority_share_range.reason",
        "every range needs its one-line reason",
    ),
    "blank reason": (
        _VISITS + '{ low = 0.05, high = 0.12, reason = "  " }',
        "demand.priority_share_range.reason",
        "every range needs its one-line reason",
    ),
    "two-line reason": (
        _VISITS + '{ low = 0.05, high = 0.12, reason = "one\\ntwo" }',
        "demand.priority_share_range.reason",
        "a reason is one line",
    ),
    "key path naming nothing": (
        f'[[estimate_ranges]]\nkey = "demand.visits_per_week"\nlow = 1.0\nhigh = 2.0\n{REASON}',
        "estimate_ranges[0]",
        "a range belongs next to the number it brackets: there is no such key",
    ),
    "key path to a removed id": (
        '[[staff]]\nid = "spec_business"\nremove = true\n[[estimate_ranges]]\n'
        f'key = "staff[spec_business].back_office_share"\nlow = 0.1\nhigh = 0.5\n{REASON}',
        "estimate_ranges[0]",
        "there is no such key",
    ),
    "key path without key": (
        f"[[estimate_ranges]]\nlow = 1.0\nhigh = 2.0\n{REASON}",
        "estimate_ranges[0].key",
        "is required: the key path of the value",
    ),
    "key path with value": (
        '[[estimate_ranges]]\nkey = "demand.priority_share"\nlow = 0.05\nhigh = 0.12\nvalue = 0.08\n'
        + REASON,
        "estimate_ranges[0]",
        "unknown key 'value'",
    ),
    "estimate_ranges not tables": (
        "estimate_ranges = [1, 2]",
        "estimate_ranges",
        "must be an array of tables",
    ),
    "two ranges for one value": (
        _VISITS
        + f'{{ low = 0.05, high = 0.12, {REASON} }}\n[[estimate_ranges]]\nkey = "demand.priority_share"\n'
        f"low = 0.01\nhigh = 0.5\n{REASON}",
        "estimate_ranges[0]",
        "demand.priority_share already has a range (demand.priority_share_range)",
    ),
}


@pytest.mark.parametrize(("body", "key", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_bad_ranges_are_refused_with_their_key_path(
    tmp_path: Path, body: str, key: str, message: str
) -> None:
    path = variant(tmp_path, body)
    err = refusal(path)
    assert (err.source, err.key) == (str(path), key)
    assert message in err.message


def test_a_bad_value_gets_the_schemas_message_not_the_ranges(tmp_path: Path) -> None:
    # the value's own problem is the one to fix: the range check comes after validation
    err = refusal(variant(tmp_path, "[demand]\nvisits_per_day = -5.0"))
    assert err.key == "demand.visits_per_day"
    assert "range" not in err.message


def test_the_command_line_refuses_a_bad_range_in_one_line(tmp_path: Path) -> None:
    path = variant(tmp_path, _VISITS + "{ low = 0.05, high = 0.12 }")
    done = cli("validate", path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {path}: demand.priority_share_range.reason: every range needs its one-line reason: "
        "why the value may lie anywhere from low to high"
    ]


# ----- inheritance through `extends` -------------------------------------------------------------


def test_a_variant_keeps_its_parents_ranges(tmp_path: Path, base: Scenario) -> None:
    path = variant(tmp_path, "[policies]\ncross_serving = true")
    assert load_scenario(path).estimate_ranges == base.estimate_ranges
    # and every bundled variant does (the two that replace the arrival profile keep its peak,
    # given by key path)
    for bundled in BUNDLED:
        assert {r.key for r in load_scenario(bundled).estimate_ranges} == set(ranges_of(base)), bundled.name


def test_a_variant_moving_a_value_outside_its_inherited_range_is_refused(tmp_path: Path) -> None:
    path = variant(tmp_path, "[demand]\nvisits_per_day = 95.0")
    err = refusal(path)
    assert err.source == str(path)  # the variant's file: its line moved the value
    assert err.key == "demand.visits_per_day_range"
    assert "the value 95 is outside its range [45, 82]" in err.message


def test_a_variant_restating_the_range_with_the_value_loads(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        f"[demand]\nvisits_per_day = 95.0\nvisits_per_day_range = {{ low = 85.0, high = 110.0, {REASON} }}",
    )
    r = ranges_of(load_scenario(path))["demand.visits_per_day"]
    assert (r.low, r.value, r.high, r.reason) == (85.0, 95.0, 110.0, "a judgement")


def test_a_variant_narrowing_a_range_past_the_inherited_value_is_refused_under_its_name(
    tmp_path: Path,
) -> None:
    path = variant(tmp_path, f"[demand]\nvisits_per_day_range = {{ low = 60.0, high = 70.0, {REASON} }}")
    err = refusal(path)
    assert (err.source, err.key) == (str(path), "demand.visits_per_day_range")
    assert "the value 58 is outside its range [60, 70]" in err.message


def test_a_variant_moving_one_bound_must_give_the_reason_again(tmp_path: Path) -> None:
    # the parent's reason was written for the parent's range: a variant's range gives its own
    path = variant(tmp_path, "[demand]\nvisits_per_day = 95.0\nvisits_per_day_range = { high = 110.0 }")
    err = refusal(path)
    assert (err.source, err.key) == (str(path), "demand.visits_per_day_range.reason")
    assert f"sets the range's high but its reason comes from {BASE}" in err.message


def test_a_removed_entry_takes_its_ranges_with_it(tmp_path: Path, base: Scenario) -> None:
    path = variant(
        tmp_path,
        '[[staff]]\nid = "director"\nremove = true\n[back_office.sign_off]\nsigners = ["deputy"]\n',
    )
    keys = {r.key for r in load_scenario(path).estimate_ranges}
    assert keys == set(ranges_of(base)) - {"staff[director].counter_share"}


def test_a_bad_range_in_a_parent_names_the_parent(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8")
    bad = text.replace(
        'visits_per_day_range = { low = 45.0, high = 82.0, reason = "',
        'visits_per_day_range = { low = 45.0, high = 82.0, note = "',
    )
    assert bad != text
    parent = write(tmp_path, "parent.toml", bad)
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n[policies]\ncross_serving = true\n')
    err = refusal(child)
    assert err.source == str(parent)
    assert err.key == "demand.visits_per_day_range"
    assert err.message.endswith(f"(inherited by {child})")


# ----- with_value ------------------------------------------------------------------------------


def _leaves(node: Any, key: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        return {k: v for name, sub in node.items() for k, v in _leaves(sub, f"{key}.{name}").items()}
    if isinstance(node, list):
        return {k: v for i, sub in enumerate(node) for k, v in _leaves(sub, f"{key}[{i}]").items()}
    return {key: node}


@pytest.mark.parametrize(
    ("key", "value", "read"),
    [
        ("demand.visits_per_day", 45.0, lambda s: s.demand.visits_per_day),
        ("procedures[land_intake].work_min.mean", 150.0, lambda s: s.procedures[5].work_min.mean),
        ("staff[deputy].counter_share", 0.8, lambda s: s.staff[1].counter_share),
        ("demand.hourly_profile[2].weight", 1.1, lambda s: s.demand.hourly_profile[2].weight),
    ],
)
def test_with_value_sets_exactly_one_value(key: str, value: float, read: Any, base: Scenario) -> None:
    document = read_document(BASE)
    before = copy.deepcopy(document)
    changed = with_value(document, key, value)
    assert document == before  # the document given is left alone
    old, new = _leaves(document), _leaves(changed)
    assert old.keys() == new.keys()
    assert len([k for k in old if old[k] != new[k]]) == 1
    assert value_at(changed, key) == value
    scenario = parse_scenario(changed, "swept")
    assert read(scenario) == value
    assert ranges_of(scenario)[key].value == value
    a, b = _leaves(base.model_dump()), _leaves(scenario.model_dump())
    assert len([k for k in a if a[k] != b[k]]) == 1  # and nothing else of the scenario moved


def test_with_value_refuses_a_key_that_names_no_number() -> None:
    document = read_document(BASE)
    for key in ("demand.visits_per_week", "staff[nobody].counter_share", "demand.balking", "demand[0]", ""):
        with pytest.raises(KeyError):
            with_value(document, key, 1.0)


def test_a_program_moving_a_value_outside_its_range_drops_the_range(base: Scenario) -> None:
    # A document built by a program (no files, no provenance: a stress test scaling demand) keeps
    # only the ranges that still bracket their values; the same move in a file is refused (above).
    changed = with_value(read_document(BASE), "demand.visits_per_day", 120.0)
    scenario = parse_scenario(changed, "stress")
    assert scenario.demand.visits_per_day == 120.0
    assert set(ranges_of(scenario)) == set(ranges_of(base)) - {"demand.visits_per_day"}
    assert all(r.low <= r.value <= r.high for r in scenario.estimate_ranges)
    # a range next to something that is not a number is refused all the same
    changed["demand"]["balking_range"] = {"low": 1.0, "high": 2.0, "reason": "a judgement"}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(changed, "stress")
    assert (info.value.source, info.value.key) == ("stress", "demand.balking_range")


# ----- round trip through a results folder --------------------------------------------------------


def _fake_simulate(
    scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
) -> ReplicationOutput:
    rng = np.random.default_rng([seed, replication])
    return ReplicationOutput(
        replication=replication,
        kpis={"wait_mean_min": float(rng.exponential(6.0)), "visitors_arrived": 100.0},
        working_days=1,
        wait_histogram=np.zeros(WAIT_BINS + 1, dtype=np.int64),
        hourly_wait_sum=np.zeros(24),
        hourly_wait_count=np.zeros(24),
        hourly_queue_area=np.zeros(24),
        event_log=None,
    )


def test_ranges_survive_the_results_folders_scenario_toml(tmp_path: Path, base: Scenario) -> None:
    results = run_experiment(
        base, replications=2, seed=3, simulate=_fake_simulate, execution=Execution(workers=1)
    )
    results.write_files(tmp_path)
    text = (tmp_path / "scenario.toml").read_text(encoding="utf-8")
    assert text.count("[[estimate_ranges]]") == len(base.estimate_ranges)
    assert "value = " not in text.split("[[estimate_ranges]]", 1)[1].split("[", 1)[0]
    again = load_scenario(tmp_path / "scenario.toml")
    assert again.estimate_ranges == base.estimate_ranges
    # and once more: what a reloaded folder writes back is the same
    assert parse_scenario(again.model_dump(mode="python")).estimate_ranges == base.estimate_ranges


# ----- the bundled scenario -------------------------------------------------------------------------


def _key(path: str) -> Key:
    """'staff[director].counter_share' -> ('staff', '[director]', 'counter_share') as provenance spells it."""
    return tuple(part for piece in path.split(".") for part in piece.replace("[", " [").split())


def test_the_bundled_scenario_has_ranges_for_its_main_estimates(base: Scenario) -> None:
    found = ranges_of(base)
    assert len(base.estimate_ranges) >= 10 and len(found) == len(base.estimate_ranges)
    for must in (
        "demand.visits_per_day",
        "demand.patience_min.mean",
        "demand.hourly_profile[2].weight",
        "procedures[certified_copy].service_min.mean",
        "procedures[land_intake].work_min.mean",
        "staff[director].counter_share",
        "staff[deputy].counter_share",
    ):
        assert must in found, must
    document = read_document(BASE)
    for r in base.estimate_ranges:
        assert r.reason.strip() and len(r.reason) >= 20, r.key
        assert r.low < r.high and r.low <= r.value <= r.high, r.key
        assert math.isclose(value_at(document, r.key), r.value), r.key


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_ranged_value_is_an_estimate(path: Path) -> None:
    notes = chain_notes(path)
    scenario = load_scenario(path)
    for r in scenario.estimate_ranges:
        assert note_for(_key(r.key), notes).kind == ESTIMATE, (path.name, r.key)


def test_the_provenance_check_tells_a_sourced_value() -> None:
    # the check above can fail: the same lookup finds SOURCED figures
    notes = chain_notes(BASE)
    assert note_for(_key("equipment.ticket_machines.count"), notes).kind == SOURCED
    assert note_for(_key("procedures[certified_copy].statutory_days"), notes).kind == SOURCED
    assert note_for(_key("procedures[certified_copy].service_min.mean"), notes).kind == ESTIMATE
