"""The centre: wires arrivals, the lookup PC, the support team, the ticket machines and the staff.

A visitor's route: arrive → (lookup PC) → (support team) → ticket machine (balk here on seeing a
long queue) → counter queue of their field → a staff member calls them. The closing clock ends each
session: it wakes idle staff, and at the end of the day sends home whoever still waits (to return
the next working day) under the chosen closing rule.

Hand-off to the back office: every dossier handed in goes through `Centre.dossiers.submit(visitor,
time, channel)`; part 2 plugs the back office in there.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator, Iterator
from typing import Protocol

import simpy

from sim.model.backoffice import BackOffice
from sim.model.demand import EARLY_ARRIVAL_MIN, UNIFORM, DayRate, DemandGenerator, ScalarDraws, day_rate
from sim.model.duedates import HORIZON_DAYS, WorkingCalendar
from sim.model.equipment import Pool, TicketMachines, Windows
from sim.model.monitors import WaitMonitor
from sim.model.queues import CounterQueues
from sim.model.staff import Duty, Staff
from sim.model.streams import Streams
from sim.model.visitor import (
    BALKED,
    LOOKUP,
    ONLINE_HELP,
    OUTCOME_NAMES,
    PURPOSE_NAMES,
    RENEGED,
    SENT_HOME,
    SERVED_COUNTER,
    SERVED_LOOKUP,
    SERVED_SUPPORT,
    SUBMIT,
    Visitor,
)
from sim.scenario.calendar import WEEKDAY_NAMES, WorkDay, season_for
from sim.scenario.schema import Scenario

FOLD_EVERY = 4096
"""Fold the waiting-time lists into the monitors' arrays when they hold more than this many values
(bounded memory, and numpy called a few times a month rather than every day)."""


class DossierSink(Protocol):
    """Where dossiers go once handed in (the back office, from part 2)."""

    def submit(self, visitor: Visitor, time: float, channel: str) -> None: ...


class DemandSource(Protocol):
    """Makes each day's visitors; `DemandGenerator` in runs, a fixed list in exact tests."""

    def day_visitors(self, day: WorkDay, rate: DayRate, returning: list[Visitor]) -> list[Visitor]: ...

    def pickup_visitors(self, day: WorkDay, rate: DayRate, procedures: list[int]) -> list[Visitor]: ...


class DossierCounter:
    """Part-1 sink: counts dossiers by channel."""

    def __init__(self) -> None:
        self.by_channel: dict[str, int] = {}

    def submit(self, visitor: Visitor, time: float, channel: str) -> None:
        self.by_channel[channel] = self.by_channel.get(channel, 0) + 1


def issuing_windows(scenario: Scenario, days: tuple[WorkDay, ...]) -> list[tuple[float, float]]:
    """When the machines hand out numbers: each session up to the cut-off (or the whole day when a
    counter stays open over lunch)."""
    cutoff = scenario.policies.ticket_cutoff_min
    out: list[tuple[float, float]] = []
    for day in days:
        sessions = day.sessions
        if scenario.policies.lunch_cover:
            sessions = ((day.opens, day.closes),)
        for s, e in sessions:
            out.append((s, max(s, e - cutoff)))
    return out


class Presence:
    """When each staff member is at work: not on leave, not in a meeting. Computed day by day
    when asked (memoised by weekday and sessions), so nothing is stored per day of the window."""

    def __init__(self, scenario: Scenario) -> None:
        self._leave = {m.id: [(x.start, x.end) for x in m.leave] for m in scenario.staff}
        self._meetings = {m.id: {(x.weekday, x.session) for x in m.meetings} for m in scenario.staff}
        self._memo: dict[tuple[str, int, tuple[str, ...]], frozenset[str]] = {}

    def sessions(self, staff_id: str, day: WorkDay) -> frozenset[str]:
        """Names of the sessions of `day` this person is at work."""
        for start, end in self._leave[staff_id]:
            if start <= day.date <= end:
                return frozenset()
        key = (staff_id, day.weekday, day.session_names)
        at_work = self._memo.get(key)
        if at_work is None:
            wd = WEEKDAY_NAMES[day.weekday]
            meetings = self._meetings[staff_id]
            at_work = self._memo[key] = frozenset(
                name for name in day.session_names if (wd, name) not in meetings
            )
        return at_work


