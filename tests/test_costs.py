"""The `[costs]` table and `--costs` files: the bundled file, `extends`, and bad files refused cleanly."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest
import tomli_w

from sim.scenario.costs import CostsSpec, load_costs
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import parse_scenario, read_document
from sim.scenario.provenance import ESTIMATE, SOURCED, file_notes
from sim.scenario.sources import sources

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "costs" / "dao_xa_costs.toml"
SHARED_KEYS = (
    "years", "discount_rate", "value_of_hour", "trip_cost", "staff_hour", "overtime_factor",
    "working_days_per_year",
)  # fmt: skip

KIOSK = """
[costs.items.kiosk]
price = { low = 25_000_000, mode = 45_000_000, high = 90_000_000 }
lifetime_years = 5
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        load_costs(path)
    return err.value


def test_the_bundled_file_prices_every_item_and_buys_nothing() -> None:
    costs = load_costs(BUNDLED)
    assert set(costs.items) == {"ticket_machine", "kiosk", "lookup_pc", "specialist_post", "saturday_morning"}
    assert costs.purchase == {}
    assert costs.items["lookup_pc"].price is not None and costs.items["lookup_pc"].price.central == 20_000_000
    assert costs.items["specialist_post"].per_month.central == 8_673_000
    assert costs.items["saturday_morning"].per_month.central == 10_203_000
    assert not costs.items["ticket_machine"].price.is_certain  # type: ignore[union-attr]
    assert "[costs.purchase]" in BUNDLED.read_text(encoding="utf-8")


def test_the_schema_defaults_are_the_bundled_shared_values() -> None:
    bundled, default = load_costs(BUNDLED).model_dump(), CostsSpec().model_dump()
    assert {k: bundled[k] for k in SHARED_KEYS} == {k: default[k] for k in SHARED_KEYS}


def test_every_bundled_figure_is_labelled_and_cites_known_sources() -> None:
    notes = file_notes(BUNDLED.read_text(encoding="utf-8"), BUNDLED.name).notes
    figures = {k: n for k, n in notes.items() if k[-1] not in {"label", "label_vi"}}
    assert len(figures) >= 20
    unlabelled = [".".join(k) for k, n in figures.items() if not n.labelled]
    assert unlabelled == []
    assert {n.kind for n in figures.values()} == {SOURCED, ESTIMATE}
    cited = {s for n in figures.values() for s in n.sources}
    assert {"decision-15-2025", "wondemu-2016", "gso-income-2025q3"} <= cited
    assert cited <= set(sources())


def test_a_case_file_extends_the_shared_file_and_names_its_purchase(tmp_path: Path) -> None:
    shared = _write(tmp_path, "shared.toml", BUNDLED.read_text(encoding="utf-8"))
    case = _write(
        tmp_path,
        "kiosk.toml",
        f"""
        extends = "{shared.name}"
        [costs.purchase]
        kiosk = 1
        [costs.items.kiosk]
        price = {{ low = 40_000_000, high = 60_000_000 }}   # a quotation range: replaces the shared one whole
        """,
    )
    costs = load_costs(case)
    assert costs.purchase == {"kiosk": 1}
    price = costs.items["kiosk"].price
    assert price is not None and (price.low, price.mode, price.high) == (40e6, None, 60e6)
    assert costs.items["kiosk"].lifetime_years == 5  # kept from the shared file
    assert costs.value_of_hour == load_costs(BUNDLED).value_of_hour
    assert list(costs.purchased) == ["kiosk"]


