"""The study file: plans from levers and overlays, costs, constraints, and bad files refused.

A bad study file gets one message naming the file, the key path and what is allowed (and, for an
overlay that breaks the scenario, the lever and option), exit status 2 from the command line, and
nothing written.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
from helpers import DAO_XA, cli

from sim.optimise.costs import monthly_cost
from sim.optimise.study import load_study, stress_scenario
from sim.scenario.errors import ScenarioError

SHORT_BASE = f"""\
extends = "{DAO_XA}"
[scenario]
name = "dao_xa_week"
[calendar]
start = 2025-07-07
end = 2025-07-11
"""
"""One week of Đào Xá (5 working days): a fast base for studies that really run."""

STUDY = """\
[study]
name = "small"
title = "Small study"
base = "week.toml"

[[levers]]
id = "staff"
name = "Staff"
name_vi = "Số cán bộ"
monotone = true
  [[levers.options]]
  id = "staff_6"
  label = "6 staff"
  label_vi = "6 cán bộ"
  cost_per_month = 60_000_000
  [[levers.options.overlay.staff]]
  id = "spec_business"
  remove = true
  [[levers.options.overlay.staff]]
  id = "spec_land"
  fields = ["land", "business"]
  cross_trained = []
  [[levers.options]]
  id = "staff_7"
  label = "7 staff"
  label_vi = "7 cán bộ"
  cost_per_month = 70_000_000

[[levers]]
id = "machines"
name = "Ticket machines"
monotone = true
  [[levers.options]]
  id = "tm_1"
  label = "1 ticket machine"
  [[levers.options]]
  id = "tm_2"
  label = "2 ticket machines"
  price = 48_000_000
  lifetime_years = 5
  overlay = { equipment = { ticket_machines = { count = 2 } } }

[[constraints]]
kpi = "wait_within_target"
op = ">="
value = 0.9
tolerance = 0.01

[procedure]
first_stage = 4
batch = 2
max_replications = 8

