"""Who arrives: the one arrival-rate builder, a non-homogeneous Poisson process, and each
visitor's attributes.

Arrival times come from thinning (Lewis & Shedler 1979): candidates at the day's peak rate, each
kept with probability rate(candidate time) / peak rate — the rate is read at the *candidate* time,
the mistake to avoid. Attributes are drawn on arrival from named streams through buffers, so the
k-th land visitor gets the k-th land service time in every scenario (common random numbers) while
numpy is called once per thousand visitors rather than once per visitor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from sim.model.front.queues import NEVER, come_back, deadline, deadlines
from sim.model.inputs import Block, DemandInputs, ModelInputs, OnlineInputs, as_inputs
from sim.model.streams import UNIFORM, Buffered, ScalarDraws, Streams
from sim.model.visitor import COLLECT, IN_SYSTEM, LOOKUP, ONLINE_HELP, PURPOSE_NAMES, SUBMIT, Visitor
from sim.scenario.calendar import CalendarSpec, WorkDay, season_for
from sim.scenario.schema import Scenario

EARLY_ARRIVAL_MIN = 30.0
"""Profile blocks are kept from this many minutes before opening (people queue at the door)."""


@dataclass(frozen=True, slots=True)
class DayRate:
    """A piecewise-constant arrival rate (arrivals per minute) over one day, or several."""

    breaks: np.ndarray
    """Block boundaries on the simulation clock, increasing; rate[i] holds on [breaks[i], breaks[i+1])."""
    rates: np.ndarray
    peak: float

    @property
    def expected(self) -> float:
        """The rate's integral over the day: expected arrivals."""
        return float(np.dot(np.diff(self.breaks), self.rates))

    def at(self, times: np.ndarray) -> np.ndarray:
        """The rate at each time (zero outside the blocks)."""
        idx = np.searchsorted(self.breaks, times, side="right") - 1
        inside = (idx >= 0) & (idx < len(self.rates))
        return np.where(inside, self.rates[np.clip(idx, 0, len(self.rates) - 1)], 0.0)


# --- the one rate builder -----------------------------------------------------------------------
def block_rate(pieces: Iterable[Block], total: float) -> tuple[list[float], list[float]]:
    """Breaks and rates of a profile scaled so that its integral is `total`: each piece's rate is
    its weight over the profile's mass, and a zero-rate piece fills any gap between pieces."""
    pieces = list(pieces)
    mass = sum((e - s) * w for s, e, w in pieces)
    breaks: list[float] = []
    rates: list[float] = []
    for s, e, w in pieces:
        if breaks and s > breaks[-1]:
            rates.append(0.0)  # a gap between blocks
            breaks.append(s)
        elif not breaks:
            breaks.append(s)
        rates.append(w * total / mass if mass > 0 else 0.0)
        breaks.append(e)
    return breaks, rates


def season_name(calendar: CalendarSpec, day: WorkDay) -> str:
    """The name of the season `day` falls in ("" if none)."""
    season = season_for(calendar, day.date)
    return season.name if season else ""


def arrival_rate(demand: DemandInputs, season: str, day: WorkDay) -> DayRate:
    """Visitors' rate on `day`: the season's profile, clipped to opening hours (from
    `EARLY_ARRIVAL_MIN` before opening), scaled to the day's demand."""
    lo, hi = day.opens - EARLY_ARRIVAL_MIN, day.closes
    pieces = [
        (max(day.midnight + s, lo), min(day.midnight + e, hi), w)
        for s, e, w in demand.profile_for(season)
        if min(day.midnight + e, hi) > max(day.midnight + s, lo)
    ]
    total = demand.visits_per_day * demand.weekday_factors[day.weekday]
    breaks, rates = block_rate(pieces, total)
    if not breaks:
        breaks, rates = [day.opens, day.closes], [0.0]
    r = np.asarray(rates, dtype=float)
    return DayRate(np.asarray(breaks, dtype=float), r, float(r.max()) if len(r) else 0.0)


def day_rate(source: Scenario | ModelInputs, day: WorkDay) -> DayRate:
    """`arrival_rate` for a scenario (or compiled inputs) on one of its working days."""
    inputs = as_inputs(source)
    return arrival_rate(inputs.demand, season_name(inputs.calendar, day), day)


