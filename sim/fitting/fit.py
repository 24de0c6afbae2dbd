"""`python -m sim fit`: from a centre's ticket log (and dossier register) to a fitted scenario.

The steps, each in its own module: read and check the data (`sim.logs.read`, through a mapping
file for a vendor's export), fit arrivals, shares, staff presence and the register
(`sim.fitting.arrivals`, `shares`, `staff`, `register`), fit service times and patience with
censoring (`durations`, `patience`), write the overrides as a scenario file that `extends` the
base (`writer`), and run it against the data (`validate`). Nothing is written until every input is
accepted and the new scenario loads; then the report folder and the scenario file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.runner import Execution
from sim.fitting import validate as validation
from sim.fitting.arrivals import (
    arrival_values,
    calendar_days,
    fit_arrivals,
    regular_weekdays,
    working_days,
)
from sim.fitting.checks import refuse_unknown
from sim.fitting.durations import fit_durations
from sim.fitting.estimates import kept_estimates
from sim.fitting.observations import patience_observations, service_observations
from sim.fitting.patience import fit_patience
from sim.fitting.register import register_values, summarise_register
from sim.fitting.results import Candidate, DurationFit, FitResult, FittedValue
from sim.fitting.shares import share_values, ticket_shares
from sim.fitting.staff import staff_presence, staff_values
from sim.fitting.writer import extends_path, scenario_text
from sim.logs.formats import CUT_AT_CLOSE, SERVICE_OUTCOMES, VISIT_PURPOSES, DossierRegister, TicketLog
from sim.logs.mapping import load_mapping
from sim.logs.read import read_dossiers, read_tickets
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.kpis import N_

Note = tuple[str, dict[str, Any]]
"""A sentence for the report: an English msgid and the values of its placeholders."""

TOO_FEW_SERVED = {
    "procedure": N_("Procedure {group}: {n} served tickets, fewer than {least}; the estimate stays."),
    "field": N_("Field {group}: {n} served tickets, fewer than {least}; the estimate stays."),
    "collect": N_("Visits to collect a result: {n} served tickets, fewer than {least}; the estimate stays."),
    "enquiry": N_("Enquiries: {n} served tickets, fewer than {least}; the estimate stays."),
    "online_help": N_(
        "Visits for help to file online: {n} served tickets, fewer than {least}; the estimate stays."
    ),
}
"""Per level, or per visit purpose (a purpose is named in words, not by its id)."""

MIN_GROUP = 30
"""Fewest served tickets a procedure, purpose or field needs before its counter time is fitted;
below it the base's estimate stays (a family's shape is not identifiable from fewer)."""


@dataclass(frozen=True, slots=True)
class FitRequest:
    """What `sim fit` was asked: the files and the switches."""

    tickets: Path
    base: Path
    out: Path
    """The new scenario file (must not exist)."""
    dossiers: Path | None = None
    mapping: Path | None = None
    drop_bad_rows: bool = False
    scenario_root: Path | None = None
    validate: bool = True
    replications: int = validation.VALIDATION_REPLICATIONS
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class Fitted:
    """A finished fit: the findings, the new scenario's text and the scenario it loads as."""

    request: FitRequest
    result: FitResult
    text: str
    scenario: Scenario


def read_inputs(request: FitRequest) -> tuple[TicketLog, DossierRegister | None, Scenario]:
    """Read the mapping, the data and the base; every refusal is a `ScenarioError`."""
    mapping = load_mapping(request.mapping) if request.mapping is not None else None
    tickets = read_tickets(request.tickets, mapping, drop_bad_rows=request.drop_bad_rows)
    dossiers = (
        read_dossiers(request.dossiers, mapping, drop_bad_rows=request.drop_bad_rows)
        if request.dossiers is not None
        else None
    )
    base = load_scenario(request.base, request.scenario_root)
    _check_known(tickets, base)
    return tickets, dossiers, base


def _check_known(tickets: TicketLog, base: Scenario) -> None:
    """Services must be the base's fields (procedures are checked with the shares)."""
    refuse_unknown(
        tickets.frame,
        tickets.source.file,
        "service",
        [f.id for f in base.fields],
        "a field of the base scenario",
        " (a mapping file's [tickets.values.service] turns the system's queue names into field ids)",
    )


def _service_groups(tickets: TicketLog, base: Scenario) -> list[tuple[str, str, np.ndarray]]:
    """(level, group id, row mask) of the served tickets to fit counter times on."""
    frame = tickets.frame
    served = (
        frame["outcome"].isin(SERVICE_OUTCOMES)
        & frame["service_started"].notna()
        & frame["service_ended"].notna()
    ).to_numpy()
    groups: list[tuple[str, str, np.ndarray]] = []
    if tickets.has_procedure:
        procedure = frame["procedure"].to_numpy()
        for p in base.procedures:
            groups.append(("procedure", p.id, served & (procedure == p.id)))
        for purpose in VISIT_PURPOSES:
            groups.append(("purpose", purpose, served & (procedure == purpose)))
    else:
        service = frame["service"].to_numpy()
        for f in base.fields:
            groups.append(("field", f.id, served & (service == f.id)))
    return groups


