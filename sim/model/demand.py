"""Who arrives on a working day: a non-homogeneous Poisson process and each visitor's attributes.

Arrival times come from thinning (Lewis & Shedler 1979): candidates at the day's peak rate, each
kept with probability rate(candidate time) / peak rate — the rate is read at the *candidate* time,
the mistake to avoid. Attributes are drawn on arrival from named streams through buffers, so the
k-th land visitor gets the k-th land service time in every scenario (common random numbers) while
numpy is called once per thousand visitors rather than once per visitor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.streams import Streams
from sim.model.visitor import COLLECT, IN_SYSTEM, LOOKUP, ONLINE_HELP, SUBMIT, Visitor
from sim.scenario.calendar import WorkDay, parse_hhmm, season_for
from sim.scenario.distributions import Deterministic
from sim.scenario.schema import PURPOSES, Scenario

EARLY_ARRIVAL_MIN = 30.0
"""Profile blocks are kept from this many minutes before opening (people queue at the door)."""


@dataclass(frozen=True, slots=True)
class DayRate:
    """A piecewise-constant arrival rate (visitors per minute) over one day."""

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


def day_rate(scenario: Scenario, day: WorkDay) -> DayRate:
    """The day's rate: the season's profile, clipped to opening hours, scaled to the day's demand."""
    demand = scenario.demand
    season = season_for(scenario.calendar, day.date)
    blocks = demand.season_profiles.get(season.name if season else "", demand.hourly_profile)
    lo = day.opens - EARLY_ARRIVAL_MIN
    hi = day.closes
    pieces: list[tuple[float, float, float]] = []
    for b in blocks:
        s = max(day.midnight + parse_hhmm(b.start), lo)
        e = min(day.midnight + parse_hhmm(b.end), hi)
        if e > s:
            pieces.append((s, e, b.weight))
    mass = sum((e - s) * w for s, e, w in pieces)
    total = demand.visits_per_day * demand.weekday_factor(day.weekday)
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
    if not breaks:
        breaks, rates = [day.opens, day.closes], [0.0]
    r = np.asarray(rates, dtype=float)
    return DayRate(np.asarray(breaks, dtype=float), r, float(r.max()) if len(r) else 0.0)


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


