"""Read a centre's ticket log or dossier register into the canonical tables, refusing bad data.

Both readers take the project's own CSV formats (`sim.logs.formats`) or, through a mapping file
(`sim.logs.mapping`), a vendor's export. Every cell is checked column by column with vectorised
masks; a bad row is refused with its spreadsheet row number and column, or, with
`drop_bad_rows=True`, left out and recorded in `Provenance.dropped`. Problems of the whole file
(unreadable, wrong encoding, a missing column) are always refused. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.logs import formats as f
from sim.logs.cells import TIME_DTYPE, Columns, integers, minute_resolution, required, seconds, times, words
from sim.logs.mapping import CANONICAL, Mapping
from sim.logs.problems import RowProblems
from sim.logs.table import RawTable, read_table
from sim.scenario.errors import ScenarioError

CALLED_OUTCOMES: frozenset[str] = f.SERVICE_OUTCOMES | {f.ABSENT}
"""Outcomes of a ticket that was called (a wait in seconds then ends at the call)."""
LEFT_OUTCOMES: frozenset[str] = frozenset({f.WALKED_OUT, f.NOT_SERVED})
"""Outcomes of a ticket never called (a wait in seconds then ends when the person left)."""
MAX_MISSING_PAPERS_REQUESTS = 50
"""More requests for missing papers than this on one dossier is a typo."""


def _clock(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def _not_before(
    problems: RowProblems, later: pd.Series, earlier: pd.Series, label: str, what: str, before: str
) -> None:
    """Flag rows where `later` happens before `earlier` (both set)."""
    problems.flag(
        later < earlier,
        label,
        lambda r: f"{what} ({_clock(later[r])}) is before {before} ({_clock(earlier[r])})",
    )


def _at_most(
    problems: RowProblems, span: pd.Series, limit_min: float, label: str, what: str, unit: str = "h"
) -> None:
    """Flag rows whose `span` (a timedelta) exceeds `limit_min` minutes: an absurd value."""
    minutes = span.dt.total_seconds() / 60
    if unit == "days":
        shown = lambda r: f"{minutes[r] / 1440:.0f} days"  # noqa: E731
        limit = f"{limit_min / 1440:g} days"
    else:
        shown = lambda r: f"{minutes[r] / 60:.1f} h"  # noqa: E731
        limit = _hours(limit_min)
    problems.flag(
        minutes > limit_min,
        label,
        lambda r: f"{what} is {shown(r)}, more than the {limit} the formats allow (a wrong date?)",
    )


def _duplicates(problems: RowProblems, ids: pd.Series, label: str, what: str) -> None:
    """Flag the later of two rows with the same id (among rows otherwise good), naming both."""
    good = ids[problems.ok]
    later = good.duplicated(keep="first")
    first_row = pd.Series(good.index[~later], index=good[~later].to_numpy())
    problems.flag(
        later.reindex(ids.index, fill_value=False),
        label,
        lambda r: f"{what} {ids[r]!r} is used twice (rows {first_row[ids[r]]} and {r}); each needs its own",
    )


def _provenance(
    raw: RawTable, path: str | Path, days: pd.Series, dropped: tuple[f.DroppedRow, ...], minute: bool
) -> f.Provenance:
    return f.Provenance(
        file=str(path),
        first_day=days.min().date(),
        last_day=days.max().date(),
        rows_read=raw.lines_read,
        dropped=dropped,
        encoding=raw.encoding,
        time_resolution="minute" if minute else "second",
    )


def _sorted(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Rows in time order; the index keeps each row's number in the file (named "row"), so a
    later check (a service that is not a field of the scenario) can still name the row."""
    out = frame.sort_values(by, kind="stable")
    out.index = pd.Index(out.index.to_numpy(dtype="int64"), name="row")
    return out


# ----- tickets --------------------------------------------------------------------------------


def _ticket_values(cols: Columns, p: RowProblems) -> dict[str, pd.Series]:
    """The ticket log's words and numbers, each checked."""
    out = {
        "ticket_id": words(cols, p, "ticket_id", None),
        "service": words(cols, p, "service", None),
        "procedure": words(cols, p, "procedure", None),
        "priority": words(cols, p, "priority", f.PRIORITIES, default=f.NORMAL),
        "outcome": words(cols, p, "outcome", f.OUTCOMES),
        "counter": integers(cols, p, "counter", 0, 999, None),
        "staff_id": words(cols, p, "staff_id", None),
    }
    for column, what in (("ticket_id", "ticket id"), ("service", "service (field)"), ("outcome", "outcome")):
        required(cols, p, column, out[column], what)
    return out


