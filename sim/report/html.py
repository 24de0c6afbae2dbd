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
   (khoảng tin cậy 95%: 0,8–1,6 phút)", "… không thay đổi đáng kể …"), a tally of verdicts, and
   each scenario's target tally. For a run, the headline KPIs with their intervals and the targets.
3. **The scenarios and what differs**: key facts of each scenario side by side, then for each
   alternative the parameters that differ from the base (base → alternative). Parameters are
   compared as run — the validated scenario with every default filled in, row by row as
   `sim.report.params.parameter_rows` writes them — so a key restated with its default value is no
   difference. Notes come from the scenario files' comments when their paths are known.
4. **Results**: key KPIs, mean [95% CI] per scenario, the paired difference [adjusted CI] and the
   verdict; the forest chart of differences (comparison) or the standard figures (run).
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

from __future__ import annotations

import base64
import datetime as dt
import html
import inspect
import io
import math
import platform
import re
import shlex
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.results import kpi_order, package_version
from sim.experiment.statistics import CONFIDENCE
from sim.report import i18n
from sim.report.i18n import (
    field_label,
    fmt_ci,
    fmt_date,
    fmt_datetime,
    fmt_kpi,
    fmt_kpi_diff,
    fmt_kpi_range,
    fmt_plain,
    kpi_decimals,
    kpi_help,
    kpi_name,
    lower_first,
    staff_labels,
)
from sim.report.table import kpi_kind, kpi_section
from sim.scenario.kpis import KPIS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.decide.comparison import Comparison, KpiComparison
    from sim.experiment.results import Results
    from sim.scenario.schema import Scenario

REPORT_FILE = "report.html"
"""Name of the report in a results or comparison folder (one language per folder)."""

RUN_KEY_KPIS: tuple[str, ...] = (
    "visitors_arrived", "visitors_served_counter", "wait_mean_min", "wait_p90_min",
    "wait_within_target", "queue_mean", "staff_utilisation_mean", "overtime_min_per_day",
    "dossiers_received", "dossiers_completed", "on_time_rate", "late_dossiers",
    "processing_days_mean", "apology_slips", "backlog_end", "score_progress_766",
)
"""KPIs in the results table of a run (those the run reports), plus every KPI with a target."""

RUN_ANSWER_KPIS: tuple[str, ...] = (
    "dossiers_received", "on_time_rate", "wait_mean_min", "wait_p90_min", "overtime_min_per_day")
"""KPIs quoted in the answer of a run."""

MAX_DIFF_ROWS = 60
"""Parameters listed per alternative in "what differs"; the rest are counted."""

_OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}
_TARGET_CLASS = {"met": "good", "not met": "bad", "undecided": "warn"}
_VERDICT_CLASS = {"better": "good", "worse": "bad", "no detectable difference": "neutral", "": "neutral"}
_VERDICT_COLOURS = {"better": "#1B7837", "worse": "#C44E52", "no detectable difference": "#7F7F7F",
                    "": "#4C72B0"}
_PNG_DPI = 110


class Html(str):
    """Text that is already HTML: `esc` leaves it as it is."""

    __slots__ = ()


def esc(value: Any) -> Html:
    """HTML-escape anything but `Html`."""
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def _join(parts: Sequence[str], sep: str = "\n") -> Html:
    return Html(sep.join(parts))


# ----- the page model ---------------------------------------------------------------------------


@dataclass
class _Page:
    lang: str
    runs: tuple[Results, ...]
    comparison: Comparison | None
    command: str | None
    sources: dict[str, Path] = field(default_factory=dict)

    def t(self, key: str, **values: Any) -> Html:
        """A message as HTML: the template and every value escaped (values that are `Html` kept)."""
        template = html.escape(i18n.MESSAGES[self.lang][key], quote=False)
        return Html(template.format(**{k: esc(v) for k, v in values.items()}) if values else template)

    def text(self, key: str, **values: Any) -> str:
        """A message as plain text (for figures and attributes)."""
        return i18n.t(key, self.lang, **values)

    @property
    def base(self) -> Results:
        return self.runs[0]

    @property
    def alternatives(self) -> tuple[Results, ...]:
        return self.runs[1:]

    @property
    def n_replications(self) -> int:
        return self.comparison.replications if self.comparison is not None else self.base.n_replications

    def kpi(self, key: str, results: Results | None = None) -> str:
        return kpi_name(key, self.lang, (results or self.base).scenario)

    def pct(self, share: float) -> str:
        return fmt_plain(round(100 * share, 2), self.lang) + "%"


def _title(results: Results) -> str:
    return results.scenario.scenario.title or results.scenario.name


def _days(results: Results) -> int:
    if results.outputs:
        return results.outputs[0].working_days
    from sim.scenario.calendar import working_days

    return len(working_days(results.scenario.calendar))


def _missing(x: float) -> bool:
    return x is None or math.isnan(x)


def _badge(cls: str, text: str) -> Html:
    return Html(f'<span class="badge {cls}">{esc(text)}</span>')


def _kpi_cell(p: _Page, key: str, results: Results | None = None) -> Html:
    help_text = kpi_help(key, p.lang)
    hint = f'<div class="hint">{esc(help_text)}</div>' if help_text else ""
    return Html(f"{esc(p.kpi(key, results))}{hint}")


def _value_cell(p: _Page, key: str, mean: float, low: float, high: float, n: int | None = None,
                total: int | None = None) -> Html:
    dec = kpi_decimals(key, mean)
    value = esc(fmt_kpi(key, mean, p.lang, dec))
    ci = fmt_ci(key, low, high, p.lang, dec)
    extra = ""
    if n is not None and total is not None and 0 < n < total:
        extra = f'<div class="hint">{p.t("col.n", n=n, total=total)}</div>'
    return Html(f'<span class="v">{value}</span> <span class="ci">{esc(ci)}</span>{extra}')