def staff_duties(
    scenario: Scenario,
    days: tuple[WorkDay, ...],
    index: int,
    streams: Streams,
    presence: Presence | None = None,
) -> Iterator[Duty]:
    """The sessions one staff member spends at the counter, day by day: at work, and drawn to the
    counter with probability `counter_share` (draws from the member's own stream, so adding a
    colleague changes nobody else's presence)."""
    spec = scenario.staff[index]
    pol = scenario.policies
    presence = presence or Presence(scenario)
    draw = ScalarDraws(UNIFORM, streams[f"presence.{spec.id}"]).next
    covers_lunch = spec.id in pol.lunch_cover
    share = spec.counter_share
    for day in days:
        at_work = presence.sessions(spec.id, day)
        last = len(day.sessions) - 1
        # One draw per session whatever the share, so the stream stays aligned across scenarios.
        on = [draw() < share and name in at_work for name in day.session_names]
        k = 0
        while k <= last:
            if not on[k]:
                k += 1
                continue
            s, e = day.sessions[k]
            if covers_lunch:
                # Through the break: one stretch until the end of the last consecutive session.
                while k < last and on[k + 1]:
                    k += 1
                    e = day.sessions[k][1]
                if k < last:  # not at the counter next session: cover the break, then leave
                    e = day.sessions[k + 1][0]
            rule = pol.closing_rule if k == last else pol.lunch_rule
            if covers_lunch and k < last:
                rule = "hold"  # the break is covered; nobody is kept beyond it
            hard_end = e + pol.overtime_limit_min if rule == "serve_all" else e
            covered = 0.0
            if covers_lunch:  # the breaks inside the stretch (and the one it covers at its end)
                covered = (e - s) - sum(max(0.0, min(b, e) - max(a, s)) for a, b in day.sessions)
            yield Duty(s, e, hard_end, k == last, covered)
            k += 1


def support_shifts(scenario: Scenario, days: tuple[WorkDay, ...]) -> list[tuple[float, float]]:
    """The support team's hours on the days it works (its hours, or the sessions if none given)."""
    team = scenario.support_team
    out: list[tuple[float, float]] = []
    for day in days:
        if WEEKDAY_NAMES[day.weekday] not in team.weekdays:
            continue
        if team.hours:
            out.extend((day.midnight + h.start_min, day.midnight + h.end_min) for h in team.hours)
        else:
            out.extend(day.sessions)
    return out