class Buffered:
    """Draws from one distribution and one named stream, a chunk at a time."""

    __slots__ = ("_buf", "_dist", "_pos", "_rng")
    CHUNK = 1024

    def __init__(self, dist, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._buf = np.empty(0)
        self._pos = 0

    def take(self, k: int) -> np.ndarray:
        if self._pos + k > len(self._buf):
            fresh = self._dist.sample(self._rng, max(self.CHUNK, k))
            self._buf = np.concatenate((self._buf[self._pos :], fresh))
            self._pos = 0
        out = self._buf[self._pos : self._pos + k]
        self._pos += k
        return out


class ScalarDraws:
    """One value at a time from a distribution and a named stream, drawn in chunks of 256.

    For quantities drawn one by one in event order (a dossier's work, a supply delay); cheaper
    than slicing numpy arrays for single values.
    """

    __slots__ = ("_dist", "_list", "_pos", "_rng")
    CHUNK = 256

    def __init__(self, dist, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._list: list[float] = []
        self._pos = 0

    def next(self) -> float:
        if self._pos >= len(self._list):
            self._list = self._dist.sample(self._rng, self.CHUNK).tolist()
            self._pos = 0
        x = self._list[self._pos]
        self._pos += 1
        return x


class StandardUniform:
    """The U(0,1) 'distribution', for Bernoulli and categorical draws through `Buffered`."""

    @staticmethod
    def sample(rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.random(size)


UNIFORM = StandardUniform()
"""U(0, 1), for Bernoulli and categorical draws through `Buffered` and `ScalarDraws`."""


class DemandGenerator:
    """Makes each working day's visitors, in arrival order."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        d = scenario.demand
        self.scenario = scenario
        self.streams = streams
        self.field_index = {f.id: i for i, f in enumerate(scenario.fields)}
        shares = np.array([d.purposes[p].share if p in d.purposes else 0.0 for p in PURPOSES])
        self.purpose_cum = np.cumsum(shares / shares.sum())
        procs = scenario.procedures
        pshare = np.array([p.share for p in procs])
        self.procedure_cum = np.cumsum(pshare / pshare.sum())
        self.procedure_field = np.array([self.field_index[p.field] for p in procs])
        u = UNIFORM
        self.u_purpose = Buffered(u, streams["purpose"])
        self.u_procedure = Buffered(u, streams["procedure"])
        self.u_priority = Buffered(u, streams["priority"])
        self.u_pc = Buffered(u, streams["lookup_pc.use"])
        self.u_help = Buffered(u, streams["support.needs_help"])
        self.u_balk = Buffered(u, streams["balking"])
        self.u_online = Buffered(u, streams["support.online"])
        # Built unvalidated: scenario values must be finite, this internal "wait for ever" is not.
        never = Deterministic.model_construct(dist="deterministic", value=math.inf)
        self.patience = Buffered(d.patience_min or never, streams["patience"])
        eq = scenario.equipment
        self.pc_time = Buffered(eq.lookup_pcs.session_min, streams["lookup_pc.session"])
        self.issue_time = Buffered(eq.ticket_machines.issue_min, streams["ticket_machine.issue"])
        self.help_time = Buffered(scenario.support_team.help_min, streams["support.help"])
        self.return_delay = Buffered(d.return_delay_min, streams["returns.delay"])
        # Service-time draws, indexed by procedure (dossier visits) or n_procs + purpose code.
        self.n_procs = len(procs)
        fallback = Deterministic(dist="deterministic", value=4.0)
        draws = [ScalarDraws(p.service_min, streams[f"service.{p.id}"]) for p in procs]
        enquiry = d.purposes.get("enquiry")
        for code, name in enumerate(PURPOSES):
            spec = d.purposes.get(name)
            if code == LOOKUP:  # look-ups that end at a counter are served like enquiries
                spec = enquiry
            dist = spec.service_min if spec and spec.service_min else fallback
            draws.append(ScalarDraws(dist, streams[f"service.{name}"]))
        self.service_next = [x.next for x in draws]
        self.docs_next = {
            i: ScalarDraws(p.documents, streams[f"documents.{p.id}"]).next
            for i, p in enumerate(procs)
            if p.documents is not None
        }
        self.proc_extra = [p.extra_document_min for p in procs]
        self.proc_has_docs = np.array([p.documents is not None for p in procs])
        self.priority_share = d.priority_share
        self.pc_share = d.uses_lookup_pc_share
        self.help_share = d.needs_help_share
        self.lookup_share = float(shares[LOOKUP] / shares.sum())
        self.reneging = d.patience_min is not None
        self.balking = d.balking is not None
        self.uses_machines = eq.ticket_machines.count > 0
        self.arrival_rng = streams["arrivals"]
        self.pickup_rng = streams["pickup.arrivals"]
        patience = ScalarDraws(d.patience_min or never, streams["pickup.patience"])
        self.patience_one = patience.next
        self.return_rng = streams["returns"]
        self.next_id = 0

    def pickup_visitors(self, day: WorkDay, rate: DayRate, procedures: list[int]) -> list[Visitor]:
        """Citizens collecting a result today (one per procedure given), arriving like everyone
        else over the day; they are `collect` visits of the dossier's field."""
        n = len(procedures)
        times = sample_times(self.pickup_rng, rate, n).tolist()
        out = []
        draw = self.service_next[self.n_procs + COLLECT]
        for t, p in zip(times, procedures, strict=True):
            out.append(
                Visitor(
                    self.next_id,
                    day.index,
                    t,
                    COLLECT,
                    p,
                    int(self.procedure_field[p]),
                    False,
                    draw(),
                    t + self.patience_one(),
                )
            )
            self.next_id += 1
        return out

    def day_visitors(self, day: WorkDay, rate: DayRate, returning: list[Visitor]) -> list[Visitor]:
        """New arrivals by thinning, merged with yesterday's sent-home visitors, sorted by time."""
        times = thinning(self.arrival_rng, rate)
        n = len(times)
        purpose = np.searchsorted(self.purpose_cum, self.u_purpose.take(n), side="right")
        purpose = np.minimum(purpose, len(PURPOSES) - 1)
        proc = np.minimum(
            np.searchsorted(self.procedure_cum, self.u_procedure.take(n), side="right"),
            len(self.procedure_cum) - 1,
        )
        field = self.procedure_field[proc]
        priority = self.u_priority.take(n) < self.priority_share
        deadline = times + self.patience.take(n) if self.reneging else np.full(n, math.inf)
        submit = purpose == SUBMIT
        # Counter time, one draw per visitor from the stream of their procedure (or purpose).
        keys = np.where(submit, proc, self.n_procs + purpose).tolist()
        nexts = self.service_next
        service = [nexts[k]() for k in keys]
        if self.docs_next:
            docs_next, extra = self.docs_next, self.proc_extra
            with_docs = np.flatnonzero(submit & self.proc_has_docs[proc]).tolist()
            for i in with_docs:
                k = keys[i]
                service[i] += max(docs_next[k]() - 1.0, 0.0) * extra[k]
        vid = self.next_id
        idx = day.index
        out = list(
            map(
                Visitor,
                range(vid, vid + n),
                [idx] * n,
                times.tolist(),
                purpose.tolist(),
                proc.tolist(),
                field.tolist(),
                priority.tolist(),
                service,
                deadline.tolist(),
            )
        )
        # Attributes only some scenarios use; each has its own stream, so drawing them only when
        # used leaves every other stream (and common random numbers) untouched.
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
        self.next_id = vid + n
        if returning:
            back = sample_times(self.return_rng, rate, len(returning))
            back = back + self.return_delay.take(len(returning))
            for v, t in zip(returning, back.tolist(), strict=True):
                patience = v.deadline - v.arrival
                v.arrival, v.day, v.deadline = t, idx, t + patience
                v.ready = t
                v.returning = True
                v.outcome = IN_SYSTEM
                v.ticket = v.call = v.end = math.nan
                v.staff = -1
                v.id = self.next_id
                self.next_id += 1
            out.extend(returning)
            out.sort(key=_arrival)
        return out


def _arrival(v: Visitor) -> float:
    return v.arrival
