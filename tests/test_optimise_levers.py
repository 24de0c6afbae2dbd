"""The bundled studies: they load, every option makes a valid scenario, the options equal the
variant files they copy, and each lever marked `monotone` is monotone under common random numbers.

Monotone means "more of the resource never makes a constraint worse". The optimiser uses it to
declare a plan infeasible when a plan with more of that resource (and the same other options) is
infeasible, so a wrong `monotone = true` could hide the answer. The check runs each option of the
lever alone on the base (the other levers as in the base), with the same replication seeds, and
for every pair of adjacent options and every constraint tests the paired difference: the
one-sided 99% upper confidence bound of the *improvement* (more − less, signed so that positive
is better) must not be below 0, i.e. no significant worsening. A test of "no significant
worsening" can only fail if it has power, so the same runs are checked in reversed order (less is
"more"), where the check must find a worsening: otherwise it would pass for any order.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim.experiment.runner import Execution, run
from sim.optimise.procedure import Constraint
from sim.optimise.study import Lever, Study, load_study, thaw
from sim.scenario.loader import load_scenario, parse_scenario, read_document
from sim.scenario.variants import merge

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
STUDIES = {
    "dao_xa_staffing": SCENARIOS / "studies" / "dao_xa_staffing.toml",
    "dao_xa_equipment": SCENARIOS / "studies" / "dao_xa_equipment.toml",
}
PLAN_COUNTS = {"dao_xa_staffing": 80, "dao_xa_equipment": 18}
"""Candidates of each study, as its header comment states (checked against the header too)."""

BASE = "dao_xa_2025.toml"
VARIANT_OF: dict[tuple[str, str], str | None] = {
    # (study, option) -> the variant file the option copies (None: new in the study, no file)
    ("dao_xa_staffing", "staff_5"): None,
    ("dao_xa_staffing", "staff_6"): "dao_xa_2025_staff_6.toml",
    ("dao_xa_staffing", "staff_7"): BASE,
    ("dao_xa_staffing", "staff_8"): "dao_xa_2025_staff_8.toml",
    ("dao_xa_staffing", "staff_9"): None,
    ("dao_xa_staffing", "today"): BASE,
    ("dao_xa_staffing", "start_0730"): "dao_xa_2025_start_0730.toml",
    ("dao_xa_staffing", "saturday_morning"): "dao_xa_2025_saturday_morning.toml",
    ("dao_xa_staffing", "lunch_cover"): "dao_xa_2025_lunch_cover.toml",
    ("dao_xa_staffing", "support_0"): "dao_xa_2025_support_none.toml",
    ("dao_xa_staffing", "support_1"): "dao_xa_2025_support_one.toml",
    ("dao_xa_staffing", "support_2"): BASE,
    ("dao_xa_staffing", "support_3"): None,
    ("dao_xa_equipment", "leaders_less"): "dao_xa_2025_leaders_less.toml",
    ("dao_xa_equipment", "leaders_today"): BASE,
    ("dao_xa_equipment", "leaders_more"): "dao_xa_2025_leaders_more.toml",
    ("dao_xa_equipment", "lookup_0"): "dao_xa_2025_no_lookup_pc.toml",
    ("dao_xa_equipment", "lookup_1"): BASE,
    ("dao_xa_equipment", "lookup_2"): "dao_xa_2025_two_lookup_pcs.toml",
    ("dao_xa_equipment", "machines_1"): BASE,
    ("dao_xa_equipment", "machines_2"): "dao_xa_2025_two_ticket_machines.toml",
}

MONOTONE_REPLICATIONS = 20
"""Paired replications per option in the monotonicity check (each ≈ 0.1 s)."""
CONFIDENCE = 0.99


@pytest.fixture(scope="module")
def studies() -> dict[str, Study]:
    return {name: load_study(path) for name, path in STUDIES.items()}


# ----- loading, counts, options ---------------------------------------------------------------


@pytest.mark.parametrize("name", STUDIES)
def test_the_study_loads_with_the_candidates_its_header_states(name: str, studies: dict[str, Study]) -> None:
    study = studies[name]
    assert study.name == name
    assert len(study.plans) == PLAN_COUNTS[name]
    assert len(study.plans) == math.prod(len(lv.options) for lv in study.levers)  # nothing excluded
    header = STUDIES[name].read_text(encoding="utf-8").split("\n[study]", 1)[0]
    stated = re.search(r"= (\d+) candidate plans", header)
    assert stated is not None and int(stated.group(1)) == PLAN_COUNTS[name]


def test_the_bundled_staffing_study_is_big_enough_for_the_issue(studies: dict[str, Study]) -> None:
    assert len(studies["dao_xa_staffing"].plans) >= 60
    levers = {lv.id for s in studies.values() for lv in s.levers}
    # every example lever of the issue is bundled in one of the two studies
    assert {"staff", "hours", "support", "leaders", "lookup_pcs", "ticket_machines"} <= levers


@pytest.mark.parametrize("name", STUDIES)
def test_every_option_alone_on_the_base_is_a_valid_scenario(name: str, studies: dict[str, Study]) -> None:
    study = studies[name]
    for lever in study.levers:
        for option in lever.options:
            scenario = study.plan_scenario({lever.id: option.id})
            assert scenario.calendar.start == study.base.calendar.start, (lever.id, option.id)
            assert option.cost >= 0, (lever.id, option.id)


def test_every_option_is_either_a_variant_file_or_listed_as_new(studies: dict[str, Study]) -> None:
    options = {(name, o.id) for name, s in studies.items() for lv in s.levers for o in lv.options}
    assert options == set(VARIANT_OF)


def _without_scenario_info(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "scenario"}


@pytest.mark.parametrize(
    ("name", "option", "variant"),
    [(n, o, v) for (n, o), v in VARIANT_OF.items() if v is not None],
    ids=[f"{n}-{o}" for (n, o), v in VARIANT_OF.items() if v is not None],
)
def test_an_option_equals_the_variant_file_it_copies(
    name: str, option: str, variant: str, studies: dict[str, Study]
) -> None:
    """The option's overlay on dao_xa_2025.toml gives the variant file's scenario, apart from the
    variant's name, title and description; the empty overlays of today's options give the base."""
    lever = next(lv for lv in studies[name].levers if option in {o.id for o in lv.options})
    overlay = thaw(lever.option(option).overlay)
    merged = parse_scenario(merge(read_document(SCENARIOS / BASE), overlay), option)
    expected = load_scenario(SCENARIOS / variant)
    assert _without_scenario_info(merged.model_dump()) == _without_scenario_info(expected.model_dump())
    if variant == BASE:
        assert overlay == {}


def test_today_is_the_base_of_the_staffing_study(studies: dict[str, Study]) -> None:
    study = studies["dao_xa_staffing"]
    today = study.plan_scenario({"staff": "staff_7", "hours": "today", "support": "support_2"})
    assert _without_scenario_info(today.model_dump()) == _without_scenario_info(study.base.model_dump())


def test_the_new_staff_options_change_the_posts_they_say() -> None:
    study = load_study(STUDIES["dao_xa_staffing"])
    staff = {o: {m.id for m in study.plan_scenario({"staff": o}).staff} for o in ("staff_5", "staff_9")}
    base = {m.id for m in study.base.staff}
    assert staff["staff_5"] == base - {"spec_business", "spec_social"}
    assert staff["staff_9"] == base | {"spec_cert2", "spec_land2"}
    assert study.plan_scenario({"support": "support_3"}).support_team.members == 3


# ----- monotonicity under common random numbers -----------------------------------------------


def _values(study: Study, lever: Lever, kpis: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
    """option id -> KPI -> values of replications 0..n-1, every option on the study's seed."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for option in lever.options:
        scenario = study.plan_scenario({lever.id: option.id})
        frame = run(scenario, MONOTONE_REPLICATIONS, study.seed, execution=Execution(workers=1)).replications
        out[option.id] = {k: frame[k].to_numpy() for k in kpis}
    return out


