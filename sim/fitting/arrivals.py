"""Arrivals from the ticket log: visits per working day, weekday factors, the hour-of-day profile.

What is fitted is what the model reads (`sim.model.demand.arrival_rate`): a day's visits are
`visits_per_day × weekday_factors[weekday]` (the factors are not renormalised), spread over the
season's profile blocks by weight per minute, the blocks clipped to opening hours from
`EARLY_ARRIVAL_MIN` before opening. So the weekday factors are each weekday's mean over the mean
of all working days (their mean over the data's working days is then exactly 1), and the profile
is 30-minute slots whose weights are the slots' rates (only their ratios matter).

A ticket is not a visit: look-ups at the PC and visits finished online with the support team take
none. `tickets_per_visit` derives the share from the base's own shares (an ESTIMATE), so the
fitted `visits_per_day` brings the data's ticket count when the model runs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.fitting.intervals import NAN_INTERVAL, mean_interval, normal_quantile
from sim.fitting.results import CONFIDENCE, ArrivalFit, FittedValue, Interval, ProfileSlot
from sim.logs.formats import Provenance, TicketLog
from sim.model.demand import DayRate, day_rate
from sim.model.inputs import compile_inputs
from sim.model.schedules import support_shifts
from sim.model.visitor import LOOKUP, ONLINE_HELP, SUBMIT
from sim.scenario import calendar as scenario_calendar
from sim.scenario.calendar import WEEKDAY_NAMES, WorkDay, parse_hhmm, season_for
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

SLOT_MIN = 30
"""Width of a profile slot (minutes), aligned on :00 and :30."""

Span = tuple[float, float]


# --- the calendar over the data's period -------------------------------------------------------
def calendar_days(base: Scenario, first: dt.date, last: dt.date) -> tuple[WorkDay, ...]:
    """The base's working days (weekdays, Saturday sessions, holiday table) from `first` to `last`,
    with their sessions: the data's days are judged by the centre's own calendar rules."""
    spec = base.calendar.model_copy(update={"start": first, "end": last})
    return scenario_calendar.working_days(spec)


def working_days(base: Scenario, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """Dates the base opens between `first` and `last`: a working day without a ticket is a zero."""
    return tuple(d.date for d in calendar_days(base, first, last))


def regular_weekdays(base: Scenario) -> tuple[int, ...]:
    """Weekdays the base opens by its weekly rules (make-up Saturdays from the holiday table aside)."""
    cal = base.calendar
    days = [0, 1, 2, 3, 4]
    if cal.saturday_sessions:
        days.append(5)
    if cal.sunday_sessions:
        days.append(6)
    return tuple(days)


# --- tickets per visit -------------------------------------------------------------------------
def _mass(rate: DayRate, spans: Sequence[Span]) -> float:
    """Expected arrivals of `rate` that fall inside the spans."""
    total = 0.0
    for a, b, r in zip(rate.breaks[:-1], rate.breaks[1:], rate.rates, strict=True):
        for s, e in spans:
            total += r * max(0.0, min(b, e) - max(a, s))
    return total


def _arrival_shares(base: Scenario) -> tuple[float, float]:
    """Shares of the base's arrivals while the lookup PCs are on (opening hours) and while the
    support team is on shift: early arrivals before opening find neither."""
    inputs = compile_inputs(base)
    days = scenario_calendar.working_days(inputs.calendar)
    shifts = support_shifts(inputs.support, days)
    total = in_open = in_shift = 0.0
    for day in days:
        rate = day_rate(inputs, day)
        total += rate.expected
        in_open += _mass(rate, day.sessions)
        in_shift += _mass(rate, [s for s in shifts if day.midnight <= s[0] < day.midnight + 1440])
    if total <= 0:
        return 0.0, 0.0
    return float(in_open / total), float(in_shift / total)


def ticket_probabilities(base: Scenario) -> tuple[float, ...]:
    """Per purpose code (`sim.model.visitor`): the chance that a visit of that purpose takes a
    ticket in the base's model. A look-up takes none when it finds the PC on; a visit that needs
    help (online_help, and submit with `needs_help_share`) takes none when the support team is on
    shift and the citizen finishes online (`online_share`). ESTIMATE: full PCs and support queues
    (load-dependent) and balking are left out."""
    d, team = base.demand, base.support_team
    p_open, p_shift = _arrival_shares(base)
    finish_online = p_shift * team.online_share if team.members > 0 else 0.0
    lookup_pc = p_open if base.equipment.lookup_pcs.count > 0 else 0.0
    probs = [1.0] * 5
    probs[SUBMIT] = 1.0 - d.needs_help_share * finish_online
    probs[ONLINE_HELP] = 1.0 - finish_online
    probs[LOOKUP] = 1.0 - lookup_pc
    return tuple(probs)


def _pickups_per_visit(base: Scenario) -> float:
    """Pick-up visits (collect tickets) per new visit when the base has them: one per dossier of a
    procedure returned at the counter, from visits and from the citizens' own online filings."""
    bo = base.back_office
    if bo is None or not bo.pickup_visits:
        return 0.0
    inputs = compile_inputs(base)
    procs = inputs.procedures
    shares = np.array([p.share for p in procs])
    online = np.array([p.online_weight for p in procs])
    picked = np.array([p.picked_up for p in procs], dtype=float)
    purposes = _purpose_shares(base)
    _, p_shift = _arrival_shares(base)
    finish_online = p_shift * base.support_team.online_share if base.support_team.members > 0 else 0.0
    dossiers_per_visit = purposes[SUBMIT] + purposes[ONLINE_HELP] * finish_online
    per_visit = dossiers_per_visit * float(picked @ shares / shares.sum())
    days = scenario_calendar.working_days(inputs.calendar)
    calendar_len = (base.calendar.end - base.calendar.start).days + 1
    if base.online.dossiers_per_day > 0 and online.sum() > 0 and days:
        online_per_workday = base.online.dossiers_per_day * calendar_len / len(days)
        per_visit += online_per_workday * float(picked @ online / online.sum()) / base.demand.visits_per_day
    return per_visit


