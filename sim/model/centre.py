"""The whole centre of one replication: the front office wired to its dossier sink.

`Centre` compiles the scenario (if given one), builds the clock, the presence schedule and the back
office (when the scenario has one), then the front office on top. The back office is built first:
its processes start first, which fixes the order of simultaneous events.
"""

from __future__ import annotations

import simpy

from sim.model.back.office import BackOffice
from sim.model.back.rules import HORIZON_DAYS, WorkingCalendar
from sim.model.demand import EARLY_ARRIVAL_MIN, DemandGenerator
from sim.model.front.centre import DossierCounter, FrontOffice
from sim.model.inputs import ModelInputs, as_inputs
from sim.model.ports import DemandSource, DossierSink
from sim.model.schedules import Presence
from sim.model.setting import Setting
from sim.model.streams import Streams
from sim.scenario.calendar import WorkDay
from sim.scenario.schema import Scenario


class Centre(FrontOffice):
    """One replication's world; `dossiers` and `demand` replace the back office and the random
    arrivals (exact tests)."""

    def __init__(
        self,
        scenario: Scenario | ModelInputs,
        streams: Streams,
        days: tuple[WorkDay, ...],
        event_log: bool = False,
        dossiers: DossierSink | None = None,
        demand: DemandSource | None = None,
        first_window_day: int = 0,
    ) -> None:
        inputs = as_inputs(scenario)
        env = simpy.Environment(initial_time=max(0.0, days[0].opens - EARLY_ARRIVAL_MIN - 1))
        setting = Setting(inputs, streams, days, env, Presence(inputs.staff), first_window_day)
        super().__init__(
            setting,
            dossiers if dossiers is not None else dossier_sink(setting),
            demand if demand is not None else DemandGenerator(inputs, streams),
            event_log,
        )


def dossier_sink(setting: Setting) -> DossierSink:
    """The back office when the scenario has one (its processes start now), else a counter."""
    inputs = setting.inputs
    if inputs.back_office is None:
        return DossierCounter()
    longest = max(p.statutory_days for p in inputs.procedures)
    return BackOffice(setting, WorkingCalendar(inputs.calendar, HORIZON_DAYS + 3 * longest))
