"""The dossier register's summary: exact figures on a hand-made register, refusal of an unknown
procedure, and values that load into the bundled base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest
from helpers import dao_xa_data
from test_fit_arrivals import apply_values

from sim.fitting.register import register_values, summarise_register
from sim.logs.formats import DOSSIER_COLUMNS, DossierRegister, Provenance
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Scenario

FIRST, LAST = dt.date(2025, 7, 1), dt.date(2025, 7, 10)  # 8 working days, 10 calendar days


def register(rows: Sequence[tuple[Any, ...]]) -> DossierRegister:
    """Rows of (procedure, channel, received, finished or None, status, missing-papers requests)."""
    records = [
        {
            "dossier_id": f"D{i}",
            "procedure": p,
            "field": "",
            "channel": c,
            "received_at": r,
            "due_date": None,
            "finished_at": f,
            "returned_at": None,
            "status": s,
            "missing_papers_requests": k,
        }
        for i, (p, c, r, f, s, k) in enumerate(rows)
    ]
    frame = pd.DataFrame(records, columns=list(DOSSIER_COLUMNS))
    for col in ("received_at", "due_date", "finished_at", "returned_at"):
        frame[col] = pd.to_datetime(frame[col])
    frame["missing_papers_requests"] = frame["missing_papers_requests"].astype("int64")
    return DossierRegister(frame, Provenance("register.csv", FIRST, LAST, len(frame)))


ROWS = [
    ("land_intake", "counter", "2025-07-01 08:00", "2025-07-08 10:00", "on_time", 0),
    ("land_intake", "counter", "2025-07-01 09:00", "2025-07-09 10:00", "late", 2),
    ("land_intake", "online_support", "2025-07-02 08:00", "2025-07-05 10:00", "early", 1),
    ("land_intake", "online", "2025-07-03 21:00", None, "in_progress", 1),
    ("certified_copy", "counter", "2025-07-01 08:30", "2025-07-01 08:40", "on_time", 0),
    ("certified_copy", "counter", "2025-07-02 08:30", "2025-07-02 08:40", "on_time", 0),
    ("certified_copy", "counter", "2025-07-07 08:30", None, "overdue", 0),
    ("social_benefit", "online", "2025-07-06 10:00", "2025-07-10 10:00", "early", 0),
]


@pytest.fixture(scope="module")
def base() -> Scenario:
    return parse_scenario(dao_xa_data(), "dao_xa_2025.toml")


def test_register_figures_are_exact(base: Scenario) -> None:
    s = summarise_register(register(ROWS), base)
    assert s.dossiers == 8
    assert s.by_procedure == {"land_intake": 4, "certified_copy": 3, "social_benefit": 1}
    assert s.by_channel == {"counter": 5, "online_support": 1, "online": 2}
    land = s.procedure_shares["land_intake"]
    assert (land.successes, land.total, land.estimate) == (3, 6, 0.5)
    assert land.ci[0] < 0.5 < land.ci[1]
    assert s.procedure_shares["social_benefit"].successes == 0  # filed online by the citizen
    assert (s.online_share.successes, s.online_share.total) == (2, 8)
    assert (s.missing_papers["land_intake"].successes, s.missing_papers["land_intake"].total) == (3, 4)
    assert (s.second_request["land_intake"].successes, s.second_request["land_intake"].total) == (1, 3)
    assert s.missing_papers["certified_copy"].successes == 0
    mean, ci, n = s.processing_days["land_intake"]
    assert (mean, n) == (pytest.approx((7 + 8 + 3) / 3), 3)
    assert ci[0] < mean < ci[1]
    assert s.processing_days["certified_copy"][:1] == (0.0,)
    assert s.processing_days["certified_copy"][2] == 2
    assert (s.on_time.successes, s.on_time.total) == (6, 8)  # early, on time, in progress within due
    assert s.dossiers_per_day == pytest.approx(8 / 8)


def test_register_values_load_into_the_base(base: Scenario) -> None:
    reg = register(ROWS)
    values = {v.path: v for v in register_values(summarise_register(reg, base), reg.source, base)}
    assert values[("procedures", "land_intake", "share")].value == pytest.approx(
        100 * 3 / (6 + 0.5 * 8), abs=1e-3
    )
    assert values[("procedures", "land_intake", "missing_papers")].value == 0.75
    assert values[("procedures", "land_intake", "second_request")].value == pytest.approx(1 / 3, abs=1e-4)
    assert ("procedures", "certified_copy", "second_request") not in values  # no first request
    assert ("procedures", "birth_registration", "missing_papers") not in values  # no dossier
    online = values[("online", "dossiers_per_day")]
    assert (online.value, online.n) == (0.2, 2)
    fitted = apply_values(dao_xa_data(), values.values())
    assert sum(p.share for p in fitted.procedures) == pytest.approx(100.0, abs=1e-2)
    assert fitted.online.dossiers_per_day == 0.2


def test_an_unknown_procedure_is_refused_with_its_row(base: Scenario) -> None:
    rows = [*ROWS[:2], ("land_survey", "counter", "2025-07-02 08:00", None, "in_progress", 0)]
    with pytest.raises(ScenarioError) as err:
        summarise_register(register(rows), base)
    assert (err.value.source, err.value.key) == ("register.csv", "row 4, column 'procedure'")
    assert "'land_survey'" in err.value.message and "certified_copy" in err.value.message