# ----- figures ----------------------------------------------------------------------------------


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_PNG_DPI, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure_html(fig: Figure, caption: str) -> Html:
    data = _png(fig)
    return Html(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
                f"<figcaption>{esc(caption)}</figcaption></figure>")


def _exact_labels(p: _Page, scenario: Scenario | None) -> dict[str, str]:
    """Texts of figures that name staff and fields by `name or id` → their labels in the language."""
    if scenario is None:
        return {}
    out: dict[str, str] = {}
    labels = staff_labels(scenario, p.lang)
    for m in scenario.staff:
        out[m.name or m.id] = labels[m.id]
    for f in scenario.fields:
        out[f.name or f.id] = field_label(f, p.lang)
    return out


def _translate(text: str, lang: str, exact: Mapping[str, str]) -> str:
    if text in exact:
        return exact[text]
    if lang != "vi":
        return text
    for pattern, repl in i18n.PLOT_TEXT_VI:
        text = re.sub(pattern, repl, text, flags=re.M)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _localise(fig: Figure, p: _Page, scenario: Scenario | None) -> Figure:
    """Translate a standard figure's text and number formats into the report's language."""
    from matplotlib.dates import ConciseDateFormatter, num2date
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter, ScalarFormatter

    exact = _exact_labels(p, scenario)
    if p.lang == "en" and not exact:
        return fig
    for item in fig.findobj(Text):
        text = item.get_text()
        if text:
            item.set_text(_translate(text, p.lang, exact))
    lang = p.lang
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if isinstance(fmt, FixedFormatter | FuncFormatter):  # tick labels given as text
                axis.set_major_formatter(FuncFormatter(
                    lambda v, pos, old=fmt: _translate(str(old(v, pos)), lang, exact)))
            elif lang == "vi" and isinstance(fmt, ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, "vi")))
            elif lang == "vi" and isinstance(fmt, ConciseDateFormatter):
                axis.set_major_formatter(FuncFormatter(
                    lambda v, _pos: f"{num2date(v).day}/{num2date(v).month}"))
    return fig


def _standard_figures(results: Results) -> dict[str, Callable[[Results], Figure]]:
    from sim.report.plots import BACK_OFFICE_FIGURES, FIGURES, has_back_office

    figures = dict(FIGURES)
    if has_back_office(results):
        figures |= BACK_OFFICE_FIGURES
    return figures


def _forest_own(p: _Page) -> Figure:
    """Differences from the base for each key KPI with their adjusted intervals, in the language."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    keys = list(comp.key_kpis)
    alts = list(p.alternatives)
    n = max(1, len(alts))
    fig = Figure(figsize=(8.0, max(2.6, 0.9 + len(keys) * (0.75 + 0.34 * n))), dpi=120,
                 layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(p.text("figure.forest.title", base=_title(p.base)), fontsize=10)
    if not keys or not alts:
        return fig
    axes = fig.subplots(len(keys), 1, squeeze=False)[:, 0]
    y = np.arange(n)[::-1]
    for ax, kpi in zip(axes, keys, strict=True):
        scale = 100.0 if kpi_kind(kpi) == "share" else 1.0
        for yi, alt in zip(y, alts, strict=True):
            r = rows.get((alt.scenario.name, kpi))
            if r is None or _missing(r.difference):
                continue
            d, lo, hi = scale * r.difference, scale * r.diff_ci_low, scale * r.diff_ci_high
            err = np.nan_to_num([[d - lo], [hi - d]], nan=0.0)
            colour = _VERDICT_COLOURS.get(r.verdict, _VERDICT_COLOURS[""])
            ax.errorbar([d], [yi], xerr=err, fmt="o", color=colour, capsize=4, markersize=5,
                        elinewidth=1.6)
            label = fmt_kpi_diff(kpi, r.difference, p.lang, short=True)
            if r.verdict:
                label += f"  {p.text('verdict.' + r.verdict)}"
            ax.annotate(label, (d, yi), xytext=(0, 6), textcoords="offset points", ha="center",
                        fontsize=7, color=colour)
        ax.axvline(0.0, color="black", linewidth=0.8, linestyle="--")
        ax.set_yticks(y, [_short(a.scenario.name, 28) for a in alts], fontsize=8)
        ax.set_ylim(-0.7, n - 0.2)
        ax.margins(x=0.3)
        unit = i18n.unit_label(kpi, p.lang, diff=True, number="2")
        ax.set_title(f"{p.kpi(kpi)} ({unit})" if unit else p.kpi(kpi), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_plain(v, p.lang)))
    return fig


def _forest(p: _Page) -> Figure:
    """The other helper's forest chart when it can speak the language, else ours."""
    try:
        from sim.report.compare_plots import forest_figure
    except ImportError:
        return _forest_own(p)
    if "lang" in inspect.signature(forest_figure).parameters:
        return forest_figure(p.comparison, lang=p.lang)  # type: ignore[call-arg]
    if p.lang == "en":
        return forest_figure(p.comparison)
    return _forest_own(p)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ----- sections ---------------------------------------------------------------------------------


def _rows(comp: Comparison) -> dict[tuple[str, str], KpiComparison]:
    return {(r.scenario, r.kpi): r for r in comp.rows}


def _header(p: _Page) -> Html:
    key = "title.compare" if p.comparison is not None else "title.run"
    centre = p.base.scenario.scenario.centre
    kicker = f'<p class="kicker">{esc(centre)}</p>' if centre else ""
    prepared = p.t("prepared", date=fmt_date(dt.date.today(), p.lang), version=package_version())
    return Html(f"<header>{kicker}<h1>{p.t(key, scenario=_title(p.base))}</h1>"
                f'<p class="meta">{prepared}</p></header>')