def _paths(level: str, group: str, base: Scenario) -> list[tuple[str, ...]]:
    """Where a group's counter time goes in the scenario."""
    if level == "procedure":
        return [("procedures", group, "service_min")]
    if level == "purpose":
        return [("demand", "purposes", group, "service_min")]
    return [("procedures", p.id, "service_min") for p in base.procedures if p.field == group]


def written_candidate(fit: DurationFit) -> Candidate | None:
    """The family the scenario gets: the first by AIC that passed the goodness-of-fit test (None
    for an empirical table or no fit)."""
    family = fit.chosen.get("dist")
    return next((c for c in fit.candidates if c.family == family), None)


def _method(fit: DurationFit) -> str:
    best = written_candidate(fit)
    censoring = []
    if fit.n_interval:
        censoring.append(f"{fit.n_interval:,} interval-censored")
    if fit.n_right:
        censoring.append(f"{fit.n_right:,} right-censored")
    how = "empirical (no family passed the goodness-of-fit test)" if fit.empirical else ""
    if not how and best is not None:
        p = "" if np.isnan(best.gof_pvalue) else f", goodness-of-fit p = {best.gof_pvalue:.2f}"
        k = len(fit.candidates)
        if best is fit.candidates[0]:
            how = f"{best.family}, best by AIC of {k} families{p}"
        else:
            how = f"{best.family}, the first by AIC of {k} families to pass the goodness-of-fit test{p}"
    if fit.level == "field":
        how += "; fitted per field: every procedure of the field gets it"
    return "; ".join([how, *censoring]) if censoring else how


def fit_service_times(
    tickets: TicketLog, base: Scenario, *, seed: int = 0
) -> tuple[list[DurationFit], list[FittedValue], list[Note]]:
    """Counter times per procedure / purpose (or per field when the log has no procedure)."""
    frame, source = tickets.frame, tickets.source
    fits: list[DurationFit] = []
    values: list[FittedValue] = []
    notes: list[Note] = []
    documents = {p.id for p in base.procedures if p.documents is not None}
    for level, group, mask in _service_groups(tickets, base):
        n = int(mask.sum())
        if n == 0:
            continue
        if n < MIN_GROUP:
            msgid = TOO_FEW_SERVED[group if level == "purpose" else level]
            notes.append((msgid, {"group": group, "n": n, "least": MIN_GROUP}))
            continue
        obs = service_observations(
            frame["service_started"].to_numpy()[mask],
            frame["service_ended"].to_numpy()[mask],
            (frame["outcome"].to_numpy()[mask] == CUT_AT_CLOSE),
            source.time_resolution,
        )
        fit = fit_durations(obs, "service_min", group, level, seed=seed)
        fits.append(fit)
        for path in _paths(level, group, base):
            values.append(FittedValue(path, fit.chosen, source.file, source.period, fit.n, _method(fit)))
            pid = path[1] if path[0] == "procedures" else ""
            if pid in documents:
                # The log's counter time covers every document the visitor brought.
                note = "the fitted counter time covers all documents"
                one = {"dist": "deterministic", "value": 1.0}
                values.append(
                    FittedValue(("procedures", pid, "documents"), one, source.file, source.period, n, note)
                )
                values.append(
                    FittedValue(
                        ("procedures", pid, "extra_document_min"), 0.0, source.file, source.period, n, note
                    )
                )
    return fits, values, notes


OPENING_BURST_MIN = 5.0
"""Tickets issued this soon after the day opens are left out of the patience fit: their holders
may have waited outside before the doors opened, and a ticket log cannot say for how long (their
waiting, and their patience, began before the ticket). Tested on a known truth: with them the
fitted mean patience was 35 min for a true 20; without them, 20.3."""


def opening_burst(issued: pd.Series, base: Scenario, first: dt.date, last: dt.date) -> np.ndarray:
    """True for tickets issued within `OPENING_BURST_MIN` of their day's opening."""
    opens = {d.date: d.sessions[0][0] - d.midnight for d in calendar_days(base, first, last) if d.sessions}
    day = issued.dt.date
    minute = (issued - issued.dt.normalize()).dt.total_seconds().to_numpy() / 60.0
    opening = day.map(opens).to_numpy(dtype=float, na_value=np.nan)
    return (minute >= opening) & (minute < opening + OPENING_BURST_MIN)


def fit_walkouts(
    tickets: TicketLog, base: Scenario, *, seed: int = 0
) -> tuple[DurationFit, list[FittedValue]]:
    """Patience from tickets never served (right- and interval-censored), leaving out the opening
    burst (`OPENING_BURST_MIN`)."""
    frame, source = tickets.frame, tickets.source
    keep = ~opening_burst(frame["issued_at"], base, source.first_day, source.last_day)
    obs = patience_observations(
        frame["issued_at"].to_numpy()[keep],
        frame["called_at"].to_numpy()[keep],
        frame["left_at"].to_numpy()[keep],
        frame["outcome"].to_numpy()[keep],
        source.time_resolution,
    )
    fit = fit_patience(obs, seed=seed)
    if not fit.chosen:
        return fit, []
    burst = int((~keep).sum())
    method = f"{_method(fit)}; {burst:,} tickets of the first {OPENING_BURST_MIN:g} min after opening unused"
    value = FittedValue(("demand", "patience_min"), fit.chosen, source.file, source.period, fit.n, method)
    return fit, [value]