def online_rate(online: OnlineInputs, calendar_days: int) -> DayRate:
    """Online filings' rate over the whole window: the day's pattern repeated, day after day, so
    one thinning pass draws them all."""
    breaks, rates = block_rate(online.profile, online.dossiers_per_day)
    base, r = np.asarray(breaks, dtype=float), np.asarray(rates)
    offsets = np.repeat(np.arange(calendar_days) * 1440.0, len(base))
    all_breaks = np.tile(base, calendar_days) + offsets
    all_rates = np.concatenate([np.append(r, 0.0)] * calendar_days)[:-1]
    keep = np.concatenate(([True], np.diff(all_breaks) > 0))  # drop repeated boundaries
    return DayRate(all_breaks[keep], all_rates[keep[1:]], float(r.max()))


def thinning(rng: np.random.Generator, rate: DayRate) -> np.ndarray:
    """Arrival times of a non-homogeneous Poisson process with this rate (sorted)."""
    if rate.peak <= 0:
        return np.empty(0)
    t, end = float(rate.breaks[0]), float(rate.breaks[-1])
    mean_gap = 1.0 / rate.peak
    expected = rate.peak * (end - t)
    kept: list[np.ndarray] = []
    while t < end:
        k = int(expected + 4.0 * math.sqrt(expected) + 16)
        times = t + np.cumsum(rng.exponential(mean_gap, k))
        u = rng.random(k)
        accept = (times < end) & (u * rate.peak < rate.at(times))
        kept.append(times[accept])
        t = float(times[-1])
    return np.concatenate(kept)


def sample_times(rng: np.random.Generator, rate: DayRate, n: int) -> np.ndarray:
    """`n` independent times distributed like the day's arrivals (inverse CDF), sorted."""
    widths = np.diff(rate.breaks) * rate.rates
    cum = np.concatenate(([0.0], np.cumsum(widths)))
    u = rng.random(n) * cum[-1]
    idx = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(rate.rates) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(rate.rates[idx] > 0, (u - cum[idx]) / rate.rates[idx], 0.0)
    return np.sort(rate.breaks[idx] + offset)