def _ticket_times(
    cols: Columns, p: RowProblems, outcome: pd.Series
) -> tuple[dict[str, pd.Series], dict[str, str], list[pd.Series]]:
    """The five clock times, from the file or from durations in seconds; with the header that holds
    each (a duration's when derived) and the durations read."""
    issued = times(cols, p, "issued_at")
    p.flag(
        cols.text("issued_at") == "",
        cols.label("issued_at"),
        lambda r: "the issue time is empty; every ticket has one",
    )
    at = {"issued_at": issued, **{name: times(cols, p, name) for name in f.TICKET_TIMES[1:]}}
    label = {name: cols.label(name) for name in f.TICKET_TIMES}
    durations: list[pd.Series] = []
    if cols.has("wait_seconds"):
        wait = seconds(cols, p, "wait_seconds", f.MAX_WAIT_MIN)
        durations.append(wait)
        ends = issued + pd.to_timedelta(wait, unit="s")
        derived = {"called_at": ends.where(outcome.isin(CALLED_OUTCOMES))}
        if not cols.has("left_at"):
            derived["left_at"] = ends.where(outcome.isin(LEFT_OUTCOMES))
        if not cols.has("service_started"):
            derived["service_started"] = derived["called_at"].where(outcome.isin(f.SERVICE_OUTCOMES))
        for name, values in derived.items():
            at[name] = values.astype(TIME_DTYPE)
            label[name] = cols.label("wait_seconds")
    if cols.has("service_seconds"):
        service = seconds(cols, p, "service_seconds", f.MAX_SERVICE_MIN)
        durations.append(service)
        at["service_ended"] = (at["service_started"] + pd.to_timedelta(service, unit="s")).astype(TIME_DTYPE)
        label["service_ended"] = cols.label("service_seconds")
    return at, label, durations


def _ticket_order(
    p: RowProblems, at: dict[str, pd.Series], label: dict[str, str], outcome: pd.Series, present: list[str]
) -> None:
    """Times in their order, durations within the formats' limits, and services with their times
    where the file has them (`present`: a file without service columns gives no service times)."""
    issued, called, started = at["issued_at"], at["called_at"], at["service_started"]
    ended, left = at["service_ended"], at["left_at"]
    issue = "the ticket's issue time"
    _not_before(p, called, issued, label["called_at"], "the call", issue)
    _not_before(p, started, called.fillna(issued), label["service_started"], "the service start", "the call")
    _not_before(p, ended, started, label["service_ended"], "the service end", "its start")
    _not_before(p, left, issued, label["left_at"], "leaving", issue)
    _at_most(p, called - issued, f.MAX_WAIT_MIN, label["called_at"], "the wait from ticket to call")
    _at_most(p, left - issued, f.MAX_WAIT_MIN, label["left_at"], "the time from ticket to leaving")
    _at_most(p, ended - started, f.MAX_SERVICE_MIN, label["service_ended"], "the service")
    serves = outcome.isin(f.SERVICE_OUTCOMES)
    for name in present:
        p.flag(serves & at[name].isna(), label[name], _needs_service(outcome, name))


def _needs_service(outcome: pd.Series, name: str) -> Callable[[int], str]:
    def reason(row: int) -> str:
        return f"the outcome {outcome[row]!r} is a service at a counter, so {name} is needed, and it is empty"

    return reason


def read_tickets(
    path: str | Path, mapping: Mapping | None = None, *, drop_bad_rows: bool = False
) -> f.TicketLog:
    """A ticket log (or a vendor's ticket export, through `mapping`) as a checked `TicketLog`."""
    m = (mapping or CANONICAL).tickets
    raw = read_table(path, m, "ticket log")
    cols = Columns(raw, m, "ticket log", f.TICKET_REQUIRED)
    p = RowProblems(raw.source, raw.cells.index)
    values = _ticket_values(cols, p)
    at, label, durations = _ticket_times(cols, p, values["outcome"])
    given = [c for c, d in (("service_started", "wait_seconds"), ("service_ended", "service_seconds"))
             if cols.has(c) or cols.has(d)]  # fmt: skip
    _ticket_order(p, at, label, values["outcome"], given)
    _duplicates(p, values["ticket_id"], cols.label("ticket_id"), "the ticket id")
    dropped = p.settle(drop_bad_rows)
    frame = pd.DataFrame({**values, **at}, columns=list(f.TICKET_COLUMNS))[p.ok]
    minute = minute_resolution(
        m.datetime_formats(), [frame[c] for c in f.TICKET_TIMES], [d[p.ok] for d in durations]
    )
    source = _provenance(raw, path, frame["issued_at"], dropped, minute)
    return f.TicketLog(_sorted(frame, "issued_at"), source)


