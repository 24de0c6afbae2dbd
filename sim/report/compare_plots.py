"""Transitional name of `sim.report.figures.compare` (the HTML report imports it)."""

from sim.report.figures.compare import *  # noqa: F403
from sim.report.figures.compare import __all__  # noqa: F401
