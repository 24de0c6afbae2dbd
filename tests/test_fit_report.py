"""The fit report as people read it: fit_report.html in Vietnamese and English, its figures and the
terminal summary of `python -m sim fit`, built from a hand-made `FitResult` (fit_result_fixture)."""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from english_words import english_leaks, english_words, msgids
from fit_result_fixture import SCENARIO_TEXT, duration, fit_result
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from scipy import stats

from sim.experiment.results import package_version
from sim.fitting.results import Candidate, DurationFit, FitResult
from sim.report.fit import format_fit, words
from sim.report.fit.figures import (
    duration_figure,
    fit_figures,
    frozen,
    patience_figure,
    qq_points,
    survival,
)
from sim.report.fit.html import REPORT_FILE, render_fit_report, write_fit_report
from sim.report.i18n import translator

SECTIONS = (
    "summary",
    "data",
    "arrivals",
    "services",
    "goodness",
    "patience",
    "shares",
    "staff",
    "register",
    "validation",
    "estimates",
    "toml",
)

_SOURCES = tuple(f"sim/report/fit/{m}.py" for m in ("words", "figures", "html", "terminal"))
_TEMPLATES = ("fit_report.html.j2",)
_ALLOWED_IN_VI = {"gamma", "weibull", "kaplan", "meier"}
"""Names a Vietnamese page keeps: two families and the Kaplan–Meier estimate."""


class _Page(HTMLParser):
    """The words a reader sees: text outside <style>, <pre> and <code>, and image alt texts."""

    SKIP = frozenset({"style", "pre", "code", "script"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.prose: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if tag == "img":
            self.prose += [v or "" for k, v in attrs if k == "alt"]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.prose.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.prose).replace("\u00a0", " ")


def _english() -> set[str]:
    return english_words(msgids(_SOURCES, _TEMPLATES), _ALLOWED_IN_VI)


def _render(result: FitResult, lang: str) -> str:
    return render_fit_report(result, lang, scenario_text=SCENARIO_TEXT, scenario_file="dao_xa_fitted.toml")


def _quiet(result: FitResult) -> FitResult:
    """Without the fitters' notes."""
    return dataclasses.replace(result, notes=())


VARIANTS = {
    "full": {},
    "no_register": {"with_register": False},
    "no_staff": {"with_staff": False},
    "no_patience": {"with_patience": False},
    "empirical": {"empirical": True},
    "disagree": {"disagree": True},
    "no_checks": {"checks": False},
    "dropped_minute": {"dropped": 4, "minute": True},
}


@pytest.fixture(scope="module")
def result() -> FitResult:
    return fit_result()


_STUB = "data:image/png;base64,"


def _undraw(mp: pytest.MonkeyPatch) -> None:
    """The page's figures neither made nor drawn: each is an empty PNG data URI."""
    for name in ("arrival_figure", "duration_figure", "patience_figure"):
        mp.setattr(f"sim.report.fit.html.{name}", lambda *_a, **_k: None)
    mp.setattr("sim.report.fit.html.data_uri", lambda _fig: _STUB)


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, str], str]:
    """Every variant in both languages, without their figures (drawing is what takes the time: the
    figures have their own tests below, and the printed page draws them all)."""
    with pytest.MonkeyPatch.context() as mp:
        _undraw(mp)
        return {
            (name, lang): _render(_quiet(fit_result(**kw)), lang)
            for name, kw in VARIANTS.items()
            for lang in ("vi", "en")
        }


# ----- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_report_has_every_section_in_order_and_ends_with_the_toml(pages, lang: str) -> None:
    html = pages[("full", lang)]
    assert f'<html lang="{lang}">' in html
    found = re.findall(r'<section id="([a-z_]+)"', html)
    assert found == list(SECTIONS)
    assert html.count("data:image/png;base64,") == 5  # arrivals, 3 service times, patience
    toml = html[html.index('<section id="toml">') :]
    assert "visits_per_day = 64.5  # FITTED: ve_2025.csv" in toml
    assert "dao_xa_fitted.toml" in toml


