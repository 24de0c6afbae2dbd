"""Shares of tickets from the ticket log: priority, each outcome, and (when the log names each
ticket's procedure) the purposes of a visit and the procedure mix.

Every share is out of all tickets in the log, with a Wilson interval. The purposes the scenario
holds are shares of *visits*, and some visits take no ticket (look-ups, visits finished online
with the support team), so the ticket mix is turned back into a visit mix with the base's chances
of taking a ticket (`arrivals.ticket_probabilities`, an ESTIMATE), keeping the base's `lookup`
share, which tickets cannot show.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.fitting.arrivals import ticket_probabilities
from sim.fitting.checks import refuse_unknown
from sim.fitting.intervals import share
from sim.fitting.results import CONFIDENCE, FittedValue, Share
from sim.logs.formats import (
    ABSENT,
    CUT_AT_CLOSE,
    NOT_SERVED,
    PRIORITY,
    SENT_BACK,
    VISIT_PURPOSES,
    WALKED_OUT,
    TicketLog,
)
from sim.model.visitor import PURPOSE_NAMES
from sim.scenario.schema import Scenario

SHARE_OUTCOMES: tuple[str, ...] = (ABSENT, WALKED_OUT, SENT_BACK, NOT_SERVED, CUT_AT_CLOSE)
"""Outcomes reported as shares of tickets (served is the rest)."""
UNSEEN_WEIGHT = 0.5
"""Dossiers counted for a procedure of the base that the data never show: the scenario's weights
must be positive, and half a dossier is the usual continuity correction."""
DIGITS = 4


def ticket_shares(tickets: TicketLog, *, confidence: float = CONFIDENCE) -> tuple[Share, ...]:
    """Priority tickets and each outcome of `SHARE_OUTCOMES`, out of all tickets."""
    frame = tickets.frame
    n = len(frame)
    out = [share("priority", int((frame["priority"] == PRIORITY).sum()), n, confidence)]
    counts = frame["outcome"].value_counts()
    out += [share(o, int(counts.get(o, 0)), n, confidence) for o in SHARE_OUTCOMES]
    return tuple(out)


def _check_procedures(tickets: TicketLog, base: Scenario) -> None:
    """Refuse a procedure id the base does not know (naming the row and the ids allowed)."""
    allowed = [p.id for p in base.procedures] + list(VISIT_PURPOSES)
    what = "a procedure of the base scenario nor a visit purpose (or empty)"
    refuse_unknown(tickets.frame, tickets.source.file, "procedure", [*allowed, ""], what)


def purpose_mix(tickets: TicketLog, base: Scenario) -> dict[str, float]:
    """Visit shares of submit / collect / enquiry / online_help from the tickets' purposes, each
    ticket count divided by its purpose's chance of taking a ticket, rescaled so that with the
    base's `lookup` share they sum to 1 exactly (the loader refuses shares that do not). A purpose
    the base lacks is left out: the scenario would need its counter time."""
    proc = tickets.frame["procedure"]
    proc = proc[proc != ""]
    probs = dict(zip(PURPOSE_NAMES, ticket_probabilities(base), strict=True))
    counts = {
        "submit": int((~proc.isin(VISIT_PURPOSES)).sum()),
        **{p: int((proc == p).sum()) for p in VISIT_PURPOSES},
    }
    known = base.demand.purposes
    visits = {p: c / probs[p] if probs[p] > 0 else float(c) for p, c in counts.items() if p in known}
    lookup = base.demand.purposes["lookup"].share if "lookup" in base.demand.purposes else 0.0
    total = sum(visits.values())
    mix: dict[str, float] = {p: round(v / total * (1.0 - lookup), DIGITS) for p, v in visits.items()}
    if lookup > 0:
        mix["lookup"] = round(lookup, DIGITS)
    biggest = max(mix, key=lambda p: mix[p])
    mix[biggest] = round(1.0 - sum(v for p, v in mix.items() if p != biggest), DIGITS + 2)
    return mix


def procedure_weights(counts: pd.Series, ids: Sequence[str]) -> dict[str, float]:
    """Relative weights summing to 100, as the bundled scenarios write `share`; a procedure never
    seen counts `UNSEEN_WEIGHT` dossiers (the scenario refuses a zero weight)."""
    raw = {pid: float(counts.get(pid, 0)) or UNSEEN_WEIGHT for pid in ids}
    total = sum(raw.values())
    return {pid: round(100.0 * v / total, DIGITS) for pid, v in raw.items()}


def share_values(
    shares: Sequence[Share], tickets: TicketLog, base: Scenario, *, with_procedures: bool = True
) -> list[FittedValue]:
    """`demand.priority_share`; with a filled `procedure` column also the purposes' shares and,
    unless a register gives it (`with_procedures=False`), the procedure mix of submit tickets."""
    src = tickets.source
    file, period = src.file, src.period
    out: list[FittedValue] = []
    for s in shares:
        if s.name == "priority" and s.total > 0:
            out.append(
                FittedValue(
                    ("demand", "priority_share"),
                    round(s.estimate, DIGITS),
                    file,
                    period,
                    s.total,
                    f"{s.successes:,} priority tickets, Wilson 95% CI {s.ci[0]:.3f}–{s.ci[1]:.3f}",
                )
            )
    if not tickets.has_procedure:
        return out
    _check_procedures(tickets, base)
    proc = tickets.frame["procedure"]
    named = int((proc != "").sum())
    for purpose, value in purpose_mix(tickets, base).items():
        if purpose == "lookup":
            continue
        out.append(
            FittedValue(
                ("demand", "purposes", purpose, "share"),
                value,
                file,
                period,
                named,
                "share of tickets by purpose ÷ the chance of taking a ticket (ESTIMATE from the base), "
                "rescaled to keep the base's lookup share",
            )
        )
    if with_procedures:
        submit = proc[(proc != "") & ~proc.isin(VISIT_PURPOSES)]
        counts = submit.value_counts()
        for pid, weight in procedure_weights(counts, [p.id for p in base.procedures]).items():
            seen = int(counts.get(pid, 0))
            out.append(
                FittedValue(
                    ("procedures", pid, "share"),
                    weight,
                    file,
                    period,
                    len(submit),
                    f"{seen:,} of {len(submit):,} submit tickets, as weights summing to 100"
                    + ("" if seen else f" (never seen: counted as {UNSEEN_WEIGHT:g})"),
                )
            )
    return out
