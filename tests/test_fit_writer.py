"""The fitted scenario file (`sim.fitting.writer`) and what stayed an estimate (`sim.fitting.estimates`).

The written file must load, differ from its base in exactly the fitted values, label each of them
FITTED with its data, leave every other value its base's note, and never replace a file.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

from sim.fitting.estimates import kept_estimates, note_key
from sim.fitting.results import FittedValue
from sim.fitting.writer import rounded, scenario_text, write_scenario
from sim.report.i18n import translator
from sim.report.params import parameters
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.provenance import (
    ESTIMATE,
    FITTED,
    SOURCED,
    chain_notes,
    key_text,
    note_for,
    parameter_keys,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_BASE = ROOT / "scenarios" / "dao_xa_2025.toml"
TICKETS, PERIOD = "tickets.csv", "2025-07-01–2025-08-25"


def fv(path: tuple[str, ...], value: Any, n: int = 2400, method: str = "") -> FittedValue:
    return FittedValue(path, value, TICKETS, PERIOD, n, method)


# Every kind of path the fitters send, with more digits than the file keeps.
VALUES = (
    fv(
        ("demand", "visits_per_day"),
        np.float64(61.23456),
        40,
        "tickets per day / 0.93 (ESTIMATE of the base)",
    ),
    fv(
        ("demand", "weekday_factors"),
        {"mon": 1.123456, "tue": 1.0, "wed": 0.98765, "thu": 0.95, "fri": 0.9412},
    ),
    fv(
        ("demand", "hourly_profile"),
        [
            {"start": "07:00", "end": "07:30", "weight": 1.23456},
            {"start": "07:30", "end": "08:00", "weight": 0.876543},
            {"start": "13:30", "end": "14:00", "weight": 0.5},
        ],
    ),
    fv(("demand", "season_profiles", "winter"), [{"start": "07:30", "end": "08:00", "weight": 1.0}], 300),
    fv(("demand", "priority_share"), 0.0712345),
    fv(
        ("procedures", "land_intake", "service_min"),
        {"dist": "lognormal", "mean": 16.23456, "cv": 0.4812},
        300,
    ),
    fv(("procedures", "certified_copy", "extra_document_min"), 0.0, 900, "total counter time fitted"),
    fv(("staff", "director", "counter_share"), 0.23456, 80),
    fv(("back_office", "pools", "econ_dept", "workers"), np.int64(3), 80),
)
EXPECTED = {
    "demand.visits_per_day": 61.23,
    "demand.weekday_factors": {"mon": 1.123, "tue": 1.0, "wed": 0.9877, "thu": 0.95, "fri": 0.9412},
    "demand.hourly_profile": [
        {"start": "07:00", "end": "07:30", "weight": 1.235},
        {"start": "07:30", "end": "08:00", "weight": 0.8765},
        {"start": "13:30", "end": "14:00", "weight": 0.5},
    ],
    "demand.season_profiles.winter": [{"start": "07:30", "end": "08:00", "weight": 1.0}],
    "demand.priority_share": 0.0712,
    "procedures[land_intake].service_min": {"dist": "lognormal", "mean": 16.23, "cv": 0.4812},
    "procedures[certified_copy].extra_document_min": 0.0,
    "staff[director].counter_share": 0.2346,
    "back_office.pools[econ_dept].workers": 3,
}
"""What the loaded file holds for each fitted key (4 significant digits; shares 4 decimals)."""


def plain(x: Any) -> Any:
    if isinstance(x, BaseModel):
        return x.model_dump()
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    return x


def flat(path: Path, root: Path | None = None) -> dict[str, Any]:
    """Every parameter of a scenario file by its report key, as plain data."""
    return {
        key_text(k): plain(v)
        for k, v in parameter_keys(load_scenario(path, root))
        if k[0] not in ("scenario", "estimate_ranges")
    }


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "dao_xa_2025.toml"
    shutil.copy(BUNDLED_BASE, path)
    return path


def test_the_file_is_the_base_with_exactly_the_fitted_values(base: Path, tmp_path: Path) -> None:
    out = write_scenario(base, tmp_path / "Đào Xá fitted.toml", VALUES)
    before, after = flat(base), flat(out)
    assert before.keys() == after.keys()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == set(EXPECTED)
    assert before["procedures[certified_copy].extra_document_min"] == 1.0  # the per-document extra is off
    assert {k: after[k] for k in EXPECTED} == EXPECTED
    scenario = load_scenario(out)
    assert scenario.name == "dao_xa_fitted"  # the stem made into an id
    assert "fitted from tickets.csv, 2025-07-01–2025-08-25" in scenario.scenario.title
    assert "theo dữ liệu tickets.csv, 2025-07-01–2025-08-25" in scenario.scenario.title_vi
    text = out.read_text(encoding="utf-8")
    assert 'extends = "dao_xa_2025.toml"' in text
    assert "--scenario-root" not in text  # the base is in the file's own folder


def test_each_fitted_value_is_fitted_and_every_other_keeps_the_base_note(base: Path, tmp_path: Path) -> None:
    out = write_scenario(base, tmp_path / "fitted.toml", VALUES)
    files, base_files = chain_notes(out), chain_notes(base)
    for v in VALUES:
        note = note_for(note_key(v.path), files)
        assert (note.kind, note.file, note.labelled) == (FITTED, "fitted.toml", True), v.path
        assert note.text == v.label.removeprefix("FITTED: ")
    # visits per day mentions the estimate it rests on: still FITTED, the text says so
    assert "ESTIMATE of the base" in note_for(("demand", "visits_per_day"), files).text
    for key in (("equipment", "ticket_machines", "count"), ("procedures", "[land_intake]", "statutory_days")):
        assert note_for(key, files) == note_for(key, base_files)
    assert note_for(("equipment", "ticket_machines", "count"), files).kind == SOURCED
    for key in (("procedures", "[land_intake]", "work_min"), ("procedures", "[land_intake]", "share")):
        note = note_for(key, files)
        assert (note.kind, note.file) == (ESTIMATE, "dao_xa_2025.toml")


def test_the_parameter_tables_show_fitted_values_in_both_languages(base: Path, tmp_path: Path) -> None:
    out = write_scenario(base, tmp_path / "fitted.toml", VALUES)
    en = {p.key: p for p in parameters(out)}
    vi = {p.key: p for p in parameters(out, _=translator("vi").gettext, locale="vi")}
    row = en["demand.hourly_profile"]
    assert (row.note.kind, row.kind_text) == (FITTED, "FITTED")
    assert row.note_text == "tickets.csv, 2025-07-01–2025-08-25, n = 2,400"
    assert (vi["demand.hourly_profile"].kind_text, vi["demand.hourly_profile"].note_text) == (
        "TỪ DỮ LIỆU",
        "tickets.csv, 2025-07-01–2025-08-25, n = 2.400",
    )
    assert vi["demand.visits_per_day"].note_text == "tickets.csv, 2025-07-01–2025-08-25, n = 40"  # no English
    assert en["equipment.ticket_machines.count"].note.kind == SOURCED


def test_an_existing_file_is_never_replaced_and_nothing_is_left(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.toml"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        write_scenario(base, out, VALUES)
    assert err.value.source == str(out) and "already exists" in err.value.message
    assert out.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dao_xa_2025.toml", "fitted.toml"]


def test_a_file_that_would_not_load_is_not_written(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.toml"
    with pytest.raises(ScenarioError) as err:
        write_scenario(base, out, [fv(("demand", "visits_per_day"), -5.0)])
    assert err.value.source == str(out) and err.value.key == "demand.visits_per_day"
    assert "does not load" in err.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dao_xa_2025.toml"]  # no temporary file either


def test_a_base_in_another_folder_needs_its_folder_as_scenario_root(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    (tmp_path / "fits").mkdir()
    base = tmp_path / "bases" / "centre.toml"
    shutil.copy(BUNDLED_BASE, base)
    out = write_scenario(base, tmp_path / "fits" / "fitted.toml", VALUES)
    text = out.read_text(encoding="utf-8")
    assert 'extends = "../bases/centre.toml"' in text
    assert f"# --scenario-root {(tmp_path / 'bases').as_posix()}" in text
    with pytest.raises(ScenarioError, match="outside the folders"):
        load_scenario(out)
    assert flat(out, tmp_path / "bases")["demand.visits_per_day"] == 61.23


def test_a_base_below_the_file_or_bundled_needs_no_scenario_root(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    base = tmp_path / "bases" / "centre.toml"
    shutil.copy(BUNDLED_BASE, base)
    below = write_scenario(base, tmp_path / "below.toml", VALUES)
    assert 'extends = "bases/centre.toml"' in below.read_text(encoding="utf-8")
    bundled = write_scenario(BUNDLED_BASE, tmp_path / "bundled.toml", VALUES)
    for out in (below, bundled):
        assert "--scenario-root" not in out.read_text(encoding="utf-8")
        assert load_scenario(out).demand.visits_per_day == 61.23


def test_rounding_keeps_the_purpose_shares_summing_to_one(base: Path, tmp_path: Path) -> None:
    shares = {"submit": 0.66004, "collect": 0.14004, "enquiry": 0.11004}
    shares["online_help"] = 1 - 0.04 - sum(shares.values())  # lookup keeps the base's 0.04
    values = [fv(("demand", "purposes", name, "share"), x) for name, x in shares.items()]
    assert sum(rounded(x, "share") for x in shares.values()) + 0.04 == pytest.approx(0.9999)  # naive
    scenario = load_scenario(write_scenario(base, tmp_path / "fitted.toml", values))
    got = {name: p.share for name, p in scenario.demand.purposes.items()}
    assert got == {"submit": 0.66, "collect": 0.14, "enquiry": 0.11, "online_help": 0.05, "lookup": 0.04}
    assert math.fsum(got.values()) == pytest.approx(1.0, abs=1e-12)


def test_shares_that_do_not_sum_to_one_are_not_fixed_but_refused(base: Path, tmp_path: Path) -> None:
    values = [fv(("demand", "purposes", "submit", "share"), 0.5)]  # 0.5 + 0.34 of the base
    with pytest.raises(ScenarioError, match="sum to 1") as err:
        write_scenario(base, tmp_path / "fitted.toml", values)
    assert err.value.source == str(tmp_path / "fitted.toml")


def test_rounding() -> None:
    assert rounded(1234.567, "mean") == 1235.0
    assert rounded(0.000123456, "cv") == 0.0001235
    assert rounded(0.123456, "counter_share") == 0.1235
    assert rounded(48.123456, "share") == 48.1235
    assert rounded(0.00003, "share") == 0.00003  # 4 decimals would make it 0
    assert math.copysign(1, rounded(-0.0, "share")) == 1 == math.copysign(1, rounded(-0.0, "mean"))  # no -0.0


def test_ranges_of_fitted_values_are_redrawn_or_dropped(base: Path, tmp_path: Path) -> None:
    values = [*VALUES[1:], fv(("demand", "visits_per_day"), 95.0, 40)]  # outside the base's 45–82
    ranges = {
        r.key: r for r in load_scenario(write_scenario(base, tmp_path / "f.toml", values)).estimate_ranges
    }
    base_ranges = {r.key: r for r in load_scenario(base).estimate_ranges}
    assert (
        "demand.hourly_profile[2].weight" in base_ranges and "demand.hourly_profile[2].weight" not in ranges
    )
    assert (ranges["demand.visits_per_day"].low, ranges["demand.visits_per_day"].high) == (45.0, 95.0)
    assert "fitted" in ranges["demand.visits_per_day"].reason
    assert ranges["procedures[land_intake].service_min.mean"].value == 16.23
    assert (
        ranges["procedures[land_intake].work_min.mean"]
        == base_ranges["procedures[land_intake].work_min.mean"]
    )
    assert ranges.keys() == base_ranges.keys() - {"demand.hourly_profile[2].weight"}


def test_an_exponential_over_the_bases_lognormal_is_written_as_gamma_with_cv_1(
    base: Path, tmp_path: Path
) -> None:
    values = [fv(("demand", "patience_min"), {"dist": "exponential", "mean": 61.5})]
    patience = load_scenario(write_scenario(base, tmp_path / "f.toml", values)).demand.patience_min
    assert plain(patience) == {"dist": "gamma", "mean": 61.5, "cv": 1.0}


@pytest.mark.parametrize(
    ("value", "key", "words"),
    [
        (
            fv(("demand", "patience_min"), {"dist": "empirical", "values": [5.0], "weights": [1.0]}),
            "demand.patience_min",
            "mean, cv would stay",
        ),
        (
            fv(("procedures", "no_such", "share"), 1.0),
            "procedures[no_such].share",
            "ids there: certified_copy",
        ),
        (fv(("demand", "visits_per_day"), float("nan")), "demand.visits_per_day", "not a finite number"),
        (fv(("demand", "visits_per_day"), None), "demand.visits_per_day", "must be a number"),
        (fv(("staff", "director"), 1.0), "staff[director]", "names a whole entry"),
    ],
)
def test_values_the_file_cannot_hold_are_refused_by_key(
    base: Path, tmp_path: Path, value: FittedValue, key: str, words: str
) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_text(base, tmp_path / "f.toml", [value])
    assert (err.value.source, err.value.key) == (str(tmp_path / "f.toml"), key)
    assert words in err.value.message


def test_a_key_fitted_twice_is_refused(base: Path, tmp_path: Path) -> None:
    twice = [
        fv(("demand", "patience_min"), {"dist": "lognormal", "mean": 60.0, "cv": 0.5}),
        fv(("demand", "patience_min", "mean"), 61.0),
    ]
    with pytest.raises(ScenarioError, match="fitted twice"):
        scenario_text(base, tmp_path / "f.toml", twice)


def test_the_text_is_deterministic_and_names_its_data(base: Path, tmp_path: Path) -> None:
    register = FittedValue(("online", "dossiers_per_day"), 3.3, "register.csv", "2025-07-01–2025-08-31", 210)
    a = scenario_text(base, tmp_path / "f.toml", [*VALUES, register], header="python -m sim fit --tickets x")
    assert a == scenario_text(
        base, tmp_path / "f.toml", [*VALUES, register], header="python -m sim fit --tickets x"
    )
    assert "tickets.csv, 2025-07-01–2025-08-25; register.csv, 2025-07-01–2025-08-31" in a
    assert "# python -m sim fit --tickets x" in a
    assert "dossiers_per_day = 3.3  # FITTED: register.csv, 2025-07-01–2025-08-31, n = 210\n" in a


def test_kept_estimates_drop_exactly_the_fitted_keys(base: Path) -> None:
    before = kept_estimates(base, [])
    after = kept_estimates(base, VALUES)
    files = chain_notes(base)
    fitted = {key_text(note_key(v.path)) for v in VALUES}
    assert set(after) <= set(before) and list(after) == [k for k in before if k in after]  # order kept
    assert fitted <= set(before)  # every value fitted here was an estimate of the base
    assert set(before) - set(after) == fitted
    assert "demand.visits_per_day" in before and "demand.patience_min" in after
    assert "equipment.ticket_machines.count" not in before  # SOURCED
    assert "procedures[land_intake].field" not in before and "scenario.name" not in before  # not figures
    keys = {key_text(k): k for k, _v in parameter_keys(load_scenario(base))}
    assert all(note_for(keys[k], files).kind == ESTIMATE for k in before)
    with_defaults = kept_estimates(base, VALUES, defaults=True)
    assert set(after) < set(with_defaults) and "calendar.sunday_sessions" in with_defaults