def _purpose_shares(base: Scenario) -> np.ndarray:
    """The base's purpose shares by purpose code, summing to 1."""
    shares = np.array(compile_inputs(base).demand.purpose_shares)
    return shares / shares.sum()


def tickets_per_visit(base: Scenario) -> float:
    """Tickets the base's model issues per new visit (ESTIMATE): the purposes' shares weighted by
    their chance of taking a ticket, plus pick-up visits when the base has them. Balking depends
    on the queue, so it is left out: the ratio is tickets per visit that does not balk."""
    probs = np.array(ticket_probabilities(base))
    return float(_purpose_shares(base) @ probs) + _pickups_per_visit(base)


# --- the fit ----------------------------------------------------------------------------------
def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def profile_keys(base: Scenario, seasons: Sequence[str]) -> dict[str, str]:
    """Season name → profile key: "" for the first season (in the base's calendar order) that the
    base's `hourly_profile` serves (no `season_profiles` entry), the season's name otherwise."""
    served = [s.name for s in base.calendar.seasons if s.name not in base.demand.season_profiles]
    present = [s for s in served if s in seasons]
    first = present[0] if present else None
    return {s: ("" if s == first else s) for s in seasons}


def _season_of(base: Scenario, day: dt.date) -> str:
    season = season_for(base.calendar, day)
    return season.name if season is not None else ""


def _profile(counts: pd.DataFrame, confidence: float) -> tuple[ProfileSlot, ...]:
    """Slots of one season: per slot, tickets per working day with its t interval over days;
    weights the rates over their mean, so the written profile averages 1.0."""
    totals = counts.sum(axis=0)
    slots = [int(c) for c in counts.columns if totals[c] > 0]
    rates: list[tuple[int, float, Interval]] = []
    for slot in slots:
        mean, ci = mean_interval(counts[slot].to_numpy(dtype=float), confidence)
        rates.append((slot, mean, ci))
    level = float(np.mean([r for _, r, _ in rates])) if rates else 1.0
    return tuple(
        ProfileSlot(_hhmm(s * SLOT_MIN), _hhmm((s + 1) * SLOT_MIN), r, ci, r / level) for s, r, ci in rates
    )


def weekday_factors(
    daily: pd.Series, weekdays: Sequence[int], confidence: float
) -> tuple[dict[str, float], dict[str, Interval]]:
    """Each weekday's mean tickets over the mean of all working days, with a delta-method
    interval (the weekday's days are part of the overall mean, hence the covariance term)."""
    by_day = daily.groupby(daily.index.map(lambda d: d.weekday()))
    n_total = len(daily)
    m = float(daily.mean())
    var_m = sum((len(g) / n_total) ** 2 * _var_mean(g) for _, g in by_day)
    z = normal_quantile(confidence)
    factors: dict[str, float] = {}
    cis: dict[str, Interval] = {}
    groups = dict(list(by_day))
    for w in weekdays:
        if w not in groups or m <= 0:
            continue
        g = groups[w]
        mw, var_mw = float(g.mean()), _var_mean(g)
        cov = len(g) / n_total * var_mw
        var_f = var_mw / m**2 + mw**2 * var_m / m**4 - 2 * mw * cov / m**3
        f = mw / m
        half = z * math.sqrt(max(var_f, 0.0)) if len(g) > 1 else math.nan
        factors[WEEKDAY_NAMES[w]] = f
        cis[WEEKDAY_NAMES[w]] = (max(f - half, 0.0), f + half) if len(g) > 1 else NAN_INTERVAL
    return factors, cis