[stress]
name = "plus20"
demand_factor = 1.2
"""


def write_study(folder: Path, text: str = STUDY) -> Path:
    (folder / "week.toml").write_text(SHORT_BASE, encoding="utf-8")
    path = folder / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plans_are_every_combination_sorted_by_monthly_cost(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    assert [p.id for p in study.plans] == ["plan_01", "plan_02", "plan_03", "plan_04"]
    assert [study.choice_ids(p) for p in study.plans] == [
        {"staff": "staff_6", "machines": "tm_1"},
        {"staff": "staff_6", "machines": "tm_2"},
        {"staff": "staff_7", "machines": "tm_1"},
        {"staff": "staff_7", "machines": "tm_2"},
    ]
    assert [p.cost for p in study.plans] == [60e6, 60e6 + 48e6 / 60, 70e6, 70e6 + 48e6 / 60]
    staff = [len(p.scenario.staff) for p in study.plans]
    machines = [p.scenario.equipment.ticket_machines.count for p in study.plans]
    assert staff == [6, 6, 7, 7] and machines == [1, 2, 1, 2]
    assert study.plans[0].scenario.scenario.title_vi == "6 cán bộ, 1 ticket machine"
    assert study.plan_title(study.plans[3], "vi") == "7 cán bộ, 2 ticket machines"
    # the base is untouched by the overlays, and the stress scales demand on the chosen plan
    assert len(study.base.staff) == 7
    stressed = stress_scenario(study, study.plans[1])
    assert stressed.demand.visits_per_day == pytest.approx(1.2 * study.base.demand.visits_per_day)
    assert stressed.equipment.ticket_machines.count == 2


def test_option_equals_the_variant_file_it_mirrors(tmp_path: Path) -> None:
    """An overlay merges exactly as `extends` does: staff_6 here is the bundled 6-staff variant's
    staff list (the bundled variant also moves desk time; compare the fields served)."""
    study = load_study(write_study(tmp_path))
    six = study.plan_scenario({"staff": "staff_6"})
    assert [s.id for s in six.staff] == [s.id for s in study.base.staff if s.id != "spec_business"]
    land = next(s for s in six.staff if s.id == "spec_land")
    assert land.fields == ["land", "business"] and land.cross_trained == []


def test_constraints_default_to_the_base_targets(tmp_path: Path) -> None:
    text = STUDY.replace(
        '[[constraints]]\nkpi = "wait_within_target"\nop = ">="\nvalue = 0.9\ntolerance = 0.01\n', ""
    )
    study = load_study(write_study(tmp_path, text))
    rules = study.base.targets.rules
    assert [(c.kpi, c.threshold) for c in study.constraints] == [(r.kpi, r.value) for r in rules]
    mids = study.base.targets.minimum_important_difference
    assert [c.tolerance for c in study.constraints] == [mids[r.kpi] for r in rules]


def test_overrides_replace_the_procedure_settings(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path), alpha=0.1, max_replications=50, seed=7)
    assert (study.settings.alpha, study.settings.max_replications, study.seed) == (0.1, 50, 7)
    assert study.settings.first_stage == 4


def test_dominance_follows_the_monotone_levers(tmp_path: Path) -> None:
    study = load_study(write_study(tmp_path))
    d = study.dominance
    assert d is not None
    assert d.worse[3] == {0, 1, 2} and d.worse[0] == frozenset()
    assert d.better[0] == {1, 2, 3} and d.worse[1] == {0} and d.worse[2] == {0}
    no_monotone = STUDY.replace("monotone = true", "monotone = false")
    assert load_study(write_study(tmp_path, no_monotone)).dominance is None


@pytest.mark.parametrize(
    ("per_month", "price", "years", "rate", "expected"),
    [
        (5.0, 0.0, 0.0, 0.0, 5.0),
        (0.0, 1200.0, 10.0, 0.0, 10.0),
        (1.0, 1200.0, 10.0, 0.0, 11.0),
        # annuity at 10%/year over 1 year: 12 equal monthly payments repaying 1200 at (1.1)^(1/12)-1
        (0.0, 1200.0, 1.0, 0.1, 1200 * ((1.1 ** (1 / 12) - 1) / (1 - 1.1**-1))),
    ],
)
def test_monthly_cost(per_month: float, price: float, years: float, rate: float, expected: float) -> None:
    assert monthly_cost(per_month, price, years, rate) == pytest.approx(expected, rel=1e-12)


def test_annuity_is_dearer_than_the_straight_line() -> None:
    assert monthly_cost(0, 1200, 10, 0.05) > monthly_cost(0, 1200, 10, 0.0) == 10.0
    with pytest.raises(ValueError, match="lifetime"):
        monthly_cost(0, 1200, 0, 0.0)
    with pytest.raises(ValueError, match="price"):
        monthly_cost(0, math.nan, 1, 0.0)


# ----- bad study files ----------------------------------------------------------------------------

BAD: list[tuple[str, str, str, str]] = [
    # (case, old text, new text, expected "key: message" fragment)
    (
        "unknown key",
        'name_vi = "Số cán bộ"',
        'name_vi = "Số cán bộ"\nmonotonic = true',
        "levers[0].monotonic: unknown key 'monotonic' (did you mean 'monotone'?)",
    ),
    (
        "negative cost",
        "cost_per_month = 60_000_000",
        "cost_per_month = -1",
        "levers[0].options[0].cost_per_month: Input should be greater than or equal to 0",
    ),
    (
        "nan cost",
        "cost_per_month = 60_000_000",
        "cost_per_month = nan",
        "levers[0].options[0].cost_per_month",
    ),
    (
        "absurd cost",
        "cost_per_month = 60_000_000",
        "cost_per_month = 1e15",
        "must be at most 1000000000000 VND",
    ),
    (
        "price without lifetime",
        "lifetime_years = 5\n",
        "",
        "levers[1].options[1].lifetime_years: a one-off price needs its lifetime",
    ),
    ("negative lifetime", "lifetime_years = 5", "lifetime_years = -5", "levers[1].options[1].lifetime_years"),
    (
        "invalid overlay value",
        "count = 2 }",
        "count = -1 }",
        "levers[1].options[1].overlay.equipment.ticket_machines.count: "
        "lever 'machines', option 'tm_2' makes an invalid scenario",
    ),
    (
        "overlay removes an unknown post",
        'id = "spec_business"\n  remove = true',
        'id = "spec_nobody"\n  remove = true',
        "lever 'staff', option 'staff_6'",
    ),
    (
        "overlay sets run",
        "overlay = { equipment",
        "overlay = { run = { replications = 3 }, equipment",
        "levers[1].options[1].overlay.run: an overlay may not set [run]",
    ),
    (
        "unknown KPI",
        'kpi = "wait_within_target"',
        'kpi = "wait_whithin_target"',
        "constraints[0].kpi: unknown KPI 'wait_whithin_target'",
    ),
    (
        "zero tolerance",
        "tolerance = 0.01",
        "tolerance = 0",
        "constraints[0].tolerance: must be greater than 0",
    ),
    ("bad operator", 'op = ">="', 'op = "=>"', "constraints[0].op"),
    (
        "cap below first stage",
        "max_replications = 8",
        "max_replications = 3",
        "procedure.max_replications: must be at least first_stage (4)",
    ),
    ("alpha too big", "first_stage = 4", "first_stage = 4\nalpha = 0.9", "procedure.alpha"),
    (
        "duplicate option",
        'id = "staff_7"',
        'id = "staff_6"',
        "levers[0].options[1].id: option id 'staff_6' is used twice",
    ),
    ("duplicate lever", 'id = "machines"', 'id = "staff"', "levers[1].id: lever id 'staff' is used twice"),
    (
        "missing base",
        'base = "week.toml"',
        'base = "nowhere.toml"',
        "study.base: base scenario 'nowhere.toml' not found",
    ),
    (
        "base outside the allowed folders",
        'base = "week.toml"',
        'base = "/etc/hostname"',
        "study.base: the base scenario '/etc/hostname' is outside the folders",
    ),
    (
        "stress changes nothing",
        "demand_factor = 1.2",
        "",
        "stress.demand_factor: a stress variant must change something",
    ),
    ("no label", 'label = "6 staff"\n', "", "levers[0].options[0].label: this key is required but missing"),
    (
        "exclude names an unknown lever",
        "[procedure]",
        '[[exclude]]\nhours = ["x"]\n\n[procedure]',
        "exclude[0].hours: no lever 'hours'; levers: staff, machines",
    ),
    (
        "exclude names an unknown option",
        "[procedure]",
        '[[exclude]]\nstaff = ["staff_9"]\n\n[procedure]',
        "exclude[0].staff: lever 'staff' has no option 'staff_9'",
    ),
    (
        "exclude leaves nothing",
        "[procedure]",
        '[[exclude]]\nstaff = ["staff_6", "staff_7"]\n\n[procedure]',
        "exclude: the exclude rules leave no plan to run",
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_study_is_refused_naming_the_key(
    tmp_path: Path, case: str, old: str, new: str, expected: str
) -> None:
    assert old in STUDY, case
    path = write_study(tmp_path, STUDY.replace(old, new, 1))
    with pytest.raises(ScenarioError) as info:
        load_study(path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


def test_too_many_plans_is_refused_before_any_is_built(tmp_path: Path) -> None:
    options = "".join(f'  [[levers.options]]\n  id = "o{i}"\n  label = "o{i}"\n' for i in range(50))
    levers = "".join(f'[[levers]]\nid = "l{j}"\nname = "l{j}"\n{options}\n' for j in range(3))
    text = f'[study]\nname = "big"\nbase = "week.toml"\n\n{levers}'
    with pytest.raises(ScenarioError, match=r"levers: the levers make 125000 plans, more than the 5000"):
        load_study(write_study(tmp_path, text))


def test_a_combination_that_breaks_the_scenario_names_its_options(tmp_path: Path) -> None:
    """Each option alone is valid, but together two levers remove the same post."""
    extra = """
