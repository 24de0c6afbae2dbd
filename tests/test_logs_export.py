"""The model's ticket log and dossier register (`sim.logs.export`): the formats of
`sim.logs.formats` exactly, and counts that agree with the same replication's KPIs.

The run is the bundled Đào Xá scenario over three weeks, made busy enough that every ticket outcome
occurs (more visitors, less patience, numbers sent home at closing) and started after a warm-up,
so that the clock's first day is not the window's.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from helpers import build, cli, dao_xa_data

from sim.experiment.results import Results
from sim.experiment.runner import Execution, run
from sim.logs.export import DOSSIER_REGISTER_FILE, TICKET_LOG_FILE
from sim.logs.formats import (
    CHANNELS,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DOSSIER_COLUMNS,
    FINISHED_STATUSES,
    OUTCOMES,
    PRIORITIES,
    STATUSES,
    TICKET_COLUMNS,
    TICKET_TIMES,
    VISIT_PURPOSES,
)
from sim.model import simulate
from sim.model.output import EVENT_LOG_COLUMNS
from sim.scenario.calendar import working_days
from sim.scenario.schema import Scenario

START, END = dt.date(2025, 7, 1), dt.date(2025, 7, 21)
WARMUP_DAYS = 5
SEED = 20250812
EARLY_ARRIVAL_MIN = 30.0  # visitors may come half an hour before opening (sim.model.demand)


def busy_data() -> dict[str, Any]:
    data = dao_xa_data(start=START, end=END)
    data["demand"]["visits_per_day"] = 110.0
    data["demand"]["visits_per_day_range"] = {"low": 100.0, "high": 120.0, "reason": "a busy test"}
    data["demand"]["patience_min"] = {"dist": "lognormal", "mean": 35.0, "cv": 0.6}
    data["policies"]["closing_rule"] = "send_home"
    data["back_office"]["warmup_days"] = WARMUP_DAYS
    return data


Table = list[dict[str, str]]


def read(path: Path) -> tuple[list[str], Table]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def when(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, DATETIME_FORMAT)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build(busy_data())


@pytest.fixture(scope="module")
def results(scenario: Scenario) -> Results:
    return run(scenario, replications=2, seed=SEED, event_log=True, execution=Execution(workers=1))


@pytest.fixture(scope="module")
def folder(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results.save(tmp_path_factory.mktemp("export") / "run")


@pytest.fixture(scope="module")
def tickets(folder: Path) -> Table:
    return read(folder / TICKET_LOG_FILE)[1]


@pytest.fixture(scope="module")
def register(folder: Path) -> Table:
    return read(folder / DOSSIER_REGISTER_FILE)[1]


@pytest.fixture(scope="module")
def kpis(results: Results) -> dict[str, float]:
    return results.outputs[0].kpis


@pytest.fixture(scope="module")
def visits(results: Results) -> list[dict[str, Any]]:
    """Replication 0's visits that took a number, in the order of their ticket times."""
    log = results.outputs[0].event_log or []
    rows = [dict(zip(EVENT_LOG_COLUMNS, r, strict=True)) for r in log]
    return sorted((r for r in rows if not math.isnan(r["ticket"])), key=lambda r: r["ticket"])


def last_warmup_closing(results: Results, scenario: Scenario) -> dt.datetime:
    """A dossier received after the warm-up's last closing (online, or at a counter serving on
    after closing) counts from the window's first opening: it is the window's."""
    start = results.outputs[0].clock_start
    assert start is not None
    warmup = scenario.calendar.model_copy(update={"start": start, "end": START - dt.timedelta(days=1)})
    last = working_days(warmup)[-1]
    return dt.datetime.combine(last.date, dt.time()) + dt.timedelta(minutes=last.closes - last.midnight)


# --- the formats ------------------------------------------------------------------------------


def test_headers_are_the_formats_columns(folder: Path) -> None:
    assert read(folder / TICKET_LOG_FILE)[0] == list(TICKET_COLUMNS)
    assert read(folder / DOSSIER_REGISTER_FILE)[0] == list(DOSSIER_COLUMNS)
    assert (folder / "event_log.csv").is_file()


def test_every_outcome_occurs_so_the_checks_below_bite(tickets: Table, kpis: dict[str, float]) -> None:
    assert {t["outcome"] for t in tickets} == {"served", "walked_out", "not_served"}
    assert kpis["visitors_served_support"] > 0 and kpis["visitors_served_lookup"] > 0  # no ticket
    assert kpis["dossiers_received"] > 100


def test_ticket_cells_parse_and_are_in_order(tickets: Table) -> None:
    assert len({t["ticket_id"] for t in tickets}) == len(tickets)
    assert all(t["ticket_id"].startswith("T") for t in tickets)
    for t in tickets:
        assert t["outcome"] in OUTCOMES and t["priority"] in PRIORITIES
        times = [when(t[c]) for c in TICKET_TIMES if t[c]]
        assert times == sorted(times), t
        if t["outcome"] == "served":
            assert t["called_at"] == t["service_started"] and t["service_ended"] and not t["left_at"]
            assert int(t["counter"]) >= 1 and t["staff_id"]
        else:
            assert t["left_at"] and not (t["called_at"] or t["counter"] or t["staff_id"])
    issued = [t["issued_at"] for t in tickets]
    assert issued == sorted(issued)  # the order of issue, as the formats' reader keeps it


