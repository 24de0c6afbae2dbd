"""Scenario variants: `extends`, merging by id, removal, and the errors for a missing parent or a
cycle."""

from __future__ import annotations

import pytest
from helpers import ROOT

from sim.scenario import ScenarioError, load_scenario

PARENT = (ROOT / "scenarios" / "dao_xa_2025.toml").as_posix()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_variant_overrides_only_what_it_says(tmp_path):
    v = write(
        tmp_path,
        "saturday.toml",
        f'''
extends = "{PARENT}"
[calendar]
saturday_sessions = [{{ name = "saturday", start = "07:30", end = "11:30" }}]
[[staff]]
id = "spec_land"
counter_share = 0.5
[[staff]]
id = "extra"
role = "specialist"
fields = ["certification"]
counter = 8
''',
    )
    base, var = load_scenario(PARENT), load_scenario(v)
    assert var.name == "saturday"  # a variant that does not name itself takes its file name
    assert len(var.calendar.saturday_sessions) == 1
    land = {m.id: m for m in var.staff}["spec_land"]
    assert land.counter_share == 0.5
    assert land.fields == ["land"] and land.back_office_share == 0.4  # the rest inherited
    assert [m.id for m in var.staff] == [m.id for m in base.staff] + ["extra"]
    assert var.demand == base.demand and var.procedures == base.procedures


def test_remove_an_entry_and_chain_variants(tmp_path):
    write(
        tmp_path,
        "six.toml",
        f'''
extends = "{PARENT}"
[scenario]
name = "six_staff"
[[staff]]
id = "spec_business"
remove = true
[[staff]]
id = "spec_social"
fields = ["social", "other", "business"]
''',
    )
    second = write(
        tmp_path,
        "six_strict.toml",
        """
extends = "six.toml"
[policies]
priority_rule = "interleaved"
""",
    )
    s = load_scenario(second)
    assert "spec_business" not in {m.id for m in s.staff}
    assert s.policies.priority_rule == "interleaved"
    assert {m.id: m for m in s.staff}["spec_social"].fields == ["social", "other", "business"]


def test_missing_parent_is_a_clear_error(tmp_path):
    v = write(tmp_path, "orphan.toml", 'extends = "nowhere.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(v)
    assert err.value.key == "extends" and "not found" in err.value.message


def test_a_cycle_is_a_clear_error(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(b)
    assert err.value.key == "extends" and "cycle" in err.value.message
    assert "a.toml" in err.value.message and "b.toml" in err.value.message


def test_removing_an_unknown_entry_names_the_ids(tmp_path):
    v = write(
        tmp_path,
        "bad.toml",
        f'''
extends = "{PARENT}"
[[staff]]
id = "ghost"
remove = true
''',
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(v)
    assert err.value.key == "staff[0].id" and "spec_cert" in err.value.message


def test_validation_errors_in_a_variant_name_the_variant(tmp_path):
    v = write(
        tmp_path,
        "typo.toml",
        f'''
extends = "{PARENT}"
[policies]
closing_rule = "whenever"
''',
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(v)
    assert err.value.source.endswith("typo.toml") and err.value.key == "policies.closing_rule"


def test_an_entry_removed_and_changed_is_a_clear_error(tmp_path):
    v = write(
        tmp_path,
        "both.toml",
        f'''
extends = "{PARENT}"
[[staff]]
id = "spec_land"
remove = true
[[staff]]
id = "spec_land"
counter_share = 0.5
''',
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(v)
    assert (err.value.key, err.value.message) == (
        "staff[1].id",
        "'spec_land' was removed above; an entry is either removed or changed, not both",
    )


def test_a_variant_may_extend_the_bundled_scenarios_from_anywhere(tmp_path):
    """The bundled scenarios/ folder is always allowed, besides the variant's own folder."""
    v = write(tmp_path, "mine.toml", f'extends = "{PARENT}"\n')
    assert load_scenario(v).name == "mine"


def test_a_variant_titled_in_one_language_drops_the_parents_other(tmp_path):
    base = load_scenario(PARENT).scenario
    assert base.title_vi and base.description_vi
    v = write(
        tmp_path,
        "nine.toml",
        f'''
extends = "{PARENT}"
[scenario]
title = "Đào Xá 2025, 9 staff"
description_vi = "Chín cán bộ."
''',
    )
    info = load_scenario(v).scenario
    assert (info.title, info.title_vi) == ("Đào Xá 2025, 9 staff", "")  # not the parent's title_vi
    assert (info.description, info.description_vi) == ("", "Chín cán bộ.")
    assert info.centre == base.centre
    both = write(
        tmp_path,
        "both.toml",
        f'''
extends = "{PARENT}"
[scenario]
title = "Nine staff"
title_vi = "Chín cán bộ"
''',
    )
    info = load_scenario(both).scenario
    assert (info.title, info.title_vi) == ("Nine staff", "Chín cán bộ")
    assert (info.description, info.description_vi) == (base.description, base.description_vi)
