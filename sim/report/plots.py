"""Transitional name of `sim.report.figures.run` (the HTML report and notebooks import it)."""

from sim.report.figures.run import *  # noqa: F403
from sim.report.figures.run import __all__  # noqa: F401
