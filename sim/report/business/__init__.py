"""What people read of a business case (`python -m sim business-case`): the answer in the terminal,
the leader's one-page answer (leader_page.html), the full report (report.html) and the NPV figure,
in Vietnamese or English.

    format_business_case(case, "vi")               # the terminal's answer
    case = replace(case, writers=business_report_writers("vi", costs_file=path))

`words` holds every sentence once (terminal, pages and figure say the same), `figures` the NPV
distribution, `html` the two pages (Jinja2 templates `business_leader.html.j2` and
`business_report.html.j2`, the run reports' stylesheet and formatter). The figure and the pages
import matplotlib and Jinja2 when first asked for, so that printing the answer stays light.
"""

from __future__ import annotations

from typing import Any

from sim.report.business.terminal import format_business_case

_LAZY = {
    "npv_figure": "figures",
    "write_business_plots": "figures",
    "business_report_writers": "html",
    "render_leader_page": "html",
    "render_business_report": "html",
    "write_leader_page": "html",
    "write_business_report": "html",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"sim.report.business.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["format_business_case", *_LAZY]