def worsenings(
    less: Mapping[str, np.ndarray], more: Mapping[str, np.ndarray], constraints: Sequence[Constraint]
) -> dict[str, float]:
    """Constraint KPI -> the upper bound of the paired improvement, for each constraint where going
    from `less` to `more` is significantly worse (one-sided, `CONFIDENCE`); empty when none is."""
    out = {}
    for c in constraints:
        sign = 1.0 if c.op == ">=" else -1.0
        diff = sign * (np.asarray(more[c.kpi]) - np.asarray(less[c.kpi]))
        n = len(diff)
        sd = float(np.std(diff, ddof=1))
        upper = float(np.mean(diff)) + float(stats.t.ppf(CONFIDENCE, n - 1)) * sd / math.sqrt(n)
        if upper < 0:
            out[c.kpi] = upper
    return out


def test_the_worsening_check_finds_a_worsening_and_passes_an_improvement() -> None:
    rng = np.random.default_rng(7)
    noise = rng.normal(0.0, 0.01, 20)
    low, high = {"k": 0.90 + noise}, {"k": 0.92 + noise + rng.normal(0.0, 0.002, 20)}
    up = [Constraint("k", ">=", 0.9, 0.01)]
    down = [Constraint("k", "<=", 0.9, 0.01)]
    assert worsenings(low, high, up) == {}
    assert set(worsenings(high, low, up)) == {"k"}
    assert set(worsenings(low, high, down)) == {"k"}  # for "<=", higher is worse
    assert worsenings(low, low, up) == {}  # identical under CRN: no worsening


