"""What people read of a fit (`python -m sim fit`): the summary in the terminal, the fit report
(fit_report.html) and its figures, in Vietnamese or English.

    format_fit(result, "vi", written=Path("NEW.toml"))   # the terminal's few lines
    write_fit_report(result, folder, "vi", scenario_text=text, scenario_file="NEW.toml")

`words` holds every name and sentence once (terminal, page and figures say the same), `figures`
the arrival profile, each distribution over its histogram with its Q-Q plot and patience, `html`
the page (Jinja2 template `fit_report.html.j2`, the run reports' stylesheet and formatter). The
figures and the page import matplotlib and Jinja2 when first asked for, so that printing the
summary stays light.
"""

from __future__ import annotations

from typing import Any

from sim.report.fit.terminal import format_fit

_LAZY = {
    "fit_figures": "figures",
    "render_fit_report": "html",
    "write_fit_report": "html",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"sim.report.fit.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["format_fit", *_LAZY]
