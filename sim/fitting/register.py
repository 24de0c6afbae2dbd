"""What the dossier register says: dossiers by procedure and channel, missing papers, processing
days and the on-time rate.

The scenario's procedure `share` is the mix of dossiers handed in at the centre (at a counter or
online with the support team's help), so it is counted from those two channels only; citizens'
own online filings become `online.dossiers_per_day` (per calendar day: the portal is open every
day). The on-time rate is the portal's, as the model's KPI counts it (`sim.model.kpis`): early, on
time, or still in progress within the due date, out of all dossiers received.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from sim.fitting.arrivals import working_days
from sim.fitting.checks import refuse_unknown
from sim.fitting.intervals import mean_interval, share
from sim.fitting.results import CONFIDENCE, FittedValue, Interval, RegisterSummary, Share
from sim.fitting.shares import DIGITS, UNSEEN_WEIGHT, procedure_weights
from sim.logs.formats import (
    COUNTER_CHANNEL,
    EARLY,
    FINISHED_STATUSES,
    IN_PROGRESS,
    ON_TIME,
    ONLINE_CHANNEL,
    ONLINE_SUPPORT_CHANNEL,
    DossierRegister,
    Provenance,
)
from sim.scenario.schema import Scenario

IN_PERSON: tuple[str, ...] = (COUNTER_CHANNEL, ONLINE_SUPPORT_CHANNEL)
"""Channels of dossiers handed in at the centre (the scenario's procedure mix)."""
ON_TIME_STATUSES: frozenset[str] = frozenset({EARLY, ON_TIME, IN_PROGRESS})
"""The portal's "on time": finished early or on time, or in progress within the due date."""


def _check_procedures(register: DossierRegister, base: Scenario) -> None:
    """Refuse a procedure the base does not know, naming the row and the ids allowed."""
    allowed = [p.id for p in base.procedures]
    refuse_unknown(
        register.frame, register.source.file, "procedure", allowed, "a procedure of the base scenario"
    )


def _processing_days(frame: pd.DataFrame, confidence: float) -> tuple[float, Interval, int]:
    """Mean calendar days from reception to result over the finished dossiers, t interval."""
    done = frame[frame["status"].isin(FINISHED_STATUSES) & frame["finished_at"].notna()]
    days = (done["finished_at"].dt.normalize() - done["received_at"].dt.normalize()).dt.days
    if days.empty:
        return math.nan, (math.nan, math.nan), 0
    mean, ci = mean_interval(days.to_numpy(dtype=float), confidence)
    return mean, ci, len(days)


def summarise_register(
    register: DossierRegister, base: Scenario, *, confidence: float = CONFIDENCE
) -> RegisterSummary:
    """Counts, shares (Wilson) and processing days per procedure, the on-time rate, and dossiers
    per working day of the base's calendar over the register's period."""
    _check_procedures(register, base)
    frame = register.frame
    ids = [p.id for p in base.procedures]
    by_procedure = {pid: int(n) for pid, n in frame["procedure"].value_counts().items() if n}
    by_channel = {str(c): int(n) for c, n in frame["channel"].value_counts().items()}
    in_person = frame[frame["channel"].isin(IN_PERSON)]
    person_counts = in_person["procedure"].value_counts()
    shares = {pid: share(pid, int(person_counts.get(pid, 0)), len(in_person), confidence) for pid in ids}
    missing: dict[str, Share] = {}
    second: dict[str, Share] = {}
    processing: dict[str, tuple[float, Interval, int]] = {}
    for pid, group in frame.groupby("procedure", sort=False):
        requests = group["missing_papers_requests"]
        first = int((requests >= 1).sum())
        missing[str(pid)] = share(str(pid), first, len(group), confidence)
        second[str(pid)] = share(str(pid), int((requests >= 2).sum()), first, confidence)
        processing[str(pid)] = _processing_days(group, confidence)
    src = register.source
    days = working_days(base, src.first_day, src.last_day)
    n = len(frame)
    return RegisterSummary(
        dossiers=n,
        by_procedure=by_procedure,
        by_channel=by_channel,
        procedure_shares=shares,
        online_share=share("online", int((frame["channel"] == ONLINE_CHANNEL).sum()), n, confidence),
        missing_papers=missing,
        second_request=second,
        processing_days=processing,
        on_time=share("on_time", int(frame["status"].isin(ON_TIME_STATUSES).sum()), n, confidence),
        dossiers_per_day=n / len(days) if days else math.nan,
    )


def register_values(summary: RegisterSummary, source: Provenance, base: Scenario) -> list[FittedValue]:
    """The procedure mix (weights summing to 100), each procedure's missing-papers and
    second-request probabilities, and the citizens' own online dossiers per calendar day."""
    file, period = source.file, source.period
    ids = [p.id for p in base.procedures]
    counts = pd.Series({pid: s.successes for pid, s in summary.procedure_shares.items()}, dtype=float)
    in_person = next(iter(summary.procedure_shares.values())).total if summary.procedure_shares else 0
    out: list[FittedValue] = []
    if in_person > 0:
        for pid, weight in procedure_weights(counts, ids).items():
            s = summary.procedure_shares[pid]
            note = "" if s.successes else f" (never seen: counted as {UNSEEN_WEIGHT:g})"
            out.append(
                FittedValue(
                    ("procedures", pid, "share"),
                    weight,
                    file,
                    period,
                    in_person,
                    f"{s.successes:,} of {in_person:,} dossiers handed in at the centre, as weights "
                    f"summing to 100{note}",
                )
            )
    out += _probabilities(summary.missing_papers, "missing_papers", "had a missing-papers request", source)
    out += _probabilities(summary.second_request, "second_request", "with a request had a second", source)
    calendar_len = (source.last_day - source.first_day).days + 1
    online = summary.by_channel.get(ONLINE_CHANNEL, 0)
    out.append(
        FittedValue(
            ("online", "dossiers_per_day"),
            round(online / calendar_len, DIGITS),
            file,
            period,
            online,
            f"{online:,} dossiers filed online by citizens over {calendar_len} calendar days",
        )
    )
    return out


def _probabilities(
    shares: dict[str, Share], key: str, words: str, source: Provenance
) -> Sequence[FittedValue]:
    return [
        FittedValue(
            ("procedures", pid, key),
            round(s.estimate, DIGITS),
            source.file,
            source.period,
            s.total,
            f"{s.successes:,} of {s.total:,} {words}, Wilson 95% CI {s.ci[0]:.3f}–{s.ci[1]:.3f}",
        )
        for pid, s in shares.items()
        if s.total > 0
    ]