def categorical(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category of each uniform draw, given cumulative shares."""
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


# --- visitors -------------------------------------------------------------------------------------
class DemandGenerator:
    """Makes each working day's visitors, in arrival order."""

    def __init__(self, inputs: ModelInputs, streams: Streams) -> None:
        d = inputs.demand
        procs = inputs.procedures
        shares = np.array(d.purpose_shares)
        self.purpose_cum = np.cumsum(shares / shares.sum())
        pshare = np.array([p.share for p in procs])
        self.procedure_cum = np.cumsum(pshare / pshare.sum())
        self.procedure_field = np.array([p.field for p in procs])
        u = UNIFORM
        self.u_purpose = Buffered(u, streams["purpose"])
        self.u_procedure = Buffered(u, streams["procedure"])
        self.u_priority = Buffered(u, streams["priority"])
        self.u_pc = Buffered(u, streams["lookup_pc.use"])
        self.u_help = Buffered(u, streams["support.needs_help"])
        self.u_balk = Buffered(u, streams["balking"])
        self.u_online = Buffered(u, streams["support.online"])
        self.patience = Buffered(d.patience or NEVER, streams["patience"])
        self.pc_time = Buffered(inputs.lookup_pcs.duration, streams["lookup_pc.session"])
        self.issue_time = Buffered(inputs.machines.issue_min, streams["ticket_machine.issue"])
        self.help_time = Buffered(inputs.support.pool.duration, streams["support.help"])
        self.return_delay = Buffered(d.return_delay, streams["returns.delay"])
        # Service-time draws, indexed by procedure (dossier visits) or n_procs + purpose code.
        self.n_procs = len(procs)
        draws = [ScalarDraws(p.service_min, streams[f"service.{p.id}"]) for p in procs]
        draws += [
            ScalarDraws(dist, streams[f"service.{name}"])
            for name, dist in zip(PURPOSE_NAMES, d.purpose_service, strict=True)
        ]
        self.service_next: list[Callable[[], float]] = [x.next for x in draws]
        self.docs_next = {
            i: ScalarDraws(p.documents, streams[f"documents.{p.id}"]).next
            for i, p in enumerate(procs)
            if p.documents is not None
        }
        self.proc_extra = [p.extra_document_min for p in procs]
        self.proc_has_docs = np.array([p.documents is not None for p in procs])
        self.priority_share = d.priority_share
        self.pc_share = d.lookup_pc_share
        self.help_share = d.help_share
        self.lookup_share = float(shares[LOOKUP] / shares.sum())
        self.reneging = d.patience is not None
        self.balking = d.balk_length > 0
        self.uses_machines = inputs.machines.count > 0
        self.arrival_rng = streams["arrivals"]
        self.pickup_rng = streams["pickup.arrivals"]
        self.patience_one = ScalarDraws(d.patience or NEVER, streams["pickup.patience"]).next
        self.return_rng = streams["returns"]
        self.next_id = 0

    def pickup_visitors(self, day: WorkDay, rate: DayRate, procedures: list[int]) -> list[Visitor]:
        """Citizens collecting a result today (one per procedure given), arriving like everyone
        else over the day; they are `collect` visits of the dossier's field."""
        times = sample_times(self.pickup_rng, rate, len(procedures)).tolist()
        out = []
        draw = self.service_next[self.n_procs + COLLECT]
        for t, p in zip(times, procedures, strict=True):
            field = int(self.procedure_field[p])
            out.append(
                Visitor(
                    self.next_id,
                    day.index,
                    t,
                    COLLECT,
                    p,
                    field,
                    False,
                    draw(),
                    deadline(t, self.patience_one()),
                )
            )
            self.next_id += 1
        return out

    def day_visitors(self, day: WorkDay, rate: DayRate, returning: list[Visitor]) -> list[Visitor]:
        """New arrivals by thinning, merged with yesterday's sent-home visitors, sorted by time."""
        times = thinning(self.arrival_rng, rate)
        n = len(times)
        purpose = categorical(self.purpose_cum, self.u_purpose.take(n))
        proc = categorical(self.procedure_cum, self.u_procedure.take(n))
        priority = self.u_priority.take(n) < self.priority_share
        due = deadlines(times, self.patience.take(n) if self.reneging else None)
        submit = purpose == SUBMIT
        service = self._service(submit, purpose, proc)
        vid = self.next_id
        out = list(
            map(
                Visitor,
                range(vid, vid + n),
                [day.index] * n,
                times.tolist(),
                purpose.tolist(),
                proc.tolist(),
                self.procedure_field[proc].tolist(),
                priority.tolist(),
                service,
                due.tolist(),
            )
        )
        self.next_id = vid + n
        self._optional_attributes(out, purpose, submit)
        if returning:
            out.extend(self._come_back(day, rate, returning))
            out.sort(key=_arrival)
        return out

    def _service(self, submit: np.ndarray, purpose: np.ndarray, proc: np.ndarray) -> list[float]:
        """Counter time, one draw per visitor from the stream of their procedure (or purpose),
        plus the time for documents beyond the first."""
        keys = np.where(submit, proc, self.n_procs + purpose).tolist()
        nexts = self.service_next
        service = [nexts[k]() for k in keys]
        if self.docs_next:
            docs_next, extra = self.docs_next, self.proc_extra
            for i in np.flatnonzero(submit & self.proc_has_docs[proc]).tolist():
                k = keys[i]
                service[i] += max(docs_next[k]() - 1.0, 0.0) * extra[k]
        return service

    def _optional_attributes(self, out: list[Visitor], purpose: np.ndarray, submit: np.ndarray) -> None:
        """Attributes only some scenarios use; each has its own stream, so drawing them only when
        used leaves every other stream (and common random numbers) untouched."""
        n = len(out)
        if self.uses_machines:
            for v, x in zip(out, self.issue_time.take(n).tolist(), strict=True):
                v.issue_min = x
        if self.balking:
            for v, x in zip(out, self.u_balk.take(n).tolist(), strict=True):
                v.u_balk = x
        if self.pc_share > 0 or self.lookup_share > 0:
            uses_pc = (self.u_pc.take(n) < self.pc_share) | (purpose == LOOKUP)
            pc_min = self.pc_time.take(n)
            for i in np.flatnonzero(uses_pc).tolist():
                out[i].uses_pc = True
                out[i].pc_min = float(pc_min[i])
        needs_help = purpose == ONLINE_HELP
        if self.help_share > 0:
            needs_help |= (self.u_help.take(n) < self.help_share) & submit
        if needs_help.any():
            help_min = self.help_time.take(n)
            u_online = self.u_online.take(n)
            for i in np.flatnonzero(needs_help).tolist():
                out[i].needs_help = True
                out[i].help_min = float(help_min[i])
                out[i].u_online = float(u_online[i])

    def _come_back(self, day: WorkDay, rate: DayRate, returning: list[Visitor]) -> list[Visitor]:
        """Yesterday's sent-home visitors, back at times like today's arrivals plus a delay."""
        back = sample_times(self.return_rng, rate, len(returning))
        back = back + self.return_delay.take(len(returning))
        for v, t in zip(returning, back.tolist(), strict=True):
            come_back(v, t)
            v.day = day.index
            v.ready = t
            v.returning = True
            v.outcome = IN_SYSTEM
            v.ticket = v.call = v.end = math.nan
            v.staff = -1
            v.id = self.next_id
            self.next_id += 1
        return returning


def _arrival(v: Visitor) -> float:
    return v.arrival
