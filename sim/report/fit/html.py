"""fit_report.html: what `python -m sim fit` found in a centre's own data, and what it wrote.

The data first (period, rows read, kept and dropped, encoding, time resolution), then the arrival
profile, each fitted distribution over its histogram with its Q-Q plot, the goodness-of-fit table,
patience, the shares, staff presence, the register, the validation step, what stayed an estimate
and, last, the TOML lines written, as desktop input analysers end. One self-contained file like
the run reports (`sim.report.html`): the same Jinja2 environment, the stylesheet inlined, the
figures embedded as PNG data URIs. Python builds plain data, already formatted and translated
(`sim.report.fit.words`, shared with the terminal); the template `fit_report.html.j2` holds the markup.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sim.experiment.results import package_version
from sim.report import format as fmt
from sim.report.fit import words
from sim.report.fit.figures import arrival_figure, duration_figure, patience_figure
from sim.report.html.figures import data_uri
from sim.report.html.render import environment, stylesheet
from sim.report.i18n import check_lang
from sim.report.param_labels import key_label

if TYPE_CHECKING:
    from sim.fitting.results import DurationFit, FitResult, Share

TEMPLATE = "fit_report.html.j2"
REPORT_FILE = "fit_report.html"
CHECK = "✓"


def _dataset(kind: str, source: Any, lang: str) -> dict[str, Any]:
    _ = words.gettext(lang)
    return {
        "name": _(words.DATASETS[kind]),
        "file": source.file,
        "period": words.period(source, lang),
        "rows": words.rows(source, lang),
        "encoding": source.encoding,
        "resolution": words.resolution(source, lang),
        "dropped": [
            {"column": c, "rows": fmt.number(n, lang), "first": fmt.number(first, lang), "reason": reason}
            for c, n, first, reason in words.dropped(source)
        ],
    }


def _data(result: FitResult, lang: str) -> list[dict[str, Any]]:
    out = [_dataset("tickets", result.tickets, lang)]
    if result.dossiers is not None:
        out.append(_dataset("dossiers", result.dossiers, lang))
    return out


def _arrivals(result: FitResult, lang: str) -> dict[str, Any]:
    _ = words.gettext(lang)
    a = result.arrivals
    return {
        "visits": words.visits(a, lang),
        "tickets": fmt.number(a.tickets_per_day, lang, 1),
        "tickets_ci": words.interval(a.tickets_per_day_ci, lang),
        "per_visit": fmt.number(a.tickets_per_visit, lang, 2),
        "days": fmt.number(a.working_days, lang),
        "figure": data_uri(arrival_figure(result, _=_, locale=lang)),
        "weekdays": [
            {
                "day": words.upper_first(words.name(day, lang)),
                "factor": fmt.number(f, lang, 2),
                "ci": words.interval(a.weekday_ci.get(day, (math.nan, math.nan)), lang, 2),
            }
            for day, f in a.weekday_factors.items()
        ],
        "test": words.weekday_test(a, lang),
    }


def _service(fit: DurationFit, lang: str) -> dict[str, Any]:
    _ = words.gettext(lang)
    return {
        "title": words.upper_first(words.group(fit, lang)),
        "chosen": words.chosen(fit, lang),
        "mean_ci": words.interval(fit.mean_ci, lang),
        "empirical": fit.empirical,
        "figure": data_uri(duration_figure(fit, _=_, locale=lang)) if fit.values.size else "",
    }


def _gof_rows(fit: DurationFit, lang: str) -> list[dict[str, Any]]:
    _ = words.gettext(lang)
    best_aic = min((c.aic for c in fit.candidates), default=math.nan)
    head = {
        "group": words.upper_first(words.group(fit, lang)),
        "n": fmt.number(fit.n, lang),
        "censored": fmt.number(fit.n_right, lang),
        "interval": (
            _("{n} known to the minute").format(n=fmt.number(fit.n_interval, lang)) if fit.n_interval else ""
        ),
    }
    rows = []
    for k, c in enumerate(fit.candidates):
        rows.append(
            {
                **(head if k == 0 else {}),
                "span": len(fit.candidates) + (1 if fit.empirical else 0),
                "family": words.family(c.family, lang),
                "mean": words.minutes(c.mean, lang),
                "cv": fmt.number(c.cv, lang, 2),
                "aic": fmt.number(c.aic, lang, 1),
                "delta": fmt.number(c.aic - best_aic, lang, 1),
                "p": words.p_value(c.gof_pvalue, lang),
                "chosen": not fit.empirical and c.family == fit.chosen.get("dist"),
                "first": k == 0,
            }
        )
    if fit.empirical:
        mean, cv = words.moments(fit.chosen)
        rows.append(
            {
                **(head if not rows else {}),
                "span": len(rows) + 1,
                "family": _("empirical (no family fits)"),
                "mean": words.minutes(mean, lang),
                "cv": fmt.number(cv, lang, 2),
                "aic": fmt.MISSING,
                "delta": fmt.MISSING,
                "p": fmt.MISSING,
                "chosen": True,
                "first": not rows,
            }
        )
    return rows


def _patience(result: FitResult, lang: str) -> dict[str, Any] | None:
    _ = words.gettext(lang)
    for fit in result.durations:
        if fit.quantity == words.PATIENCE and fit.values.size and words.fitted(fit):
            return {
                "figure": data_uri(patience_figure(fit, _=_, locale=lang)),
                "chosen": words.chosen(fit, lang),
                "mean_ci": words.interval(fit.mean_ci, lang),
                "n": fmt.number(fit.n, lang),
                "left": fmt.number(fit.n - fit.n_right, lang),
            }
    return None


def _share(share: Share, lang: str) -> dict[str, str]:
    return {
        "name": words.share_name(share, lang),
        "count": fmt.number(share.successes, lang),
        "total": fmt.number(share.total, lang),
        "estimate": fmt.percent(share.estimate, lang),
        "ci": words.percent_interval(share.ci, lang),
    }


def _staff(result: FitResult, lang: str) -> list[dict[str, str]]:
    return [
        {
            "id": s.staff_id,
            "days": fmt.number(s.days_present, lang),
            "presence": fmt.percent(s.presence_share, lang),
            "sessions": fmt.percent(s.session_share, lang),
            "tickets": fmt.number(s.tickets, lang),
            "hours": fmt.number(s.counter_minutes / 60, lang, 1),
            "counter": fmt.percent(s.counter_share, lang),
        }
        for s in result.staff
    ]


def _register(result: FitResult, lang: str) -> dict[str, Any] | None:
    r = result.register
    if r is None:
        return None
    procedures = sorted(r.by_procedure, key=lambda p: -r.by_procedure[p])
    rows = []
    for p in procedures:
        share = r.procedure_shares.get(p)
        missing = r.missing_papers.get(p)
        second = r.second_request.get(p)
        days = r.processing_days.get(p)
        rows.append(
            {
                "procedure": p,
                "dossiers": fmt.number(r.by_procedure[p], lang),
                "share": fmt.percent(share.estimate, lang) if share else fmt.MISSING,
                "missing": fmt.percent(missing.estimate, lang) if missing else fmt.MISSING,
                "missing_ci": words.percent_interval(missing.ci, lang) if missing else "",
                "second": fmt.percent(second.estimate, lang) if second else fmt.MISSING,
                "days": fmt.days(days[0], lang, 1) if days else fmt.MISSING,
                "days_ci": words.interval(days[1], lang) if days else "",
            }
        )
    return {
        "dossiers": fmt.number(r.dossiers, lang),
        "per_day": fmt.number(r.dossiers_per_day, lang, 1),
        "channels": [
            {"name": words.channel(c, lang), "count": fmt.number(n, lang)}
            for c, n in sorted(r.by_channel.items(), key=lambda kv: -kv[1])
        ],
        "online": _share(r.online_share, lang),
        "on_time": _share(r.on_time, lang),
        "procedures": rows,
    }


def _checks(result: FitResult, lang: str) -> list[dict[str, Any]]:
    _ = words.gettext(lang)
    return [
        {
            "kpi": words.kpi_label(c.kpi, lang),
            "data": words.kpi_value(c.kpi, c.data, lang),
            "data_ci": words.kpi_interval(c.kpi, c.data_ci, lang),
            "model": words.kpi_value(c.kpi, c.model, lang),
            "model_ci": words.kpi_interval(c.kpi, c.model_ci, lang),
            "badge": {"cls": "good", "text": _("agree")}
            if c.agree
            else {"cls": "bad", "text": _("disagree")},
        }
        for c in result.checks
    ]


def _estimates(result: FitResult, lang: str) -> list[dict[str, str]]:
    _ = words.gettext(lang)
    return [{"label": key_label(key, _), "key": key} for key in result.kept_estimates]


def context(result: FitResult, lang: str, scenario_text: str = "", scenario_file: str = "") -> dict[str, Any]:
    """Everything the template shows, as plain data."""
    _ = words.gettext(lang)
    return {
        "lang": lang,
        "title": _("Fit report: {file}").format(file=Path(result.tickets.file).name),
        "prepared": _("Prepared on {date} with centre-sim {version}").format(
            date=fmt.date(dt.date.today(), lang), version=package_version()
        ),
        "version": package_version(),
        "css": stylesheet(),
        "data": _data(result, lang),
        "fitted": words.fitted_count(result, lang),
        "disagreements": words.disagreements(result.checks, lang),
        "arrivals": _arrivals(result, lang),
        "services": [
            _service(f, lang) for f in result.durations if f.quantity != words.PATIENCE and words.fitted(f)
        ],
        "gof": [_gof_rows(f, lang) for f in result.durations if f.candidates and words.fitted(f)],
        "patience": _patience(result, lang),
        "shares": [_share(s, lang) for s in result.shares],
        "staff": _staff(result, lang),
        "register": _register(result, lang),
        "checks": _checks(result, lang),
        "estimates": _estimates(result, lang),
        "notes": words.notes(result, lang),
        "scenario_text": scenario_text,
        "scenario_file": scenario_file,
        "fitted_tag": Markup("<code>FITTED</code>"),
        "significance": fmt.number(words.SIGNIFICANCE, lang, 2),
    }


def render_fit_report(
    result: FitResult, lang: str = "vi", *, scenario_text: str = "", scenario_file: str = ""
) -> str:
    """The fit report as one complete HTML document in `lang` ("vi" or "en")."""
    check_lang(lang)
    page = context(result, lang, scenario_text, scenario_file)
    return environment(lang).get_template(TEMPLATE).render(page)


def write_fit_report(
    result: FitResult, folder: Path, lang: str, *, scenario_text: str, scenario_file: str
) -> Path:
    """Write `folder/fit_report.html` (figures embedded); return its path."""
    path = Path(folder) / REPORT_FILE
    path.write_text(
        render_fit_report(result, lang, scenario_text=scenario_text, scenario_file=scenario_file),
        encoding="utf-8",
    )
    return path


__all__ = ["REPORT_FILE", "context", "render_fit_report", "write_fit_report"]
