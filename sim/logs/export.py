"""The model's visits as a ticket log and its dossiers as a register, in the formats of `sim.logs.formats`.

With the event log on, `python -m sim run` writes `ticket_log.csv` and `dossier_register.csv` next
to `event_log.csv`, so that every fitting step can be tested on data whose truth is known. They
hold **one replication only** (the run's first, replication 0 in `event_log.csv`): one simulated
history of the centre, as a real export would be; `event_log.csv` keeps all replications.

Ticket log: one row per ticket issued (a visit with a ticket time: served at a counter, gave up
after taking a number, or sent home at closing while holding one; a return visit the next day has a
ticket of its own). Balked visits, pure look-ups and visits finished with the support team took no
number and are not in it. The model has no absent-when-called, no sending back at the counter and
no service cut at closing, so outcomes are served / walked_out / not_served only. `procedure` is
the procedure id of a dossier hand-in, else the purpose word; a look-up that ends at a counter is
served like an enquiry and written `enquiry`. `left_at` is set for tickets never served: when the
visitor gave up (the model's patience deadline) or was sent home at closing. A visitor whose
patience ran out in the line for the ticket machine still takes the number and is booked by the
model as leaving at that earlier deadline; a ticket system cannot see a departure before its issue,
so left_at is then the issue time (the visitor left on seeing the queue).

Register: one row per dossier received in the window (the on-the-spot ones finished at the counter
included; those still open at the end have status in_progress / overdue and no finished_at).
`status` is the portal class exactly as the model's KPIs count it (`sim.model.back.rules`), so the
register's on-time rate equals the KPI `on_time_rate`. `due_date` is the final due date (moved back
by missing-papers requests). `returned_at` is set only for on-the-spot dossiers (handed back at
once, = finished_at): the model draws a pick-up visit's day, but that visit is not tied to its
dossier, so other results have no return time.

Times: the simulation clock counts minutes from the midnight of the first simulated day
(`ReplicationOutput.clock_start`, the warm-up's first day when there is one); they are written as
local clock times rounded to the second, which keeps their order. Ids number the rows in the order
of issue / reception (`T000001`, `HS000001`).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.logs.formats import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DOSSIER_COLUMNS,
    EARLY,
    IN_PROGRESS,
    LATE,
    NORMAL,
    NOT_SERVED,
    ON_TIME,
    OVERDUE,
    PRIORITY,
    SERVED,
    TICKET_COLUMNS,
    WALKED_OUT,
)
from sim.model.back import rules as model_rules
from sim.model.output import DOSSIER_LOG_COLUMNS, EVENT_LOG_COLUMNS, ReplicationOutput
from sim.scenario.schema import Scenario

TICKET_LOG_FILE = "ticket_log.csv"
DOSSIER_REGISTER_FILE = "dossier_register.csv"

_EV = {name: i for i, name in enumerate(EVENT_LOG_COLUMNS)}
_DO = {name: i for i, name in enumerate(DOSSIER_LOG_COLUMNS)}

TICKET_OUTCOMES: Mapping[str, str] = {
    "served_counter": SERVED,
    "reneged": WALKED_OUT,
    "sent_home": NOT_SERVED,
}
"""Event-log outcome of a visit that held a ticket → the ticket log's outcome."""
FINISHED_STATUS: Mapping[int, str] = {
    model_rules.EARLY: EARLY,
    model_rules.ON_TIME: ON_TIME,
    model_rules.LATE: LATE,
}
"""The model's class of a finished dossier → the register's status."""
OPEN_STATUS: Mapping[int, str] = {model_rules.OPEN_WITHIN: IN_PROGRESS, model_rules.LATE: OVERDUE}
"""The model's class of a dossier still open at the end → the register's status."""


class ClockDates:
    """Turns minutes on the simulation clock into the formats' clock times and dates."""

    def __init__(self, clock_start: dt.date) -> None:
        self.midnight = dt.datetime.combine(clock_start, dt.time())

    def time(self, minutes: float) -> str:
        """`YYYY-MM-DD HH:MM:SS`, rounded to the second; "" for NaN (the step did not happen)."""
        if math.isnan(minutes):
            return ""
        return (self.midnight + dt.timedelta(seconds=round(minutes * 60.0))).strftime(DATETIME_FORMAT)

    def date(self, day_number: int) -> str:
        """The date `day_number` calendar days after the clock's first date."""
        return (self.midnight + dt.timedelta(days=day_number)).strftime(DATE_FORMAT)