[[levers]]
id = "business_post"
name = "Business post"
  [[levers.options]]
  id = "kept"
  label = "kept"
  [[levers.options]]
  id = "cut"
  label = "cut"
  [[levers.options.overlay.staff]]
  id = "spec_business"
  remove = true
"""
    path = write_study(tmp_path, STUDY.replace("[[constraints]]", extra + "\n[[constraints]]"))
    with pytest.raises(ScenarioError) as info:
        load_study(path)
    message = str(info.value)
    assert "staff = 'staff_6'" in message and "business_post = 'cut'" in message
    assert "cannot remove 'spec_business'" in message


def test_not_a_study_and_not_toml(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="is TOML but not a study"):
        load_study(tmp_path / "p.toml")
    (tmp_path / "b.toml").write_text("[study\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"invalid TOML at line 1.*a study file is TOML text"):
        load_study(tmp_path / "b.toml")


def test_cli_refuses_a_bad_study_with_one_line_and_exit_2(tmp_path: Path) -> None:
    path = write_study(tmp_path, STUDY.replace("tolerance = 0.01", "tolerance = -1"))
    out = tmp_path / "out"
    proc = cli("optimise", path, "--out", out, "--workers", "1")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    message = "must be greater than 0 (the indifference band ε in the KPI's unit), got -1"
    assert lines == [f"error: {path}: constraints[0].tolerance: {message}"]
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--alpha", "0", "--alpha: must be a number above 0 and at most 0.5"),
        ("--alpha", "nan", "--alpha: must be a number above 0 and at most 0.5"),
        ("--max-replications", "1", "--max-replications: must be"),
        ("--max-replications", "100001", "--max-replications: must be at most 10000"),
        ("--seed", "-3", "--seed: must be a non-negative integer"),
    ],
)
def test_cli_refuses_bad_flags(tmp_path: Path, flag: str, value: str, expected: str) -> None:
    path = write_study(tmp_path)
    proc = cli("optimise", path, flag, value, "--out", tmp_path / "out")
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    """The study in this file is the one the docs' snippet style follows: it must load."""
    assert len(load_study(write_study(tmp_path, textwrap.dedent(STUDY))).plans) == 4


def test_the_base_may_sit_one_folder_above_the_study_not_further(tmp_path: Path) -> None:
    """Studies usually sit in `studies/` beside the centre's scenarios: `base = "../x.toml"`."""
    centre = tmp_path / "centre"
    (centre / "studies").mkdir(parents=True)
    write_study(centre)  # week.toml and study.toml in centre/
    text = STUDY.replace('base = "week.toml"', 'base = "../week.toml"')
    (centre / "studies" / "s.toml").write_text(text, encoding="utf-8")
    assert len(load_study(centre / "studies" / "s.toml").plans) == 4
    (centre / "studies" / "deep").mkdir()
    (centre / "studies" / "deep" / "s.toml").write_text(
        text.replace("../week", "../../week"), encoding="utf-8"
    )
    outside = r"study\.base: the base scenario '\.\./\.\./week\.toml' is outside"
    with pytest.raises(ScenarioError, match=outside):
        load_study(centre / "studies" / "deep" / "s.toml")
    assert len(load_study(centre / "studies" / "deep" / "s.toml", scenario_root=centre).plans) == 4
