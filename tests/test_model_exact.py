"""Deterministic runs with fixed arrival times and service times: every wait is known exactly."""

from __future__ import annotations

import pytest
from helpers import build, hhmm, run_fixed, small_data

from sim.model.visitor import LOOKUP


def rows(centre):
    """Event-log rows as dicts, in the order visits ended."""
    from sim.model.output import EVENT_LOG_COLUMNS

    return [dict(zip(EVENT_LOG_COLUMNS, r, strict=True)) for r in centre.events]


def waits_by_arrival(centre) -> list[float]:
    served = [r for r in rows(centre) if r["outcome"] == "served_counter"]
    return [r["call"] - r["arrival"] for r in sorted(served, key=lambda r: r["arrival"])]


def arrivals(*times: str, service: float = 10.0, **extra):
    return [{"at": hhmm(t), "service": service, **extra} for t in times]


def test_single_clerk_fifo_waits_are_exact():
    c = run_fixed(build(small_data(staff=1)), {0: arrivals("07:00", "07:01", "07:02")})
    assert waits_by_arrival(c) == [0.0, 9.0, 18.0]
    assert c.waits.total == 27.0
    assert c.waits.max == 18.0
    # Queue-time area equals the sum of waits when there is no ticket machine (Little's law, exact).
    assert c.waits.queue_area == pytest.approx(27.0, abs=1e-9)


def test_two_clerks_share_the_queue():
    c = run_fixed(build(small_data(staff=2)), {0: arrivals("07:00", "07:01", "07:02")})
    assert waits_by_arrival(c) == [0.0, 0.0, 8.0]
    assert sorted(r["staff"] for r in rows(c)) == ["s0", "s0", "s1"]


def test_strict_priority_jumps_the_queue():
    day = [*arrivals("07:00", "07:01"), {"at": hhmm("07:02"), "service": 10.0, "priority": True}]
    c = run_fixed(build(small_data()), {0: day})
    calls = {r["priority"]: r["call"] - hhmm("07:00") for r in rows(c) if r["arrival"] > hhmm("07:00")}
    assert calls == {True: 10.0, False: 20.0}


def test_interleaved_priority_calls_one_in_n():
    data = small_data()
    data["policies"] = {"priority_rule": "interleaved", "priority_interleave": 3}
    day = arrivals("07:00", "07:01", "07:02", "07:03")
    day.append({"at": hhmm("07:04"), "service": 10.0, "priority": True})
    c = run_fixed(build(data), {0: day})
    order = [(r["priority"], r["arrival"]) for r in sorted(rows(c), key=lambda r: r["call"])]
    # 07:00 is handed straight to the free counter; then two normal tickets, then the priority one.
    assert order == [
        (False, hhmm("07:00")),
        (False, hhmm("07:01")),
        (False, hhmm("07:02")),
        (True, hhmm("07:04")),
        (False, hhmm("07:03")),
    ]


def test_ticket_machine_issues_one_at_a_time():
    data = small_data(staff=2)
    data["equipment"]["ticket_machines"] = {"count": 1, "issue_min": {"dist": "deterministic", "value": 0.25}}
    c = run_fixed(build(data), {0: arrivals("07:00", "07:00", issue=0.25)})
    got = sorted(rows(c), key=lambda r: r["ticket"])
    assert [r["ticket"] - hhmm("07:00") for r in got] == [0.25, 0.5]
    assert waits_by_arrival(c) == [0.25, 0.5]
    assert c.machines.machines[0].busy == 0.5


def test_early_arrivals_wait_for_the_machine_to_open():
    data = small_data()
    data["equipment"]["ticket_machines"] = {"count": 1, "issue_min": {"dist": "deterministic", "value": 0.5}}
    c = run_fixed(build(data), {0: arrivals("06:50", issue=0.5)})
    (r,) = rows(c)
    assert r["ticket"] == hhmm("07:00") + 0.5
    assert r["call"] - r["arrival"] == 10.5


