"""A member of staff at the counter: one SimPy process that pulls visitors from field queues.

Duties are the sessions this person is at the counter (leave, meetings and the leaders' share of
counter time already applied). Within a duty the process serves until the queue is empty; when
idle it sleeps on its own `wake` event, which an arriving ticket, a manual-ticket request or the
closing clock triggers. After the session ends it keeps serving people who hold a number under the
"serve_all" rule, up to the overtime limit.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass

import simpy

from sim.model.front.queues import CounterQueues
from sim.model.handover import Handover
from sim.model.inputs import StaffInputs
from sim.model.monitors import WaitMonitor
from sim.model.ports import FrontDesk
from sim.model.schedules import Duty
from sim.model.visitor import Visitor


@dataclass(frozen=True, slots=True)
class Counters:
    """What all clerks share: the clock, the queues, the wait monitor, the idle clerks, the desk."""

    env: simpy.Environment
    queues: CounterQueues
    waits: WaitMonitor
    idle: list[Staff]
    desk: FrontDesk
    cross_serving: bool


class Staff:
    """One counter worker."""

    def __init__(self, counters: Counters, spec: StaffInputs, duties: Iterable[Duty]) -> None:
        self.counters = counters
        self.env = counters.env
        self.index = spec.index
        self.id = spec.id
        self.fields = spec.fields
        self.field_set = frozenset(spec.fields)
        self.cross = spec.cross
        self.cross_set = frozenset(spec.cross)
        self.callable_fields = self.field_set | self.cross_set if counters.cross_serving else self.field_set
        """Fields whose numbers this clerk may call."""
        self.duties = duties
        self.manual = spec.manual
        self.on_duty = False
        self.wake: Handover | None = None
        w = counters.waits
        self._d_wait, self._d_arrival, self._d_field = w.d_wait, w.d_arrival, w.d_field
        self._d_q_in, self._d_q_out = w.d_q_in, w.d_q_out
        self.busy = 0.0
        """Counter minutes busy: service, plus hand-written numbers (`manual_busy`)."""
        self.manual_busy = 0.0
        """Minutes spent writing numbers by hand while no ticket machine works."""
        self.covered = 0.0
        """Minutes at the counter over covered lunch breaks (`Duty.covered`)."""
        self.duty_end = -1.0
        """End of the current (or last) duty; after it, only numbers taken before it are called."""
        self.present = 0.0
        """Scheduled counter minutes so far (added as each duty starts)."""
        self.overtime = 0.0
        """Counter minutes after the end of a duty (lunch and closing)."""
        self.overtime_lunch = 0.0
        """The part of `overtime` served into the lunch break."""

    def start_window(self) -> None:
        """The warm-up is over: count time from now on."""
        self.busy = self.present = self.overtime = self.overtime_lunch = 0.0
        self.manual_busy = self.covered = 0.0

    def call(self, v: Visitor, now: float, from_queue: bool = True) -> float:
        """Call a visitor to the counter and record the wait; returns the service time. A number
        handed straight to a free counter (`from_queue` False) was never held in a queue."""
        v.call = now
        v.staff = self.index
        self._d_wait.append(now - v.ready)
        self._d_arrival.append(v.arrival)
        self._d_field.append(v.field)
        if from_queue:
            self._d_q_in.append(v.ticket)
            self._d_q_out.append(now)
        s = v.service
        self.busy += s
        return s

    def next_visitor(self, now: float) -> Visitor | None:
        """Own fields first (oldest ticket), then cross-trained fields if the policy allows."""
        queues = self.counters.queues
        fields = self.fields
        f = fields[0] if len(fields) == 1 else queues.oldest_field(fields)
        if f >= 0:
            v = queues.pop(f, now)
            if v is not None:
                return v
            if len(fields) > 1:  # the oldest head had reneged: look again
                for g in fields:
                    v = queues.pop(g, now)
                    if v is not None:
                        return v
        if self.counters.cross_serving and self.cross:
            g = queues.oldest_field(self.cross)
            while g >= 0:
                v = queues.pop(g, now)
                if v is not None:
                    return v
                g = queues.oldest_field(self.cross)
        return None

    def _write_number(self) -> Generator[simpy.Event, Visitor | None, None]:
        """Write the next hand-made number (no ticket machine works)."""
        desk = self.counters.desk
        v, t = desk.begin_manual_number()
        self.busy += t
        self.manual_busy += t
        yield self.env.timeout(t)
        desk.end_manual_number(v)

    def run(self) -> Generator[simpy.Event, Visitor | None, None]:
        for duty in self.duties:
            self.present += duty.end - duty.start
            self.covered += duty.covered
            if self.env.now < duty.start:
                yield self.env.timeout(duty.start - self.env.now)
            self.on_duty = True
            self.duty_end = duty.end
            yield from self._serve(duty.end, duty.hard_end)
            self.on_duty = False
            extra = self.env.now - duty.end
            if extra > 0.0:
                self.overtime += extra
                if not duty.closing:
                    self.overtime_lunch += extra

    def _serve(self, end: float, hard_end: float) -> Generator[simpy.Event, Visitor | None, None]:
        """Serve through one duty: call until nobody waits, sleep until woken, stop at the end."""
        c = self.counters
        env, desk, queues = c.env, c.desk, c.queues
        timeout, served, call, pop = env.timeout, desk.served, self.call, queues.pop
        manual_queue = desk.manual_queue if self.manual else None
        # The hot path: one field and no cross-serving, so the next visitor is that queue's.
        field = self.fields[0]
        single = (
            queues.fields[field] if len(self.fields) == 1 and not (c.cross_serving and self.cross) else None
        )
        while True:
            now = env.now
            if now >= hard_end:
                return
            if manual_queue:
                yield from self._write_number()
                continue
            if single is not None:
                v = pop(field, now) if single.normal or single.priority else None
            else:
                v = self.next_visitor(now)
            if v is not None and now >= end and v.arrival > end:
                # After closing, serve_all means those inside the centre at closing time; a
                # visitor who came later (over a covered lunch) waits for the next session.
                c.queues.put_back(v)
                return
            if v is None:
                if now >= end and not desk.tickets_pending(end, self.callable_fields):
                    return
                self.wake = Handover(env)
                c.idle.append(self)
                handed = yield self.wake
                if handed is not None:  # handed over at a free counter; service has ended
                    served(handed, env.now)
                continue
            yield timeout(call(v, now))
            served(v, env.now)
