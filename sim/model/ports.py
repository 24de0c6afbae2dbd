"""Small protocols through which the model's parts talk to whoever holds them.

A part knows only the protocol, never its parent's class: the staff and the ticket machines see a
`FrontDesk` / `TicketDesk`, the centre a `DossierSink` and a `DemandSource`, back-office workers a
`WorkQueue`. So imports point one way (parents import parts) and a test can plug in a stand-in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Protocol

from sim.model.demand import DayRate
from sim.model.dossier import Dossier
from sim.model.visitor import Visitor
from sim.scenario.calendar import WorkDay


class FrontDesk(Protocol):
    """What a clerk needs from the centre."""

    manual_queue: deque[Visitor]
    """Visitors waiting for a hand-written number."""

    def begin_manual_number(self) -> tuple[Visitor, float]:
        """Take the next visitor waiting for a hand-written number; (visitor, minutes to write)."""
        ...

    def end_manual_number(self, v: Visitor) -> None:
        """The number is written: the visitor goes on to the counters."""
        ...

    def tickets_pending(self, session_end: float, fields: frozenset[int]) -> bool:
        """Someone of `fields` inside the centre will still get a number for this session."""
        ...

    def served(self, v: Visitor, now: float) -> None:
        """A visitor's counter service has ended."""
        ...


class TicketDesk(Protocol):
    """What the ticket machines need from the centre."""

    def to_counter(self, v: Visitor) -> None:
        """The visitor holds a number."""
        ...

    def to_fallback(self, v: Visitor) -> None:
        """No machine works: the fallback policy takes the visitor."""
        ...

    def send_home(self, v: Visitor) -> None:
        """Too late for a number today: back another working day."""
        ...

    def too_late_for_a_number(self, v: Visitor) -> bool:
        """Asked outside issuing hours: the visitor came after the day's last cut-off, or reached the
        machine after the day was closed."""
        ...


class DossierSink(Protocol):
    """Where dossiers go once handed in: the back office, or a counter by channel."""

    def submit(self, visitor: Visitor, time: float, channel: str) -> None: ...

    def take_pickups(self, day: int) -> list[int]:
        """Procedures whose results citizens come to collect on working day `day` (removed)."""
        ...

    def start_window(self) -> None:
        """The warm-up is over: count from now on."""
        ...

    def channel_counts(self) -> Mapping[str, int]:
        """Dossiers handed in during the window, by channel."""
        ...


class DemandSource(Protocol):
    """Makes each day's visitors; `DemandGenerator` in runs, a fixed list in exact tests."""

    def day_visitors(self, day: WorkDay, rate: DayRate, returning: list[Visitor]) -> list[Visitor]: ...

    def pickup_visitors(self, day: WorkDay, rate: DayRate, procedures: list[int]) -> list[Visitor]: ...


class WorkQueue(Protocol):
    """What a back-office worker needs from the office."""

    overtime_limit: float

    def pick(self, fields: tuple[int, ...], due_by: int | None) -> Dossier | None:
        """The next dossier to work on among `fields` (only those due by `due_by`, if given)."""
        ...

    def push(self, d: Dossier, wake: bool = True) -> None:
        """Back into the queue (with work left); `wake` an idle worker for it."""
        ...

    def work_finished(self, d: Dossier) -> None:
        """All work on the dossier is done."""
        ...