@pytest.mark.parametrize(("limit", "sent_home", "overtime"), [(60.0, 0, 50.0), (20.0, 1, 20.0)])
def test_serve_all_closing_with_overtime_limit(limit, sent_home, overtime):
    data = small_data()
    data["policies"] = {"closing_rule": "serve_all", "overtime_limit_min": limit}
    c = run_fixed(build(data), {0: arrivals("16:50", "16:51", service=30.0)})
    assert c.sent_home == sent_home
    assert c.staff[0].overtime == pytest.approx(overtime)
    if sent_home:  # came back the next working day at 07:00 and was served at once
        back = [r for r in rows(c) if r["date"] == "2025-07-08"]
        assert [r["outcome"] for r in back] == ["served_counter"]
        assert back[0]["call"] - back[0]["arrival"] == 0.0
        assert c.arrived == 3


def test_send_home_rule_clears_the_queue_at_closing():
    data = small_data()
    data["policies"] = {"closing_rule": "send_home"}
    c = run_fixed(build(data), {0: arrivals("16:50", "16:51", service=30.0)})
    home = [r for r in rows(c) if r["outcome"] == "sent_home"]
    assert len(home) == 1
    assert home[0]["left"] == hhmm("17:00")
    assert c.staff[0].overtime == pytest.approx(20.0)  # the visitor at the counter is finished


@pytest.mark.parametrize(("rule", "second_wait"), [("hold", 139.0), ("serve_all", 29.0)])
def test_lunch_rule(rule, second_wait):
    data = small_data()
    data["policies"] = {"lunch_rule": rule}
    c = run_fixed(build(data), {0: arrivals("11:10", "11:11", service=30.0)})
    assert waits_by_arrival(c) == [0.0, second_wait]


def test_reneging_is_booked_at_the_deadline():
    day = arrivals("07:00", service=30.0)
    day += [{"at": hhmm("07:01"), "service": 30.0, "patience": 10.0}]
    day += arrivals("07:02", service=30.0)
    data = small_data()
    data["demand"]["patience_min"] = {"dist": "deterministic", "value": 1440.0}  # reneging on
    c = run_fixed(build(data), {0: day})
    gone = [r for r in rows(c) if r["outcome"] == "reneged"]
    assert len(gone) == 1 and gone[0]["left"] == hhmm("07:11")
    assert waits_by_arrival(c) == [0.0, 28.0]
    assert c.waits.queue_area == pytest.approx(10.0 + 28.0)


def test_balking_on_a_long_queue():
    data = small_data()
    data["demand"]["balking"] = {"queue_length": 1, "probability": 1.0}
    c = run_fixed(build(data), {0: arrivals("07:00", "07:01", "07:02", service=30.0)})
    assert [r["outcome"] for r in sorted(rows(c), key=lambda r: r["arrival"])] == [
        "served_counter",
        "served_counter",
        "balked",
    ]


def machine_with_failure(fallback: str) -> dict:
    data = small_data(staff=2)
    data["equipment"]["ticket_machines"] = {
        "count": 1,
        "issue_min": {"dist": "deterministic", "value": 0.25},
        "fallback": fallback,
        "manual_issue_min": {"dist": "deterministic", "value": 0.5},
        "manual_staff": "s0",
        "failures": {
            "time_between_min": {"dist": "deterministic", "value": 10.0},
            "repair_min": {"dist": "deterministic", "value": 30.0},
        },
    }
    return data


@pytest.mark.parametrize(("fallback", "wait"), [("direct", 0.0), ("manual", 0.5), ("wait", 25.25)])
def test_ticket_machine_breakdown_fallbacks(fallback, wait):
    # The machine fails after 10 issuing minutes (07:10) and is repaired 30 minutes later.
    c = run_fixed(build(machine_with_failure(fallback)), {0: arrivals("07:15", issue=0.25)})
    assert waits_by_arrival(c) == [pytest.approx(wait)]
    assert c.machines.machines[0].down_min >= 30.0