def test_the_english_word_list_can_catch_a_leak() -> None:
    english = _english()
    assert {"service", "censored", "walked", "disagree", "estimate", "fitted", "tickets"} <= english
    assert english_leaks(["Thời gian chờ, censored"], english) == ["censored"]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_vietnamese_page_has_no_english_words(pages, name: str) -> None:
    prose = _Page(pages[(name, "vi")]).prose
    assert english_leaks(prose, _english()) == []


def test_the_vietnamese_page_speaks_as_a_public_office(pages) -> None:
    text = _Page(pages[("full", "vi")]).text.lower()
    for word in ("người dân", "số thứ tự", "hồ sơ", "thủ tục", "quầy", "cán bộ", "ước tính", "từ dữ liệu"):
        assert word in text, word
    assert "khách" not in text
    field = dataclasses.replace(duration("service_min", "land", "field", seed=4), n=10)
    assert words.group(field, "vi") == "lĩnh vực land"


def test_numbers_go_through_the_one_formatter(pages) -> None:
    vi, en = _Page(pages[("full", "vi")]).text, _Page(pages[("full", "en")]).text
    assert "đọc 2.400 dòng, giữ lại tất cả" in vi and "2,400 rows read, all kept" in en
    assert "64,5 lượt người dân mỗi ngày làm việc [61,5; 67,5]" in vi
    assert "64.5 visits per working day [61.5, 67.5]" in en
    assert "97,5%" in vi and "97.5%" in en  # a member's share of sessions
    assert "1/7/2025 – 25/8/2025" in vi and "1 Jul 2025 – 25 Aug 2025" in en
    assert not re.search(r"\d\.\d(?!\d\d)", vi.replace(package_version(), ""))  # no decimal point in vi


def test_the_data_section_counts_dropped_rows_by_column_and_says_the_resolution(pages) -> None:
    html = pages[("dropped_minute", "en")]
    text = _Page(html).text
    assert "2,400 rows read, 2,396 kept, 4 dropped" in text
    section = html[html.index('<section id="data">') : html.index('<section id="arrivals">')]
    assert '<code>called_at</code></td><td class="num">4</td><td class="num">10</td>' in section
    assert "called before issued_at" in section
    assert "to the minute" in text and "utf-16" in html
    assert "dropped" not in _Page(pages[("full", "en")]).text.split("Rows")[1][:40]


def _gof(html: str, first: str = "", last: str = "") -> tuple[str, list[tuple[str, str]]]:
    """The goodness-of-fit table (from the row naming `first` to the one naming `last`) and its
    (family, ✓ or "") per row."""
    table = html[html.index('<table class="gof">') :]
    table = table[: table.index("</table>")]
    if first:
        table = table[table.index(first) : table.index(last) if last else None]
    cells = r"<td class=\"num\">[^<]*</td>"
    rows = re.findall(rf"<td>([^<]*)</td>{cells * 5}<td class=\"chosen\">(✓?)</td>", table)
    return table, rows


def test_the_goodness_of_fit_table_marks_the_chosen_family(pages, result: FitResult) -> None:
    table, rows = _gof(pages[("full", "en")])
    assert len(rows) == sum(len(f.candidates) for f in result.durations)
    used = [family for family, mark in rows if mark]
    assert used == [words.family(f.chosen["dist"], "en") for f in result.durations]
    assert [family for family, _m in rows[:4]] == [
        words.family(c.family, "en") for c in result.durations[0].candidates
    ]
    assert "Procedure land_intake" in table
    assert "&lt;" in table  # the exponential's p-value "< 0.001"


def test_an_empirical_fit_says_no_family_fits(pages) -> None:
    html = pages[("empirical", "en")]
    _table, rows = _gof(html, "Procedure birth_registration", "Visits for collecting")
    assert len(rows) == 5
    assert rows[-1] == ("empirical (no family fits)", "✓")
    assert all(mark == "" for _family, mark in rows[:-1])
    assert "empirical, mean" in _Page(html).text and "(no family fits)" in _Page(html).text


