"""The visitor: a light record that moves between queues; it has no process of its own.

Per-visitor SimPy processes are the main cost of a naive model; here staff, machines and helpers
pull visitors from plain deques instead (DESIGN.md, "Speed").
"""

from __future__ import annotations

import math

SUBMIT, COLLECT, ENQUIRY, ONLINE_HELP, LOOKUP = range(5)
PURPOSE_NAMES = ("submit", "collect", "enquiry", "online_help", "lookup")

IN_SYSTEM, SERVED_COUNTER, SERVED_SUPPORT, SERVED_LOOKUP, RENEGED, BALKED, SENT_HOME = range(7)
OUTCOME_NAMES = (
    "in_system",
    "served_counter",
    "served_support",
    "served_lookup",
    "reneged",
    "balked",
    "sent_home",
)

NAN = math.nan


class Visitor:
    """One visit. Times are minutes on the simulation clock; NaN until the step happens."""

    __slots__ = (
        "arrival",
        "call",
        "day",
        "deadline",
        "end",
        "field",
        "help_min",
        "id",
        "issue_min",
        "needs_help",
        "outcome",
        "pc_min",
        "priority",
        "procedure",
        "purpose",
        "ready",
        "returning",
        "service",
        "staff",
        "ticket",
        "u_balk",
        "u_online",
        "uses_pc",
    )

    # A positional record: days' visitors are built by `map(Visitor, ...)` over nine columns, the
    # fastest way to make thousands at once, so the nine arguments stay.
    def __init__(  # noqa: PLR0913
        self,
        vid: int,
        day: int,
        arrival: float,
        purpose: int,
        procedure: int,
        field: int,
        priority: bool,
        service: float,
        deadline: float,
    ) -> None:
        self.id = vid
        self.day = day
        self.arrival = arrival
        self.purpose = purpose
        self.procedure = procedure
        self.field = field
        self.priority = priority
        self.service = service
        self.deadline = deadline
        # Set afterwards, and only where a scenario uses them (most visitors need none).
        self.uses_pc = False
        self.needs_help = False
        self.pc_min = 0.0
        self.help_min = 0.0
        self.issue_min = 0.0
        self.u_balk = 1.0
        self.u_online = 1.0
        self.returning = False
        self.ready = arrival
        """When the visitor steps into the ticket line: the start of their wait."""
        self.ticket = NAN
        self.call = NAN
        self.end = NAN
        self.outcome = IN_SYSTEM
        self.staff = -1