def _question(p: _Page) -> Html:
    cal = p.base.scenario.calendar
    start, end = fmt_date(cal.start, p.lang), fmt_date(cal.end, p.lang)
    if p.comparison is None:
        q = p.t("question.run", scenario=_title(p.base), start=start, end=end)
        desc = p.base.scenario.scenario.description
        extra = f"<p>{esc(desc)}</p>" if desc else ""
    else:
        alts = p.text("question.or").join(f"“{_title(a)}”" for a in p.alternatives)
        q = p.t("question.compare", alternatives=alts, base=_title(p.base))
        items = []
        for k, r in enumerate(p.runs):
            role = p.t("question.base" if k == 0 else "question.alternative")
            desc = r.scenario.scenario.description
            tail = f" — {esc(desc)}" if desc else ""
            items.append(f"<li><strong>{role}:</strong> {esc(_title(r))} "
                         f"<code>{esc(r.scenario.name)}</code>{tail}</li>")
        extra = f"<ul>{''.join(items)}</ul>"
    return Html(f'<section id="question"><h2>{p.t("section.question")}</h2>'
                f'<p class="question">{q}</p>{extra}</section>')


def _target_tally(p: _Page, results: Results) -> Html:
    if not results.targets:
        return p.t("answer.no_targets")
    counts = Counter(tg["verdict"] for tg in results.targets)
    return p.t("answer.targets", scenario=_title(results), met=counts["met"],
               total=len(results.targets), not_met=counts["not met"], undecided=counts["undecided"])


def _rule_text(p: _Page, rule: Mapping[str, Any], results: Results) -> str:
    key = rule["kpi"]
    value = rule["value"]
    number = fmt_plain(100 * value if kpi_kind(key) == "share" else value, p.lang)
    unit = i18n.unit_label(key, p.lang, diff=False, number=number)
    threshold = i18n.attach_unit(number, unit)
    return p.text("targets.rule", kpi=p.kpi(key, results), op=_OPS.get(rule["op"], rule["op"]),
                  value=threshold)


def _answer_run(p: _Page) -> Html:
    r = p.base
    cal = r.scenario.calendar
    items = []
    for key in RUN_ANSWER_KPIS:
        s = r.summary.get(key)
        if s is None or s["n"] == 0:
            continue
        dec = kpi_decimals(key, s["mean"])
        value = fmt_kpi(key, s["mean"], p.lang, dec)
        if _missing(s["ci_low"]):
            items.append(p.t("answer.run.item_noci", kpi=p.kpi(key), value=value))
        else:
            ci = fmt_kpi_range(key, s["ci_low"], s["ci_high"], p.lang, decimals=dec)
            items.append(p.t("answer.run.item", kpi=p.kpi(key), value=value, ci=ci))
    intro = p.t("answer.run.intro", replications=r.n_replications, start=fmt_date(cal.start, p.lang),
                end=fmt_date(cal.end, p.lang), days=_days(r))
    targets = [f"<p>{_target_tally(p, r)}</p>"]
    if r.targets:
        lis = []
        for tg in r.targets:
            cls = _TARGET_CLASS.get(tg["verdict"], "neutral")
            dec = kpi_decimals(tg["kpi"], tg["mean"])
            value = fmt_kpi(tg["kpi"], tg["mean"], p.lang, dec)
            ci = fmt_kpi_range(tg["kpi"], tg["ci_low"], tg["ci_high"], p.lang, decimals=dec)
            badge = _badge(cls, p.text("target." + tg["verdict"]))
            lis.append(f"<li>{badge} {esc(_rule_text(p, tg, r))}: {esc(value)} "
                       f'<span class="ci">({esc(ci)})</span></li>')
        targets.append(f'<ul class="targets">{"".join(lis)}</ul>')
    note = p.t("answer.note.run", replications=r.n_replications)
    if r.n_replications < 2:
        note = Html(f"{note} {p.t('answer.one_rep')}")
    return Html(f"<p>{intro}</p><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"
                f"{''.join(targets)}<p class=\"note\">{note}</p>")


def _clear(r: KpiComparison | None) -> bool | None:
    """True when the difference's interval excludes 0, False when it contains 0, None without one."""
    if r is None or _missing(r.difference) or _missing(r.diff_ci_low) or _missing(r.diff_ci_high):
        return None
    return r.diff_ci_low > 0 or r.diff_ci_high < 0


def _magnitude(r: KpiComparison) -> float:
    """Largest of |difference| and its interval's limits: sets the decimals of all three."""
    return max((abs(x) for x in (r.difference, r.diff_ci_low, r.diff_ci_high) if not _missing(x)),
               default=0.0)


