"""Report layer: what people read — the printed KPI table, the plots of a results folder and the
HTML report (`sim.report.html`: Jinja2 templates, one self-contained report.html, vi or en).

Reads `sim.experiment.Results`; never runs the model. `write_plots` imports matplotlib only when
called, and `sim.report.html` is imported only by its callers, so importing this package (and `sim`)
stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.table import format_table

if TYPE_CHECKING:
    from sim.experiment.results import Results

__all__ = ["format_table", "write_plots"]


def write_plots(results: Results, folder: Path) -> None:
    """Draw the standard plots into `folder/plots/` (a `Results` writer)."""
    from sim.report.plots import write_plots as _write

    _write(results, Path(folder))
