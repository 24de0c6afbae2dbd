"""The front office: routes visitors through the lookup PCs, the support team, the ticket machines
and the counters, and runs the day's clock.

A visitor's route: arrive → (lookup PC) → (support team) → ticket machine (balk here on seeing a
long queue) → counter queue of their field → a staff member calls them. The closing clock ends each
session: it wakes idle staff, and at the end of the day sends home whoever still waits (to return
the next working day) under the chosen closing rule.

Every dossier handed in goes to a `DossierSink` (`submit(visitor, time, channel)`): the back office,
or `DossierCounter` when the scenario has none.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Generator, Mapping

import simpy

from sim.model.demand import EARLY_ARRIVAL_MIN, DayRate, arrival_rate, season_name
from sim.model.front.equipment import Pool, TicketMachines
from sim.model.front.queues import CounterQueues
from sim.model.front.staff import Counters, Staff
from sim.model.monitors import WaitMonitor
from sim.model.ports import DemandSource, DossierSink
from sim.model.records import EventRow, VisitLog
from sim.model.schedules import Windows, issuing_windows, open_hours, staff_duties, support_shifts
from sim.model.setting import Setting
from sim.model.streams import UNIFORM, ScalarDraws
from sim.model.visitor import (
    BALKED,
    LOOKUP,
    ONLINE_HELP,
    SENT_HOME,
    SERVED_COUNTER,
    SERVED_LOOKUP,
    SERVED_SUPPORT,
    SUBMIT,
    Visitor,
)
from sim.scenario.calendar import WorkDay

FOLD_EVERY = 4096
"""Fold the waiting-time lists into the monitors' arrays when they hold more than this many values
(bounded memory, and numpy called a few times a month rather than every day)."""


class DossierCounter:
    """The dossier sink without a back office: counts dossiers by channel."""

    def __init__(self) -> None:
        self.by_channel: Counter[str] = Counter()

    def submit(self, visitor: Visitor, time: float, channel: str) -> None:
        self.by_channel[channel] += 1

    def take_pickups(self, day: int) -> list[int]:
        return []

    def start_window(self) -> None:
        self.by_channel.clear()

    def channel_counts(self) -> Mapping[str, int]:
        return self.by_channel


class FrontOffice:
    """One replication's front office (implements `FrontDesk` for the staff and `TicketDesk` for
    the ticket machines)."""

    def __init__(
        self, setting: Setting, dossiers: DossierSink, demand: DemandSource, event_log: bool = False
    ) -> None:
        inputs = self.inputs = setting.inputs
        self.days = setting.days
        self.env = setting.env
        self.presence = setting.presence
        self.first_window_day = setting.first_window_day
        self.dossiers = dossiers
        self.submit_dossier = dossiers.submit  # bound once: called for every dossier handed in
        self.demand = demand
        pol = self.policies = inputs.policies
        self.cross_serving = pol.cross_serving
        self.threshold = pol.wait_threshold
        self.waits = WaitMonitor(len(inputs.field_ids))
        self.reneged = 0
        self.queues = CounterQueues(
            len(inputs.field_ids),
            pol.strict_priority,
            pol.priority_interleave,
            self.waits,
            self._reneged if inputs.demand.patience is not None else None,
        )
        self.balk_length = inputs.demand.balk_length
        self.balk_p = inputs.demand.balk_probability
        self.online_share = inputs.support.online_share
        self.help_factor = inputs.support.counter_time_factor
        self.idle: list[Staff] = []
        self.manual_queue: deque[Visitor] = deque()
        self.returning: list[Visitor] = []
        log = (
            VisitLog(
                inputs.field_ids,
                tuple(m.id for m in inputs.staff),
                _dates(self.days),
                tuple(p.id for p in inputs.procedures),
            )
            if event_log
            else None
        )
        self.events: list[EventRow] | None = log.rows if log is not None else None
        self.log_visit: Callable[[Visitor], None] | None = log.add if log is not None else None
        self.arrived = self.served_counter = self.served_support = self.served_lookup = 0
        self.balked = self.sent_home = 0
        self.day_last_cutoff = -1.0
        self.after_closing = False
        """A session has ended and the next has not begun: clerks past their closing stay only
        while someone who came in before it may still get a number (`tickets_pending`)."""
        self.day_closed = False
        """Today's closing has sent everyone home: a number issued later is not served today."""
        self.manual_issuing: Visitor | None = None
        """The visitor whose number a clerk is writing by hand."""
        self.window_start = -math.inf
        """When statistics start (the window's first day, 30 minutes before opening)."""
        self._rates: dict[tuple[int, str, float, float], DayRate] = {}
        self._build_staff(setting)
        self._build_equipment(setting, event_log)
        for st in self.staff:
            self.env.process(st.run())
        self.env.process(self._days())

    def _build_staff(self, setting: Setting) -> None:
        counters = Counters(self.env, self.queues, self.waits, self.idle, self, self.cross_serving)
        streams, days, pol = setting.streams, setting.days, self.policies
        self.staff = [
            Staff(
                counters,
                m,
                staff_duties(
                    m, days, pol, setting.presence, ScalarDraws(UNIFORM, streams[f"presence.{m.id}"]).next
                ),
            )
            for m in self.inputs.staff
        ]
        self.manual_staff = next(s for s in self.staff if s.manual)
        manual_rng = streams["ticket_machine.manual"]
        manual_dist = self.inputs.machines.manual_issue_min
        self.manual_issue_time = lambda: float(manual_dist.sample(manual_rng, 1)[0])

    def _build_equipment(self, setting: Setting, event_log: bool) -> None:
        inputs, days = self.inputs, setting.days
        self.issuing = Windows(issuing_windows(self.policies, days))
        self.machines = TicketMachines(
            self.env, inputs.machines, self.issuing, self, setting.streams, event_log
        )
        self.open_hours = open_hours(days)
        self.pcs = Pool(self.env, inputs.lookup_pcs, self.open_hours, _pc_time, self._pc_done)
        shifts = Windows(support_shifts(inputs.support, days))
        self.support = Pool(self.env, inputs.support.pool, shifts, _help_time, self._support_done)

    # --- routing ------------------------------------------------------------------------------
    def arrive(self, v: Visitor) -> None:
        self.arrived += 1
        if v.uses_pc and self.pcs.offer(v):
            return
        self._to_help(v)

    def _pc_done(self, v: Visitor) -> None:
        if v.purpose == LOOKUP:
            self._finish(v, SERVED_LOOKUP)
            self.served_lookup += 1
            return
        self._to_help(v)

    def _to_help(self, v: Visitor) -> None:
        if v.needs_help and self.support.offer(v):
            return
        self.to_ticket(v)

    def _support_done(self, v: Visitor) -> None:
        if v.u_online < self.online_share:
            self._finish(v, SERVED_SUPPORT)
            self.served_support += 1
            if v.purpose in (SUBMIT, ONLINE_HELP):
                self.dossiers.submit(v, self.env.now, "online_support")
            if self.after_closing and self.idle:
                self._recheck_after_closing()
            return
        v.service *= self.help_factor
        self.to_ticket(v)

    def to_ticket(self, v: Visitor) -> None:
        v.ready = self.env.now  # waiting starts here: time at the lookup PC or with a helper is not waiting
        if (
            self.balk_length
            and v.u_balk < self.balk_p
            and (self.queues.length(v.field, self.env.now) >= self.balk_length)
        ):
            self._finish(v, BALKED)
            self.balked += 1
            if self.after_closing and self.idle:
                self._recheck_after_closing()
            return
        self.machines.arrive(v)

    def to_fallback(self, v: Visitor) -> None:
        """No machine works: hand numbers out by hand, or send the visitor straight on."""
        if self.machines.fallback == "manual" and self.manual_staff.on_duty:
            self.manual_queue.append(v)
            st = self.manual_staff
            if st in self.idle:
                self._wake(st)
            return
        self.to_counter(v)

    def too_late_for_a_number(self, v: Visitor) -> bool:
        return v.arrival > self.day_last_cutoff or self.day_closed

    def to_counter(self, v: Visitor) -> None:
        """The visitor holds a number: straight to a free counter, or into the field's queue."""
        now = self.env.now
        v.ticket = now
        if self.day_closed:  # the number came after today's closing had sent everyone home
            self.send_home(v)
            return
        if not self.idle:
            self.queues.push(v, now)
            return
        st = self._idle_for(v)
        if st is None:
            self.queues.push(v, now)
        elif not self.queues.fields[v.field]:
            self.idle.remove(st)
            assert st.wake is not None
            st.wake.trigger_after(st.call(v, now, from_queue=False), v)
        else:
            self.queues.push(v, now)
            self._wake(st)
        if self.after_closing and self.idle:
            self._recheck_after_closing()

    def _idle_for(self, v: Visitor) -> Staff | None:
        """An idle clerk who may call this visitor: one who serves the field and, if past their
        closing, only for someone who was already inside the centre by then."""
        f, arrival = v.field, v.arrival
        for st in self.idle:
            if f in st.field_set and arrival <= st.duty_end:
                return st
        if self.cross_serving:
            for st in self.idle:
                if f in st.cross_set and arrival <= st.duty_end:
                    return st
        return None

    def _recheck_after_closing(self) -> None:
        """Someone who kept the clerks on after closing got a number or left: wake the idle clerks
        past their closing so each one checks whether anybody is still on the way to a number
        (otherwise a clerk would sit idle until the overtime limit)."""
        now = self.env.now
        for st in [st for st in self.idle if st.duty_end <= now]:
            self._wake(st)

    def _wake(self, st: Staff) -> None:
        self.idle.remove(st)
        assert st.wake is not None
        st.wake.succeed(None)

    # --- what the clerks ask --------------------------------------------------------------------
    def begin_manual_number(self) -> tuple[Visitor, float]:
        v = self.manual_issuing = self.manual_queue.popleft()
        return v, self.manual_issue_time()

    def end_manual_number(self, v: Visitor) -> None:
        self.manual_issuing = None
        self.to_counter(v)

    def served(self, v: Visitor, now: float) -> None:
        v.end = now
        v.outcome = SERVED_COUNTER
        self.served_counter += 1
        if v.purpose == SUBMIT:
            self.submit_dossier(v, now, "counter")
        if self.log_visit is not None:
            self.log_visit(v)

    def tickets_pending(self, session_end: float, fields: frozenset[int]) -> bool:
        """Someone inside the centre whom a clerk of `fields` may call will still get a number for
        the session that ended at `session_end`: they came in during the issuing window that is
        open or has just closed, before that time, and are in the ticket line, at the machine while
        it prints, waiting for a hand-written number, at the lookup PC or with the support team
        (pure look-ups excepted). This is the closing-instant rule (docs/model.md, 2.2): a person
        inside at closing gets a number, and a clerk of their field stays to call it. People who
        came after the cut-off, or over a covered lunch, wait for the next session and keep
        nobody."""
        if self.manual_queue or self.manual_issuing is not None:
            return True
        w = self.issuing
        i = w.index_at(self.env.now)
        if i < 0:
            return False
        lo, hi = w.starts[i], min(w.ends[i], session_end)
        for v in self.machines.line:
            if lo <= v.arrival <= hi and v.field in fields:
                return True
        for m in self.machines.machines:
            printing = m.issuing
            if printing is not None and lo <= printing.arrival <= hi and printing.field in fields:
                return True
        return self.pcs.holds(lo, hi, fields) or self.support.holds(lo, hi, fields)

    # --- ends of visits -------------------------------------------------------------------------
    def send_home(self, v: Visitor) -> None:
        self._finish(v, SENT_HOME)
        self.sent_home += 1
        self.returning.append(v)

    def _reneged(self, v: Visitor) -> None:
        """The queues booked v as having given up (`CounterQueues`): count and log it."""
        self.reneged += 1
        if self.log_visit is not None:
            self.log_visit(v)

    def _finish(self, v: Visitor, outcome: int) -> None:
        v.outcome = outcome
        v.end = self.env.now
        if self.log_visit is not None:
            self.log_visit(v)

    # --- the day's clock ----------------------------------------------------------------------
    def _days(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        for day in self.days:
            start = day.opens - EARLY_ARRIVAL_MIN
            if env.now < start:
                yield env.timeout(start - env.now)
            if day.index == self.first_window_day and day.index > 0:
                self._start_window(start)
            self._open_day(day)
            last = len(day.sessions) - 1
            for k, (_, end) in enumerate(day.sessions):
                if env.now < end:
                    yield env.timeout(end - env.now)
                self._end_session(day, k, k == last)
            if len(self.waits.d_wait) > FOLD_EVERY:
                self.waits.fold(self.threshold)

    def _open_day(self, day: WorkDay) -> None:
        """Doors open: today's visitors (with those coming back and those collecting results) start
        arriving."""
        self.after_closing = self.day_closed = False
        i = self.issuing.index_at(day.closes)
        self.day_last_cutoff = self.issuing.ends[i] if i >= 0 else day.closes
        rate = self._day_rate(day)
        visitors = self.demand.day_visitors(day, rate, self.returning)
        self.returning = []
        pickups = self.dossiers.take_pickups(day.index)
        if pickups:
            visitors.extend(self.demand.pickup_visitors(day, rate, pickups))
            visitors.sort(key=_arrival_time)
        self.env.process(self._arrivals(visitors))

    def _end_session(self, day: WorkDay, k: int, last: bool) -> None:
        """Session k has ended: idle clerks check whether they may go, and the closing rule runs
        (the overtime limit on its own timer, so a long limit never holds up the next session)."""
        env, pol = self.env, self.policies
        self.after_closing = True
        if not last:  # the afternoon opens: the closing rule no longer applies
            env.timeout(day.sessions[k + 1][0] - day.sessions[k][1]).callbacks.append(self._reopen)
        self._wake_all()
        rule = pol.closing_rule if last else pol.lunch_rule
        closing = last and rule != "hold"
        if rule == "serve_all":
            env.timeout(pol.overtime_limit).callbacks.append(
                self._end_of_overtime_and_close if closing else self._end_of_overtime
            )
        elif closing:
            self._close_day()

    def _day_rate(self, day: WorkDay) -> DayRate:
        """`arrival_rate`, computed once per distinct day shape (season, weekday, hours) and shifted."""
        season = season_name(self.inputs.calendar, day)
        key = (day.weekday, season, day.opens - day.midnight, day.closes - day.midnight)
        base = self._rates.get(key)
        if base is None:
            rate = arrival_rate(self.inputs.demand, season, day)
            base = self._rates[key] = DayRate(rate.breaks - day.midnight, rate.rates, rate.peak)
        return DayRate(base.breaks + day.midnight, base.rates, base.peak)

    def _arrivals(self, visitors: list[Visitor]) -> Generator[simpy.Event, object, None]:
        env = self.env
        timeout = env.timeout
        arrive = self.arrive
        # Fast path for the common visitor (no PC, no help): straight to the machines or counter.
        direct = self.to_counter if not self.machines.machines and not self.balk_length else None
        to_ticket = self.to_ticket
        for v in visitors:
            dt = v.arrival - env.now
            if dt > 0:
                yield timeout(dt)
            if v.uses_pc or v.needs_help:
                arrive(v)
            elif direct is not None:
                self.arrived += 1
                v.ready = v.arrival
                direct(v)
            else:
                self.arrived += 1
                to_ticket(v)

    def _start_window(self, now: float) -> None:
        """The warm-up is over: every statistic counts from here, the queues and backlog stay."""
        self.window_start = now
        self.arrived = self.served_counter = self.served_support = self.served_lookup = 0
        self.reneged = self.balked = self.sent_home = 0
        self.waits.reset()
        self.queues.max_length = self.queues.total
        for st in self.staff:
            st.start_window()
        self.machines.start_window(now)
        self.pcs.start_window()
        self.support.start_window()
        if self.events is not None:
            self.events.clear()
        self.dossiers.start_window()

    def _reopen(self, _event: simpy.Event) -> None:
        self.after_closing = False

    def _end_of_overtime(self, _event: simpy.Event) -> None:
        self._wake_all()

    def _end_of_overtime_and_close(self, _event: simpy.Event) -> None:
        self._wake_all()
        self._close_day()

    def _wake_all(self) -> None:
        while self.idle:
            self._wake(self.idle[0])

    def _close_day(self) -> None:
        """Everyone still waiting for a number or a counter goes home, to return next working day;
        whoever gets a number later today (from the machine or by hand) goes home too."""
        self.day_closed = True
        self.queues.close(self.env.now, self.send_home)
        while self.machines.line:
            self.send_home(self.machines.line.popleft())
        while self.manual_queue:
            self.send_home(self.manual_queue.popleft())

    def run(self) -> None:
        last = self.days[-1]
        self.env.run(until=last.closes + self.policies.overtime_limit + 1440.0)


def _dates(days: tuple[WorkDay, ...]) -> tuple[str, ...]:
    return tuple(d.date.isoformat() for d in days)


def _arrival_time(v: Visitor) -> float:
    return v.arrival


def _pc_time(v: Visitor) -> float:
    return v.pc_min


def _help_time(v: Visitor) -> float:
    return v.help_min