def test_manual_tickets_cost_the_clerk_counter_time():
    c = run_fixed(build(machine_with_failure("manual")), {0: arrivals("07:15", issue=0.25)})
    assert c.staff[0].busy == pytest.approx(0.5)  # s0 handed out the number by hand
    assert c.staff[1].busy == pytest.approx(10.0)  # s1 served the visitor


def test_paper_out_takes_the_machine_out_until_refilled():
    data = small_data(staff=2)
    data["equipment"]["ticket_machines"] = {
        "count": 1,
        "issue_min": {"dist": "deterministic", "value": 0.25},
        "fallback": "wait",
        "paper": {"tickets_per_roll": 1, "refill_min": {"dist": "deterministic", "value": 5.0}},
    }
    c = run_fixed(build(data), {0: arrivals("07:00", "07:01", issue=0.25)})
    assert waits_by_arrival(c) == [0.25, pytest.approx(4.5)]  # 07:05.25 refill, +0.25 issue


def test_lookup_pc_visit_ends_at_the_pc():
    data = small_data()
    data["equipment"]["lookup_pcs"] = {"count": 1}

    def tweak(centre):
        original = centre.demand.day_visitors

        def with_pc(day, rate, returning):
            out = original(day, rate, returning)
            for v in out:
                v.uses_pc, v.pc_min = True, 8.0
            return out

        centre.demand.day_visitors = with_pc

    c = run_fixed(build(data), {0: arrivals("07:00", purpose=LOOKUP)}, tweak=tweak)
    (r,) = rows(c)
    assert r["outcome"] == "served_lookup"
    assert r["left"] - r["arrival"] == 8.0
    assert c.pcs.busy == 8.0


def test_lunch_cover_serves_the_break_without_keeping_others():
    data = small_data(staff=2)
    data["fields"] = [{"id": "f"}, {"id": "g"}]
    data["procedures"].append(
        {"id": "q", "field": "g", "share": 1.0, "service_min": {"dist": "deterministic", "value": 10.0}}
    )
    data["staff"][1]["fields"] = ["g"]
    data["policies"] = {"lunch_cover": ["s0"], "lunch_rule": "serve_all"}
    # A visitor for f (covered) and one for g (not) both come at noon.
    c = run_fixed(build(data), {0: arrivals("12:00") + arrivals("12:00", field=1)})
    by_field = {r["field"]: r for r in rows(c)}
    assert by_field["f"]["call"] == hhmm("12:00")  # served over lunch by s0
    assert by_field["g"]["call"] == hhmm("13:30")  # waits for s1's afternoon session
    assert c.staff[0].overtime == 0.0 and c.staff[1].overtime == 0.0


def test_arrivals_after_the_cut_off_wait_without_keeping_staff():
    data = small_data()
    data["equipment"]["ticket_machines"] = {"count": 1, "issue_min": {"dist": "deterministic", "value": 0.25}}
    data["policies"] = {"ticket_cutoff_min": 30.0, "lunch_rule": "serve_all"}
    # 11:10 is after the morning cut-off (11:00): the visitor gets a number at 13:30.
    c = run_fixed(build(data), {0: arrivals("11:10", issue=0.25)})
    (r,) = rows(c)
    assert r["ticket"] == hhmm("13:30") + 0.25
    assert c.staff[0].overtime == 0.0


def closing_machine_data() -> dict:
    """One clerk, one ticket machine issuing in 0.22 min, serve_all with a 60-minute limit."""
    data = small_data()
    data["equipment"]["ticket_machines"] = {"count": 1, "issue_min": {"dist": "deterministic", "value": 0.22}}
    data["policies"] = {"closing_rule": "serve_all", "overtime_limit_min": 60.0}
    return data


