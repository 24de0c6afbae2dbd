"""What a worker runs: kept apart from the runner so that a freshly started worker process (or a
Dask worker) imports only the model and the scenario (about 0.5 s), not pandas and scipy (about
2 s more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sim.model.output import ReplicationOutput
from sim.scenario.schema import Scenario


class Simulate(Protocol):
    """The model entry point: `sim.model.simulate`."""

    def __call__(
        self, scenario: Scenario, seed: int, replication: int, *, event_log: bool = False
    ) -> ReplicationOutput: ...


def model_simulate() -> Simulate:
    """`sim.model.simulate`, imported on first use so that importing `sim` stays light."""
    from sim.model import simulate

    return simulate


@dataclass(frozen=True)
class ReplicationTask:
    """One experiment's fixed inputs: `task(i)` is replication `i` of the scenario.

    Picklable, and light to send (the scenario is about 14 kB pickled): executors ship it to
    their workers, which import only this module, the model and the scenario.
    """

    scenario: Scenario
    seed: int
    event_log: bool = False
    simulate: Simulate | None = None
    """A replacement model (tests, model variants): a module-level function, importable by name."""

    def __call__(self, replication: int) -> ReplicationOutput:
        model = self.simulate or model_simulate()
        return model(self.scenario, self.seed, replication, event_log=self.event_log)


_tasks: list[ReplicationTask] = []
"""This worker's task, set once by the pool initializer (the scenario is not re-sent per task)."""


def init_worker(scenario: Scenario, seed: int, event_log: bool, simulate: Simulate | None) -> None:
    _tasks[:] = [ReplicationTask(scenario, seed, event_log, simulate or model_simulate())]


def replicate(replication: int) -> ReplicationOutput:
    """Replication `replication` of the scenario this worker was initialised with."""
    return _tasks[0](replication)
