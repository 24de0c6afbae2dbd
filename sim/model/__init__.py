"""Model layer: SimPy processes for arrivals, staff, ticket machines, lookup PCs and the support
team, with streaming monitors. Entry point: `simulate(scenario, seed, replication)`."""

from sim.model.output import ReplicationOutput
from sim.model.simulate import simulate

__all__ = ["ReplicationOutput", "simulate"]
