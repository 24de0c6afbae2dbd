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
from typing import TYPE_CHECKING

import simpy

from sim.model.handover import Handover
from sim.model.visitor import SERVED_COUNTER, SUBMIT, Visitor

if TYPE_CHECKING:
    from sim.model.centre import Centre


@dataclass(frozen=True, slots=True)
class Duty:
    """One stretch at the counter on the simulation clock."""

    start: float
    end: float
    hard_end: float
    """Latest time to call a number: `end` plus the overtime limit under "serve_all"."""
    closing: bool = True
    """The stretch ends at the day's closing (its overtime is closing overtime); False when it ends
    at the lunch break (lunch overtime)."""
    covered: float = 0.0
    """Minutes of the stretch outside the day's sessions (a lunch break covered at the counter):
    time at work beyond the sessions, for the busy share of time at work."""


class Staff:
    """One counter worker."""

    def __init__(
        self,
        centre: Centre,
        index: int,
        sid: str,
        fields: tuple[int, ...],
        cross: tuple[int, ...],
        duties: Iterable[Duty],
        manual: bool,
    ) -> None:
        self.centre = centre
        self.index = index
        self.id = sid
        self.fields = fields
        self.field_set = frozenset(fields)
        self.cross = cross
        self.cross_set = frozenset(cross)
        self.duties = duties
        self.manual = manual
        self.on_duty = False
        self.wake: Handover | None = None
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
        self.served = 0

    def next_visitor(self, now: float) -> Visitor | None:
        """Own fields first (oldest ticket), then cross-trained fields if the policy allows."""
        c = self.centre
        queues = c.queues
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
        if c.cross_serving and self.cross:
            g = queues.oldest_field(self.cross)
            while g >= 0:
                v = queues.pop(g, now)
                if v is not None:
                    return v
                g = queues.oldest_field(self.cross)
        return None

    def call(self, v: Visitor, now: float) -> float:
        """Call a visitor to the counter; returns the service time."""
        v.call = now
        v.staff = self.index
        w = self.centre.waits
        w.d_wait.append(now - v.ready)
        w.d_arrival.append(v.arrival)
        w.d_field.append(v.field)
        if v.ticket < now:
            w.d_q_in.append(v.ticket)
            w.d_q_out.append(now)
        s = v.service
        self.busy += s
        return s

    def done(self, v: Visitor, now: float) -> None:
        c = self.centre
        v.end = now
        v.outcome = SERVED_COUNTER
        self.served += 1
        c.served_counter += 1
        if v.purpose == SUBMIT:
            c.submit_dossier(v, now, "counter")
        if c.log_visit is not None:
            c.log_visit(v)

    def run(self) -> Generator[simpy.Event, object, None]:
        c = self.centre
        env = self.env = c.env
        timeout = env.timeout
        manual_queue = c.manual_queue
        queues = c.queues
        renege = queues.reneging
        single = queues.fields[self.fields[0]] if len(self.fields) == 1 else None
        cross = c.cross_serving and bool(self.cross)
        w = c.waits
        d_wait, d_arrival, d_field = w.d_wait, w.d_arrival, w.d_field
        d_q_in, d_q_out = w.d_q_in, w.d_q_out
        done = self.done
        index = self.index
        for duty in self.duties:
            self.present += duty.end - duty.start
            self.covered += duty.covered
            if env.now < duty.start:
                yield timeout(duty.start - env.now)
            self.on_duty = True
            end, hard_end = duty.end, duty.hard_end
            self.duty_end = end
            while True:
                now = env.now
                if now >= hard_end:
                    break
                if self.manual and manual_queue:
                    v = c.manual_issuing = manual_queue.popleft()
                    t = c.manual_issue_time()
                    self.busy += t
                    self.manual_busy += t
                    yield timeout(t)
                    c.manual_issuing = None
                    c.to_counter(v)
                    continue
                if single is not None and not (single.normal or single.priority) and not cross:
                    v = None  # fast path: one field and nobody waiting in it
                elif single is not None and single.normal and not single.priority and not renege:
                    queues.total -= 1  # fast path: one field, no priority ticket waiting
                    single.since_priority += 1
                    v = single.normal.popleft()
                else:
                    v = self.next_visitor(now)
                if v is not None and now >= end and v.arrival > end:
                    # After closing, serve_all means those inside the centre at closing time; a
                    # visitor who came later (over a covered lunch) waits for the next session.
                    queues.put_back(v)
                    v = None
                    break
                if v is None:
                    if now >= end and not c.tickets_pending(end, self):
                        break
                    self.wake = Handover(env)
                    c.idle.append(self)
                    v = yield self.wake
                    if v is not None:  # handed over at a free counter; service has just ended
                        done(v, env.now)
                    continue
                # The call, inlined from `call` (this is the hot path).
                v.call = now
                v.staff = index
                a = v.arrival
                d_wait.append(now - v.ready)
                d_arrival.append(a)
                d_field.append(v.field)
                d_q_in.append(v.ticket)
                d_q_out.append(now)
                s = v.service
                self.busy += s
                yield timeout(s)
                done(v, env.now)
            self.on_duty = False
            extra = env.now - end
            if extra > 0.0:
                self.overtime += extra
                if not duty.closing:
                    self.overtime_lunch += extra