FEW_DAYS = 20
"""Below this many working days (a month) the fit still runs, but the report says its figures are
weak: a day's or a week's export is easily taken for a centre's normal load."""
FEW_DAYS_NOTE = N_(
    "The data cover only {days} working days (fewer than {least}): the fitted figures rest on little "
    "data; read their intervals before using them."
)

MIN_WEEKDAYS = 4
"""Fewest days of each weekday the centre opens before weekday factors are fitted (a month)."""


def _enough_weeks(
    values: list[FittedValue], tickets: TicketLog, base: Scenario
) -> tuple[list[FittedValue], list[Note]]:
    """Weekday factors only from data with `MIN_WEEKDAYS` of every weekday the base opens: a
    factor left out would keep the base's, against fitted ones that average 1 without it."""
    days = working_days(base, tickets.source.first_day, tickets.source.last_day)
    counts = [sum(d.weekday() == w for d in days) for w in regular_weekdays(base)]
    if min(counts, default=0) >= MIN_WEEKDAYS:
        return values, []
    kept = [v for v in values if v.path != ("demand", "weekday_factors")]
    msgid = N_("Weekday factors: the data has fewer than {least} days of some weekday; the estimate stays.")
    return kept, [(msgid, {"least": MIN_WEEKDAYS})]


def fit(
    request: FitRequest,
    *,
    execution: Execution | None = None,
    progress: Callable[[str], None] | None = None,
) -> Fitted:
    """Read, fit, write the scenario's text, load it, and (unless asked not to) validate it."""
    say = progress or (lambda _text: None)
    tickets, dossiers, base = read_inputs(request)
    seed = request.seed if request.seed is not None else base.run.seed
    say("fitting arrivals and shares")
    arrivals = fit_arrivals(tickets, base)
    values, notes = _enough_weeks(arrival_values(arrivals, tickets.source), tickets, base)
    if arrivals.working_days < FEW_DAYS:
        notes.insert(0, (FEW_DAYS_NOTE, {"days": arrivals.working_days, "least": FEW_DAYS}))
    shares = ticket_shares(tickets)
    values += share_values(shares, tickets, base, with_procedures=dossiers is None)
    say("fitting counter times and patience")
    service_fits, service_values, service_notes = fit_service_times(tickets, base, seed=seed)
    notes += service_notes
    values += service_values
    patience, patience_values = fit_walkouts(tickets, base, seed=seed)
    values += patience_values
    presence = staff_presence(tickets, base) if tickets.has_staff else ()
    values += staff_values(presence, tickets.source, base) if presence else []
    register = summarise_register(dossiers, base) if dossiers is not None else None
    if register is not None and dossiers is not None:
        values += register_values(register, dossiers.source, base)
    text = scenario_text(request.base, request.out, values)
    scenario = _load_text(text, request)
    result = FitResult(
        tickets=tickets.source,
        dossiers=dossiers.source if dossiers is not None else None,
        arrivals=arrivals,
        durations=(*service_fits, patience),
        shares=shares,
        staff=tuple(presence),
        register=register,
        values=tuple(values),
        kept_estimates=kept_estimates(request.base, values, request.scenario_root),
        notes=tuple(notes),
    )
    if request.validate:
        say("running the fitted scenario against the data")
        days = working_days(base, tickets.source.first_day, tickets.source.last_day)
        result = replace(result, checks=_validation(tickets, dossiers, scenario, days, request, execution))
    return Fitted(request, result, text, scenario)


def _validation(
    tickets: TicketLog,
    dossiers: DossierRegister | None,
    scenario: Scenario,
    days: tuple[dt.date, ...],
    request: FitRequest,
    execution: Execution | None,
) -> tuple:
    threshold = scenario.targets.wait_threshold_min
    data = validation.data_kpis(tickets, dossiers, days, threshold)
    model = validation.model_kpis(
        scenario,
        days,
        threshold,
        with_register=dossiers is not None,
        replications=request.replications,
        seed=request.seed,
        execution=execution,
    )
    return validation.checks(data, model)


def _load_text(text: str, request: FitRequest) -> Scenario:
    """Load the new scenario from a hidden file beside its destination (its `extends` is relative
    to that folder), then remove it: the real file is written only after everything succeeded."""
    out = request.out
    probe = out.with_name(f".{out.stem}.checking.toml")
    root = request.scenario_root or extends_path(request.base, out)[1]
    try:
        probe.write_text(text, encoding="utf-8")
        return load_scenario(probe, root)
    except OSError as exc:
        raise ScenarioError(str(out), "", f"cannot write beside it: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