def _var_mean(values: pd.Series) -> float:
    return float(values.var(ddof=1)) / len(values) if len(values) > 1 else 0.0


def weekday_profiles_differ(slot_counts: pd.DataFrame, weekdays: pd.Series) -> float:
    """p-value of a chi-square test of independence of weekday and 30-minute slot (tickets)."""
    table = slot_counts.groupby(weekdays.to_numpy()).sum()
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return math.nan
    return float(stats.chi2_contingency(table.to_numpy()).pvalue)


EARLY_BLOCK_MIN = 15.0
"""ESTIMATE: how long before opening the early visitors come (the model's default profile has a
15-minute block before the doors open). A ticket log cannot say: their tickets are all issued in
the first minutes after opening."""
BURST_MIN = 5
"""The first minutes after opening in which the tickets of those who came early are issued."""


def _early_arrivals(
    minute: pd.Series, date: pd.Series, days: Sequence[WorkDay], confidence: float
) -> tuple[str, float, Interval] | None:
    """(opening "HH:MM", early visitors per day, interval) from the burst of tickets at opening:
    per day, tickets in the first `BURST_MIN` minutes less what the rest of the first slot's rate
    gives in as long; None when the days open at different times or no burst stands out."""
    opens = {round(d.sessions[0][0] - d.midnight) for d in days}
    if len(opens) != 1 or len(days) < 2:
        return None
    start = opens.pop()
    first = minute[(minute >= start) & (minute < start + SLOT_MIN)]
    per_day = pd.crosstab(date[first.index], first < start + BURST_MIN)
    per_day = per_day.reindex([d.date for d in days], fill_value=0)
    burst = per_day.get(True, pd.Series(0, index=per_day.index)).to_numpy(dtype=float)
    rest = per_day.get(False, pd.Series(0, index=per_day.index)).to_numpy(dtype=float)
    excess = burst - rest * BURST_MIN / (SLOT_MIN - BURST_MIN)
    mean, ci = mean_interval(excess, confidence)
    if not ci[0] > 0:
        return None
    return _hhmm(start), mean, ci


def _with_early(
    slots: tuple[ProfileSlot, ...], early: tuple[str, float, Interval] | None
) -> tuple[ProfileSlot, ...]:
    """The profile with a block of early visitors before opening (their tickets taken out of the
    first slot), weighted per minute like the others."""
    if early is None or not slots or slots[0].start != early[0]:
        return slots
    opening, mean, ci = early
    head = slots[0]
    level = head.rate_per_day / head.weight if head.weight > 0 else 1.0
    start = _hhmm(int(parse_hhmm(opening)) - int(EARLY_BLOCK_MIN))
    rest = head.rate_per_day - mean
    before = ProfileSlot(start, opening, mean, ci, mean / EARLY_BLOCK_MIN * SLOT_MIN / level)
    after = ProfileSlot(head.start, head.end, rest, (head.ci[0] - mean, head.ci[1] - mean), rest / level)
    return (before, after, *slots[1:])