# ----- dossiers -------------------------------------------------------------------------------


def read_dossiers(
    path: str | Path, mapping: Mapping | None = None, *, drop_bad_rows: bool = False
) -> f.DossierRegister:
    """A dossier register (or a vendor's export, through `mapping`) as a checked `DossierRegister`."""
    m = (mapping or CANONICAL).dossiers
    raw = read_table(path, m, "dossier register")
    cols = Columns(raw, m, "dossier register", f.DOSSIER_REQUIRED)
    p = RowProblems(raw.source, raw.cells.index)
    label = cols.label

    dossier_id = words(cols, p, "dossier_id", None)
    required(cols, p, "dossier_id", dossier_id, "dossier id")
    procedure = words(cols, p, "procedure", None)
    required(cols, p, "procedure", procedure, "procedure")
    field = words(cols, p, "field", None)
    channel = words(cols, p, "channel", f.CHANNELS)
    required(cols, p, "channel", channel, "channel")
    status = words(cols, p, "status", f.STATUSES)
    required(cols, p, "status", status, "status")

    received = times(cols, p, "received_at")
    p.flag(
        cols.text("received_at") == "",
        label("received_at"),
        lambda r: "the reception time is empty; every dossier has one",
    )
    due = times(cols, p, "due_date", dates=True)
    finished = times(cols, p, "finished_at")
    returned = times(cols, p, "returned_at")
    requests = integers(cols, p, "missing_papers_requests", 0, MAX_MISSING_PAPERS_REQUESTS, 0)

    done = status.isin(f.FINISHED_STATUSES)
    p.flag(
        done & finished.isna(),
        label("finished_at"),
        lambda r: (
            f"the status {status[r]!r} says the dossier is finished, so finished_at is needed, "
            "and it is empty"
        ),
    )
    p.flag(
        ~done & (status != "") & finished.notna(),
        label("finished_at"),
        lambda r: (
            f"the status {status[r]!r} says the dossier is not finished, yet finished_at is set "
            f"({_clock(finished[r])}); finished dossiers are {', '.join(sorted(f.FINISHED_STATUSES))}"
        ),
    )
    _not_before(p, due, received.dt.normalize(), label("due_date"), "the due date", "the reception")
    _not_before(p, finished, received, label("finished_at"), "the finish", "the reception")
    _not_before(p, returned, finished.fillna(received), label("returned_at"), "the return", "the finish")
    limit = f.MAX_PROCESSING_DAYS * 1440.0
    _at_most(p, due - received.dt.normalize(), limit, label("due_date"), "the time to the due date", "days")
    _at_most(p, finished - received, limit, label("finished_at"), "the processing time", "days")
    _at_most(p, returned - received, limit, label("returned_at"), "the time to the return", "days")
    _duplicates(p, dossier_id, label("dossier_id"), "the dossier id")
    dropped = p.settle(drop_bad_rows)

    frame = pd.DataFrame(
        {
            "dossier_id": dossier_id,
            "procedure": procedure,
            "field": field,
            "channel": channel,
            "received_at": received,
            "due_date": due,
            "finished_at": finished,
            "returned_at": returned,
            "status": status,
            "missing_papers_requests": requests.astype("int64"),
        },
        columns=list(f.DOSSIER_COLUMNS),
    )[p.ok]
    kept = [frame[c] for c in ("received_at", "finished_at", "returned_at")]
    minute = minute_resolution(m.datetime_formats(), kept, [])
    return f.DossierRegister(
        _sorted(frame, "received_at"), _provenance(raw, path, frame["received_at"], dropped, minute)
    )


__all__ = ["ScenarioError", "read_dossiers", "read_tickets"]
