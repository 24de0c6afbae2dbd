"""Render the report: context dicts from the parts, one Jinja2 template, the CSS inlined.

Python builds plain data (numbers already formatted, text already translated); the templates in
`templates/` hold all the markup, with autoescape on, and translate their own labels with
`{{ _("English text", name=value) }}` (msgid = English, `{name}` placeholders as in the catalogue).
"""

from __future__ import annotations

import datetime as dt
import functools
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from sim.experiment.results import package_version
from sim.report.html.answer import answer, question
from sim.report.html.estimates import estimates, repro
from sim.report.html.figures import compare_figures
from sim.report.html.page import REPORT_FILE, Page, title
from sim.report.html.results import results as results_context
from sim.report.html.results import targets
from sim.report.html.scenarios import scenarios
from sim.report.i18n import check_lang, fmt_date, translator

if TYPE_CHECKING:
    from sim.decide.comparison import Comparison
    from sim.experiment.results import Results


def _formatting(lookup: Callable[[str], str]) -> Callable[..., Markup]:
    """`_` for templates: the translation of `msgid`, HTML-escaped, `{placeholders}` filled with
    escaped values. (Jinja's newstyle gettext would %-format: it breaks on "95%" in a msgid.)"""

    def gettext(msgid: str, **values: Any) -> Markup:
        return Markup(escape(lookup(msgid))).format(**values) if values else Markup(escape(lookup(msgid)))

    return gettext


@functools.cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of one language: autoescape, strict undefined, gettext installed."""
    env = Environment(
        loader=PackageLoader("sim.report.html", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tr = translator(lang)

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> Markup:
        return Markup(escape(tr.ngettext(singular, plural, n))).format(n=n, **values)

    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=_formatting(tr.gettext), ngettext=ngettext, newstyle=False
    )
    return env


def stylesheet() -> Markup:
    """static/report.css, to be inlined in the page's <style> (one self-contained file)."""
    css = (resources.files("sim.report.html") / "static" / "report.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))


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


def _scenario_name(path: Path) -> str | None:
    from sim.scenario.loader import read_document

    try:
        return read_document(path).get("scenario", {}).get("name") or path.stem
    except Exception:  # not a scenario, or unreadable: not a source
        return None


def find_sources(
    command: str | None, runs: Sequence[Results], given: Mapping[str, str | Path] | None
) -> dict[str, Path]:
    """Scenario name → file: those given, else the `.toml` arguments of `command` that name a scenario."""
    out = {name: Path(path) for name, path in (given or {}).items()}
    names = {r.scenario.name for r in runs}
    if not command or names <= set(out):
        return out
    try:
        tokens = shlex.split(command)
    except ValueError:
        tokens = command.split()
    for path in (Path(t) for t in tokens if t.endswith(".toml")):
        name = _scenario_name(path) if path.is_file() else None
        if name is not None and name in names:
            out.setdefault(name, path)
    return out


def context(page: Page) -> dict[str, Any]:
    """Everything the template shows, as plain data."""
    _ = page.gettext
    compare = page.comparison is not None
    heading = _("Scenario comparison report: {scenario}") if compare else _("Simulation report: {scenario}")
    return {
        "lang": page.lang,
        "compare": compare,
        "title": heading.format(scenario=title(page.base, page.lang)),
        "centre": page.base.scenario.scenario.centre,
        "prepared": _("Prepared on {date} with centre-sim {version}").format(
            date=fmt_date(dt.date.today(), page.lang), version=package_version()
        ),
        "version": package_version(),
        "css": stylesheet(),
        "question": question(page),
        "answer": answer(page),
        "scenarios": scenarios(page),
        "results": results_context(page),
        "figures": compare_figures(page, page.comparison) if page.comparison is not None else [],
        "targets": targets(page),
        "estimates": estimates(page),
        "repro": repro(page),
    }


def _command_text(command: str | Sequence[str] | None) -> str | None:
    if command is None:
        return cli_command()
    return command if isinstance(command, str) else shlex.join(command)


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
    the estimates and the notes of what differs.
    """
    check_lang(lang)
    if (results is None) == (comparison is None):
        raise ValueError("give exactly one of results (a run) or comparison")
    runs = (results,) if results is not None else (comparison.base, *comparison.alternatives)  # type: ignore[union-attr]
    text = _command_text(command)
    page = Page(lang=lang, runs=runs, comparison=comparison, command=text)
    page.sources = find_sources(text, page.runs, sources)
    return environment(lang).get_template("report.html.j2").render(context(page))


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
    check_lang(lang)

    def write(obj: Any, folder: Path) -> None:
        from sim.decide.comparison import Comparison

        if isinstance(obj, Comparison):
            write_report(folder, lang=lang, comparison=obj, command=command, sources=sources)
        else:
            write_report(folder, lang=lang, results=obj, command=command, sources=sources)

    return write
