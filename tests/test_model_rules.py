"""Each model rule has one home that every path calls (issue 9): the 15:00 rule and due dates, the
portal's on-time classes, the fee draw, the arrival-rate builder, `Staff.call` and reneging.

The "one home" tests wrap the home with a counter and check that every dossier, visitor or call
went through it: a copy of the rule written inline on a fast path makes them fail.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from helpers import build, dao_xa_data, hhmm, run_fixed, small_data

import sim.model.back.office as office_module
import sim.model.back.rules as rules
import sim.model.demand as demand_module
from sim.model import simulate
from sim.model.back.rules import EARLY, LATE, ON_TIME, OPEN_WITHIN, due_day, finished_class, open_class
from sim.model.front.queues import deadline, deadlines
from sim.model.front.staff import Staff
from sim.model.output import EVENT_LOG_COLUMNS

ONE_WEEK = {"start": dt.date(2025, 7, 7), "end": dt.date(2025, 7, 11)}


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> Counter[str]:
    """Wrap `owner.name` so that each call is counted."""
    calls: Counter[str] = Counter()
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


# --- the rules themselves ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("clock", "statutory", "due"),
    [("14:59", 0, 10), ("15:00", 0, 10), ("15:01", 0, 11), ("16:30", 0, 11), ("16:30", 3, 13)],
)
def test_the_15_00_rule(clock, statutory, due):
    assert due_day(10, hhmm(clock), statutory, hhmm("15:00")) == due


@pytest.mark.parametrize(
    ("done", "due", "late", "expected"),
    [(4, 5, False, EARLY), (5, 5, False, ON_TIME), (6, 5, False, LATE), (4, 5, True, LATE)],
)
def test_the_portals_classes_of_a_finished_dossier(done, due, late, expected):
    assert finished_class(done, due, late) == expected


@pytest.mark.parametrize(
    ("due", "end", "late", "expected"),
    [(9, 9, False, OPEN_WITHIN), (10, 9, False, OPEN_WITHIN), (8, 9, False, LATE), (10, 9, True, LATE)],
)
def test_the_portals_classes_of_a_dossier_in_progress(due, end, late, expected):
    assert open_class(due, end, late) == expected


def test_patience_gives_the_deadline_and_no_patience_none():
    import numpy as np

    assert deadline(600.0, 15.0) == 615.0
    assert deadlines(np.array([1.0, 2.0]), np.array([3.0, 4.0])).tolist() == [4.0, 6.0]
    assert deadlines(np.array([1.0]), None).tolist() == [float("inf")]


# --- the counter path uses the same 15:00 rule as the calendar -----------------------------------
def on_the_spot_centre() -> dict:
    """One same-day procedure finished at the counter; a back office with one pool."""
    data = small_data()
    data["demand"]["purposes"] = {
        "submit": {"share": 1.0},
    }
    data["demand"]["hourly_profile"] = [{"start": "07:00", "end": "17:00", "weight": 1.0}]
    data["procedures"][0].update(statutory_days=0, on_the_spot=True)
    data["back_office"] = {"pools": [{"id": "desk", "fields": ["f"]}]}
    return data


def test_a_dossier_finished_on_the_spot_after_15_00_is_early():
    """Handed in and finished at the counter at 14:50 (due today: on time) and at 15:10 (due the
    next working day: early), through the counter hand-off the front office uses."""
    from sim.model.visitor import SUBMIT

    fixed = {0: [{"at": hhmm(t), "service": 5.0, "purpose": SUBMIT} for t in ("14:50", "15:10")]}
    c = run_fixed(build(on_the_spot_centre()), fixed)
    c.dossiers.finish()
    assert c.dossiers.outcomes[0] == [1, 1, 0, 0]


def test_every_dossier_gets_its_due_date_and_class_from_the_rules(monkeypatch):
    """Without online filings every dossier is handed in at the front office: each hand-off is a
    reception, each reception asks the 15:00 rule, each finished dossier the portal's classes."""
    handed = counting(monkeypatch, office_module.BackOffice, "submit")
    received = counting(monkeypatch, office_module.BackOffice, "receive")
    due = counting(monkeypatch, rules, "due_day")
    classes = counting(monkeypatch, office_module, "finished_class")
    data = dao_xa_data(**ONE_WEEK)
    data["online"]["dossiers_per_day"] = 0.0
    k = simulate(build(data), 3, 0).kpis
    assert k["dossiers_received"] > 0
    assert received["receive"] == handed["submit"] >= k["dossiers_received"]
    assert due["due_day"] == received["receive"]
    assert classes["finished_class"] == k["dossiers_completed"]


