"""A self-contained HTML report of a run or a comparison, in Vietnamese or English.

    write_report(folder, lang="vi", results=results)          # python -m sim run
    write_report(folder, lang="en", comparison=comparison)    # python -m sim compare

The page is one file, `report.html`, in the chosen language (`<html lang="vi">` or `"en"`): styles
inline, figures embedded as base64 PNG, no external fonts, scripts or links, so it opens offline
and can be mailed as it is. It prints on A4 (`@media print`: page breaks before the longer
sections, no backgrounds needed, table rows and figures kept whole).

Leaders read the first page; the rest is for planners and researchers. Sections, in order:

1. **The question**: "How does this centre perform?" for a run; "What changes if … replaces …?"
   for a comparison, built from the scenarios' titles and descriptions.
2. **The answer**: sentences generated from the data. For a comparison, each alternative's
   change in each key KPI with its adjusted 95% interval ("thời gian chờ trung bình giảm 1,2 phút
   (khoảng tin cậy 95%: 0,8–1,6 phút)", "… không thay đổi rõ rệt …"; a clear change inside the
   minimum important difference adds ", nhỏ hơn mức chênh lệch đáng kể (1 phút)"), a tally of
   verdicts, and each scenario's target tally. For a run, the headline KPIs with their intervals
   and the targets.
3. **The scenarios and what differs**: key facts of each scenario side by side, then for each
   alternative the parameters that differ from the base (base → alternative). Parameters are
   compared as run — the validated scenario with every default filled in, row by row as
   `sim.report.params.parameter_rows` writes them — so a key restated with its default value is no
   difference. Notes come from the scenario files' comments when their paths are known.
4. **Results**: key KPIs, mean [95% CI] per scenario, the paired difference [adjusted CI] and the
   verdict (green only for a clear gain that matters); the forest chart of differences with the
   ±band that matters shaded (comparison), or the standard figures (run).
5. **Target verdicts** per scenario (met / not met / undecided at 95%).
6. **Assumptions that are estimates**: the parameters labelled ESTIMATE in the scenario file
   (`sim.report.params`), grouped, with the file's own notes.
7. **Reproducibility**: command, seed, replications and how their number was chosen, confidence,
   version of centre-sim, Python and libraries, when it was run.
8. Appendix: every KPI (breakdowns by field and staff member included) and further figures.

Scenario files: a `Results` does not know the file it came from. The paths are taken from
`sources` (scenario name → path) when given, else from the `.toml` arguments of `command` that
exist and name one of the scenarios; `command` defaults to this process's command line when it is
`python -m sim …` or `centre-sim …`, so the CLI needs to pass neither. Without a file the estimates
section says where to look.

The figures of `sim.report.plots` and `sim.report.compare_plots` are drawn in English; the
Vietnamese report translates their text (`sim.report.i18n.PLOT_TEXT_VI`) and decimal points, and
draws its own forest chart with Vietnamese KPI names.
"""

from sim.report.html.base import REPORT_FILE, RUN_KEY_KPIS
from sim.report.html.page import cli_command, render_report, report_writer, write_report

__all__ = ["REPORT_FILE", "RUN_KEY_KPIS", "cli_command", "render_report", "report_writer", "write_report"]