class Centre:
    """One replication's world."""

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        days: tuple[WorkDay, ...],
        event_log: bool = False,
        dossiers: DossierSink | None = None,
        demand: DemandSource | None = None,
        first_window_day: int = 0,
    ) -> None:
        self.scenario = scenario
        self.streams = streams
        self.days = days
        self.env = simpy.Environment(initial_time=max(0.0, days[0].opens - EARLY_ARRIVAL_MIN - 1))
        pol = scenario.policies
        spec = scenario.demand
        self.cross_serving = pol.cross_serving
        self.threshold = scenario.targets.wait_threshold_min
        presence = self.presence = Presence(scenario)
        if dossiers is not None:
            self.dossiers: DossierSink = dossiers
        elif scenario.back_office is not None:
            longest = max(p.statutory_days for p in scenario.procedures)
            calendar = WorkingCalendar(scenario.calendar, HORIZON_DAYS + 3 * longest)
            self.dossiers = BackOffice(self.env, scenario, streams, calendar, presence, first_window_day)
        else:
            self.dossiers = DossierCounter()
        self.waits = WaitMonitor(len(scenario.fields))
        self.queues = CounterQueues(
            len(scenario.fields),
            pol.priority_rule == "strict",
            pol.priority_interleave,
            spec.patience_min is not None,
            self._renege,
        )
        self.balk_length = spec.balking.queue_length if spec.balking else 0
        self.balk_p = spec.balking.probability if spec.balking else 0.0
        self.online_share = scenario.support_team.online_share
        self.help_factor = scenario.support_team.counter_time_factor
        self.idle: list[Staff] = []
        self.manual_queue: deque[Visitor] = deque()
        self.returning: list[Visitor] = []
        self.events: list[tuple] | None = [] if event_log else None
        self.log_visit: Callable[[Visitor], None] | None = self._log if event_log else None
        self.arrived = self.served_counter = self.served_support = self.served_lookup = 0
        self.reneged = self.balked = self.sent_home = 0
        self.day_last_cutoff = -1.0
        self.after_closing = False
        """A session has ended and the next has not begun: clerks past their closing stay only
        while someone who came in before it may still get a number (`tickets_pending`)."""
        self.day_closed = False
        """Today's closing has sent everyone home: a number issued later is not served today."""
        self.manual_issuing: Visitor | None = None
        """The visitor whose number a clerk is writing by hand."""
        self.first_window_day = first_window_day
        """Index of the window's first working day; days before it are a warm-up."""
        self.window_start = -math.inf
        """When statistics start (the window's first day, 30 minutes before opening)."""
        self._rates: dict[tuple, DayRate] = {}

        field_index = {f.id: i for i, f in enumerate(scenario.fields)}
        manual_id = scenario.equipment.ticket_machines.manual_staff or scenario.staff[0].id
        self.staff = [
            Staff(
                self,
                i,
                m.id,
                tuple(field_index[f] for f in m.fields),
                tuple(field_index[f] for f in m.cross_trained if f not in m.fields),
                staff_duties(scenario, days, i, streams, presence),
                m.id == manual_id,
            )
            for i, m in enumerate(scenario.staff)
        ]
        self.manual_staff = next(s for s in self.staff if s.manual)
        manual_rng = streams["ticket_machine.manual"]
        manual_dist = scenario.equipment.ticket_machines.manual_issue_min
        self.manual_issue_time = lambda: float(manual_dist.sample(manual_rng, 1)[0])
        self.issuing = Windows(issuing_windows(scenario, days))
        self.machines = TicketMachines(self, self.issuing)
        pcs = scenario.equipment.lookup_pcs
        self.open_hours = Windows([s for d in days for s in d.sessions])
        self.pcs = Pool(self.env, pcs.count, self.open_hours, pcs.max_queue, _pc_time, self._pc_done)
        team = scenario.support_team
        self.support = Pool(
            self.env,
            team.members,
            Windows(support_shifts(scenario, days)),
            team.max_queue,
            _help_time,
            self._support_done,
        )
        self.submit_dossier = self.dossiers.submit  # bound once: called for every dossier handed in
        self.demand: DemandSource = demand if demand is not None else DemandGenerator(scenario, streams)
        for st in self.staff:
            self.env.process(st.run())
        self.env.process(self._days())

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

    def fallback(self, v: Visitor) -> None:
        """No machine works: hand numbers out by hand, or send the visitor straight on."""
        policy = self.machines.fallback
        if policy == "manual" and self.manual_staff.on_duty:
            self.manual_queue.append(v)
            st = self.manual_staff
            if st in self.idle:
                self._wake(st)
            return
        self.to_counter(v)

    def to_counter(self, v: Visitor) -> None:
        """The visitor holds a number: straight to a free counter, or into the field's queue."""
        now = self.env.now
        v.ticket = now
        if self.day_closed:  # the number came after today's closing had sent everyone home
            self.send_home(v)
            return
        if self.idle:
            f = v.field
            st = self._idle_for(v)
            if st is not None:
                if not self.queues.fields[f]:
                    self.idle.remove(st)
                    assert st.wake is not None
                    st.wake.trigger_after(st.call(v, now), v)
                else:
                    self.queues.push(v, now)
                    self._wake(st)
            else:
                self.queues.push(v, now)
            if self.after_closing and self.idle:
                self._recheck_after_closing()
            return
        self.queues.push(v, now)

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

    def tickets_pending(self, session_end: float, st: Staff) -> bool:
        """Someone inside the centre whom `st` may call will still get a number for the session
        that ended at `session_end`: they came in during the issuing window that is open or has
        just closed, before that time, and are in the ticket line, at the machine while it prints,
        waiting for a hand-written number, at the lookup PC or with the support team (pure
        look-ups excepted). This is the closing-instant rule (docs/model.md, 2.2): a person inside
        at closing gets a number, and a clerk of their field stays to call it. People who came
        after the cut-off, or over a covered lunch, wait for the next session and keep nobody."""
        if self.manual_queue or self.manual_issuing is not None:
            return True
        w = self.issuing
        i = w.index_at(self.env.now)
        if i < 0:
            return False
        lo, hi = w.starts[i], min(w.ends[i], session_end)
        fields = st.field_set | st.cross_set if self.cross_serving else st.field_set
        for v in self.machines.line:
            if lo <= v.arrival <= hi and v.field in fields:
                return True
        for m in self.machines.machines:
            printing = m.issuing
            if printing is not None and lo <= printing.arrival <= hi and printing.field in fields:
                return True
        return self.pcs.holds(lo, hi, fields) or self.support.holds(lo, hi, fields)

    def send_home(self, v: Visitor) -> None:
        self._finish(v, SENT_HOME)
        self.sent_home += 1
        self.returning.append(v)

    def _renege(self, v: Visitor) -> None:
        v.outcome = RENEGED
        v.end = v.deadline
        self.reneged += 1
        self.waits.add_queue_time(v.ticket, v.deadline)
        if self.log_visit is not None:
            self.log_visit(v)

    def _finish(self, v: Visitor, outcome: int) -> None:
        v.outcome = outcome
        v.end = self.env.now
        if self.log_visit is not None:
            self.log_visit(v)

    def _log(self, v: Visitor) -> None:
        assert self.events is not None
        s = self.scenario
        served = v.outcome == SERVED_COUNTER
        self.events.append(
            (
                v.id,
                self.days[v.day].date.isoformat(),
                PURPOSE_NAMES[v.purpose],
                s.fields[v.field].id,
                v.priority,
                v.returning,
                v.arrival,
                v.ticket,
                v.call,
                v.call if served else math.nan,
                v.end if served else math.nan,
                v.end,
                OUTCOME_NAMES[v.outcome],
                s.staff[v.staff].id if v.staff >= 0 else "",
            )
        )

    # --- the day's clock ----------------------------------------------------------------------
    def _days(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        pol = self.scenario.policies
        limit = pol.overtime_limit_min
        for day in self.days:
            start = day.opens - EARLY_ARRIVAL_MIN
            if env.now < start:
                yield env.timeout(start - env.now)
            if day.index == self.first_window_day and day.index > 0:
                self._start_window(start)
            self.after_closing = self.day_closed = False
            i = self.issuing.index_at(day.closes)
            self.day_last_cutoff = self.issuing.ends[i] if i >= 0 else day.closes
            rate = self._day_rate(day)
            visitors = self.demand.day_visitors(day, rate, self.returning)
            self.returning = []
            pickups = getattr(self.dossiers, "pickups", None)
            if pickups and day.index in pickups:
                visitors.extend(self.demand.pickup_visitors(day, rate, pickups.pop(day.index)))
                visitors.sort(key=_arrival_time)
            env.process(self._arrivals(visitors))
            last = len(day.sessions) - 1
            for k, (_, end) in enumerate(day.sessions):
                rule = pol.closing_rule if k == last else pol.lunch_rule
                if env.now < end:
                    yield env.timeout(end - env.now)
                self.after_closing = True
                if k < last:  # the afternoon opens: the closing rule no longer applies
                    env.timeout(day.sessions[k + 1][0] - end).callbacks.append(self._reopen)
                self._wake_all()
                closing = k == last and rule != "hold"
                if rule == "serve_all":
                    # The overtime limit runs on its own timer, so a long limit never holds up
                    # the next session's clock.
                    env.timeout(limit).callbacks.append(
                        self._end_of_overtime_and_close if closing else self._end_of_overtime
                    )
                elif closing:
                    self._close_day()
            if len(self.waits.d_wait) > FOLD_EVERY:
                self.waits.fold(self.threshold)

    def _day_rate(self, day: WorkDay) -> DayRate:
        """`day_rate`, computed once per distinct day shape (season, weekday, hours) and shifted."""
        season = season_for(self.scenario.calendar, day.date)
        key = (
            day.weekday,
            season.name if season else "",
            day.opens - day.midnight,
            day.closes - day.midnight,
        )
        base = self._rates.get(key)
        if base is None:
            rate = day_rate(self.scenario, day)
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
            st.busy = st.present = st.overtime = st.overtime_lunch = 0.0
            st.manual_busy = st.covered = 0.0
            st.served = 0
        self.machines.start_window(now)
        for pool in (self.pcs, self.support):
            pool.busy = pool.wait_sum = 0.0
            pool.wait_n = 0
        if self.events is not None:
            self.events.clear()
        start_window = getattr(self.dossiers, "start_window", None)
        if start_window is not None:
            start_window()

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
        now = self.env.now
        self.day_closed = True
        waiting = self.queues.drain()
        for v in waiting:
            if v.deadline < now:  # had already left
                self._renege(v)
                continue
            self.waits.add_queue_time(v.ticket, now)
            self.send_home(v)
        while self.machines.line:
            self.send_home(self.machines.line.popleft())
        while self.manual_queue:
            self.send_home(self.manual_queue.popleft())

    def run(self) -> None:
        last = self.days[-1]
        self.env.run(until=last.closes + self.scenario.policies.overtime_limit_min + 1440.0)


def _arrival_time(v: Visitor) -> float:
    return v.arrival


def _pc_time(v: Visitor) -> float:
    return v.pc_min


def _help_time(v: Visitor) -> float:
    return v.help_min
