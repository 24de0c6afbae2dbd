"""Model layer: SimPy processes for arrivals, staff, ticket machines, lookup PCs, the support
team and the back office, with streaming monitors. Entry point: `simulate(scenario, seed,
replication)`.

Layout (imports point down, never back at a parent): `inputs` compiles the scenario once;
`schedules` answers every "when"; `ports` holds the protocols parts talk through; `demand` makes
visitors; `front/` (centre, queues, staff, equipment) and `back/` (office, workers, rules) are the
two offices; `centre` wires them; `kpis` and `simulate` reduce a run to its results.
"""

from sim.model.output import ReplicationOutput
from sim.model.simulate import simulate

__all__ = ["ReplicationOutput", "simulate"]
