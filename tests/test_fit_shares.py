"""Ticket shares and staff presence from the ticket log: shares cover their truth, the purpose mix
is turned back into a visit mix, staff presence is exact on a hand-made log, values load."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import dao_xa_data
from test_fit_arrivals import MISS_RISK, apply_values, binomial_bound, ticket_log

from sim.fitting.arrivals import ticket_probabilities
from sim.fitting.shares import SHARE_OUTCOMES, purpose_mix, share_values, ticket_shares
from sim.fitting.staff import staff_presence, staff_values
from sim.logs.formats import TicketLog
from sim.model.visitor import PURPOSE_NAMES
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Scenario

FIRST, LAST = dt.date(2025, 7, 1), dt.date(2025, 8, 25)
OUTCOME_TRUTH = {
    "served": 0.80,
    "absent": 0.04,
    "walked_out": 0.06,
    "sent_back": 0.05,
    "not_served": 0.03,
    "cut_at_close": 0.02,
}
PRIORITY_TRUTH = 0.08


@pytest.fixture(scope="module")
def base() -> Scenario:
    return parse_scenario(dao_xa_data(), "dao_xa_2025.toml")


def synthetic(base: Scenario, visits: int, seed: int) -> TicketLog:
    """Visits with the base's purposes and procedure mix; those that take a ticket (by the base's
    chances) become tickets with random outcomes and priority."""
    rng = np.random.default_rng(seed)
    purposes = [base.demand.purposes[p].share if p in base.demand.purposes else 0.0 for p in PURPOSE_NAMES]
    purpose = rng.choice(len(PURPOSE_NAMES), size=visits, p=purposes)
    takes = rng.random(visits) < np.array(ticket_probabilities(base))[purpose]
    procs = [p.id for p in base.procedures]
    weights = np.array([p.share for p in base.procedures])
    proc = rng.choice(procs, size=visits, p=weights / weights.sum())
    names = np.array(PURPOSE_NAMES)[purpose]
    names = np.where(names == "lookup", "enquiry", names)  # a look-up without the PC asks at a counter
    procedure = np.where(names == "submit", proc, names)[takes]
    n = len(procedure)
    outcome = rng.choice(list(OUTCOME_TRUTH), size=n, p=list(OUTCOME_TRUTH.values()))
    priority = np.where(rng.random(n) < PRIORITY_TRUTH, "priority", "normal")
    issued = pd.Timestamp("2025-07-01 08:00") + pd.to_timedelta(np.arange(n) % 300, unit="min")
    rows = [
        {
            "ticket_id": str(i),
            "service": "land",
            "procedure": procedure[i],
            "priority": priority[i],
            "issued_at": issued[i],
            "outcome": outcome[i],
        }
        for i in range(n)
    ]
    return ticket_log(rows, FIRST, LAST)


def test_shares_cover_their_truth(base: Scenario) -> None:
    log = synthetic(base, 6000, seed=4)
    level = 0.999
    shares = ticket_shares(log, confidence=level)
    assert [s.name for s in shares] == ["priority", *SHARE_OUTCOMES]
    truth = {"priority": PRIORITY_TRUTH, **OUTCOME_TRUTH}
    misses = sum(not s.ci[0] <= truth[s.name] <= s.ci[1] for s in shares)
    assert misses <= binomial_bound(len(shares), level)
    frame = log.frame
    absent = next(s for s in shares if s.name == "absent")
    assert absent.successes == (frame["outcome"] == "absent").sum() and absent.total == len(frame)
    assert absent.estimate == absent.successes / absent.total


def test_purpose_mix_is_the_visit_mix(base: Scenario) -> None:
    """The tickets' purposes, divided by each purpose's chance of a ticket, give the base's visit
    shares back (within 4.5 standard errors); without that division submit and online_help would
    come out too low."""
    visits = 40_000
    mix = purpose_mix(synthetic(base, visits, seed=9), base)
    assert sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
    assert mix["lookup"] == base.demand.purposes["lookup"].share
    shares = {str(name): spec.share for name, spec in base.demand.purposes.items()}
    for name, value in mix.items():
        truth = shares[name]
        se = np.sqrt(truth * (1 - truth) / visits)
        assert abs(value - truth) < 4.5 * se + 1e-4, (name, value, truth)


def test_share_values_load_into_the_base(base: Scenario) -> None:
    log = synthetic(base, 3000, seed=1)
    values = share_values(ticket_shares(log), log, base)
    paths = [v.path for v in values]
    assert paths[0] == ("demand", "priority_share")
    assert ("demand", "purposes", "online_help", "share") in paths
    assert ("demand", "purposes", "lookup", "share") not in paths
    procedure_paths = [p for p in paths if p[0] == "procedures"]
    assert len(procedure_paths) == len(base.procedures)
    fitted = apply_values(dao_xa_data(), values)
    assert fitted.demand.priority_share == values[0].value
    assert sum(p.share for p in fitted.procedures) == pytest.approx(100.0, abs=1e-2)
    without = share_values(ticket_shares(log), log, base, with_procedures=False)
    assert not [v for v in without if v.path[0] == "procedures"]


def test_an_unknown_procedure_is_refused_with_its_row(base: Scenario) -> None:
    rows = [
        {
            "ticket_id": "1",
            "service": "land",
            "procedure": "land_intake",
            "issued_at": pd.Timestamp("2025-07-01 08:00"),
        },
        {
            "ticket_id": "2",
            "service": "land",
            "procedure": "land_survey",
            "issued_at": pd.Timestamp("2025-07-01 08:05"),
        },
    ]
    log = ticket_log(rows, FIRST, LAST)
    with pytest.raises(ScenarioError) as err:
        share_values(ticket_shares(log), log, base)
    assert err.value.source == "log.csv"
    assert err.value.key == "row 3, column 'procedure'"
    assert "'land_survey'" in err.value.message and "land_intake" in err.value.message


# --- staff ------------------------------------------------------------------------------------------


def _served(staff: str, start: str, minutes: float) -> dict[str, object]:
    t = pd.Timestamp(start)
    return {
        "ticket_id": f"{staff}{start}",
        "service": "land",
        "issued_at": t - pd.Timedelta(minutes=5),
        "called_at": t,
        "service_started": t,
        "service_ended": t + pd.Timedelta(minutes=minutes),
        "staff_id": staff,
        "outcome": "served",
    }


def staff_log() -> TicketLog:
    """Monday 30 June to Friday 4 July 2025 (summer hours, 480 open minutes a day)."""
    rows = [
        _served("director", "2025-06-30 08:00", 10),  # Monday morning: the director's meeting
        _served("director", "2025-07-01 08:00", 10),
        _served("director", "2025-07-01 12:00", 20),  # over lunch: still the morning session
        _served("director", "2025-07-03 14:00", 30),
        _served("spec_cert", "2025-07-01 07:30", 15),
        _served("visiting", "2025-07-02 09:00", 5),  # an id the base does not know
        {
            "ticket_id": "w",
            "service": "land",
            "issued_at": pd.Timestamp("2025-07-02 09:00"),
            "staff_id": "deputy",
            "outcome": "walked_out",
        },  # no service: not a presence
    ]
    return ticket_log(rows, dt.date(2025, 6, 30), dt.date(2025, 7, 4))


def test_staff_presence_is_exact_on_a_small_log(base: Scenario) -> None:
    found = {p.staff_id: p for p in staff_presence(staff_log(), base)}
    assert set(found) == {"director", "spec_cert", "visiting", "deputy"} | {m.id for m in base.staff}
    d = found["director"]
    assert (d.days_present, d.tickets, d.counter_minutes) == (3, 4, pytest.approx(70.0))
    assert d.counter_share == pytest.approx(70.0 / (3 * 480))
    assert d.presence_share == pytest.approx(3 / 5)
    assert d.sessions_present == 3  # Monday morning, Tuesday morning, Thursday afternoon
    assert d.session_share == pytest.approx(2 / 9)  # Monday morning is a meeting, not a session at work
    deputy = found["deputy"]
    assert (deputy.days_present, deputy.tickets, deputy.sessions_present, deputy.session_share) == (
        0,
        0,
        0,
        0.0,
    )
    assert found["visiting"].session_share == pytest.approx(1 / 10)


def test_staff_values_are_the_leaders_and_load(base: Scenario) -> None:
    log = staff_log()
    values = staff_values(staff_presence(log, base), log.source, base)
    assert [(v.path, v.value, v.n) for v in values] == [
        (("staff", "director", "counter_share"), round(2 / 9, 3), 9),
        (("staff", "deputy", "counter_share"), 0.0, 9),
    ]
    fitted = apply_values(dao_xa_data(), values)
    assert next(m for m in fitted.staff if m.id == "director").counter_share == round(2 / 9, 3)


def test_no_staff_ids_no_presence(base: Scenario) -> None:
    log = ticket_log(
        [{"ticket_id": "1", "service": "land", "issued_at": pd.Timestamp("2025-07-01 08:00")}], FIRST, LAST
    )
    assert staff_presence(log, base) == ()
    assert MISS_RISK < 0.001