def staff_counters(scenario: Scenario) -> dict[str, int]:
    """Staff id → the number of their counter (a clerk has one counter in the scenario)."""
    return {m.id: m.counter for m in scenario.staff}


def ticket_rows(output: ReplicationOutput, counters: Mapping[str, int]) -> list[tuple[str, ...]]:
    """The replication's ticket log, one tuple of cells per ticket in `TICKET_COLUMNS` order, in
    the order of issue (ties in the order the visits ended)."""
    if output.event_log is None or output.clock_start is None:
        raise ValueError("no event log: run the model with event_log=True")
    clock = ClockDates(output.clock_start)
    issued = [r for r in output.event_log if not math.isnan(r[_EV["ticket"]])]
    issued.sort(key=lambda r: r[_EV["ticket"]])
    width = max(6, len(str(len(issued))))
    return [_ticket_row(f"T{i:0{width}d}", r, clock, counters) for i, r in enumerate(issued, start=1)]


def _ticket_row(
    ticket_id: str, r: Sequence[Any], clock: ClockDates, counters: Mapping[str, int]
) -> tuple[str, ...]:
    outcome = TICKET_OUTCOMES.get(str(r[_EV["outcome"]]))
    if outcome is None:
        raise ValueError(f"visit {r[_EV['visitor']]} holds a ticket but ended {r[_EV['outcome']]!r}")
    served = outcome == SERVED
    purpose = str(r[_EV["purpose"]])
    procedure = str(r[_EV["procedure"]]) if purpose == "submit" else purpose
    if purpose == "lookup":
        procedure = "enquiry"  # a look-up that ends at a counter is served like an enquiry
    staff = str(r[_EV["staff"]])
    call = clock.time(_minutes(r, "call"))
    return (
        ticket_id,
        str(r[_EV["field"]]),
        procedure,
        PRIORITY if r[_EV["priority"]] else NORMAL,
        clock.time(_minutes(r, "ticket")),
        call,
        call if served else "",
        clock.time(_minutes(r, "service_end")) if served else "",
        "" if served else clock.time(max(_minutes(r, "left"), _minutes(r, "ticket"))),
        str(counters[staff]) if served else "",
        staff if served else "",
        outcome,
    )


def dossier_rows(output: ReplicationOutput) -> list[tuple[str, ...]]:
    """The replication's dossier register, one tuple of cells per dossier received in the window
    in `DOSSIER_COLUMNS` order, in the order of reception. Empty for a scenario without a back
    office (the model then follows no dossier)."""
    if output.clock_start is None:
        raise ValueError("the output does not date its clock: run the model with event_log=True")
    clock = ClockDates(output.clock_start)
    rows = sorted(output.dossier_log or (), key=lambda r: r[_DO["received"]])
    width = max(6, len(str(len(rows))))
    return [_dossier_row(f"HS{i:0{width}d}", r, clock) for i, r in enumerate(rows, start=1)]


def _dossier_row(dossier_id: str, r: Sequence[Any], clock: ClockDates) -> tuple[str, ...]:
    finished = _minutes(r, "finished", _DO)
    status_code = int(r[_DO["status"]])
    status = (OPEN_STATUS if math.isnan(finished) else FINISHED_STATUS)[status_code]
    return (
        dossier_id,
        str(r[_DO["procedure"]]),
        str(r[_DO["field"]]),
        str(r[_DO["channel"]]),
        clock.time(_minutes(r, "received", _DO)),
        clock.date(int(r[_DO["due_day"]])),
        clock.time(finished),
        clock.time(_minutes(r, "returned", _DO)),
        status,
        str(r[_DO["missing_papers_requests"]]),
    )


def _minutes(r: Sequence[Any], column: str, index: Mapping[str, int] = _EV) -> float:
    return float(r[index[column]])


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """UTF-8, a header row, `\\n` line ends: the formats' plain CSV."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def exportable(output: ReplicationOutput) -> bool:
    """Whether the output carries what the two files need: the visits and the clock's first date
    (`sim.model.simulate` gives both with the event log on; a stand-in model may not)."""
    return output.event_log is not None and output.clock_start is not None


def write_logs(folder: Path, output: ReplicationOutput, scenario: Scenario) -> tuple[Path, Path]:
    """Write `ticket_log.csv` and `dossier_register.csv` of one replication into `folder`."""
    tickets, register = folder / TICKET_LOG_FILE, folder / DOSSIER_REGISTER_FILE
    write_csv(tickets, TICKET_COLUMNS, ticket_rows(output, staff_counters(scenario)))
    write_csv(register, DOSSIER_COLUMNS, dossier_rows(output))
    return tickets, register
