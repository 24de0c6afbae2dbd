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
signing time at which a signer is at work. Due dates and on-time classes are the portal's rules
(`sim.model.back.rules`).

Statistics are streaming: a dossier is classified when it finishes and then forgotten, so memory
holds only the open backlog.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Generator, Mapping

import numpy as np
import simpy

from sim.model.back.rules import WorkingCalendar, date_number, finished_class, open_class
from sim.model.back.workers import Office, Worker
from sim.model.demand import online_rate, thinning
from sim.model.dossier import CHANNELS, COUNTER, ONLINE, Dossier
from sim.model.inputs import BackOfficeInputs, ModelInputs
from sim.model.records import DossierLog
from sim.model.schedules import pool_desk_windows, staff_desk_windows
from sim.model.setting import Setting
from sim.model.streams import UNIFORM, Buffered, ScalarDraws, Streams
from sim.model.visitor import Visitor
from sim.scenario.calendar import WorkDay

CHANNEL_CODES = {name: i for i, name in enumerate(CHANNELS)}
QueueEntry = tuple[float, float, int, Dossier]
"""(order key, received, id, dossier): EDD or FIFO order, ties by reception."""


class BackOffice:
    """Implements the front office's dossier hand-off (`DossierSink`), the workers' `WorkQueue`,
    and runs the back office."""

    def __init__(self, setting: Setting, calendar: WorkingCalendar) -> None:
        inputs = setting.inputs
        spec = inputs.back_office
        assert spec is not None
        self.spec: BackOfficeInputs = spec
        self.env = setting.env
        self.cal = calendar
        self.n_days = calendar.window_days
        """Working days simulated: the warm-up (if any) and the window."""
        self.first = setting.first_window_day
        """Index of the window's first working day (0 without a warm-up)."""
        self.cutoff = spec.same_day_cutoff
        self.overtime_limit = spec.overtime_limit
        self.edd = spec.edd
        self.procedures = inputs.procedures
        self.field_ids = inputs.field_ids
        self.presence = setting.presence
        self._draws(inputs, setting.streams)
        self.queues: list[list[QueueEntry]] = [[] for _ in inputs.field_ids]
        self.idle: list[Worker] = []
        self.tray: list[Dossier] = []
        self.inbox: list[Dossier] = []
        self.open: set[Dossier] = set()
        self.seq = 0
        self.pickups: dict[int, list[int]] = {}
        """Working-day index -> procedures whose results citizens come to collect that day."""
        self.register: DossierLog | None = None
        """One row per dossier of the window, kept only with the event log (`keep_register`)."""
        self._counters(len(inputs.field_ids), self.n_days - self.first)
        self.workers = self._workers(inputs, setting)
        for w in self.workers:
            self.env.process(w.run())
        self.env.process(self._daily())
        if inputs.online.dossiers_per_day > 0:
            self.env.process(self._online(inputs, setting.streams))
        if spec.initial_backlog:
            self._initial_backlog(setting.streams)

    def _draws(self, inputs: ModelInputs, streams: Streams) -> None:
        """One named stream per procedure and quantity."""
        procs = inputs.procedures
        self.u_fee = [ScalarDraws(UNIFORM, streams[f"fees.{p.id}"]) for p in procs]
        delay = self.spec.pickup_delay
        self.pickup_delay = ScalarDraws(delay, streams["pickup.delay"]) if delay is not None else None
        self.external = [
            ScalarDraws(p.external_days, streams[f"external_days.{p.id}"])
            if p.external_days is not None
            else None
            for p in procs
        ]
        self.work = [ScalarDraws(p.work_min, streams[f"work.{p.id}"]) for p in procs]
        self.supply = [ScalarDraws(p.supply_days, streams[f"supply_days.{p.id}"]) for p in procs]
        self.u_missing = [ScalarDraws(UNIFORM, streams[f"missing_papers.{p.id}"]) for p in procs]

    def _counters(self, n_fields: int, n_window_days: int) -> None:
        """Streaming statistics of the dossiers received in the window. Plain lists: incrementing
        numpy scalars one at a time costs more than the dossier does."""
        self.daily_received = [0] * n_window_days
        self.daily_completed = [0] * n_window_days
        self.daily_backlog = [0] * n_window_days
        self.outcomes = [[0, 0, 0, 0] for _ in range(n_fields)]
        """Per field: counts by the portal's classes (`sim.model.back.rules`)."""
        self.received = [0] * n_fields
        self.field_completed = [0] * n_fields
        self.field_processing = [0.0] * n_fields
        self.by_channel = dict.fromkeys(CHANNELS, 0)
        self.completed = 0
        self.processing_minutes = 0.0
        self.slips = 0
        self.fee_bearing = 0
        self.paid_online = 0
        self.pickups_made = 0

    # --- who works when ---------------------------------------------------------------------
    def _workers(self, inputs: ModelInputs, setting: Setting) -> list[Worker]:
        office = Office(self.env, self, self.idle)
        days = self.cal.days[: self.n_days]
        workers = [
            Worker(
                office, m.id, m.fields, m.back_office_share, staff_desk_windows(m.id, days, setting.presence)
            )
            for m in inputs.staff
            if m.back_office_share > 0
        ]
        for pool in self.spec.pools:
            workers += [
                Worker(office, f"{pool.id}.{i + 1}", pool.fields, pool.share, pool_desk_windows(days))
                for i in range(pool.workers)
            ]
        return workers

    # --- dossiers in ------------------------------------------------------------------------
    def submit(self, visitor: Visitor, time: float, channel: str) -> None:
        """The front office's hand-off: a dossier handed in at a counter or filed with help."""
        self.receive(visitor.procedure, time, CHANNEL_CODES[channel])

    def receive(self, procedure: int, time: float, channel: int) -> Dossier | None:
        """A dossier arrives; returns it, or None when it was finished on the spot."""
        p = self.procedures[procedure]
        day, start = self.cal.reception(time)
        due = self.cal.due_from(day, start, p.statutory_days, self.cutoff)
        in_window = self.first <= day < self.n_days
        if in_window:
            self._count_in(procedure, day, channel)
        if channel == COUNTER and p.on_the_spot:
            # Finished at the counter while the visitor waited: no dossier object needed.
            if in_window:
                status = self._record(p.field, time, time, due, False)
                if self.register is not None:
                    self._register_on_the_spot(procedure, time, due, status)
            return None
        d = Dossier(self.seq, procedure, p.field, channel, time)
        self.seq += 1
        d.reception_day = day
        d.due = due
        d.in_window = in_window
        d.remaining = self.work[procedure].next()
        if p.missing_papers > 0 and self.u_missing[procedure].next() < p.missing_papers:
            d.requests_left = 1  # whether a second request follows is drawn at the first
        self.open.add(d)
        if start > time:
            self.inbox.append(d)  # out of hours: nobody looks at it before the next opening
        else:
            self.push(d)
        return d

    def _count_in(self, procedure: int, day: int, channel: int) -> None:
        """A dossier of the window is received: by field, day and channel, and its fee."""
        p = self.procedures[procedure]
        self.received[p.field] += 1
        self.daily_received[day - self.first] += 1
        self.by_channel[CHANNELS[channel]] += 1
        if p.fee_share > 0:
            # Does it carry a fee, and is the fee paid online? (766 online payment)
            draws = self.u_fee[procedure]
            if draws.next() < p.fee_share:
                self.fee_bearing += 1
                if draws.next() < p.online_payment_share:
                    self.paid_online += 1

    def push(self, d: Dossier, wake: bool = True) -> None:
        """Into its field's queue, or straight to an idle worker of the field (`wake`)."""
        if wake and self.idle and self._hand_to_idle(d):
            return
        key = float(d.due) if self.edd else d.received
        heapq.heappush(self.queues[d.field], (key, d.received, d.id, d))

    def _hand_to_idle(self, d: Dossier) -> bool:
        """Wake an idle worker of d's field; True if the dossier was handed over with it."""
        for w in self.idle:
            if d.field in w.field_set:
                self.idle.remove(w)
                assert w.wake is not None
                now = self.env.now
                if (
                    w.window is not None
                    and now < w.window.end
                    and d.requests_left == 0
                    and not any(self.queues[g] for g in w.fields)
                ):
                    # Nothing else waits for this worker: hand the dossier over and let the
                    # wake-up fire when this stretch of work ends (one event, not two).
                    clock, work = w.plan(d, now)
                    w.wake.trigger_after(clock, (d, work))
                    return True
                w.wake.succeed(None)
                return False
        return False

    def pick(self, fields: tuple[int, ...], due_by: int | None) -> Dossier | None:
        """The next dossier to work on among `fields` (optionally only those due by a day).

        A dossier's first look may reveal missing papers: it is then set aside and the next one
        is taken.
        """
        take = self._head if due_by is None or self.edd else self._oldest_due
        while True:
            found = take(fields, due_by)
            if found is None:
                return None
            queue, entry = found
            d = entry[3]
            if due_by is not None and d.due > due_by:
                return None
            if queue[0] is entry:
                heapq.heappop(queue)
            else:
                queue.remove(entry)
                heapq.heapify(queue)
            if d.requests_left > 0:
                self._request_papers(d)
                continue
            return d

    def _head(
        self, fields: tuple[int, ...], _due_by: int | None
    ) -> tuple[list[QueueEntry], QueueEntry] | None:
        """The queue (among `fields`) whose head comes first, and that head."""
        best: QueueEntry | None = None
        best_q: list[QueueEntry] | None = None
        for f in fields:
            q = self.queues[f]
            if q and (best is None or q[0] < best):
                best, best_q = q[0], q
        return None if best is None or best_q is None else (best_q, best)

    def _oldest_due(
        self, fields: tuple[int, ...], due_by: int | None
    ) -> tuple[list[QueueEntry], QueueEntry] | None:
        """Overtime under FIFO: the oldest dossier due by `due_by`, wherever it sits in its queue
        (rare, so a scan is fine)."""
        best: QueueEntry | None = None
        best_q: list[QueueEntry] | None = None
        for f in fields:
            for entry in self.queues[f]:
                if due_by is not None and entry[3].due <= due_by and (best is None or entry < best):
                    best, best_q = entry, self.queues[f]
        return None if best is None or best_q is None else (best_q, best)

    def _request_papers(self, d: Dossier) -> None:
        p = self.procedures[d.procedure]
        d.requests_left -= 1
        d.requests_made += 1
        if d.requests_made == 1 and self.u_missing[d.procedure].next() < p.second_request:
            d.requests_left += 1  # the papers brought back will again be incomplete
        if d.requests_made >= 2:
            d.late = True  # the portal counts a second request as late
        k = max(1, math.ceil(self.supply[d.procedure].next()))
        d.due += k  # the citizen's time is not counted
        self._later(self.cal.opening_after(self.env.now, k), d, self.push)

    def _later(self, at: float, d: Dossier, then: Callable[[Dossier], None]) -> None:
        """Call `then(d)` at time `at` (now, if it has passed)."""
        ev = self.env.timeout(max(0.0, at - self.env.now))
        ev.callbacks.append(lambda _e: then(d))

    # --- dossiers out -----------------------------------------------------------------------
    def work_finished(self, d: Dossier) -> None:
        away = self.external[d.procedure]
        if away is not None and not d.returned:
            # Off to another agency; back at an opening k working days later, then signed.
            d.returned = True
            k = max(1, math.ceil(away.next()))
            self._later(self.cal.opening_after(self.env.now, k), d, self.work_finished)
            return
        if self.procedures[d.procedure].sign_off:
            self.tray.append(d)
        else:
            self.complete(d, self.env.now)

    def complete(self, d: Dossier, time: float) -> None:
        d.completed = time
        self.open.discard(d)
        if self.pickup_delay is not None and self.procedures[d.procedure].picked_up:
            # The citizen comes back for the result a few working days later.
            k = max(1, int(self.pickup_delay.next()))
            day = self.cal.index_of_time(time) + k
            if day < self.n_days:
                self.pickups.setdefault(day, []).append(d.procedure)
                self.pickups_made += 1
        if d.in_window:
            status = self._record(d.field, d.received, time, d.due, d.late)
            if self.register is not None:
                self.register.add(d, self.cal.due_date(d.due), status, math.nan)

    def _record(self, f: int, received: float, time: float, due: int, late: bool) -> int:
        """Count a finished dossier of the window in its portal class; returns the class."""
        day = self.cal.index_of_time(time)
        if self.first <= day < self.n_days:
            self.daily_completed[day - self.first] += 1
        self.completed += 1
        self.processing_minutes += time - received
        self.field_processing[f] += time - received
        self.field_completed[f] += 1
        status = finished_class(date_number(time), self.cal.due_date(due), late)
        self.outcomes[f][status] += 1
        return status

    # --- the register (event log only) ------------------------------------------------------
    def keep_register(self) -> None:
        """Keep one row per dossier of the window (`sim.model.records.DossierLog`). Switched on
        before the run with the event log; it draws no random number and moves no event."""
        self.register = DossierLog(tuple(p.id for p in self.procedures), self.field_ids)

    def _register_on_the_spot(self, procedure: int, time: float, due: int, status: int) -> None:
        """A dossier finished at the counter has no `Dossier` in the model: make one for its row."""
        assert self.register is not None
        p = self.procedures[procedure]
        d = Dossier(-1, procedure, p.field, COUNTER, time)
        d.completed = time
        self.register.add(d, self.cal.due_date(due), status, time)  # handed back on the spot

    def take_pickups(self, day: int) -> list[int]:
        return self.pickups.pop(day, [])

    # --- the day ----------------------------------------------------------------------------
    def _daily(self) -> Generator[simpy.Event, object, None]:
        """The back office's day: out-of-hours dossiers join the queues at opening; leaders sign
        at set times when a signer is at work, and at closing if asked to; apology slips and the
        backlog are counted at the end of the day."""
        env = self.env
        for day in self.cal.days[: self.n_days]:
            if env.now < day.opens:
                yield env.timeout(day.opens - env.now)
            inbox, self.inbox = self.inbox, []
            for d in inbox:
                self.push(d)
            for at, closing in self._signing_moments(day):
                if env.now < at:
                    yield env.timeout(at - env.now)
                self._sign(day.index if closing else None)
            end = day.closes + self.overtime_limit
            if env.now < end:
                yield env.timeout(end - env.now)
            self._end_of_day(day.index)

    def _signing_moments(self, day: WorkDay) -> list[tuple[float, bool]]:
        """When leaders sign today: each signing time in a session a signer is at work, and (if
        asked) at closing for results due today; (time, at closing)."""
        signers = self.spec.signers
        present = set().union(*(self.presence.sessions(s, day) for s in signers)) if signers else set()
        moments: list[tuple[float, bool]] = []
        for t in self.spec.sign_times:
            at = day.midnight + t
            k = _session_at(day.sessions, at)
            if k is not None and day.session_names[k] in present:
                moments.append((at, False))
        if self.spec.sign_at_close and day.session_names[-1] in present:
            moments.append((day.closes + self.overtime_limit, True))
        return moments

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
            w.start_window()

    def backlog(self) -> int:
        """Dossiers in progress: received in the window (or carried into it), not after it."""
        n = self.n_days
        return sum(1 for d in self.open if d.reception_day < n)

    # --- other sources ----------------------------------------------------------------------
    def _online(self, inputs: ModelInputs, streams: Streams) -> Generator[simpy.Event, object, None]:
        """Citizens filing online, 24/7, Poisson by thinning on an hour-of-day profile."""
        weights = np.array([p.online_weight for p in inputs.procedures])
        cum = np.cumsum(weights / weights.sum())
        pick = Buffered(UNIFORM, streams["online.procedure"])
        calendar_days = (inputs.calendar.end - inputs.calendar.start).days + 1
        times = thinning(streams["online.arrivals"], online_rate(inputs.online, calendar_days))
        procs = np.minimum(np.searchsorted(cum, pick.take(len(times)), side="right"), len(cum) - 1)
        env = self.env
        for t, p in zip(times.tolist(), procs.tolist(), strict=True):
            if t > env.now:
                yield env.timeout(t - env.now)
            self.receive(p, t, ONLINE)

    def _initial_backlog(self, streams: Streams) -> None:
        """Dossiers already in progress when the window opens (received before it)."""
        rng = streams["back_office.initial_backlog"]
        procs = self.procedures
        for field, count in self.spec.initial_backlog:
            idx = [i for i, p in enumerate(procs) if p.field == field and not p.on_the_spot]
            if not idx or count == 0:
                continue
            w = np.array([procs[i].share for i in idx])
            for i in rng.choice(idx, size=count, p=w / w.sum()).tolist():
                d = Dossier(self.seq, i, procs[i].field, COUNTER, -1.0)
                self.seq += 1
                d.in_window = False
                d.due = int(rng.integers(0, max(1, procs[i].statutory_days) + 1))
                d.remaining = self.work[i].next() * float(rng.random())
                self.open.add(d)
                self.push(d)

    # --- results ----------------------------------------------------------------------------
    def finish(self) -> None:
        """Classify dossiers still open at the end of the window (portal rule)."""
        end_date = self.cal.window_end_daynum
        for d in self.open:
            if d.in_window:
                self.outcomes[d.field][open_class(self.cal.due_date(d.due), end_date, d.late)] += 1
        if self.register is not None:  # in reception order: a set's order changes from run to run
            for d in sorted((d for d in self.open if d.in_window), key=_dossier_id):
                status = open_class(self.cal.due_date(d.due), end_date, d.late)
                self.register.add(d, self.cal.due_date(d.due), status, math.nan)

    def channel_counts(self) -> Mapping[str, int]:
        return self.by_channel

    def utilisation(self) -> float:
        cap = sum(w.capacity for w in self.workers)
        return sum(w.work_done for w in self.workers) / cap if cap > 0 else math.nan


def _dossier_id(d: Dossier) -> int:
    return d.id


def _session_at(sessions: tuple[tuple[float, float], ...], t: float) -> int | None:
    for k, (a, b) in enumerate(sessions):
        if a <= t <= b:
            return k
    return None