def test_an_inherited_bad_value_names_the_file_that_wrote_it(tmp_path: Path) -> None:
    _write(tmp_path, "shared.toml", "[costs]\nstaff_hour = { low = 50_000, high = 40_000 }\n")
    case = _write(tmp_path, "case.toml", 'extends = "shared.toml"\n[costs]\nyears = 3\n')
    err = _refused(case)
    assert (Path(err.source).name, err.key) == ("shared.toml", "costs.staff_hour.low")
    assert "inherited by" in err.message


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[costs.purchase]\nkiosk = 1\n[costs.items.kiosk]\nlifetime_years = 5\n", "costs.items.kiosk.price",
         "purchased but has no price"),
        (KIOSK.replace("low = 25_000_000", "low = 95_000_000") + "[costs.purchase]\nkiosk = 1\n",
         "costs.items.kiosk.price.low", "must not exceed high"),
        (KIOSK.replace("mode = 45_000_000", "mode = 99_000_000"), "costs.items.kiosk.price.mode",
         "between low and high"),
        (KIOSK.replace("lifetime_years = 5", "lifetime_years = -2"), "costs.items.kiosk.lifetime_years",
         "at least 0 years"),
        (KIOSK.replace("lifetime_years = 5", ""), "costs.items.kiosk.lifetime_years", "needs its lifetime"),
        (KIOSK + "[costs.purchase]\nprinter = 1\n", "costs.purchase.printer", "no item 'printer'"),
        ("[costs]\nvalue_of_hour = { low = 20_000, high = inf }\n", "costs.value_of_hour.high", "finite"),
        ("[costs]\ntrip_cost = nan\n", "costs.trip_cost", "finite"),
        (KIOSK.replace("high = 90_000_000", "high = 9e15"), "costs.items.kiosk.price.high",
         "at most 1000000000000"),
        ("[costs]\ndiscount_rate = 1.0\n", "costs.discount_rate", "below 1"),
        ("[costs]\nvalue_of_hour = -5\n", "costs.value_of_hour", "at least 0"),
        ("[costs]\nyears = 300\n", "costs.years", "less than or equal to 30"),
        (KIOSK + "[costs.purchase]\nkiosk = 1000\n", "costs.purchase.kiosk", "less than or equal to 100"),
        (KIOSK.replace("lifetime_years", "lifetime_yeras"), "costs.items.kiosk.lifetime_yeras",
         "did you mean 'lifetime_years'"),
        ("[costs.items.Kiosk]\nprice = 1\nlifetime_years = 2\n", "costs.items.Kiosk", "lower-case"),
        ("[costs]\nyears = 5\n[staff]\nn = 1\n", "staff", "one [costs] table"),
        ("years = 5\n", "years", "one [costs] table"),
        ("extends = 'nowhere.toml'\n[costs]\n", "extends", "not found"),
        ("extends = '/etc/hosts'\n[costs]\n", "extends", "outside the folders"),
        ("extends = 'bad.toml'\n[costs]\n", "extends", "a cycle"),
        ("", "costs", "needs a [costs] table"),
    ],
)  # fmt: skip
def test_bad_costs_files_are_refused_with_file_and_key(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    path = _write(tmp_path, "bad.toml", text)
    err = _refused(path)
    assert (err.source, err.key) == (str(path), key)
    assert words in err.message


def test_bad_toml_names_the_line_not_the_text(tmp_path: Path) -> None:
    err = _refused(_write(tmp_path, "broken.toml", "[costs]\nyears = = 5\n"))
    assert "invalid TOML at line 2" in err.message and "costs file" in err.message


def test_a_scenario_may_carry_its_costs_and_writes_them_back(tmp_path: Path) -> None:
    doc = read_document(ROOT / "scenarios" / "dao_xa_2025.toml")
    doc["costs"] = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))["costs"]
    doc["costs"]["purchase"] = {"ticket_machine": 1}
    scenario = parse_scenario(doc, "dao.toml")
    assert scenario.costs is not None and scenario.costs.purchase == {"ticket_machine": 1}
    again = parse_scenario(tomllib.loads(tomli_w.dumps(_drop_none(scenario.model_dump()))), "again.toml")
    assert again.costs == scenario.costs
    doc["costs"]["items"]["kiosk"]["price"] = {"low": 3, "mode": 1, "high": 5}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(doc, "dao.toml")
    assert err.value.key == "costs.items.kiosk.price.mode"


def _drop_none(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