def _and(p: _Page, items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + p.text("list.and") + items[-1]


def _clause(p: _Page, key: str, r: KpiComparison | None) -> Html:
    """One KPI's change in words: a clear change with its interval, or why there is no verdict."""
    name = lower_first(p.kpi(key))
    if r is None or _missing(r.difference):
        return p.t("answer.clause.nodata", kpi=name)
    d, lo, hi = r.difference, r.diff_ci_low, r.diff_ci_high
    dec = kpi_decimals(key, _magnitude(r))
    if _missing(lo) or _missing(hi):
        return p.t("answer.clause.noci", kpi=name, amount=fmt_kpi_diff(key, d, p.lang, dec))
    if lo > 0 or hi < 0:
        if d < 0:
            return p.t("answer.clause.down", kpi=name, amount=fmt_kpi_diff(key, d, p.lang, dec, signed=False),
                       ci=fmt_kpi_range(key, -hi, -lo, p.lang, diff=True, decimals=dec))
        return p.t("answer.clause.up", kpi=name, amount=fmt_kpi_diff(key, d, p.lang, dec, signed=False),
                   ci=fmt_kpi_range(key, lo, hi, p.lang, diff=True, decimals=dec))
    raise ValueError("no clear change: see _answer_compare")


def _answer_compare(p: _Page) -> Html:
    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    out = []
    for alt in p.alternatives:
        clauses = [_clause(p, k, rows.get((alt.scenario.name, k))) for k in comp.key_kpis
                   if _clear(rows.get((alt.scenario.name, k))) is not False]
        same = [lower_first(p.kpi(k)) for k in comp.key_kpis
                if _clear(rows.get((alt.scenario.name, k))) is False]
        if same:
            clauses.append(p.t("answer.clause.same_many" if len(same) > 1 else "answer.clause.same",
                               kpis=_and(p, same)))
        verdicts = Counter(rows[(alt.scenario.name, k)].verdict for k in comp.key_kpis
                           if (alt.scenario.name, k) in rows)
        tally = p.t("answer.tally", total=len(comp.key_kpis), better=verdicts["better"],
                    worse=verdicts["worse"], none=verdicts["no detectable difference"])
        lead = Html(f"<strong>{esc(_title(alt))}</strong>")
        out.append(f'<p class="verdict">{lead}: {"; ".join(clauses)}. {tally}</p>')
    with_targets = [r for r in p.runs if r.targets]
    if with_targets:
        out.append('<ul class="tally">' + "".join(f"<li>{_target_tally(p, r)}</li>" for r in with_targets)
                   + "</ul>")
    else:
        out.append(f"<p>{p.t('answer.no_targets')}</p>")
    note = p.t("answer.note.compare", replications=comp.replications, confidence=p.pct(comp.confidence),
               comparisons=comp.comparisons, adjusted=p.pct(comp.adjusted_confidence))
    if comp.replications < 2:
        note = Html(f"{note} {p.t('answer.one_rep')}")
    out.append(f'<p class="note">{note}</p>')
    return _join(out)


def _answer(p: _Page) -> Html:
    body = _answer_run(p) if p.comparison is None else _answer_compare(p)
    return Html(f'<section id="answer" class="answer"><h2>{p.t("section.answer")}</h2>{body}</section>')


# ----- scenarios and differences ----------------------------------------------------------------


def _roles(p: _Page, scenario: Scenario) -> str:
    counts = Counter(m.role for m in scenario.staff)
    parts = []
    for role in ("director", "deputy_director", "specialist", "civil_servant", "other"):
        n = counts.get(role, 0)
        if n:
            word = lower_first(p.text(f"role.{role}"))
            if p.lang == "en" and n > 1:
                word = "staff members" if role == "other" else word + "s"
            parts.append(f"{n} {word}")
    return ", ".join(parts)


def _facts(p: _Page, results: Results) -> dict[str, str]:
    s = results.scenario
    cal = s.calendar
    return {
        "scenario.name": s.name,
        "scenario.title": s.scenario.title,
        "scenario.description": s.scenario.description,
        "scenario.centre": s.scenario.centre,
        "scenario.window": p.text("scenario.window_value", start=fmt_date(cal.start, p.lang),
                                  end=fmt_date(cal.end, p.lang), days=_days(results)),
        "scenario.staff": p.text("scenario.staff_value", total=len(s.staff), roles=_roles(p, s)),
        "scenario.equipment": p.text("scenario.equipment_value",
                                     machines=s.equipment.ticket_machines.count,
                                     pcs=s.equipment.lookup_pcs.count),
        "scenario.support": p.text("scenario.support_value", members=s.support_team.members),
        "scenario.back_office": p.text("scenario.back_office_yes" if s.back_office is not None
                                       else "scenario.back_office_no"),
    }


def _facts_table(p: _Page) -> Html:
    facts = [_facts(p, r) for r in p.runs]
    head = "".join(f"<th>{esc(_title(r))}</th>" for r in p.runs) if len(p.runs) > 1 else ""
    body = []
    for key in facts[0]:
        values = [f[key] for f in facts]
        if not any(values) or (head and key == "scenario.title"):
            continue
        cells = "".join(f"<td><code>{esc(v)}</code></td>" if key == "scenario.name" else f"<td>{esc(v)}</td>"
                        for v in values)
        body.append(f"<tr><th scope=\"row\">{p.t(key)}</th>{cells}</tr>")
    thead = f"<thead><tr><th></th>{head}</tr></thead>" if head else ""
    return Html(f'<table class="facts">{thead}<tbody>{"".join(body)}</tbody></table>')


@dataclass(frozen=True)
class _Param:
    section: str
    key: str
    value: str
    unit: str = ""
    label: str = ""
    note: str = ""


def _param_rows(scenario: Scenario, path: Path | None) -> list[_Param] | None:
    """The scenario's parameters via `sim.report.params` (None when that module is missing)."""
    try:
        from sim.report.params import parameter_rows
    except ImportError:
        return None
    try:
        rows = parameter_rows(scenario, path)
    except Exception:  # a moved or unreadable scenario file: values without labels
        rows = parameter_rows(scenario)
    return [_Param(r.section, r.key, r.value, r.unit, r.label, r.note) for r in rows]


def _flat(value: Any, path: str, out: dict[str, Any]) -> None:
    """Fallback flattening of `model_dump()`: lists of tables keyed by id (or name, or position)."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flat(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        for i, item in enumerate(value):
            tag = item.get("id") or item.get("name") or i
            _flat({k: v for k, v in item.items() if k != "id"}, f"{path}[{tag}]", out)
    else:
        out[path] = value


def _fallback_params(scenario: Scenario) -> list[_Param]:
    flat: dict[str, Any] = {}
    _flat(scenario.model_dump(mode="python"), "", flat)
    return [_Param(k.split(".", 1)[0].split("[", 1)[0], k, _plain_value(v)) for k, v in flat.items()]


def _plain_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None else str(value)


def _params(p: _Page, results: Results) -> list[_Param]:
    rows = _param_rows(results.scenario, p.sources.get(results.scenario.name))
    return _fallback_params(results.scenario) if rows is None else rows


_PARAM_WORDS_VI: tuple[tuple[str, str], ...] = (
    (r"\bnone\b", "không có"), (r"\btrue\b", "có"), (r"\bfalse\b", "không"),
    (r"\blognormal\b", "log-chuẩn"), (r"\bexponential\b", "mũ"), (r"\bgamma\b", "gamma"),
    (r"\buniform\b", "đều"), (r"\bfixed\b", "cố định"), (r"\bempirical\b", "thực nghiệm"),
    (r"\bwith weights\b", "với trọng số"), (r"\bequally likely\b", "đồng khả năng"),
    (r"\bmean\b", "trung bình"), (r"\bmachines\b", "máy"), (r"\bPCs\b", "máy"),
    (r"\bworking days\b", "ngày làm việc"), (r"\bcalendar day\b", "ngày"), (r"\bworking day\b",
                                                                         "ngày làm việc"),
    (r"\bmin / extra document\b", "phút / giấy tờ thêm"), (r"\bmin\b", "phút"),
    (r"\bshare of working time\b", "tỷ lệ thời gian làm việc"), (r"\bshare\b", "tỷ lệ"),
    (r"\bprobability\b", "xác suất"), (r"\brelative weight\b", "trọng số tương đối"),
    (r"\brelative rate\b", "hệ số tương đối"), (r"\bpeople waiting\b", "người chờ"),
    (r"\bpeople\b", "người"), (r"\bdossiers\b", "hồ sơ"), (r"\bdocuments\b", "giấy tờ"),
    (r"\bvisits\b", "lượt khách"), (r"\btickets\b", "phiếu"), (r"\bcounter no\.", "quầy số"),
    (r"\bclock time\b", "giờ"), (r"\bdate\b", "ngày"), (r"\bcalls\b", "lượt gọi"),
    (r"\breplications\b", "lần mô phỏng"), (r"× counter time\b", "× thời gian tại quầy"),
    (r"\bto\b", "đến"),
)


def _param_text(p: _Page, text: str) -> str:
    """A parameter value or unit in words (`sim.report.params`) in the report's language."""
    if p.lang != "vi" or not text:
        return text
    for pattern, repl in _PARAM_WORDS_VI:
        text = re.sub(pattern, repl, text)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


_UNITLESS = {"date", "clock time", "share", "probability", "relative weight", "relative rate"}


def _with_unit(p: _Page, value: str, unit: str) -> str:
    if value == PRESENT:
        return p.text("diff.present")
    value = _param_text(p, value)
    if not unit or unit in _UNITLESS or value in {"none", "không có"}:
        return value
    if unit == "counter no.":
        return f"{_param_text(p, unit)} {value}"
    return f"{value} {_param_text(p, unit)}"


def _part(p: _Page, section: str) -> str:
    key = f"part.{section}"
    return p.text(key) if key in i18n.MESSAGES[p.lang] else section


_IGNORED_SECTIONS = {"scenario", "run"}


def _differences(base: list[_Param], alt: list[_Param]) -> list[tuple[_Param | None, _Param | None]]:
    before = {r.key: r for r in base if r.section not in _IGNORED_SECTIONS}
    after = {r.key: r for r in alt if r.section not in _IGNORED_SECTIONS}
    keys = list(after) + [k for k in before if k not in after]
    out = []
    for k in keys:
        a, b = before.get(k), after.get(k)
        if a is None or b is None or (a.value, a.unit) != (b.value, b.unit):
            out.append((a, b))
    return out


PRESENT = "\0present"
"""Value of a collapsed row: the whole list entry is there."""
_ENTRY = re.compile(r"^([a-z_.]+\[[^\]]+\])")


def _collapse(diffs: list[tuple[_Param | None, _Param | None]]) -> list[tuple[_Param | None, _Param | None]]:
    """A list entry (staff member, procedure, ...) present on one side only becomes one row."""
    sides: dict[str, set[bool]] = {}  # entry -> which sides have it: {a is None} for each of its rows
    for a, b in diffs:
        m = _ENTRY.match((b or a).key)  # type: ignore[union-attr]
        if m:
            sides.setdefault(m.group(1), set()).add(a is None if (a is None) != (b is None) else None)
    out: list[tuple[_Param | None, _Param | None]] = []
    done: set[str] = set()
    for a, b in diffs:
        row = b or a
        assert row is not None
        m = _ENTRY.match(row.key)
        entry = m.group(1) if m else None
        if entry is None or sides[entry] not in ({True}, {False}):
            out.append((a, b))
        elif entry not in done:
            done.add(entry)
            whole = _Param(row.section, entry, PRESENT)
            out.append((None, whole) if a is None else (whole, None))
    return out


def _entry_hint(p: _Page, key: str) -> str:
    m = re.fullmatch(r"(staff|fields)\[([^\]]+)\](?:\..*)?", key)
    if not m:
        return ""
    for r in p.runs:
        sc = r.scenario
        if m.group(1) == "staff" and any(x.id == m.group(2) for x in sc.staff):
            return staff_labels(sc, p.lang)[m.group(2)]
        if m.group(1) == "fields":
            for f in sc.fields:
                if f.id == m.group(2):
                    return field_label(f, p.lang)
    return ""


def _diff_section(p: _Page) -> Html:
    base_params = _params(p, p.base)
    parts = [f'<p class="hint">{p.t("diff.intro")}</p>']
    for alt in p.alternatives:
        diffs = _collapse(_differences(base_params, _params(p, alt)))
        parts.append(f"<h3>{p.t('diff.heading', alternative=_title(alt), base=_title(p.base))}</h3>")
        if not diffs:
            parts.append(f"<p>{p.t('diff.none')}</p>")
            continue
        absent = p.text("diff.absent")
        body = []
        for a, b in diffs[:MAX_DIFF_ROWS]:
            row = b or a
            assert row is not None
            note = b.note if b is not None and b.note and b.label != "default" else ""
            hint = _entry_hint(p, row.key)
            key = Html(f"<code>{esc(row.key)}</code>"
                       + (f'<div class="hint">{esc(hint)}</div>' if hint else ""))
            body.append(
                f"<tr><td>{esc(_part(p, row.section))}</td><td>{key}</td>"
                f"<td>{esc(_with_unit(p, a.value, a.unit) if a else absent)}</td>"
                f"<td><strong>{esc(_with_unit(p, b.value, b.unit) if b else absent)}</strong></td>"
                f'<td class="hint">{esc(note)}</td></tr>')
        head = (f"<tr><th>{p.t('diff.section')}</th><th>{p.t('diff.key')}</th>"
                f"<th>{esc(_title(p.base))}</th><th>{esc(_title(alt))}</th><th>{p.t('col.note')}</th></tr>")
        parts.append(f'<table class="diff"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>')
        if len(diffs) > MAX_DIFF_ROWS:
            parts.append(f"<p class=\"hint\">{p.t('diff.more', count=len(diffs) - MAX_DIFF_ROWS)}</p>")
    return _join(parts)


def _scenarios(p: _Page) -> Html:
    title = p.t("section.scenario" if p.comparison is None else "section.scenarios")
    body = _facts_table(p)
    if p.comparison is not None:
        body = Html(body + _diff_section(p))
    return Html(f'<section id="scenarios" class="newpage"><h2>{title}</h2>{body}</section>')


# ----- results ----------------------------------------------------------------------------------


def _run_keys(results: Results) -> list[str]:
    wanted = [*RUN_KEY_KPIS, *(tg["kpi"] for tg in results.targets)]
    summary = results.summary
    return [k for k in dict.fromkeys(wanted) if k in summary and summary[k]["n"] > 0]


def _results_run(p: _Page) -> Html:
    r = p.base
    body = []
    for key in _run_keys(r):
        s = r.summary[key]
        body.append(f"<tr><td>{_kpi_cell(p, key)}</td><td class=\"num\">"
                    f"{_value_cell(p, key, s['mean'], s['ci_low'], s['ci_high'], s['n'], r.n_replications)}"
                    "</td></tr>")
    table = (f'<table class="results"><thead><tr><th>{p.t("col.kpi")}</th><th class="num">'
             f'{p.t("col.mean")}</th></tr></thead><tbody>{"".join(body)}</tbody></table>')
    figures = []
    for name, make in _standard_figures(r).items():
        fig = _localise(make(r), p, r.scenario)
        figures.append(_figure_html(fig, p.text(f"figure.{name}")))
    intro = p.t("results.intro.run", replications=r.n_replications)
    return Html(f"<p>{intro}</p>{table}{''.join(figures)}")


def _results_compare(p: _Page) -> Html:
    comp = p.comparison
    assert comp is not None
    rows = _rows(comp)
    body = []
    for key in comp.key_kpis:
        present = [r for r in p.runs if (r.scenario.name, key) in rows or key in r.summary]
        for k, res in enumerate(present):
            row = rows.get((res.scenario.name, key))
            s = res.summary.get(key)
            mean, low, high = ((row.mean, row.ci_low, row.ci_high) if row is not None else
                               (s["mean"], s["ci_low"], s["ci_high"]) if s is not None else
                               (math.nan,) * 3)
            is_base = res is p.base
            name = (f"{esc(_title(res))}" + (f' <span class="hint">({p.t("col.base")})</span>'
                                              if is_base else ""))
            if is_base or row is None:
                diff, verdict = Html(""), Html("")
            else:
                dec = kpi_decimals(key, _magnitude(row))
                amount = fmt_kpi_diff(key, row.difference, p.lang, dec, short=True)
                ci = fmt_ci(key, row.diff_ci_low, row.diff_ci_high, p.lang, dec, signed=True)
                diff = Html(f'<span class="v">{esc(amount)}</span> <span class="ci">{esc(ci)}</span>')
                verdict = (_badge(_VERDICT_CLASS.get(row.verdict, "neutral"),
                                  p.text("verdict." + row.verdict)) if row.verdict
                           else _badge("neutral", p.text("verdict.neutral")))
            first = (f'<td rowspan="{len(present)}" class="kpi">{_kpi_cell(p, key)}</td>' if k == 0 else "")
            cls = ' class="group"' if k == 0 else ""
            body.append(f"<tr{cls}>{first}<td>{name}</td><td class=\"num\">"
                        f"{_value_cell(p, key, mean, low, high)}</td><td class=\"num\">{diff}</td>"
                        f"<td>{verdict}</td></tr>")
    head = (f"<tr><th>{p.t('col.kpi')}</th><th>{p.t('col.scenario')}</th><th class=\"num\">"
            f"{p.t('col.mean')}</th><th class=\"num\">{p.t('col.difference')}</th>"
            f"<th>{p.t('col.verdict')}</th></tr>")
    table = f'<table class="results compare"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
    intro = p.t("results.intro.compare", replications=comp.replications, confidence=p.pct(comp.confidence))
    forest = _figure_html(_localise(_forest(p), p, None),
                          p.text("figure.forest", confidence=p.pct(comp.confidence)))
    return Html(f"<p>{intro}</p>{table}{forest}")


def _results(p: _Page) -> Html:
    body = _results_run(p) if p.comparison is None else _results_compare(p)
    return Html(f'<section id="results" class="newpage"><h2>{p.t("section.results")}</h2>{body}</section>')


def _targets(p: _Page) -> Html:
    if not any(r.targets for r in p.runs):
        body = Html(f"<p>{p.t('targets.none')}</p>")
    else:
        rows = []
        several = len(p.runs) > 1
        by_rule: dict[tuple[str, str, float], list[tuple[Results, dict[str, Any]]]] = {}
        for r in p.runs:
            for tg in r.targets:
                by_rule.setdefault((tg["kpi"], tg["op"], tg["value"]), []).append((r, tg))
        for entries in by_rule.values():
            for k, (r, tg) in enumerate(entries):
                cls = _TARGET_CLASS.get(tg["verdict"], "neutral")
                label = tg.get("label") or ""
                show_label = label and (p.lang == "en" or any(ord(c) > 127 for c in label))
                rule = esc(_rule_text(p, tg, r)) + (Html(f'<div class="hint">{esc(label)}</div>')
                                                     if show_label else "")
                first = f'<td rowspan="{len(entries)}">{rule}</td>' if k == 0 else ""
                scen = f"<td>{esc(_title(r))}</td>" if several else ""
                group = ' class="group"' if k == 0 and several else ""
                rows.append(f"<tr{group}>{first}{scen}<td class=\"num\">"
                            f"{_value_cell(p, tg['kpi'], tg['mean'], tg['ci_low'], tg['ci_high'])}</td>"
                            f"<td>{_badge(cls, p.text('target.' + tg['verdict']))}</td></tr>")
        scen_head = f"<th>{p.t('col.scenario')}</th>" if several else ""
        head = (f"<tr><th>{p.t('col.target')}</th>{scen_head}<th class=\"num\">{p.t('col.mean')}</th>"
                f"<th>{p.t('col.verdict')}</th></tr>")
        body = Html(f'<table class="targets"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
                    f'<p class="hint">{p.t("target.legend")}</p>')
    return Html(f'<section id="targets"><h2>{p.t("section.targets")}</h2>{body}</section>')


# ----- estimates --------------------------------------------------------------------------------


def _estimate_groups(rows: list[_Param]) -> list[tuple[str, str, list[_Param]]]:
    """ESTIMATE rows (parameters the model reads), the rows of one section with the same note
    grouped, in order of first appearance: (section, note, rows)."""
    groups: dict[tuple[str, str], list[_Param]] = {}
    for r in rows:
        if "ESTIMATE" not in r.label or "not used by the current model" in r.note:
            continue
        groups.setdefault((r.section, r.note), []).append(r)
    return [(section, note, items) for (section, note), items in groups.items()]


def _estimate_lines(path: Path) -> list[str]:
    """Fallback without `sim.report.params`: the comment text of lines marked ESTIMATE."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "ESTIMATE" in line and "#" in line:
            code, _, comment = line.partition("#")
            text = comment.strip()
            out.append(f"{code.strip()}  — {text}" if code.strip() else text)
    return out


def _estimates(p: _Page) -> Html:
    path = p.sources.get(p.base.scenario.name)
    parts = [f"<p>{p.t('estimates.intro')}</p>"]
    if p.comparison is not None:
        parts.append(f"<p class=\"hint\">{p.t('estimates.intro.compare')}</p>")
    rows = _param_rows(p.base.scenario, path) if path is not None else None
    if rows is not None:
        groups = _estimate_groups(rows)
        body = []
        last = None
        for section, note, items in groups:
            if section != last:
                body.append(f'<tr class="part"><th colspan="2">{esc(_part(p, section))}</th></tr>')
                last = section
            values = "<br>".join(f"<code>{esc(r.key)}</code> = {esc(_with_unit(p, r.value, r.unit))}"
                                 for r in items)
            body.append(f'<tr><td>{values}</td><td class="hint">{esc(note)}</td></tr>')
        if body:
            head = f"<tr><th>{p.t('col.value')}</th><th>{p.t('col.note')}</th></tr>"
            parts.append(f'<table class="estimates"><thead>{head}</thead><tbody>{"".join(body)}'
                         "</tbody></table>")
            return Html(f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
                        f"{''.join(parts)}</section>")
    elif path is not None and path.is_file():
        lines = _estimate_lines(path)
        if lines:
            parts.append('<ul class="estimates">' + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>")
            return Html(f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
                        f"{''.join(parts)}</section>")
    parts = [f"<p>{p.t('estimates.none')}</p>"]
    return Html(f'<section id="estimates" class="newpage"><h2>{p.t("section.estimates")}</h2>'
                f"{''.join(parts)}</section>")


# ----- reproducibility --------------------------------------------------------------------------


def _rule(p: _Page) -> str:
    comp = p.comparison
    if comp is None:
        return p.text("repro.rule_fixed", replications=p.base.n_replications)
    m = re.fullmatch(r"fixed: (\d+) replications?", comp.replication_rule.strip())
    if m:
        return p.text("repro.rule_fixed", replications=int(m.group(1)))
    return comp.replication_rule


def _default_command(p: _Page) -> str | None:
    if p.comparison is not None:
        return None
    r = p.base
    return p.text("repro.command_rerun", command=f"python -m sim run scenario.toml --replications "
                  f"{r.n_replications} --seed {r.seed}")


def _repro(p: _Page) -> Html:
    meta = p.base.meta()
    libs = ", ".join(f"{k} {v}" for k, v in (meta.get("libraries") or {}).items() if v)
    command = p.command or _default_command(p) or p.text("repro.no_command")
    try:
        created = fmt_datetime(dt.datetime.fromisoformat(p.base.created), p.lang)
    except ValueError:
        created = p.base.created
    items = [
        ("repro.command", Html(f"<pre>{esc(command)}</pre>")),
        ("repro.seed", esc(p.base.seed)),
        ("repro.replications", esc(p.n_replications)),
        ("repro.rule", esc(_rule(p))),
        ("repro.confidence", esc(p.pct(p.comparison.confidence if p.comparison else CONFIDENCE))),
        ("repro.version", esc(package_version())),
        ("repro.python", esc(f"Python {platform.python_version()}; {libs}")),
        ("repro.created", esc(created)),
        ("repro.report_date", esc(fmt_date(dt.date.today(), p.lang))),
    ]
    if p.comparison is not None:
        names = ", ".join(r.scenario.name for r in p.runs)
        items.insert(1, ("repro.scenarios", esc(names)))
    dl = "".join(f'<dt>{p.t(k)}</dt><dd class="repro-{k.split(".")[1]}">{v}</dd>' for k, v in items)
    return Html(f'<section id="reproducibility"><h2>{p.t("section.repro")}</h2>'
                f'<p>{p.t("repro.intro")}</p><dl class="repro">{dl}</dl></section>')


# ----- appendix ---------------------------------------------------------------------------------


def _appendix(p: _Page) -> Html:
    keys = kpi_order({k for r in p.runs for k in r.summary})
    several = len(p.runs) > 1
    head_cells = "".join(f"<th class=\"num\">{esc(_title(r))}</th>" for r in p.runs) if several else \
        f"<th class=\"num\">{p.t('col.mean')}</th>"
    parts = [f"<p>{p.t('appendix.intro')}</p>"]
    for section in ("front", "back"):
        in_section = [k for k in keys if kpi_section(k) == section]
        if not in_section:
            continue
        body = []
        for key in in_section:
            cells = []
            for r in p.runs:
                s = r.summary.get(key)
                if s is None or s["n"] == 0:
                    cells.append(f'<td class="num hint">{p.t("appendix.nodata")}</td>')
                else:
                    value = _value_cell(p, key, s["mean"], s["ci_low"], s["ci_high"])
                    cells.append(f'<td class="num">{value}</td>')
            cls = "" if key in KPIS else ' class="sub"'
            body.append(f"<tr{cls}><td>{esc(p.kpi(key))}</td>{''.join(cells)}</tr>")
        parts.append(f"<h3>{p.t('part.' + section)}</h3><table class=\"all\"><thead><tr>"
                     f"<th>{p.t('col.kpi')}</th>{head_cells}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    figures = []
    if p.comparison is not None:
        try:
            from sim.report.compare_plots import on_time_by_scenario_figure, wait_by_hour_by_scenario_figure
        except ImportError:
            pass
        else:
            for name, make in (("wait_by_hour_by_scenario", wait_by_hour_by_scenario_figure),
                               ("on_time_by_scenario", on_time_by_scenario_figure)):
                fig = _localise(make(p.comparison), p, None)
                figures.append(_figure_html(fig, p.text(f"figure.{name}")))
        for r in p.runs:
            for name in ("wait_distribution", "utilisation"):
                make = _standard_figures(r)[name]
                caption = p.text("figure.of", caption=p.text(f"figure.{name}"), scenario=_title(r))
                figures.append(_figure_html(_localise(make(r), p, r.scenario), caption))
    out = [f'<section id="appendix" class="newpage"><h2>{p.t("section.appendix")}</h2>{"".join(parts)}'
           "</section>"]
    if figures:
        out.append(f'<section id="figures" class="newpage"><h2>{p.t("section.figures")}</h2>'
                   f"{''.join(figures)}</section>")
    return _join(out)


# ----- the page ---------------------------------------------------------------------------------

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


def _sources(command: str | None, runs: Sequence[Results],
             given: Mapping[str, str | Path] | None) -> dict[str, Path]:
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


def render_report(*, lang: str, results: Results | None = None, comparison: Comparison | None = None,
                  command: str | Sequence[str] | None = None,
                  sources: Mapping[str, str | Path] | None = None) -> str:
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
    title = page.text("title.compare" if comparison is not None else "title.run", scenario=_title(page.base))
    body = _join([
        _header(page), "<main>", _question(page), _answer(page), _scenarios(page), _results(page),
        _targets(page), _estimates(page), _repro(page), _appendix(page), "</main>",
        f"<footer><p>{page.t('prepared', date=fmt_date(dt.date.today(), lang), version=package_version())}"
        "</p></footer>",
    ])
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="centre-sim {esc(package_version())}">\n'
            f"<title>{esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_report(folder: str | Path, *, lang: str = "vi", results: Results | None = None,
                 comparison: Comparison | None = None, command: str | Sequence[str] | None = None,
                 sources: Mapping[str, str | Path] | None = None) -> Path:
    """Write `folder/report.html` in `lang` (the folder is created if needed); return its path.

    One language per folder: the report is always `report.html`, whatever the language, so links
    to it do not depend on `--lang`. An existing report.html is replaced.
    """
    text = render_report(lang=lang, results=results, comparison=comparison, command=command,
                         sources=sources)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    path.write_text(text, encoding="utf-8")
    return path


def report_writer(lang: str = "vi", command: str | Sequence[str] | None = None,
                  sources: Mapping[str, str | Path] | None = None) -> Callable[[Any, Path], None]:
    """A writer for `Results.writers` or `Comparison.writers` that adds report.html to the folder."""
    i18n.check_lang(lang)

    def write(obj: Any, folder: Path) -> None:
        from sim.decide.comparison import Comparison

        if isinstance(obj, Comparison):
            write_report(folder, lang=lang, comparison=obj, command=command, sources=sources)
        else:
            write_report(folder, lang=lang, results=obj, command=command, sources=sources)

    return write


__all__ = ["REPORT_FILE", "RUN_KEY_KPIS", "render_report", "report_writer", "write_report"]