def test_ticket_procedure_is_a_procedure_id_or_a_purpose(tickets: Table, scenario: Scenario) -> None:
    allowed = {p.id for p in scenario.procedures} | set(VISIT_PURPOSES)
    assert {t["procedure"] for t in tickets} <= allowed
    assert {t["procedure"] for t in tickets} & {p.id for p in scenario.procedures}


def test_the_clock_starts_at_the_warm_ups_first_day(results: Results, scenario: Scenario) -> None:
    start = results.outputs[0].clock_start
    assert start is not None and start < START
    warmup = scenario.calendar.model_copy(update={"start": start, "end": START - dt.timedelta(days=1)})
    assert len(working_days(warmup)) == WARMUP_DAYS


def test_a_ticket_is_dated_on_its_visits_working_day(
    tickets: Table, visits: list[dict[str, Any]], scenario: Scenario, results: Results
) -> None:
    """The clock starts at the warm-up's first midnight: a wrong origin moves every date."""
    assert len(visits) == len(tickets)
    days = {d.date: d for d in working_days(scenario.calendar)}
    start = results.outputs[0].clock_start
    assert start is not None
    midnight = dt.datetime.combine(start, dt.time())
    for t, v in zip(tickets, visits, strict=True):
        issued = when(t["issued_at"])
        assert issued.date().isoformat() == v["date"]
        day = days[issued.date()]  # a working day of the window
        minute = issued.hour * 60 + issued.minute + issued.second / 60.0
        assert day.opens - day.midnight - EARLY_ARRIVAL_MIN <= minute <= day.closes - day.midnight
        for column, minutes in (
            ("issued_at", v["ticket"]),
            ("called_at", v["call"]),
            ("service_ended", v["service_end"]),
            ("left_at", max(v["left"], v["ticket"]) if math.isnan(v["call"]) else math.nan),
        ):
            if math.isnan(minutes):
                assert t[column] == "", (column, t)
            else:
                clock = (when(t[column]) - midnight).total_seconds() / 60.0
                assert abs(clock - minutes) <= 0.5 / 60.0 + 1e-9, (column, t)  # rounded to the second


def test_the_register_cells_parse(register: Table, scenario: Scenario, results: Results) -> None:
    assert len({d["dossier_id"] for d in register}) == len(register)
    procedures = {p.id: p.field for p in scenario.procedures}
    for d in register:
        assert d["channel"] in CHANNELS and d["status"] in STATUSES
        assert procedures[d["procedure"]] == d["field"]
        received = when(d["received_at"])
        assert last_warmup_closing(results, scenario) < received and received.date() <= END
        assert dt.datetime.strptime(d["due_date"], DATE_FORMAT).date() >= received.date()
        assert d["missing_papers_requests"] in {"0", "1", "2"}
        if d["status"] in FINISHED_STATUSES:
            assert when(d["finished_at"]) >= received
        else:
            assert d["finished_at"] == "" and d["returned_at"] == ""
        if d["returned_at"]:
            assert d["returned_at"] == d["finished_at"] == d["received_at"]  # on the spot
    assert [d["received_at"] for d in register] == sorted(d["received_at"] for d in register)


def test_the_register_statuses_follow_the_portal_rule(register: Table) -> None:
    """Early / on time / late by the finished date against the due date, a second request for
    papers late whatever the dates; open ones overdue once past their due date."""
    for d in register:
        due = d["due_date"]
        second = d["missing_papers_requests"] == "2"
        if d["finished_at"]:
            done = d["finished_at"][:10]
            expected = "late" if second or done > due else "early" if done < due else "on_time"
        else:
            expected = "overdue" if second or due < END.isoformat() else "in_progress"
        assert d["status"] == expected, d
    assert {d["status"] for d in register} >= {"early", "on_time", "in_progress"}


# --- agreement with the replication's KPIs ----------------------------------------------------


def test_ticket_counts_equal_the_kpis(
    tickets: Table, kpis: dict[str, float], visits: list[dict[str, Any]]
) -> None:
    outcomes = Counter(t["outcome"] for t in tickets)
    assert outcomes["served"] == kpis["visitors_served_counter"]
    assert outcomes["walked_out"] == kpis["visitors_reneged"]
    assert outcomes["not_served"] == sum(v["outcome"] == "sent_home" for v in visits)
    assert 0 < outcomes["not_served"] <= kpis["visitors_sent_home"]
    purposes = set(VISIT_PURPOSES)
    hand_ins = sum(t["outcome"] == "served" and t["procedure"] not in purposes for t in tickets)
    assert hand_ins == kpis["dossiers_submitted_counter"]


