"""A self-contained HTML report of a run or a comparison, in Vietnamese or English.

    write_report(folder, lang="vi", results=results)          # python -m sim run
    write_report(folder, lang="en", comparison=comparison)    # python -m sim compare

The page is one file, `report.html`, in the chosen language (`<html lang="vi">` or `"en"`): the
stylesheet (`static/report.css`) inlined, figures embedded as base64 PNG, no external fonts,
scripts or links, so it opens offline and can be mailed as it is. It prints on A4 (`@page`), a run
on at most 4 pages and a comparison on at most 6 (tests/test_report_pages.py).

Written for its readers, in this order: the answer (sentences generated from the numbers, with
their 95% intervals, and the target tally), the scenario(s) and what differs between them, the
results (table and figures), the target verdicts, a compact table of the estimates the run rests
on (the full parameter list stays in the scenario file), and how to reproduce the run.

Layout: `render.py` builds plain context dicts from the parts (`answer`, `scenarios`, `results`,
`estimates`, `figures`; numbers formatted by `sim.report.i18n`) and renders
`templates/report.html.j2` with Jinja2 (autoescape on, strict undefined, gettext `_` from
`sim.report.i18n.translator`); no HTML is built in Python.

Scenario files: a `Results` does not know the file it came from. The paths are taken from
`sources` (scenario name → path) when given, else from the `.toml` arguments of `command` that
exist and name one of the scenarios; `command` defaults to this process's command line when it is
`python -m sim …` or `centre-sim …`, so the CLI needs to pass neither.
"""

from sim.report.html.page import REPORT_FILE
from sim.report.html.render import cli_command, render_report, report_writer, write_report

__all__ = [
    "REPORT_FILE",
    "cli_command",
    "render_report",
    "report_writer",
    "write_report",
]
