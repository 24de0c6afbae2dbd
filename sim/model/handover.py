"""A wake-up event that can be triggered *with a delay*.

When a visitor finds a free counter (or an idle ticket machine) there is nothing to decide: the
service starts now and ends after the service time. Rather than waking the server now (one event)
and letting it schedule its own timeout (a second event), whoever hands the visitor over triggers
the server's wake-up event to fire when the service ends. One event per hand-over instead of two:
the main reason the model runs faster than a process-per-customer SimPy model.
"""

from __future__ import annotations

from typing import Any

import simpy
from simpy.events import NORMAL, PENDING


class Handover(simpy.Event):
    """An event that fires `delay` minutes after `trigger_after` is called, carrying `value`."""

    __slots__ = ()

    def trigger_after(self, delay: float, value: Any) -> None:
        if self._value is not PENDING:
            raise RuntimeError(f"{self} has already been triggered")
        self._ok = True
        self._value = value
        self.env.schedule(self, NORMAL, delay)