def test_visitor_at_the_machine_at_closing_gets_a_number_and_is_served():
    # The issue's case: in at 16:59.93, number issued at 17:00.15, serve_all with a 60-min limit.
    # Before the fix the clerk left at 17:00 (nobody "in line": the machine was printing) and the
    # visitor was sent home at 18:00.
    at = hhmm("16:59") + 0.93
    c = run_fixed(build(closing_machine_data()), {0: [{"at": at, "service": 10.0, "issue": 0.22}]})
    (r,) = [r for r in rows(c) if r["date"] == "2025-07-07"]
    assert r["outcome"] == "served_counter"
    assert r["ticket"] == pytest.approx(at + 0.22)
    assert r["call"] == r["ticket"]
    assert c.sent_home == 0
    assert c.staff[0].overtime == pytest.approx(at + 0.22 + 10.0 - hhmm("17:00"))


def with_pc(minutes: float):
    """A `run_fixed` tweak: every visitor uses the lookup PC for `minutes` first."""

    def tweak(centre):
        original = centre.demand.day_visitors

        def day_visitors(day, rate, returning):
            out = original(day, rate, returning)
            for v in out:
                v.uses_pc, v.pc_min = True, minutes
            return out

        centre.demand.day_visitors = day_visitors

    return tweak


def test_visitor_at_the_lookup_pc_at_closing_still_gets_a_number():
    # In at 16:55, at the PC until 17:05, then the machine: inside the centre at closing, so they
    # get a number and are served under serve_all (before the fix: sent home at the machine).
    data = closing_machine_data()
    data["equipment"]["lookup_pcs"] = {"count": 1}
    c = run_fixed(build(data), {0: arrivals("16:55", issue=0.22)}, tweak=with_pc(10.0))
    (r,) = [r for r in rows(c) if r["date"] == "2025-07-07"]
    assert r["outcome"] == "served_counter"
    assert r["ticket"] == pytest.approx(hhmm("17:05") + 0.22)
    assert c.sent_home == 0


def test_a_look_up_at_closing_keeps_nobody_at_the_counter():
    data = closing_machine_data()
    data["equipment"]["lookup_pcs"] = {"count": 1}
    c = run_fixed(build(data), {0: arrivals("16:55", purpose=LOOKUP)}, tweak=with_pc(10.0))
    (r,) = rows(c)
    assert r["outcome"] == "served_lookup"
    assert c.staff[0].overtime == 0.0


def test_after_the_cut_off_nobody_gets_a_number_even_while_a_clerk_works_on():
    # 16:59 is inside the window; 17:02 came after closing and goes home at the machine.
    c = run_fixed(
        build(closing_machine_data()),
        {0: arrivals("16:59", issue=0.22, service=20.0) + arrivals("17:02", issue=0.22)},
    )
    day0 = {r["arrival"]: r["outcome"] for r in rows(c) if r["date"] == "2025-07-07"}
    assert day0 == {hhmm("16:59"): "served_counter", hhmm("17:02"): "sent_home"}


def test_lunch_and_closing_overtime_are_reported_apart():
    # Morning: 11:10 and 11:11, 30 min each: served until 12:10, 40 min into lunch. Evening: 16:50
    # and 16:51: served until 17:50, 50 min after closing. Five working days in the week.
    from sim.model.kpis import collect_kpis

    data = small_data()
    data["policies"] = {"lunch_rule": "serve_all", "closing_rule": "serve_all", "overtime_limit_min": 60.0}
    c = run_fixed(build(data), {0: arrivals("11:10", "11:11", "16:50", "16:51", service=30.0)})
    k = collect_kpis(c)
    assert k["overtime_lunch_min_per_day"] == pytest.approx(40.0 / 5)
    assert k["overtime_close_min_per_day"] == pytest.approx(50.0 / 5)
    assert k["overtime_min_per_day"] == pytest.approx(90.0 / 5)  # the total keeps its key