def test_register_counts_equal_the_kpis(register: Table, kpis: dict[str, float]) -> None:
    channels = Counter(d["channel"] for d in register)
    assert len(register) == kpis["dossiers_received"]
    assert channels["counter"] == kpis["dossiers_submitted_counter"]
    assert channels["online_support"] == kpis["dossiers_submitted_online_support"]
    assert channels["online"] + channels["online_support"] == kpis["dossiers_online"]
    assert sum(1 for d in register if d["finished_at"]) == kpis["dossiers_completed"]
    for field, n in Counter(d["field"] for d in register).items():
        assert n == kpis[f"dossiers_received.{field}"]


def test_on_time_rate_from_the_register_equals_the_kpi(register: Table, kpis: dict[str, float]) -> None:
    """`on_time_rate` (sim.model.kpis) is the portal's progress index: early, on time and still
    within the due date, over all dossiers received."""
    status = Counter(d["status"] for d in register)
    n = len(register)
    assert (status["early"] + status["on_time"] + status["in_progress"]) / n == kpis["on_time_rate"]
    assert status["early"] / n == kpis["early_rate"]
    assert status["late"] + status["overdue"] == kpis["late_dossiers"]
    assert status["late"] + status["overdue"] > 0


def test_mean_wait_from_the_tickets_is_the_wait_after_the_ticket_machine(
    tickets: Table, kpis: dict[str, float], visits: list[dict[str, Any]]
) -> None:
    """The model's wait runs from stepping into the ticket line to the call, so it includes the
    time at the ticket machine (its line and the printing), which a ticket log cannot see: the
    log's mean wait lies below the KPI, by less than the machine time, and the arrival-to-call
    mean of the same visits lies above it."""
    served = [t for t in tickets if t["outcome"] == "served"]
    from_ticket = sum((when(t["called_at"]) - when(t["issued_at"])).total_seconds() for t in served)
    from_ticket /= 60.0 * len(served)
    called = [v for v in visits if v["outcome"] == "served_counter"]
    from_arrival = sum(v["call"] - v["arrival"] for v in called) / len(called)
    machine = sum(v["ticket"] - v["arrival"] for v in called) / len(called)
    wait = kpis["wait_mean_min"]
    assert from_ticket - 1 / 60.0 <= wait <= from_arrival
    assert wait - from_ticket <= machine + 1 / 60.0
    assert wait - from_ticket < 2.0


# --- the run itself ---------------------------------------------------------------------------


def test_recording_changes_no_figure(scenario: Scenario, results: Results) -> None:
    """The logs draw no random number and move no event: the KPIs are those of a run without."""
    off = simulate(scenario, SEED, 0)
    on = results.outputs[0]
    assert off.event_log is None and off.dossier_log is None
    assert off.kpis.keys() == on.kpis.keys()
    for key, value in off.kpis.items():
        assert value == on.kpis[key] or (math.isnan(value) and math.isnan(on.kpis[key])), key


def test_the_files_hold_the_first_replication_and_are_reproducible(
    scenario: Scenario, folder: Path, tmp_path: Path
) -> None:
    again = run(scenario, replications=1, seed=SEED, event_log=True, execution=Execution(workers=1))
    other = again.save(tmp_path / "again")
    for name in (TICKET_LOG_FILE, DOSSIER_REGISTER_FILE):
        assert (other / name).read_bytes() == (folder / name).read_bytes(), name


def test_without_a_back_office_the_register_is_only_its_header(tmp_path: Path) -> None:
    data = busy_data()
    del data["back_office"], data["online"]
    res = run(build(data), replications=1, seed=3, event_log=True, execution=Execution(workers=1))
    folder = res.save(tmp_path / "front")
    header, rows = read(folder / DOSSIER_REGISTER_FILE)
    assert header == list(DOSSIER_COLUMNS) and rows == []
    assert len(read(folder / TICKET_LOG_FILE)[1]) > 0


def test_no_logs_without_the_event_log(scenario: Scenario, tmp_path: Path) -> None:
    res = run(scenario, replications=1, seed=SEED, execution=Execution(workers=1))
    folder = res.save(tmp_path / "plain")
    assert not (folder / TICKET_LOG_FILE).exists() and not (folder / DOSSIER_REGISTER_FILE).exists()


@pytest.mark.slow
def test_the_command_line_writes_both_files_next_to_the_event_log(tmp_path: Path) -> None:
    source = tmp_path / "busy.toml"
    source.write_text(tomli_w.dumps(busy_data()), encoding="utf-8")
    out = tmp_path / "res"
    proc = cli("run", source, "--event-log", "--replications", "2", "--quiet", "--workers", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} >= {"event_log.csv", TICKET_LOG_FILE, DOSSIER_REGISTER_FILE}
    header, tickets = read(out / TICKET_LOG_FILE)
    assert header == list(TICKET_COLUMNS)
    _, events = read(out / "event_log.csv")
    first = [e for e in events if e["replication"] == "0" and e["ticket"]]
    assert len(tickets) == len(first) and {e["replication"] for e in events} == {"0", "1"}
