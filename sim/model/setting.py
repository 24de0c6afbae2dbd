"""One replication's fixed surroundings, shared by the front and the back office."""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from sim.model.inputs import ModelInputs
from sim.model.schedules import Presence
from sim.model.streams import Streams
from sim.scenario.calendar import WorkDay


@dataclass(frozen=True, slots=True)
class Setting:
    """The compiled inputs, the clock, the working days, the random streams and who is at work."""

    inputs: ModelInputs
    streams: Streams
    days: tuple[WorkDay, ...]
    """Working days simulated: the warm-up (if any), then the window."""
    env: simpy.Environment
    presence: Presence
    first_window_day: int = 0
    """Index of the window's first working day; days before it are a warm-up."""