def test_every_fee_is_drawn_in_one_place(monkeypatch):
    fees = counting(monkeypatch, office_module.BackOffice, "_count_in")
    k = simulate(build(dao_xa_data(**ONE_WEEK)), 3, 0).kpis
    assert fees["_count_in"] == k["dossiers_received"]


# --- one rate builder, for visitors and online filings -------------------------------------------
def test_visitors_and_online_filings_use_one_rate_builder(monkeypatch):
    built = counting(monkeypatch, demand_module, "block_rate")
    data = dao_xa_data(**ONE_WEEK)
    assert data["online"]["dossiers_per_day"] > 0
    simulate(build(data), 1, 0)
    # One per distinct day shape (memoised; here the five weekdays), plus one for online filings.
    assert built["block_rate"] == 5 + 1
    built.clear()
    data["online"]["dossiers_per_day"] = 0.0
    simulate(build(data), 1, 0)
    assert built["block_rate"] == 5


# --- Staff.call --------------------------------------------------------------------------------
@pytest.mark.parametrize("staff", [1, 3])
def test_every_counter_call_goes_through_staff_call(monkeypatch, staff):
    calls = counting(monkeypatch, Staff, "call")
    times = [f"07:{m:02d}" for m in range(0, 40, 2)]
    c = run_fixed(build(small_data(staff=staff)), {0: [{"at": hhmm(t), "service": 3.0} for t in times]})
    assert c.served_counter == len(times)
    assert calls["call"] == len(times)


# --- reneging ----------------------------------------------------------------------------------
def test_a_visitor_who_gave_up_before_closing_is_booked_at_their_deadline():
    """Still queued at closing, but their patience ran out before it: reneged (at the deadline),
    not sent home."""
    data = small_data()
    data["policies"] = {"closing_rule": "send_home"}
    data["demand"]["patience_min"] = {"dist": "deterministic", "value": 1440.0}  # reneging on
    day = [{"at": hhmm("16:30"), "service": 60.0}, {"at": hhmm("16:40"), "service": 5.0, "patience": 5.0}]
    c = run_fixed(build(data), {0: day})
    rows = [dict(zip(EVENT_LOG_COLUMNS, r, strict=True)) for r in c.events or []]
    gone = [r for r in rows if r["outcome"] == "reneged"]
    assert len(gone) == 1 and gone[0]["left"] == hhmm("16:45")
    assert c.reneged == 1 and c.sent_home == 0


# --- wait percentiles ----------------------------------------------------------------------------
def test_wait_percentiles_are_the_quantiles_of_the_waits():
    """Read from the raw waits, not a histogram's bins: exact to the last digit."""
    import numpy as np

    from sim.model.kpis import collect_kpis

    times = [f"07:{m:02d}" for m in range(0, 50, 1)]
    c = run_fixed(build(small_data(staff=2)), {0: [{"at": hhmm(t), "service": 2.7} for t in times]})
    rows = [dict(zip(EVENT_LOG_COLUMNS, r, strict=True)) for r in c.events or []]
    waits = np.array([r["call"] - r["arrival"] for r in rows if r["outcome"] == "served_counter"])
    k = collect_kpis(c)
    for q in (50, 90, 95):
        assert k[f"wait_p{q}_min"] == float(np.quantile(waits, q / 100))
    assert k["wait_p90_min.f"] == float(np.quantile(waits, 0.9))