def fit_arrivals(tickets: TicketLog, base: Scenario, *, confidence: float = CONFIDENCE) -> ArrivalFit:
    """Visits per working day, weekday factors and the seasons' profiles from the tickets issued.

    Tickets issued on a day the base keeps closed are left out (the model has no such day)."""
    src = tickets.source
    opened = [d for d in calendar_days(base, src.first_day, src.last_day) if d.sessions]
    days = tuple(d.date for d in opened)
    if not days:
        raise ScenarioError(
            src.file,
            "issued_at",
            f"the base scenario opens on no day of the data's period {src.period}; "
            "check the base's calendar (holidays, Saturday sessions)",
        )
    issued = tickets.frame["issued_at"]
    date = issued.dt.date
    keep = date.isin(set(days))
    issued, date = issued[keep], date[keep]
    minute = issued.dt.hour * 60 + issued.dt.minute
    slot_counts = pd.crosstab(date, (minute // SLOT_MIN).rename("slot"))
    slot_counts = slot_counts.reindex(list(days), fill_value=0)
    slot_counts.index = pd.Index(list(days))
    daily = slot_counts.sum(axis=1).astype(float)
    day_season = pd.Series([_season_of(base, d) for d in days], index=slot_counts.index)
    order = [s.name for s in base.calendar.seasons]
    keys = profile_keys(base, [name for name in order if name in set(day_season)])
    profiles = {
        keys[season]: _with_early(
            _profile(slot_counts[(day_season == season).to_numpy()], confidence),
            _early_arrivals(minute, date, [d for d in opened if day_season[d.date] == season], confidence),
        )
        for season in keys
    }
    per_day, per_day_ci = _count_interval(daily.to_numpy(), confidence)
    tpv = tickets_per_visit(base)
    factors, factor_ci = weekday_factors(daily, regular_weekdays(base), confidence)
    weekday = pd.Series([d.weekday() for d in days])
    return ArrivalFit(
        tickets_per_day=per_day,
        tickets_per_day_ci=per_day_ci,
        visits_per_day=per_day / tpv,
        visits_per_day_ci=(per_day_ci[0] / tpv, per_day_ci[1] / tpv),
        tickets_per_visit=tpv,
        working_days=len(days),
        weekday_factors=factors,
        weekday_ci=factor_ci,
        profiles=profiles,
        weekday_profiles_differ_p=weekday_profiles_differ(slot_counts.reset_index(drop=True), weekday),
        daily_counts=daily.to_numpy(),
        profile_seasons={key: season for season, key in keys.items()},
    )


def _count_interval(daily: np.ndarray, confidence: float) -> tuple[float, Interval]:
    """Mean tickets per day with the wider of the t interval over days and the exact Poisson
    interval of the total: a few days that happen to have equal counts must not give an interval
    of zero width."""
    mean, (lo, hi) = mean_interval(daily, confidence)
    total, days = float(daily.sum()), len(daily)
    tail = (1.0 - confidence) / 2.0
    p_lo = stats.chi2.ppf(tail, 2.0 * total) / 2.0 / days if total > 0 else 0.0
    p_hi = stats.chi2.ppf(1.0 - tail, 2.0 * total + 2.0) / 2.0 / days
    return mean, (min(lo, float(p_lo)), max(hi, float(p_hi)))


# --- the values written -----------------------------------------------------------------------
def arrival_values(fit: ArrivalFit, source: Provenance) -> list[FittedValue]:
    """What the new scenario overrides from the arrivals fit, each with its FITTED label."""
    file, period = source.file, source.period
    tickets = round(float(np.sum(fit.daily_counts)))
    lo, hi = fit.visits_per_day_ci
    out = [
        FittedValue(
            ("demand", "visits_per_day"),
            round(fit.visits_per_day, 2),
            file,
            period,
            fit.working_days,
            f"{fit.tickets_per_day:.1f} tickets per working day (95% CI {fit.tickets_per_day_ci[0]:.1f}–"
            f"{fit.tickets_per_day_ci[1]:.1f}) ÷ {fit.tickets_per_visit:.3f} tickets per visit "
            f"(ESTIMATE from the base's shares; balking left out); visits 95% CI {lo:.1f}–{hi:.1f}",
        ),
    ]
    if fit.weekday_factors:
        parts = ", ".join(
            f"{w} {f:.2f} ({fit.weekday_ci[w][0]:.2f}–{fit.weekday_ci[w][1]:.2f})"
            for w, f in fit.weekday_factors.items()
        )
        out.append(
            FittedValue(
                ("demand", "weekday_factors"),
                {w: round(f, 3) for w, f in fit.weekday_factors.items()},
                file,
                period,
                fit.working_days,
                f"mean tickets per weekday ÷ mean per working day, 95% CI: {parts}; weekday profiles "
                f"differ: chi-square p = {fit.weekday_profiles_differ_p:.3g}",
            )
        )
    for key, slots in fit.profiles.items():
        if not slots:
            continue
        path = ("demand", "hourly_profile") if key == "" else ("demand", "season_profiles", key)
        out.append(
            FittedValue(
                path,
                [{"start": s.start, "end": s.end, "weight": round(s.weight, 4)} for s in slots],
                file,
                period,
                tickets,
                f"30-minute slots, tickets per working day over their mean{f' ({key})' if key else ''}",
            )
        )
    return out