MONOTONE = [(name, lv.id) for name, path in STUDIES.items() for lv in load_study(path).levers if lv.monotone]


def test_the_levers_marked_monotone_are_the_ones_checked() -> None:
    assert MONOTONE == [("dao_xa_staffing", "staff"), ("dao_xa_equipment", "leaders")]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lever_id"), MONOTONE, ids=[f"{n}-{lv}" for n, lv in MONOTONE])
def test_a_monotone_lever_never_makes_a_constraint_worse_and_its_reverse_does(
    name: str, lever_id: str, studies: dict[str, Study]
) -> None:
    study = studies[name]
    lever = next(lv for lv in study.levers if lv.id == lever_id)
    values = _values(study, lever, [c.kpi for c in study.constraints])
    ids = [o.id for o in lever.options]
    for less, more in itertools.pairwise(ids):
        assert worsenings(values[less], values[more], study.constraints) == {}, (less, more)
        # the same check on the reversed order finds the worsening: it has the power to fail
        assert worsenings(values[more], values[less], study.constraints), (more, less)


@pytest.mark.slow
def test_the_support_team_is_not_monotone_so_it_is_not_marked(studies: dict[str, Study]) -> None:
    """A first support-team member raises the overtime (helped visitors reach the counter late in the
    morning): the check finds it, which is why the study does not mark the lever monotone."""
    study = studies["dao_xa_staffing"]
    lever = next(lv for lv in study.levers if lv.id == "support")
    assert not lever.monotone
    values = _values(study, lever, [c.kpi for c in study.constraints])
    assert set(worsenings(values["support_0"], values["support_1"], study.constraints)) == {
        "overtime_min_per_day"
    }


# ----- the study examples of docs/optimise.md ---------------------------------------------------
# tests/test_docs_snippets.py loads ```toml blocks as scenarios; study text is fenced ```toml study
# (a whole study) or ```toml study-fragment (a part of one) and checked here.


def _doc_blocks(info: str) -> list[str]:
    lines = (ROOT / "docs" / "optimise.md").read_text(encoding="utf-8").splitlines()
    out, start = [], None
    for number, line in enumerate(lines):
        if start is None and line.strip() == f"```{info}":
            start = number + 1
        elif start is not None and line.strip() == "```":
            out.append("\n".join(lines[start:number]))
            start = None
    return out


@pytest.fixture
def studies_folder(tmp_path: Path) -> Path:
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    return tmp_path / "scenarios" / "studies"


def test_the_docs_whole_study_examples_load(studies_folder: Path) -> None:
    blocks = _doc_blocks("toml study")
    assert blocks
    for n, text in enumerate(blocks):
        path = studies_folder / f"doc_example_{n}.toml"
        path.write_text(text, encoding="utf-8")
        study = load_study(path, scenario_root=studies_folder.parent)
        assert len(study.plans) == math.prod(len(lv.options) for lv in study.levers)


def test_the_docs_overlay_fragment_is_the_staff_6_option(studies: dict[str, Study]) -> None:
    overlays = [tomllib.loads(text) for text in _doc_blocks("toml study-fragment") if "overlay" in text]
    assert len(overlays) == 1
    shown = overlays[0]["levers"]["options"]["overlay"]
    staff = next(lv for lv in studies["dao_xa_staffing"].levers if lv.id == "staff")
    full = thaw(staff.option("staff_6").overlay)
    assert shown["staff"] == full["staff"][:2]  # the doc shows the first two of its three entries


def test_the_docs_exclude_fragment_drops_what_it_says(studies_folder: Path) -> None:
    (fragment,) = [text for text in _doc_blocks("toml study-fragment") if "[[exclude]]" in text]
    source = STUDIES["dao_xa_staffing"].read_text(encoding="utf-8")
    path = studies_folder / "doc_exclude.toml"
    path.write_text(source + "\n" + fragment + "\n", encoding="utf-8")
    study = load_study(path, scenario_root=studies_folder.parent)
    assert len(study.plans) == PLAN_COUNTS["dao_xa_staffing"] - 2 * 4  # staff_5 × 2 hours × 4 teams
    for plan in study.plans:
        choice = study.choice_ids(plan)
        assert not (choice["staff"] == "staff_5" and choice["hours"] in {"saturday_morning", "lunch_cover"})
