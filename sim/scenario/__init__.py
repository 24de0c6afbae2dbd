"""Scenario layer: frozen, validated configuration loaded from TOML; calendar; distributions."""

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario, parse_scenario
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario", "parse_scenario"]
