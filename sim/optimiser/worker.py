"""What a worker runs for a study: replication r of plan i, many plans in one batch.

Kept light (only `sim.experiment.worker`, the model and the scenario), like the experiment's own
worker module, so that a fresh worker process starts fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.experiment.worker import ReplicationTask
from sim.model.output import ReplicationOutput


@dataclass(frozen=True)
class PlanTask:
    """`task((i, r))` is replication r of plan i; holds only the plans of one batch."""

    tasks: Mapping[int, ReplicationTask]

    def __call__(self, item: tuple[int, int]) -> ReplicationOutput:
        plan, replication = item
        return self.tasks[plan](replication)


__all__ = ["PlanTask"]
