"""The dossier (hồ sơ): a light record of one dossier in progress in the back office."""

from __future__ import annotations

import math

COUNTER, ONLINE_SUPPORT, ONLINE = range(3)
CHANNELS = ("counter", "online_support", "online")
"""How a dossier came in, by channel code."""


class Dossier:
    """One dossier in progress; times are minutes on the simulation clock, days working-day indices."""

    __slots__ = (
        "channel",
        "completed",
        "due",
        "field",
        "id",
        "in_window",
        "late",
        "procedure",
        "received",
        "reception_day",
        "remaining",
        "requests_left",
        "requests_made",
        "returned",
    )

    def __init__(self, did: int, procedure: int, field: int, channel: int, received: float) -> None:
        self.id = did
        self.procedure = procedure
        self.field = field
        self.channel = channel
        self.received = received
        self.in_window = True
        self.due = 0
        self.reception_day = 0
        self.remaining = 0.0
        self.requests_left = 0
        self.requests_made = 0
        self.returned = False
        self.late = False
        self.completed = math.nan
