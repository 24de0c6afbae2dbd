"""The page itself: CSS, assembling the sections, and writing report.html."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.results import package_version
from sim.report import i18n
from sim.report.i18n import (
    fmt_date,
)

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results

from sim.report.html.answer import _answer, _header, _question
from sim.report.html.base import REPORT_FILE, _join, _Page, _title, esc
from sim.report.html.extras import _appendix, _estimates, _repro
from sim.report.html.results import _results, _targets
from sim.report.html.scenarios import _scenarios

CSS = """
:root { --ink: #1d2329; --muted: #5c6670; --line: #d5dbe1; --accent: #1f4e8c; --soft: #f2f6fb; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Noto Sans", "DejaVu Sans", Roboto, Arial, sans-serif; color: var(--ink);
       line-height: 1.45; max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; font-size: 15px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
.kicker { color: var(--accent); font-weight: 600; margin: 0; text-transform: uppercase; letter-spacing: .03em;
          font-size: .85rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .3rem; }
h2 { font-size: 1.25rem; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: .2rem;
     margin: 2rem 0 .7rem; }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .5rem; }
.meta, .hint, .note, .ci { color: var(--muted); }
.hint { font-size: .85em; }
.note { font-size: .9em; }
.question { font-size: 1.15rem; font-weight: 600; }
.answer { background: var(--soft); border-left: 5px solid var(--accent); padding: .2rem 1.2rem .6rem;
          margin-top: 1.5rem; }
.answer h2 { border: 0; margin-top: .8rem; }
.answer .verdict { font-size: 1.05rem; }
ul.targets, ul.tally { padding-left: 1.2rem; }
ul.targets li { margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--ink); font-size: .85rem; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num .ci { display: block; font-size: .85em; }
.v { font-weight: 600; }
tr.group td { border-top: 2px solid var(--line); }
td.kpi { width: 32%; }
table.facts th[scope=row] { width: 22%; color: var(--muted); font-weight: 600; }
table.facts thead th { font-size: .9rem; }
table.all tr.sub td:first-child { padding-left: 1.4rem; color: var(--muted); }
table.all td.num .ci { display: inline; }
table.diff td, table.estimates td { font-size: .88rem; }
table.estimates td:first-child { width: 50%; }
table.estimates tr.part th { color: var(--accent); padding-top: .9rem;
                              border-bottom: 1px solid var(--accent); }
code, pre { font-family: "DejaVu Sans Mono", Consolas, "Liberation Mono", monospace; font-size: .85em; }
code { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; background: var(--soft);
      padding: .4rem .6rem; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .3rem; font-weight: 600;
         font-size: .85em; border: 1px solid currentColor; white-space: nowrap; }
