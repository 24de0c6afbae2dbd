"""Scenario layer: frozen, validated configuration loaded from TOML; calendar; distributions."""

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import MAX_FILE_BYTES, load_scenario, parse_scenario, read_document
from sim.scenario.schema import Scenario
from sim.scenario.variants import MAX_EXTENDS_DEPTH

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "MAX_FILE_BYTES",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "read_document",
]