def test_a_result_without_register_staff_or_patience_says_what_stays(pages) -> None:
    assert "No dossier register was given" in _Page(pages[("no_register", "en")]).text
    assert '<table class="procedures">' not in pages[("no_register", "en")]
    assert "names no member of staff" in _Page(pages[("no_staff", "en")]).text
    assert '<table class="staff">' not in pages[("no_staff", "en")]
    no_patience = pages[("no_patience", "en")]
    assert "Too few people walked out to fit their patience" in _Page(no_patience).text
    assert no_patience.count("data:image/png;base64,") == 4
    assert "The validation step was not run" in _Page(pages[("no_checks", "en")]).text
    assert '<table class="checks">' not in pages[("no_checks", "en")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_disagreeing_check_is_named(pages, lang: str) -> None:
    agree, disagree = _Page(pages[("full", lang)]).text, _Page(pages[("disagree", lang)]).text
    wait = "thời gian chờ trung bình" if lang == "vi" else "mean waiting time"
    if lang == "en":
        assert "Model and data agree on every indicator checked" in agree
        assert "Model and data disagree on mean waiting time (model 9.8 min, data 6.2 min)" in disagree
    else:
        assert "Mô hình và dữ liệu chưa khớp ở thời gian chờ trung bình (mô hình 9,8 phút" in disagree
    assert wait not in agree.split("Tóm tắt" if lang == "vi" else "In short")[1][:300].lower()
    html = pages[("disagree", lang)]
    assert html.count('class="badge bad"') == 1 and html.count('class="badge good"') == 3
    share = (
        "Tỷ lệ người dân bỏ về trước khi được gọi"
        if lang == "vi"
        else "Share walking out before being called"
    )
    assert share in _Page(html).text and "walked_out_share" not in html
    assert ("3,0%" if lang == "vi" else "3.0%") in _Page(html).text


def test_patience_with_too_few_walk_outs_is_left_out(undrawn: None) -> None:
    full = fit_result()
    unfitted = dataclasses.replace(full.durations[-1], candidates=(), chosen={}, naive=None)
    result = dataclasses.replace(full, durations=(*full.durations[:-1], unfitted))
    html = _render(result, "en")
    assert "Too few people walked out to fit their patience" in _Page(html).text
    assert "patience before leaving" not in html.lower().split('<table class="gof">')[1]
    assert "patience" not in fit_figures(dataclasses.replace(result, durations=(unfitted,)))
    assert "Patience: too few walk-outs to fit; the base's estimate stays" in format_fit(result, "en")


def test_kept_estimates_show_the_reports_labels(pages) -> None:
    html = pages[("full", "vi")]
    section = html[html.index('<section id="estimates">') : html.index('<section id="toml">')]
    assert translator("vi").gettext("At lunchtime") in section
    assert '<code class="key">procedures[land_intake].work_min</code>' in section
    assert translator("vi").gettext("Processing time") in section
    assert "ƯỚC TÍNH" in section


@pytest.fixture
def undrawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages without their figures (drawing is what takes the time; the figures are tested below)."""
    _undraw(monkeypatch)


def test_notes_are_shown_in_the_summary(result: FitResult, undrawn: None) -> None:
    html = _render(result, "en")
    summary = html[html.index('<section id="summary"') : html.index('<section id="data">')]
    assert "Procedure marriage_registration: 12 served tickets, fewer than 30; the estimate stays." in (
        _Page(summary).text
    )
    vi = _render(result, "vi")
    assert "marriage_registration" in vi and "fewer than" not in vi


def test_the_report_is_written_to_its_folder(result: FitResult, tmp_path: Path, undrawn: None) -> None:
    path = write_fit_report(result, tmp_path, "vi", scenario_text=SCENARIO_TEXT, scenario_file="x.toml")
    assert path == tmp_path / REPORT_FILE
    assert '<html lang="vi">' in path.read_text(encoding="utf-8")


# ----- words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.004, "differs between weekdays"),
        (0.049, "differs between weekdays"),
        (0.05, "does not differ"),
        (0.7, "does not differ"),
        (math.nan, "Too few days"),
    ],
)
def test_the_weekday_test_is_answered_in_a_sentence(result: FitResult, p: float, expected: str) -> None:
    arrivals = dataclasses.replace(result.arrivals, weekday_profiles_differ_p=p)
    assert expected in words.weekday_test(arrivals, "en")
    vi = words.weekday_test(arrivals, "vi")
    assert vi != words.weekday_test(arrivals, "en") and english_leaks([vi], _english()) == []


def test_p_values_are_read_as_people_read_them() -> None:
    assert words.p_value(0.41, "vi") == "0,41"
    assert words.p_value(0.0042, "en") == "0.004"
    assert words.p_value(0.00001, "vi") == "<\u00a00,001"
    assert words.p_value(math.nan, "en") == "–"


# ----- the terminal -------------------------------------------------------------------------------


def test_the_terminal_says_period_rows_fits_disagreements_and_where(result: FitResult) -> None:
    text = format_fit(fit_result(disagree=True, dropped=2), "en", written=Path("out/dao_xa_fitted.toml"))
    lines = text.splitlines()
    assert lines[0] == "Fit of ve_2025.csv: 1 Jul 2025 – 25 Aug 2025, 40 working days"
    assert "2,400 rows read, 2,398 kept, 2 dropped" in lines[1]
    assert any(line.strip().startswith("Procedure land_intake (n = 300): lognormal, mean") for line in lines)
    assert any(line.strip().startswith("Patience before leaving (n = 400): exponential") for line in lines)
    assert "disagree on mean waiting time" in text
    assert lines[-1] == "Written: out/dao_xa_fitted.toml"
    assert len(lines) <= 20 and max(map(len, lines)) <= 100
    assert "Written" not in format_fit(result, "en")


def test_the_vietnamese_terminal_has_no_english_words(result: FitResult) -> None:
    text = format_fit(_quiet(fit_result(empirical=True)), "vi", written=Path("a.toml"))
    assert english_leaks(text.splitlines(), _english()) == []
    assert "Đã ghi: a.toml" in text and "TỪ DỮ LIỆU" in text


# ----- the figures ---------------------------------------------------------------------------------


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _vietnamese(text: str) -> bool:
    return "đ" in text.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def _figure_english() -> set[str]:
    return english_words(msgids(("sim/report/fit/figures.py", "sim/report/fit/words.py"), ()), _ALLOWED_IN_VI)


def test_every_vietnamese_figure_text_is_vietnamese() -> None:
    english = _figure_english()
    assert {"observed", "censoring", "minutes", "tickets"} <= english
    figures = fit_figures(fit_result(empirical=True), _=translator("vi").gettext, locale="vi")
    assert set(figures) == {
        "arrivals",
        "service_min_procedure_land_intake",
        "service_min_procedure_birth_registration",
        "service_min_purpose_collect",
        "patience",
    }
    for name, fig in figures.items():
        texts = _texts(fig)
        assert any(_vietnamese(t) for t in texts), name
        assert english_leaks(texts, english) == [], name
        assert not [t for t in texts if re.search(r"\d\.\d", t)], name  # decimal commas on the axes


def test_english_figures_have_no_vietnamese(result: FitResult) -> None:
    for name, fig in fit_figures(result).items():
        texts = _texts(fig)
        assert texts and not [t for t in texts if _vietnamese(t)], name


def _hatched(fig: Figure) -> list[Rectangle]:
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_hatch()]


def test_the_histogram_shows_censored_times_apart_and_both_fits(result: FitResult) -> None:
    fit = result.durations[0]
    fig = duration_figure(fit)
    hatched = _hatched(fig)
    bin_width = hatched[0].get_width()
    counted = sum(p.get_height() * p.get_width() for p in hatched) * fit.n
    assert counted == pytest.approx(fit.censored[fit.values <= np.quantile(fit.values, 0.99)].sum(), abs=0.5)
    assert bin_width > 0
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    solid = lines["lognormal fit, censoring taken into account"]
    dashed = lines["lognormal fit ignoring censoring"]
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    x = np.asarray(solid.get_xdata())
    assert np.allclose(solid.get_ydata(), frozen(fit.best).pdf(x))
    uncensored = result.durations[2]
    assert not uncensored.censored.any() and _hatched(duration_figure(uncensored)) == []


def test_an_empirical_fit_draws_the_rejected_family_dotted() -> None:
    fit = fit_result(empirical=True).durations[1]
    lines = {line.get_label(): line for line in duration_figure(fit).axes[0].get_lines()}
    assert lines["lognormal: best family, rejected by the test"].get_linestyle() == ":"


@pytest.mark.parametrize("family", ["exponential", "gamma", "lognormal", "weibull"])
def test_a_candidate_without_scipy_parameters_keeps_its_mean_and_cv(family: str) -> None:
    cv = 1.0 if family == "exponential" else 0.6
    dist = frozen(Candidate(family, 7.5, cv, 0.0, 0.0))
    assert dist is not None
    assert dist.mean() == pytest.approx(7.5, rel=1e-9)
    assert dist.std() / dist.mean() == pytest.approx(cv, rel=1e-6)


def _censored_exponential(seed: int, n: int = 3_000) -> DurationFit:
    """Exponential(mean 10) times, about 40% right-censored at random times."""
    rng = np.random.default_rng(seed)
    true = rng.exponential(10.0, n)
    cut = rng.exponential(15.0, n)
    censored = cut < true
    values = np.minimum(true, cut)
    return DurationFit(
        "service_min",
        "x",
        "procedure",
        n,
        0,
        int(censored.sum()),
        (),
        {},
        (0.0, 0.0),
        values=values,
        censored=censored,
    )


def test_the_qq_plot_places_censored_data_by_kaplan_meier() -> None:
    """Against the true distribution the points lie on the diagonal; ignoring the censoring (the
    plain ECDF of all values) would put the observed quantiles at about 60% of the fitted ones."""
    fit = _censored_exponential(seed=11)
    assert 0.3 < fit.censored.mean() < 0.5
    true = stats.expon(scale=10.0)
    x, y = qq_points(fit, true)
    middle = (x > 2) & (x < 20)
    assert middle.sum() > 500
    assert np.median(y[middle] / x[middle]) == pytest.approx(1.0, abs=0.05)
    naive = np.sort(fit.values)
    p = (np.arange(1, naive.size + 1) - 0.5) / naive.size
    keep = (true.ppf(p) > 2) & (true.ppf(p) < 20)
    assert np.median(naive[keep] / true.ppf(p[keep])) < 0.75


def test_patience_shows_kaplan_meier_with_its_band_and_the_fitted_survival(result: FitResult) -> None:
    fit = result.durations[-1]
    assert fit.quantity == "patience_min" and fit.survival is None
    t, s, low, high = survival(fit)
    assert np.all(low <= s + 1e-12) and np.all(s <= high + 1e-12)
    inside = (t > 5) & (t < 40)
    truth = np.exp(-t[inside] / 45.0)  # the fixture's patience: exponential, mean 45 min
    assert np.mean((low[inside] <= truth) & (truth <= high[inside])) > 0.9
    fig = patience_figure(fit)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "Kaplan–Meier estimate" in labels and "exponential fit" in labels
    assert "exponential fit ignoring censoring" in labels
    assert fig.axes[0].collections  # the band
    assert [isinstance(line, Line2D) for line in fig.axes[0].get_lines()]


# ----- printed --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_report_prints_in_chromium(tmp_path: Path) -> None:
    from test_report_pages import print_to_pdf

    path = write_fit_report(
        fit_result(dropped=3, disagree=True),
        tmp_path,
        "vi",
        scenario_text=SCENARIO_TEXT,
        scenario_file="x.toml",
    )
    pages = print_to_pdf(path, tmp_path / "fit.pdf", tmp_path / "profile")
    assert 3 <= pages <= 7