.badge.good { color: #1b6b2f; background: #e3f3e6; }
.badge.bad { color: #9b1c24; background: #fbe4e6; }
.badge.warn { color: #7a5400; background: #fff3d6; }
.badge.neutral { color: #4a5560; background: #eef0f2; }
figure { margin: 1.2rem 0; text-align: center; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
dl.repro { display: grid; grid-template-columns: 16rem 1fr; gap: .3rem 1rem; }
dl.repro dt { font-weight: 600; color: var(--muted); }
dl.repro dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); border-top: 1px solid var(--line); }
@page { size: A4; margin: 14mm 13mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.newpage { break-before: page; }
  h2, h3 { break-after: avoid; }
  .answer { background: none; border-left-width: 3px; }
  table { font-size: 9pt; }
  tr, figure, dl.repro, .answer p { break-inside: avoid; }
  thead { display: table-header-group; }
  figure img { border: 0; max-height: 120mm; width: auto; }
  pre { background: none; border: 1px solid var(--line); }
  .badge { background: none !important; }
}
""".strip()


def cli_command(argv: Sequence[str] | None = None) -> str | None:
    """This process's command line when it is centre-sim's own (`python -m sim …`, `centre-sim …`)."""
    argv = list(sys.argv if argv is None else argv)
    if not argv:
        return None
    prog = Path(argv[0])
    if prog.name == "__main__.py" and prog.parent.name == "sim":
        return shlex.join(["python", "-m", "sim", *argv[1:]])
    if prog.stem == "centre-sim":
        return shlex.join(["centre-sim", *argv[1:]])
    return None


def _sources(
    command: str | None, runs: Sequence[Results], given: Mapping[str, str | Path] | None
) -> dict[str, Path]:
    """Scenario name → file: those given, else the `.toml` arguments of `command` that name a scenario."""
    out = {name: Path(path) for name, path in (given or {}).items()}
    names = {r.scenario.name for r in runs}
    if command and not names <= set(out):
        from sim.scenario.loader import read_document

        try:
            tokens = shlex.split(command)
        except ValueError:
            tokens = command.split()
        for token in tokens:
            path = Path(token)
            if not token.endswith(".toml") or not path.is_file():
                continue
            try:
                name = read_document(path).get("scenario", {}).get("name") or path.stem
            except Exception:  # not a scenario, or unreadable: not a source
                continue
            if name in names:
                out.setdefault(name, path)
    return out


def render_report(
    *,
    lang: str,
    results: Results | None = None,
    comparison: Comparison | None = None,
    command: str | Sequence[str] | None = None,
    sources: Mapping[str, str | Path] | None = None,
) -> str:
    """The report of one run (`results`) or of a comparison, as a complete HTML document.

    `lang`: "vi" or "en". `command`: the command line that produced the results (a string or an
    argv list; default: this process's, when it is centre-sim's command line), shown for
    reproducibility and searched for scenario files; `sources`: scenario name → scenario file, for
    the estimates and the notes of what differs (see the module docstring).
    """
    i18n.check_lang(lang)
    if (results is None) == (comparison is None):
        raise ValueError("give exactly one of results (a run) or comparison")
    runs = (results,) if results is not None else (comparison.base, *comparison.alternatives)  # type: ignore[union-attr]
    if command is None:
        command = cli_command()
    elif not isinstance(command, str):
        command = shlex.join(command)
    page = _Page(lang=lang, runs=tuple(runs), comparison=comparison, command=command)  # type: ignore[arg-type]
    page.sources = _sources(command, page.runs, sources)
    title = page.text(
        "title.compare" if comparison is not None else "title.run", scenario=_title(page.base, page.lang)
    )
    body = _join(
        [
            _header(page),
            "<main>",
            _question(page),
            _answer(page),
            _scenarios(page),
            _results(page),
            _targets(page),
            _estimates(page),
            _repro(page),
            _appendix(page),
            "</main>",
            "<footer><p>"
            f"{page.t('prepared', date=fmt_date(dt.date.today(), lang), version=package_version())}"
            "</p></footer>",
        ]
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="centre-sim {esc(package_version())}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_report(
    folder: str | Path,
    *,
    lang: str = "vi",
    results: Results | None = None,
    comparison: Comparison | None = None,
    command: str | Sequence[str] | None = None,
    sources: Mapping[str, str | Path] | None = None,
) -> Path:
    """Write `folder/report.html` in `lang` (the folder is created if needed); return its path.

    One language per folder: the report is always `report.html`, whatever the language, so links
    to it do not depend on `--lang`. An existing report.html is replaced.
    """
    text = render_report(lang=lang, results=results, comparison=comparison, command=command, sources=sources)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    path.write_text(text, encoding="utf-8")
    return path


def report_writer(
    lang: str = "vi",
    command: str | Sequence[str] | None = None,
    sources: Mapping[str, str | Path] | None = None,
) -> Callable[[Any, Path], None]:
    """A writer for `Results.writers` or `Comparison.writers` that adds report.html to the folder."""
    i18n.check_lang(lang)

    def write(obj: Any, folder: Path) -> None:
        from sim.decide.comparison import Comparison

        if isinstance(obj, Comparison):
            write_report(folder, lang=lang, comparison=obj, command=command, sources=sources)
        else:
            write_report(folder, lang=lang, results=obj, command=command, sources=sources)

    return write
