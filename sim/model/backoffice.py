"""The back office: dossiers after reception, their due dates, missing papers, sign-off, returns.

Dossiers come from three channels — handed in at a counter, filed online with the support team's
help, or filed online by citizens round the clock — and go into one work queue per field, ordered
by due date (EDD) or by arrival (FIFO). Back-office workers are SimPy processes: staff members work
on their fields in their `back_office_share` of the working day (a dossier needing w minutes of full
attention takes w / share minutes of their day), and pools (a commune department) do the same for
the fields they cover. Work left at closing on dossiers due that day goes on "until the work is
done", up to an overtime limit. Procedures finished at the counter (certified copies) end there.

A request for missing papers pauses the dossier while the citizen gathers them; that time is not
counted, so the due date moves back by the same number of working days. A second request makes the
dossier late, as the portal counts it. Results needing a leader's signature wait for the next
signing time at which a signer is at work. On-time status follows the portal: finished on or before
the appointment date, or still in progress within it at the end of the window.

Statistics are streaming: a dossier is classified when it finishes and then forgotten, so memory
holds only the open backlog.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.model.demand import UNIFORM, Buffered, DayRate, ScalarDraws, thinning
from sim.model.duedates import WorkingCalendar
from sim.model.streams import Streams
from sim.model.visitor import Visitor
from sim.model.workers import Dossier, Window, Worker, staff_windows
from sim.scenario.calendar import parse_hhmm
from sim.scenario.distributions import Deterministic
from sim.scenario.schema import BackOfficeSpec, Scenario

if TYPE_CHECKING:
    from sim.model.centre import Presence

EARLY, ON_TIME, LATE, OPEN_WITHIN = range(4)
CHANNELS = ("counter", "online_support", "online")
CHANNEL_CODES = {name: i for i, name in enumerate(CHANNELS)}


class BackOffice:
    """Implements the front office's dossier hand-off (`submit`) and runs the back office."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        calendar: WorkingCalendar,
        presence: Presence,
        first_window_day: int = 0,
    ) -> None:
        spec = scenario.back_office
        assert spec is not None
        self.spec: BackOfficeSpec = spec
        self.env = env
        self.scenario = scenario
        self.cal = calendar
        self.n_days = calendar.window_days
        """Working days simulated: the warm-up (if any) and the window."""
        self.first = first_window_day
        """Index of the window's first working day (0 without a warm-up)."""
        self.n_window_days = self.n_days - first_window_day
        self.cutoff = float(parse_hhmm(spec.same_day_cutoff))
        self.overtime_limit = spec.overtime_limit_min
        self.edd = spec.order == "edd"
        procs = scenario.procedures
        field_index = {f.id: i for i, f in enumerate(scenario.fields)}
        self.n_fields = len(scenario.fields)
        self.proc_field = [field_index[p.field] for p in procs]
        self.proc_days = [p.statutory_days for p in procs]
        self.proc_spot = [p.on_the_spot for p in procs]
        self.proc_sign = [p.sign_off for p in procs]
        self.proc_fee = [p.fee_share for p in procs]
        self.proc_pay_online = [p.online_payment_share for p in procs]
        self.u_fee = [ScalarDraws(UNIFORM, streams[f"fees.{p.id}"]) for p in procs]
        self.u_fee_next = [draws.next for draws in self.u_fee]
        self.fee_bearing = 0
        self.paid_online = 0
        self.proc_pickup = [p.result_return == "counter" and not p.on_the_spot for p in procs]
        self.pickup_delay = (
            ScalarDraws(spec.pickup_delay_days, streams["pickup.delay"]) if spec.pickup_visits else None
        )
        self.pickups: dict[int, list[int]] = {}
        self.pickups_made = 0
        """Working-day index -> procedures whose results citizens come to collect that day."""
        self.external = [
            ScalarDraws(p.external_days, streams[f"external_days.{p.id}"])
            if p.external_days is not None
            else None
            for p in procs
        ]
        self.proc_p1 = [p.missing_papers for p in procs]
        self.proc_p2 = [p.second_request for p in procs]
        zero = Deterministic(dist="deterministic", value=0.0)
        self.work = [ScalarDraws(p.work_min or zero, streams[f"work.{p.id}"]) for p in procs]
        self.supply = [ScalarDraws(p.supply_days, streams[f"supply_days.{p.id}"]) for p in procs]
        self.u_missing = [ScalarDraws(UNIFORM, streams[f"missing_papers.{p.id}"]) for p in procs]
        self.queues: list[list[tuple[float, float, int, Dossier]]] = [[] for _ in scenario.fields]
        self.idle: list[Worker] = []
        self.tray: list[Dossier] = []
        self.inbox: list[Dossier] = []
        self.today: tuple[int, float, float, float, int] = (-1, math.inf, -math.inf, 0.0, 0)
        """(index, opens, closes, midnight, calendar day number) of the working day under way."""
        self.open: set[Dossier] = set()
        self.seq = 0
        # Streaming statistics (dossiers received in the window).
        # Plain lists: incrementing numpy scalars one at a time costs more than the dossier does.
        nd = self.n_window_days
        self.daily_received = [0] * nd
        self.daily_completed = [0] * nd
        self.daily_backlog = [0] * nd
        self.outcomes = [[0, 0, 0, 0] for _ in range(self.n_fields)]
        self.received = [0] * self.n_fields
        self.field_completed = [0] * self.n_fields
        self.field_processing = [0.0] * self.n_fields
        self.by_channel = dict.fromkeys(CHANNELS, 0)
        self.completed = 0
        self.processing_minutes = 0.0
        self.slips = 0
        self.presence = presence
        self.workers = self._workers(presence)
        for w in self.workers:
            env.process(w.run())
        env.process(self._daily())
        if scenario.online.dossiers_per_day > 0:
            env.process(self._online(streams))
        if spec.start == "backlog":
            self._initial_backlog(streams)

    # --- who works when ---------------------------------------------------------------------
    def _workers(self, presence: Presence) -> list[Worker]:
        s = self.scenario
        field_index = {f.id: i for i, f in enumerate(s.fields)}
        days = self.cal.days[: self.n_days]
        workers: list[Worker] = []
        for m in s.staff:
            if m.back_office_share <= 0:
                continue
            fields = tuple(field_index[f] for f in m.fields)
            workers.append(
                Worker(self, m.id, fields, m.back_office_share, staff_windows(m.id, days, presence))
            )
        for pool in self.spec.pools:
            fields = tuple(field_index[f] for f in pool.fields)
            for i in range(pool.workers):
                workers.append(
                    Worker(
                        self,
                        f"{pool.id}.{i + 1}",
                        fields,
                        pool.share,
                        (Window(d.sessions, d.index, True) for d in days),
                    )
                )
        return workers

    # --- dossiers in ------------------------------------------------------------------------
    def submit(self, visitor: Visitor, time: float, channel: str) -> None:
        """The front office's hand-off: a dossier handed in at a counter or filed with help."""
        procedure = visitor.procedure
        today = self.today
        if (
            channel == "counter"
            and self.proc_spot[procedure]
            and today[1] <= time <= today[2]
            and today[0] >= self.first
        ):
            # The common case, kept short: finished on the spot during today's opening hours.
            day = today[0]
            due = day + self.proc_days[procedure]
            window_day = day - self.first
            if due == day and time - today[3] > self.cutoff:
                due += 1  # the 15:00 rule
            f = self.proc_field[procedure]
            self.received[f] += 1
            self.daily_received[window_day] += 1
            self.by_channel["counter"] += 1
            p_fee = self.proc_fee[procedure]
            if p_fee > 0:
                draw = self.u_fee_next[procedure]
                if draw() < p_fee:
                    self.fee_bearing += 1
                    if draw() < self.proc_pay_online[procedure]:
                        self.paid_online += 1
            self.daily_completed[window_day] += 1
            self.completed += 1
            self.field_completed[f] += 1
            if today[4] < self.cal.daynum[due]:
                self.outcomes[f][EARLY] += 1
            else:
                self.outcomes[f][ON_TIME] += 1
            return
        self.receive(procedure, time, CHANNEL_CODES[channel])

    def receive(self, procedure: int, time: float, channel: int) -> Dossier | None:
        """A dossier arrives; returns it, or None when it was finished on the spot."""
        f = self.proc_field[procedure]
        day, start = self.cal.reception(time)
        due = self.cal.due_from(day, start, self.proc_days[procedure], self.cutoff)
        in_window = self.first <= day < self.n_days
        if in_window:
            self.received[f] += 1
            self.daily_received[day - self.first] += 1
            self.by_channel[CHANNELS[channel]] += 1
            if self.proc_fee[procedure] > 0:
                self._fee(procedure)
        if channel == 0 and self.proc_spot[procedure]:
            # Finished at the counter while the visitor waited: no dossier object needed.
            if in_window:
                self._record(f, time, time, due, False)
            return None
        d = Dossier(self.seq, procedure, f, channel, time)
        self.seq += 1
        d.reception_day = day
        d.due = due
        d.in_window = in_window
        d.remaining = self.work[procedure].next()
        p1 = self.proc_p1[procedure]
        if p1 > 0 and self.u_missing[procedure].next() < p1:
            d.requests_left = 1  # whether a second request follows is drawn at the first
        self.open.add(d)
        if start > time:
            self.inbox.append(d)  # out of hours: nobody looks at it before the next opening
        else:
            self.push(d)
        return d

    def _fee(self, procedure: int) -> None:
        """Does this dossier of the window carry a fee, and is it paid online? (766 online payment)"""
        draws = self.u_fee[procedure]
        if draws.next() < self.proc_fee[procedure]:
            self.fee_bearing += 1
            if draws.next() < self.proc_pay_online[procedure]:
                self.paid_online += 1

    def push(self, d: Dossier, wake: bool = True) -> None:
        if wake and self.idle:
            f = d.field
            for w in self.idle:
                if f in w.field_set:
                    self.idle.remove(w)
                    assert w.wake is not None
                    now = self.env.now
                    queues = self.queues
                    if (
                        w.window is not None
                        and now < w.window.end
                        and d.requests_left == 0
                        and not any(queues[g] for g in w.fields)
                    ):
                        # Nothing else waits for this worker: hand the dossier over and let the
                        # wake-up fire when this stretch of work ends (one event, not two).
                        clock, work = w.plan(d, now)
                        w.wake.trigger_after(clock, (d, work))
                        return
                    w.wake.succeed(None)
                    break
        key = float(d.due) if self.edd else d.received
        heapq.heappush(self.queues[d.field], (key, d.received, d.id, d))

    def pick(self, fields: tuple[int, ...], due_by: int | None) -> Dossier | None:
        """The next dossier to work on among `fields` (optionally only those due by a day).

        A dossier's first look may reveal missing papers: it is then set aside and the next one
        is taken.
        """
        if due_by is not None and not self.edd:
            return self._pick_due_fifo(fields, due_by)
        while True:
            best, best_q = None, None
            for f in fields:
                q = self.queues[f]
                if q and (best is None or q[0] < best):
                    best, best_q = q[0], q
            if best_q is None:
                return None
            d = best[3]
            if due_by is not None and d.due > due_by:
                return None
            heapq.heappop(best_q)
            if d.requests_left > 0:
                self._request_papers(d)
                continue
            return d

    def _pick_due_fifo(self, fields: tuple[int, ...], due_by: int) -> Dossier | None:
        """Overtime under FIFO: the oldest dossier due by `due_by`, wherever it sits in its queue
        (rare, so a scan is fine)."""
        while True:
            best, best_q = None, None
            for f in fields:
                for entry in self.queues[f]:
                    if entry[3].due <= due_by and (best is None or entry < best):
                        best, best_q = entry, self.queues[f]
            if best_q is None:
                return None
            best_q.remove(best)
            heapq.heapify(best_q)
            d = best[3]
            if d.requests_left > 0:
                self._request_papers(d)
                continue
            return d

    def _request_papers(self, d: Dossier) -> None:
        d.requests_left -= 1
        d.requests_made += 1
        if d.requests_made == 1 and self.u_missing[d.procedure].next() < self.proc_p2[d.procedure]:
            d.requests_left += 1  # the papers brought back will again be incomplete
        if d.requests_made >= 2:
            d.late = True  # the portal counts a second request as late
        k = max(1, math.ceil(self.supply[d.procedure].next()))
        today = self.cal.index_of_time(self.env.now)
        back_day = min(max(today, 0) + k, len(self.cal.days) - 1)
        d.due += k  # the citizen's time is not counted
        back = self.cal.opens[back_day]
        ev = self.env.timeout(max(0.0, back - self.env.now))
        ev.callbacks.append(lambda _e, d=d: self.push(d))

    # --- dossiers out -----------------------------------------------------------------------
    def work_finished(self, d: Dossier) -> None:
        away = self.external[d.procedure]
        if away is not None and not d.returned:
            # Off to another agency; back at an opening k working days later, then signed.
            d.returned = True
            k = max(1, math.ceil(away.next()))
            today = max(self.cal.index_of_time(self.env.now), 0)
            back = self.cal.opens[min(today + k, len(self.cal.days) - 1)]
            ev = self.env.timeout(max(0.0, back - self.env.now))
            ev.callbacks.append(lambda _e, d=d: self.work_finished(d))
            return
        if self.proc_sign[d.procedure]:
            self.tray.append(d)
        else:
            self.complete(d, self.env.now)

    def complete(self, d: Dossier, time: float) -> None:
        d.completed = time
        self.open.discard(d)
        if self.pickup_delay is not None and self.proc_pickup[d.procedure]:
            # The citizen comes back for the result a few working days later.
            k = max(1, int(self.pickup_delay.next()))
            day = self.cal.index_of_time(time) + k
            if day < self.n_days:
                self.pickups.setdefault(day, []).append(d.procedure)
                self.pickups_made += 1
        if d.in_window:
            self._record(d.field, d.received, time, d.due, d.late)

    def _record(self, f: int, received: float, time: float, due: int, late: bool) -> None:
        """Count a finished dossier of the window: early, on time or late, as the portal does."""
        day = self.cal.index_of_time(time)
        if self.first <= day < self.n_days:
            self.daily_completed[day - self.first] += 1
        self.completed += 1
        self.processing_minutes += time - received
        self.field_processing[f] += time - received
        self.field_completed[f] += 1
        daynums = self.cal.daynum
        done_day, due_day = int(time // 1440.0), daynums[min(due, len(daynums) - 1)]
        if late or done_day > due_day:
            self.outcomes[f][LATE] += 1
        elif done_day < due_day:
            self.outcomes[f][EARLY] += 1
        else:
            self.outcomes[f][ON_TIME] += 1

    def _daily(self) -> Generator[simpy.Event, object, None]:
        """The back office's day: out-of-hours dossiers join the queues at opening; leaders sign
        at set times when a signer is at work, and at closing if asked to; apology slips and the
        backlog are counted at the end of the day."""
        env = self.env
        spec = self.spec.sign_off
        times = sorted(parse_hhmm(t) for t in spec.times)
        signers = spec.signers
        for day in self.cal.days[: self.n_days]:
            if env.now < day.opens:
                yield env.timeout(day.opens - env.now)
            self.today = (day.index, day.opens, day.closes, day.midnight, self.cal.daynum[day.index])
            inbox, self.inbox = self.inbox, []
            for d in inbox:
                self.push(d)
            present_sessions = (
                set().union(*(self.presence.sessions(s, day) for s in signers)) if signers else set()
            )
            moments: list[tuple[float, bool]] = []
            for t in times:
                at = day.midnight + t
                k = _session_at(day.sessions, at)
                if k is not None and day.session_names[k] in present_sessions:
                    moments.append((at, False))
            if spec.at_close and day.session_names[-1] in present_sessions:
                moments.append((day.closes + self.overtime_limit, True))
            for at, closing in moments:
                if env.now < at:
                    yield env.timeout(at - env.now)
                self._sign(day.index if closing else None)
            end = day.closes + self.overtime_limit
            if env.now < end:
                yield env.timeout(end - env.now)
            self._end_of_day(day.index)

    def _sign(self, due_by: int | None) -> None:
        now = self.env.now
        keep = []
        for d in self.tray:
            if due_by is None or d.due <= due_by:
                self.complete(d, now)
            else:
                keep.append(d)
        self.tray = keep

    def _end_of_day(self, index: int) -> None:
        if index < self.first:
            return  # warm-up: nothing is counted
        for d in self.open:
            if d.due == index:
                self.slips += 1  # apology and new-appointment slip
        self.daily_backlog[index - self.first] = self.backlog()

    def start_window(self) -> None:
        """The window opens after a warm-up: workers' time and work are counted from now on."""
        for w in self.workers:
            w.capacity = w.work_done = w.overtime = 0.0

    def backlog(self) -> int:
        """Dossiers in progress: received in the window (or carried into it), not after it."""
        n = self.n_days
        return sum(1 for d in self.open if d.reception_day < n)

    # --- other sources ----------------------------------------------------------------------
    def _online(self, streams: Streams) -> Generator[simpy.Event, object, None]:
        """Citizens filing online, 24/7, Poisson by thinning on an hour-of-day profile."""
        online = self.scenario.online
        rng = streams["online.arrivals"]
        weights = np.array(
            [p.online_weight if p.online_weight is not None else p.share for p in self.scenario.procedures]
        )
        cum = np.cumsum(weights / weights.sum())
        pick = Buffered(UNIFORM, streams["online.procedure"])
        blocks = [(parse_hhmm(b.start), parse_hhmm(b.end), b.weight) for b in online.hourly_profile]
        mass = sum((e - s) * w for s, e, w in blocks)
        breaks: list[float] = []
        rates: list[float] = []
        for s, e, w in blocks:  # one day's pattern; a zero-rate piece fills any gap
            if breaks and s > breaks[-1]:
                rates.append(0.0)
                breaks.append(s)
            elif not breaks:
                breaks.append(s)
            rates.append(w * online.dossiers_per_day / mass)
            breaks.append(e)
        base, r = np.asarray(breaks, dtype=float), np.asarray(rates)
        ndays = (self.scenario.calendar.end - self.scenario.calendar.start).days + 1
        # One thinning pass over the whole window: the daily pattern repeated, day after day.
        offsets = np.repeat(np.arange(ndays) * 1440.0, len(base))
        all_breaks = np.tile(base, ndays) + offsets
        all_rates = np.concatenate([np.append(r, 0.0)] * ndays)[:-1]
        keep = np.concatenate(([True], np.diff(all_breaks) > 0))  # drop repeated boundaries
        rate = DayRate(all_breaks[keep], all_rates[keep[1:]], float(r.max()))
        times = thinning(rng, rate)
        procs = np.minimum(np.searchsorted(cum, pick.take(len(times)), side="right"), len(cum) - 1)
        env = self.env
        for t, p in zip(times.tolist(), procs.tolist(), strict=True):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.receive(p, t, 2)

    def _initial_backlog(self, streams: Streams) -> None:
        """Dossiers already in progress when the window opens (received before it)."""
        rng = streams["back_office.initial_backlog"]
        procs = self.scenario.procedures
        for fid, count in self.spec.initial_backlog.items():
            idx = [i for i, p in enumerate(procs) if p.field == fid and not p.on_the_spot]
            if not idx or count == 0:
                continue
            w = np.array([procs[i].share for i in idx])
            for i in rng.choice(idx, size=count, p=w / w.sum()).tolist():
                d = Dossier(self.seq, i, self.proc_field[i], 0, -1.0)
                self.seq += 1
                d.in_window = False
                d.due = int(rng.integers(0, max(1, self.proc_days[i]) + 1))
                d.remaining = self.work[i].next() * float(rng.random())
                self.open.add(d)
                self.push(d)

    # --- results ----------------------------------------------------------------------------
    def finish(self) -> None:
        """Classify dossiers still open at the end of the window (portal rule)."""
        end_day = self.cal.window_end_daynum
        for d in self.open:
            if not d.in_window:
                continue
            due_day = self.cal.daynum[min(d.due, len(self.cal.daynum) - 1)]
            if d.late or due_day < end_day:
                self.outcomes[d.field][LATE] += 1
            else:
                self.outcomes[d.field][OPEN_WITHIN] += 1

    def utilisation(self) -> float:
        cap = sum(w.capacity for w in self.workers)
        return sum(w.work_done for w in self.workers) / cap if cap > 0 else math.nan


def _session_at(sessions: tuple[tuple[float, float], ...], t: float) -> int | None:
    for k, (a, b) in enumerate(sessions):
        if a <= t <= b:
            return k
    return None
