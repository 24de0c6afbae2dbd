"""What people read of a study (`python -m sim optimise`): the answer in the terminal, the
cost–performance figure and report.html, in Vietnamese or English.

    format_optimise(result, "vi")                 # the terminal's answer and table of plans
    result.writers = (optimise_plots_writer("vi"), optimise_report_writer("vi"))

`words` holds every sentence once (terminal and HTML say the same), `figures` the figure, `html`
the page (Jinja2 template `optimise.html.j2`, the run reports' stylesheet and formatter). The
figure and the page import matplotlib and Jinja2 when first asked for, so that printing the
answer stays light.
"""

from __future__ import annotations

from typing import Any

from sim.report.optimise.terminal import format_optimise

_LAZY = {
    "cost_performance_figure": "figures",
    "optimise_plots_writer": "figures",
    "write_optimise_plots": "figures",
    "optimise_report_writer": "html",
    "render_optimise_report": "html",
    "write_optimise_report": "html",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"sim.report.optimise.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["format_optimise", *_LAZY]
