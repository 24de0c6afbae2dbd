"""Bad scenario input: one `ScenarioError` per mistake, naming the key path and what is allowed."""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers import Mutation, put

from sim.scenario import calendar, distributions, schema
from sim.scenario.base import Strict
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, parse_scenario, read_toml
from sim.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]
FORMAT_DOC = ROOT / "docs" / "scenario_format.md"
DAO_XA = ROOT / "scenarios" / "dao_xa_2025.toml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.toml"))
FIELD_IDS = ("certification", "civil_status", "land", "social", "business", "other")
DIST_NAMES = ("exponential", "lognormal", "gamma", "deterministic", "uniform", "empirical")


@cache
def _dao_xa() -> dict[str, Any]:
    return read_toml(DAO_XA)


def dao_xa() -> dict[str, Any]:
    """A fresh, mutable copy of the parsed Đào Xá scenario."""
    return copy.deepcopy(_dao_xa())


def drop(*path: str | int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return mutate


def window(start: dt.date, end: dt.date) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["calendar"]["start"] = start
        data["calendar"]["end"] = end

    return mutate


def add_field(data: dict[str, Any]) -> None:
    data["fields"].append({"id": "tax", "name": "Tax"})


def expect_error(mutate: Mutation) -> ScenarioError:
    data = dao_xa()
    mutate(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "bad.toml")
    err = info.value
    assert err.source == "bad.toml"
    assert str(err) == f"bad.toml: {err.key}: {err.message}"
    return err


# (id, mutation, exact key path, fragments the message must contain)
CASES: list[tuple[str, Mutation, str, tuple[str, ...]]] = [
    (
        "unknown top-level key",
        put("bogus", value=1),
        "bogus",
        ("unknown key 'bogus'", "allowed keys here", "calendar", "staff", "support_team"),
    ),
    (
        "unknown staff key",
        put("staff", 0, "feilds", value=["land"]),
        "staff[0].feilds",
        ("unknown key 'feilds'", "did you mean 'fields'", "counter_share", "cross_trained"),
    ),
    (
        "unknown calendar key",
        put("calendar", "satuday_sessions", value=[]),
        "calendar.satuday_sessions",
        ("did you mean 'saturday_sessions'", "extra_workdays", "use_holiday_table"),
    ),
    (
        "unknown distribution parameter",
        put("procedures", 0, "service_min", "sd", value=1.0),
        "procedures[0].service_min.sd",
        ("unknown key 'sd'", "cv, dist, mean"),
    ),
    (
        "wrong type",
        put("demand", "visits_per_day", value="many"),
        "demand.visits_per_day",
        ("valid number", "'many'"),
    ),
    (
        "share above one",
        put("demand", "priority_share", value=1.5),
        "demand.priority_share",
        ("less than or equal to 1", "1.5"),
    ),
    (
        "negative mean",
        put("procedures", 0, "service_min", "mean", value=-6.0),
        "procedures[0].service_min.mean",
        ("greater than 0", "-6.0"),
    ),
    (
        "unknown distribution",
        put("procedures", 0, "service_min", "dist", value="normal"),
        "procedures[0].service_min.dist",
        ("unknown distribution 'normal'", *DIST_NAMES),
    ),
    (
        "distribution without dist",
        drop("demand", "patience_min", "dist"),
        "demand.patience_min.dist",
        ("needs a 'dist' key", *DIST_NAMES),
    ),
    (
        "distribution not a table",
        put("equipment", "lookup_pcs", "session_min", value=10),
        "equipment.lookup_pcs.session_min",
        ("written as a table", "dist ="),
    ),
    (
        "staff serves unknown field",
        put("staff", 2, "fields", 0, value="tax"),
        "staff[2].fields[0]",
        ("'tax' is not a field", *FIELD_IDS),
    ),
    (
        "cross-trained in unknown field",
        put("staff", 2, "cross_trained", 0, value="tax"),
        "staff[2].cross_trained[0]",
        ("'tax' is not a field", *FIELD_IDS),
    ),
    (
        "procedure in unknown field",
        put("procedures", 1, "field", value="civil"),
        "procedures[1].field",
        ("'civil' is not a field", *FIELD_IDS),
    ),
    (
        "session ends before it starts",
        put("calendar", "seasons", 0, "sessions", 0, "end", value="06:30"),
        "calendar.seasons[0].sessions[0].end",
        ("ends (06:30) before it starts (07:00)",),
    ),
    (
        "saturday session ends before it starts",
        put("calendar", "saturday_sessions",
            value=[{"name": "morning", "start": "11:30", "end": "07:30"}]),
        "calendar.saturday_sessions[0].end",
        ("session 'morning' ends (07:30) before it starts (11:30)",),
    ),
    (
        "sessions overlap",
        put("calendar", "seasons", 1, "sessions", 1, "start", value="11:00"),
        "calendar.seasons[1].sessions",
        ("before session 'morning' ends (12:00)", "time order"),
    ),
    (
        "window is a single Sunday",
        window(dt.date(2025, 7, 6), dt.date(2025, 7, 6)),
        "calendar",
        ("no working day", "extra_workdays", "saturday_sessions", "sunday_sessions"),
    ),
    (
        "window is Tết",
        window(dt.date(2025, 1, 27), dt.date(2025, 2, 2)),
        "calendar",
        ("2025-01-27 to 2025-02-02 has no working day",),
    ),
    (
        "window ends after the holiday table",
        window(dt.date(2027, 12, 20), dt.date(2028, 1, 14)),
        "calendar.end",
        ("2028-01-14 is outside the bundled holiday table (2024–2027)", "use_holiday_table"),
    ),
    (
        "window starts before the holiday table",
        window(dt.date(2023, 12, 1), dt.date(2024, 1, 31)),
        "calendar.start",
        ("outside the bundled holiday table (2024–2027)", "extra_holidays"),
    ),
    (
        "window ends before it starts",
        window(dt.date(2025, 8, 25), dt.date(2025, 7, 1)),
        "calendar.end",
        ("end (2025-07-01) is before start (2025-08-25)",),
    ),
    (
        "date written as text",
        put("calendar", "start", value="1/7/2025"),
        "calendar.start",
        ("YYYY-MM-DD", "'1/7/2025'"),
    ),
    (
        "target names unknown KPI",
        put("targets", "rules", 0, "kpi", value="wait_p99_min"),
        "targets.rules[0].kpi",
        ("'wait_p99_min' is not a KPI", "wait_p90_min", "wait_mean_min", "queue_max"),
    ),
    (
        "target with unknown operator",
        put("targets", "rules", 1, "op", value="=="),
        "targets.rules[1].op",
        ("'<='", "'>='", "'=='"),
    ),
    (
        "duplicate staff id",
        put("staff", 3, "id", value="spec_cert"),
        "staff[3].id",
        ("'spec_cert' is used twice", "unique"),
    ),
    (
        "duplicate field id",
        put("fields", 5, "id", value="land"),
        "fields[5].id",
        ("'land' is used twice",),
    ),
    (
        "field nobody serves",
        add_field,
        "fields[6].id",
        ("no staff member serves field 'tax'",),
    ),
    (
        "meeting in unknown session",
        put("staff", 0, "meetings", 0, "session", value="evening"),
        "staff[0].meetings[0].session",
        ("'evening' is not a session name", "afternoon, morning"),
    ),
    (
        "meeting on a misspelt weekday",
        put("staff", 1, "meetings", 0, "weekday", value="monday"),
        "staff[1].meetings[0].weekday",
        ("'mon'", "'sat'", "'sun'", "'monday'"),
    ),
    (
        "empirical weights length mismatch",
        put("procedures", 0, "documents", "weights", value=[50, 50]),
        "procedures[0].documents.weights",
        ("weights has 2 entries but values has 6",),
    ),
    (
        "uniform high below low",
        put("equipment", "ticket_machines", "issue_min", "low", value=0.5),
        "equipment.ticket_machines.issue_min.high",
        ("high (0.33) must not be below low (0.5)",),
    ),
    (
        "bad clock time",
        put("calendar", "seasons", 0, "sessions", 0, "start", value="7h30"),
        "calendar.seasons[0].sessions[0].start",
        ("'7h30' is not a clock time", "HH:MM"),
    ),
    (
        "bad season month-day",
        put("calendar", "seasons", 1, "start", value="16/10"),
        "calendar.seasons[1].start",
        ("MM-DD",),
    ),
    (
        "season profile for unknown season",
        put("demand", "season_profiles", "autumn",
            value=[{"start": "07:00", "end": "08:00", "weight": 1.0}]),
        "demand.season_profiles.autumn",
        ("'autumn' is not a season name", "summer, winter"),
    ),
    (
        "meeting in a Sunday session is allowed only if it exists",
        put("staff", 0, "meetings", 0, value={"weekday": "sun", "session": "sunday_morning"}),
        "staff[0].meetings[0].session",
        ("'sunday_morning' is not a session name", "afternoon, morning"),
    ),
    (
        "priority interleave of one",
        put("policies", "priority_interleave", value=1),
        "policies.priority_interleave",
        ("greater than or equal to 2", "got 1"),
    ),
    (
        "unknown closing rule",
        put("policies", "closing_rule", value="close_doors"),
        "policies.closing_rule",
        ("'serve_all'", "'send_home'"),
    ),
    (
        "lunch cover by unknown staff",
        put("policies", "lunch_cover", value=["nobody"]),
        "policies.lunch_cover[0]",
        ("'nobody' is not a staff id", "spec_cert"),
    ),
    (
        "manual tickets by unknown staff",
        put("equipment", "ticket_machines", "manual_staff", value="nobody"),
        "equipment.ticket_machines.manual_staff",
        ("'nobody' is not a staff id", "director", "spec_business"),
    ),
    (
        "unknown purpose",
        put("demand", "purposes", "visit", value={"share": 0.1}),
        "demand.purposes.visit",
        ("'submit'", "'online_help'", "'lookup'", "'visit'"),
    ),
    (
        "unknown role",
        put("staff", 0, "role", value="chairman"),
        "staff[0].role",
        ("'director'", "'specialist'", "'chairman'"),
    ),
    (
        "id with capitals and space",
        put("fields", 0, "id", value="Chung Thuc"),
        "fields[0].id",
        ("lower-case letters", "'Chung Thuc'"),
    ),
    (
        "missing required key",
        drop("demand", "visits_per_day"),
        "demand.visits_per_day",
        ("required",),
    ),
    (
        "missing required section",
        drop("staff"),
        "staff",
        ("required",),
    ),
    (
        "section that is not a table",
        put("policies", value=3),
        "policies",
        ("should be a table", "got 3"),
    ),
    (
        "fractional replications",
        put("run", "replications", value=2.5),
        "run.replications",
        ("valid integer", "2.5"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "key", "fragments"),
    [pytest.param(m, k, f, id=name) for name, m, k, f in CASES],
)
def test_bad_input_names_key_and_what_is_allowed(
    mutate: Mutation, key: str, fragments: tuple[str, ...]
) -> None:
    err = expect_error(mutate)
    assert err.key == key, err.message
    for fragment in fragments:
        assert fragment in err.message, f"{fragment!r} not in {err.message!r}"


def test_unmodified_copy_is_valid() -> None:
    # Guards the table above: every failure comes from its mutation, not from the base file.
    scenario = parse_scenario(dao_xa(), "good.toml")
    assert isinstance(scenario, Scenario)
    assert scenario.name == "dao_xa_2025"


def test_meeting_in_a_sunday_session() -> None:
    data = dao_xa()
    data["calendar"]["sunday_sessions"] = [{"name": "sunday_morning", "start": "08:00", "end": "11:00"}]
    data["staff"][0]["meetings"] = [{"weekday": "sun", "session": "sunday_morning"}]
    scenario = parse_scenario(data, "sunday.toml")
    assert scenario.staff[0].meetings[0].session == "sunday_morning"


def test_window_outside_table_loads_without_the_table() -> None:
    data = dao_xa()
    window(dt.date(2030, 7, 1), dt.date(2030, 7, 31))(data)
    data["calendar"]["use_holiday_table"] = False
    data["calendar"]["extra_holidays"] = [dt.date(2030, 7, 2)]
    scenario = parse_scenario(data, "planner.toml")
    assert scenario.calendar.start == dt.date(2030, 7, 1)


def test_scenario_is_frozen() -> None:
    scenario = parse_scenario(dao_xa(), "good.toml")
    with pytest.raises(ValueError, match="frozen"):
        scenario.demand.visits_per_day = 100.0  # type: ignore[misc]


# --- files ---------------------------------------------------------------------------------------


def test_invalid_toml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[scenario]\nname = "x"\ntitle = \n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert err.source == str(path)
    assert "invalid TOML" in err.message
    assert "line 3" in err.message
    assert "column" in err.message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert info.value.message == "file not found"


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="folder"):
        load_scenario(tmp_path)


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[scenario]\nname = "Đào Xá"\n'.encode("utf-16"))
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(path)


def test_error_from_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad_share.toml"
    text = DAO_XA.read_text(encoding="utf-8")
    assert "priority_share = 0.08" in text
    path.write_text(text.replace("priority_share = 0.08", "priority_share = 1.5"), "utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert info.value.key == "demand.priority_share"
    assert str(info.value).startswith(f"{path}: demand.priority_share: ")


def test_bundled_scenarios_exist() -> None:
    assert DAO_XA in BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert scenario.staff


# --- the format reference ----------------------------------------------------------------------------


def test_format_doc_example_is_a_valid_scenario(tmp_path: Path) -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    example = text.split("## A small complete example", 1)[1]
    (block,) = re.findall(r"```toml\n(.*?)```", example, flags=re.S)
    path = tmp_path / "small_centre.toml"
    path.write_text(block, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == "small_centre"
    assert [f.id for f in scenario.fields] == ["certification", "civil_status"]


def test_format_doc_names_every_key() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    models = [
        obj
        for module in (schema, calendar, distributions)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Strict) and obj is not Strict
    ]
    assert len(models) >= 25
    missing = sorted(
        f"{model.__name__}.{key}"
        for model in models
        for key in model.model_fields
        if f"`{key}`" not in text  # a key in a table row or in running text
        and not re.search(rf"`\[{{1,2}}(?:[a-z_]+\.)?{key}\]{{1,2}}`", text)  # a section heading
    )
    assert missing == []


def test_format_doc_lists_every_distribution_and_kpi() -> None:
    from sim.scenario.kpis import KPIS

    text = FORMAT_DOC.read_text(encoding="utf-8")
    for name in DIST_NAMES:
        assert f'`"{name}"`' in text
    for kpi in KPIS:
        assert f"`{kpi}`" in text


# --- the command line ----------------------------------------------------------------------------


def run_validate(path: Path) -> subprocess.CompletedProcess[str]:
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    return subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output
    assert proc.returncode == 2, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error:"), output
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


@pytest.mark.slow
def test_cli_validate_bad_key(tmp_path: Path) -> None:
    path = tmp_path / "bad_staff.toml"
    text = DAO_XA.read_text(encoding="utf-8")
    assert 'fields = ["certification"]' in text
    path.write_text(text.replace('fields = ["certification"]', 'fields = ["tax"]', 1), "utf-8")
    proc = run_validate(path)
    assert_one_error_line(proc, str(path), "staff[2].fields[0]", "'tax'", "civil_status")


@pytest.mark.slow
def test_cli_validate_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[scenario]\nname = "x"\ntitle = \n', encoding="utf-8")
    proc = run_validate(path)
    assert_one_error_line(proc, str(path), "line 3", "column")


@pytest.mark.slow
def test_cli_validate_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    proc = run_validate(path)
    assert_one_error_line(proc, str(path), "not found")


@pytest.mark.slow
def test_cli_validate_good_file() -> None:
    proc = run_validate(DAO_XA)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
