"""The HTML report (sim.report.html) and its two languages (sim.report.i18n).

The reports are rendered once per module from real replications of the Đào Xá scenario on one week
(2 replications each), then parsed with the standard library's HTMLParser.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import DAO_XA, dao_xa_data

from sim.decide.comparison import Comparison, KpiComparison
from sim.experiment.results import package_version
from sim.experiment.runner import Execution, run
from sim.experiment.statistics import summarise
from sim.report import html as report_html
from sim.report.html import REPORT_FILE, render_report, write_report
from sim.report.html.answer import answer_compare
from sim.report.html.page import Page as ReportPage
from sim.report.i18n import (
    LANGS,
    NAMED_KPIS,
    fmt_count,
    fmt_date,
    fmt_days,
    fmt_kpi,
    fmt_kpi_range,
    fmt_minutes,
    fmt_number,
    fmt_percent,
    fmt_signed,
    kpi_help,
    kpi_name,
    placeholders,
    scenario_description,
    scenario_title,
    translator,
)
from sim.scenario.kpis import KPIS, RUN_REPORT_KPIS
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import ScenarioInfo

WEEK = {"end": dt.date(2025, 7, 8)}
SEED = 11
KEY_KPIS = ("wait_mean_min", "wait_p90_min", "wait_within_target", "on_time_rate", "late_dossiers")
LOWER_IS_BETTER = {"wait_mean_min", "wait_p90_min", "late_dossiers"}
PO = Path(__file__).resolve().parents[1] / "sim/report/locale/vi/LC_MESSAGES/centre_sim.po"
VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "source", "wbr"}


def _(lang: str, msgid: str) -> str:
    """The report's text for `msgid` (English) in `lang`."""
    return translator(lang).gettext(msgid)


def _kpi(lang: str, key: str, results) -> str:
    """A KPI's name as the report writes it (the wait threshold in minutes)."""
    return ReportPage(lang, (results,)).kpi(key)


# ----- fixtures: real results, a comparison built by hand from the contract's dataclasses ----------


def _run(data: dict) -> object:
    return run(parse_scenario(copy.deepcopy(data)), replications=2, seed=SEED, execution=Execution(workers=1))


@pytest.fixture(scope="module")
def base():
    return _run(dao_xa_data(**WEEK))


@pytest.fixture(scope="module")
def alternative():
    data = dao_xa_data(**WEEK)
    data["scenario"].update(
        name="two_machines",
        title="A second ticket machine",
        description="A second ticket machine and a third support-team member.",
        title_vi="Thêm một máy lấy số",
        description_vi="Thêm một máy lấy số thứ tự và một thành viên tổ hỗ trợ.",
    )
    data["equipment"]["ticket_machines"]["count"] = 2
    data["support_team"]["members"] = 3
    return _run(data)


def _paired(base, alt, kpi: str, level: float) -> tuple[float, float, float]:
    if kpi not in base.replications:  # e.g. the second ticket machine's own down time
        return math.nan, math.nan, math.nan
    diff = alt.replications[kpi].to_numpy() - base.replications[kpi].to_numpy()
    s = summarise(diff, level)
    return s["mean"], s["ci_low"], s["ci_high"]


def _verdict(kpi: str, low: float, high: float) -> str:
    if math.isnan(low) or not (low > 0 or high < 0):
        return "no detectable difference"
    lower = high < 0
    return "better" if lower == (kpi in LOWER_IS_BETTER) else "worse"


@pytest.fixture(scope="module")
def comparison(base, alternative):
    level = 1 - 0.05 / len(KEY_KPIS)
    rows = [
        KpiComparison(base.scenario.name, k, s["mean"], s["ci_low"], s["ci_high"])
        for k, s in base.summary.items()
    ]
    for k, s in alternative.summary.items():
        d, lo, hi = _paired(base, alternative, k, level)
        rows.append(
            KpiComparison(
                alternative.scenario.name,
                k,
                s["mean"],
                s["ci_low"],
                s["ci_high"],
                d,
                lo,
                hi,
                _verdict(k, lo, hi) if k in KEY_KPIS else "",
            )
        )
    return Comparison(
        base=base,
        alternatives=(alternative,),
        rows=tuple(rows),
        key_kpis=KEY_KPIS,
        confidence=0.95,
        comparisons=len(KEY_KPIS),
        replications=2,
        replication_rule="fixed: 2 replications",
    )


class Page(HTMLParser):
    """Tags, attributes, text (per enclosing section id) and nesting errors of a document."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.sections: list[str] = []
        self.errors: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.by_section: dict[str, list[str]] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.starts.append((tag, attributes))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "section":
            self.sections.append(attributes.get("id") or "")

    def handle_startendtag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "section":
            self.sections.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.sections:
            self.by_section.setdefault(self.sections[-1], []).append(data)

    def all_text(self) -> str:
        return "".join(self.text)

    def section(self, name: str) -> str:
        return "".join(self.by_section.get(name, []))

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.starts if tag == name]


@pytest.fixture(scope="module")
def run_pages(base):
    command = f"python -m sim run {DAO_XA} --replications 2 --seed {SEED}"
    return {lang: Page(render_report(lang=lang, results=base, command=command)) for lang in LANGS}


@pytest.fixture(scope="module")
def compare_pages(comparison):
    return {
        lang: Page(render_report(lang=lang, comparison=comparison, sources={"dao_xa_2025": DAO_XA}))
        for lang in LANGS
    }


# ----- the pages ---------------------------------------------------------------------------------


def _check_document(page: Page, lang: str) -> None:
    assert not page.errors, page.errors[:3]
    assert page.stack == []
    assert page.tags("html") == [{"lang": lang}]
    assert {"charset": "utf-8"} in page.tags("meta")
    assert not page.tags("script") and not page.tags("link") and not page.tags("iframe")
    images = page.tags("img")
    assert images
    for img in images:
        src = img["src"] or ""
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
        assert img.get("alt")
    for _, attrs in page.starts:
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), value[:60]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_run_report(run_pages, base, lang):
    page = run_pages[lang]
    _check_document(page, lang)
    text = page.all_text()
    assert base.scenario.name in text
    assert scenario_title(base.scenario, lang) in text
    for key in RUN_REPORT_KPIS:
        if key in base.summary and base.summary[key]["n"] > 0:
            assert _kpi(lang, key, base) in text, key
    for rule in base.targets:
        assert _kpi(lang, rule["kpi"], base) in page.section("targets")
    answer = page.section("answer")
    assert _(lang, "The answer") in answer
    assert fmt_date(base.scenario.calendar.start, lang) in answer
    repro = page.section("reproducibility")
    assert str(SEED) in repro and package_version() in repro
    assert str(DAO_XA) in repro  # the command as given
    assert "visits_per_day = " in page.section("estimates")  # found through the command


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_comparison_report(compare_pages, comparison, lang):
    page = compare_pages[lang]
    _check_document(page, lang)
    text = page.all_text()
    for results in (comparison.base, *comparison.alternatives):
        assert results.scenario.name in text
        assert scenario_title(results.scenario, lang) in page.section("question")
        assert scenario_description(results.scenario, lang) in page.section("question")
    results_text = page.section("results")
    for key in comparison.key_kpis:
        assert _kpi(lang, key, comparison.base) in results_text, key
        assert _kpi(lang, key, comparison.base).lower() in page.section("answer").lower(), key
    assert "equipment.ticket_machines.count" in page.section("scenarios")
    assert "support_team.members" in page.section("scenarios")
    assert "visits_per_day = " in page.section("estimates")
    repro = page.section("reproducibility")
    assert str(SEED) in repro and package_version() in repro
    assert _(lang, "met") in page.section("targets") or _(lang, "undecided") in page.section("targets")


# The bundled scenario's own words, in each language (scenarios/dao_xa_2025.toml, [scenario]).
TITLE = {"vi": "Trung tâm xã Đào Xá, 1/7–25/8/2025", "en": "Đào Xá centre, 1/7–25/8/2025"}
DESCRIPTION = {
    "vi": "Trung tâm Phục vụ hành chính công xã Đào Xá theo báo cáo 40 ngày làm việc đầu tiên: 7 cán "
    "bộ, 1 máy lấy số thứ tự, 1 máy tra cứu và tổ hỗ trợ.",
    "en": "Đào Xá commune centre as reported for its first 40 working days: 7 staff, 1 ticket machine, "
    "1 lookup PC, a support team.",
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_the_report_names_the_scenario_in_its_language(run_pages, lang):
    page = run_pages[lang]
    other = "en" if lang == "vi" else "vi"
    text = page.all_text()
    assert _(lang, "Simulation report: {scenario}").format(scenario=TITLE[lang]) in text  # <title>, <h1>
    question = page.section("question")
    assert TITLE[lang] in question and DESCRIPTION[lang] in question
    assert _(lang, "(not translated)") not in text
    assert TITLE[other] not in text
    assert DESCRIPTION[other] not in text


@pytest.mark.slow
def test_a_scenario_without_a_vietnamese_title_falls_back_visibly_to_the_english_one(base):
    info = base.scenario.scenario.model_copy(update={"title_vi": ""})  # description_vi kept
    results = dataclasses.replace(base, scenario=base.scenario.model_copy(update={"scenario": info}))
    page = Page(render_report(lang="vi", results=results))
    assert _("vi", "Simulation report: {scenario}").format(scenario=TITLE["en"]) in page.all_text()
    assert TITLE["vi"] not in page.all_text()
    question = page.section("question")
    assert TITLE["en"] in question and question.count("(chưa dịch)") == 1  # marked as untranslated
    assert DESCRIPTION["vi"] in question
    assert DESCRIPTION["en"] not in page.all_text()


@pytest.mark.slow
def test_a_missing_vietnamese_description_falls_back_visibly(base):
    info = base.scenario.scenario.model_copy(update={"description_vi": ""})
    results = dataclasses.replace(base, scenario=base.scenario.model_copy(update={"scenario": info}))
    question = Page(render_report(lang="vi", results=results)).section("question")
    assert f"{DESCRIPTION['en']} (chưa dịch)" in question
    assert TITLE["vi"] in question


def test_scenario_title_and_description_fall_back():
    info = ScenarioInfo(name="x", title="T", description="D", title_vi="TV", description_vi="DV")
    assert (scenario_title(info, "vi"), scenario_description(info, "vi")) == ("TV", "DV")
    assert (scenario_title(info, "en"), scenario_description(info, "en")) == ("T", "D")
    vi_only = ScenarioInfo(name="x", title_vi="TV", description_vi="DV")
    assert (scenario_title(vi_only, "en"), scenario_description(vi_only, "en")) == ("TV", "DV")
    en_only = ScenarioInfo(name="x", title="T", description="D")
    assert (scenario_title(en_only, "vi"), scenario_description(en_only, "vi")) == ("T", "D")
    bare = ScenarioInfo(name="x")
    assert [scenario_title(bare, lang) for lang in LANGS] == ["x", "x"]
    assert [scenario_description(bare, lang) for lang in LANGS] == ["", ""]


@pytest.mark.slow
def test_answer_sentences_follow_the_data(base, alternative):
    """A clear fall, with its interval turned into a magnitude; unchanged KPIs named together."""
    rows = (
        KpiComparison(base.scenario.name, "wait_mean_min", 5.0, 4.0, 6.0),
        KpiComparison(alternative.scenario.name, "wait_mean_min", 3.8, 3.0, 4.6, -1.2, -1.6, -0.8, "better"),
        KpiComparison(base.scenario.name, "on_time_rate", 0.95, 0.9, 1.0),
        KpiComparison(
            alternative.scenario.name,
            "on_time_rate",
            0.951,
            0.9,
            1.0,
            0.001,
            -0.005,
            0.007,
            "no detectable difference",
        ),
    )
    comp = Comparison(
        base=base,
        alternatives=(alternative,),
        rows=rows,
        key_kpis=("wait_mean_min", "on_time_rate"),
        confidence=0.95,
        comparisons=2,
        replications=2,
        replication_rule="fixed: 2 replications",
    )
    vi = _answer_text(render_report(lang="vi", comparison=comp))
    assert (
        "Thêm một máy lấy số: thời gian chờ trung bình giảm 1,2 phút (khoảng tin cậy 95%: 0,8–1,6 "
        "phút); tỷ lệ hồ sơ đúng hạn không thay đổi rõ rệt."
    ) in vi
    assert "tốt hơn ở 1" in vi
    en = answer_compare(ReportPage("en", (base, alternative), comp))["alternatives"][0]
    assert en["title"] == "A second ticket machine"
    assert en["clauses"][0].replace("\u00a0", " ") == (
        "mean waiting time falls by 1.2 min (95% confidence interval: 0.8–1.6 min)"
    )
    assert en["clauses"][1] == "on-time rate shows no clear change"


@pytest.mark.slow
def test_a_gain_too_small_to_matter_is_not_green(base, alternative):
    """A 7-second gain is detectable but inside the 1-minute band: said so, and badged grey."""
    rows = (
        KpiComparison(base.scenario.name, "wait_mean_min", 5.0, 4.0, 6.0),
        KpiComparison(
            alternative.scenario.name,
            "wait_mean_min",
            4.88,
            3.9,
            5.9,
            -7 / 60,
            -0.2,
            -0.05,
            "better, but too small to matter",
            mid=1.0,
        ),
        KpiComparison(base.scenario.name, "on_time_rate", 0.95, 0.9, 1.0),
        KpiComparison(
            alternative.scenario.name,
            "on_time_rate",
            0.97,
            0.92,
            1.0,
            0.02,
            0.005,
            0.035,
            "better, maybe not enough to matter",
            mid=0.01,
        ),
    )
    comp = Comparison(
        base=base,
        alternatives=(alternative,),
        rows=rows,
        key_kpis=("wait_mean_min", "on_time_rate"),
        confidence=0.95,
        comparisons=2,
        replications=2,
        replication_rule="fixed: 2 replications",
    )
    for lang, small, maybe, tally in (
        (
            "vi",
            "nhỏ hơn mức chênh lệch đáng kể (1 phút)",
            "có thể chưa đạt mức chênh lệch đáng kể (1 điểm phần trăm)",
            "tốt hơn, có thể chưa đáng kể ở 1; tốt hơn nhưng không đáng kể ở 1",
        ),
        (
            "en",
            "less than the smallest difference that matters (1 min)",
            "perhaps less than the smallest difference that matters (1 percentage point",
            "better, but too small to matter on 1",
        ),
    ):
        text = render_report(lang=lang, comparison=comp)
        answer = _answer_text(text)
        assert small in answer and maybe in answer and tally in answer, answer
        table = _between(text, '<table class="results compare">', "</table>")
        assert '<span class="badge good">' not in table
        band = _(lang, "Smallest difference that matters: ±{mid}").format(mid="1\u00a0" + _(lang, "min"))
        assert band in table
        small_badge = _(lang, "better, but too small to matter")
        assert f'<span class="badge neutral">{small_badge}' in table


@pytest.mark.slow
def test_write_report(tmp_path, base):
    path = write_report(tmp_path / "out", lang="en", results=base)
    assert path == tmp_path / "out" / REPORT_FILE
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError, match="exactly one"):
        render_report(lang="vi")
    with pytest.raises(ValueError, match="allowed: vi, en"):
        render_report(lang="fr", results=base)


def test_command_of_this_process():
    command = report_html.cli_command
    assert command(["/x/sim/__main__.py", "run", "a b.toml"]) == "python -m sim run 'a b.toml'"
    assert command(["/usr/bin/centre-sim", "compare", "a.toml"]) == "centre-sim compare a.toml"
    assert command(["/usr/bin/pytest", "-q"]) is None


# ----- messages and formats ----------------------------------------------------------------------


def test_every_message_in_the_catalogue_is_translated_with_the_same_placeholders():
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 300
    for m in messages:
        msgid, msgstr = (m.id, m.string) if isinstance(m.id, str) else (m.id[0], m.string[0])
        assert msgstr.strip(), msgid
        assert placeholders(msgid) == placeholders(msgstr), msgid
        assert "khách" not in msgstr.lower() and "hạt giống" not in msgstr.lower(), msgstr


def test_every_msgid_of_the_report_is_in_the_catalogue():
    """`_()`/`N_()` in sim/report/html and `{{ _() }}` in its templates, as `pybabel extract` sees them."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    root = Path(report_html.__file__).parent
    found = {
        (msg if isinstance(msg, str) else msg[0]): f"{name}:{line}"
        for name, line, msg, _comments, _context in extract_from_dir(
            root,
            [("**.py", "python"), ("**/templates/**.j2", "jinja2")],
            keywords={"_": None, "gettext": None, "N_": None},
        )
    }
    assert len(found) > 100
    assert "(not translated)" in found and "The answer" in found  # templates and Python both read
    missing = {msgid: where for msgid, where in found.items() if msgid not in known}
    assert not missing, missing


def test_every_kpi_has_a_name_and_an_explanation():
    assert set(KPIS) <= set(NAMED_KPIS)
    for lang in LANGS:
        for key in NAMED_KPIS:
            assert kpi_name(key, lang) != key, (lang, key)
            assert kpi_help(key, lang), (lang, key)
    names = [kpi_name(k, "vi") for k in KPIS]
    assert len(set(names)) == len(names)  # no two KPIs read the same
    assert kpi_name("wait_mean_min", "vi") == "Thời gian chờ trung bình"
    assert kpi_name("on_time_rate", "vi") == "Tỷ lệ hồ sơ đúng hạn"
    assert kpi_name("dossiers_received", "vi") == "Hồ sơ tiếp nhận"
    assert kpi_name("apology_slips", "vi") == "Phiếu xin lỗi và hẹn lại"


@pytest.mark.slow
def test_breakdown_names(base):
    scenario = base.scenario
    assert kpi_name("wait_mean_min.land", "vi", scenario) == "Thời gian chờ trung bình (Đất đai – môi trường)"
    assert kpi_name("wait_mean_min.land", "en", scenario) == "Mean waiting time (Land and environment)"
    assert kpi_name("staff_utilisation.director", "vi", scenario) == "Mức độ bận (Giám đốc)"
    assert "chứng thực" in kpi_name("staff_utilisation.spec_cert", "vi", scenario)


def test_number_and_date_formats():
    assert fmt_number(1700, "vi") == "1.700"
    assert fmt_number(1700, "en") == "1,700"
    assert fmt_number(2.5, "vi", 1) == "2,5"
    assert fmt_number(2.5, "en", 1) == "2.5"
    assert fmt_number(1234567.891, "vi", 2) == "1.234.567,89"
    assert fmt_number(-0.04, "vi", 1) == "0,0"  # no "−0,0"
    assert fmt_number(-1.26, "en", 1) == "\u22121.3"
    assert fmt_signed(1.2, "vi", 1) == "+1,2"
    assert fmt_number(math.nan, "vi") == "–"
    assert fmt_percent(0.953, "vi") == "95,3%"
    assert fmt_percent(0.953, "en") == "95.3%"
    assert fmt_minutes(2.5, "vi") == "2,5\u00a0phút"
    assert fmt_minutes(2.5, "en") == "2.5\u00a0min"
    assert fmt_days(3.09, "vi") == "3,09\u00a0ngày"
    assert fmt_count(1700, "vi") == "1.700\u00a0hồ sơ"
    assert fmt_count(1700, "en", "visitors") == "1,700\u00a0visitors"
    assert fmt_count(1, "en") == "1\u00a0dossier"
    assert fmt_date(dt.date(2025, 8, 25), "vi") == "25/8/2025"
    assert fmt_date(dt.date(2025, 8, 25), "en") == "25 Aug 2025"
    assert fmt_kpi("on_time_rate", 0.875, "vi") == "87,5%"
    assert fmt_kpi("score_progress_766", 19.5, "en") == "19.50/20 points"
    assert fmt_kpi_range("wait_mean_min", 0.8, 1.6, "vi").replace("\u00a0", " ") == "0,8–1,6 phút"
    assert (
        fmt_kpi_range("on_time_rate", -0.005, 0.007, "vi", diff=True, signed=True).replace("\u00a0", " ")
        == "từ \u22120,5 đến +0,7 điểm phần trăm"
    )


@pytest.mark.slow
def test_rounded_differences_keep_their_signs(base, alternative):
    """+0.05 [−0.04, +0.13] points must not read "0,0 điểm % [0,0; +0,1]"."""
    from sim.report.i18n import diff_decimals, fmt_ci

    d, lo, hi = 0.0005, -0.0004, 0.0013
    assert diff_decimals("on_time_rate", (d, lo, hi)) == 2
    assert fmt_ci("on_time_rate", lo, hi, "vi", 2, signed=True) == "[−0,04; +0,13]"
    assert diff_decimals("wait_mean_min", (0.004, -0.003, 0.011)) == 3
    assert diff_decimals("wait_mean_min", (1.5, 0.5, 2.5)) == 1  # nothing hidden: usual decimals
    assert diff_decimals("wait_mean_min", (1e-9, -1e-9, 2e-9)) == 4  # bounded
    rows = (
        KpiComparison(base.scenario.name, "on_time_rate", 0.95, 0.9, 1.0),
        KpiComparison(
            alternative.scenario.name,
            "on_time_rate",
            0.9505,
            0.9,
            1.0,
            d,
            lo,
            hi,
            "no detectable difference",
            mid=0.01,
        ),
    )
    comp = Comparison(
        base=base,
        alternatives=(alternative,),
        rows=rows,
        key_kpis=("on_time_rate",),
        confidence=0.95,
        comparisons=1,
        replications=2,
        replication_rule="fixed: 2 replications",
    )
    table = _between(render_report(lang="vi", comparison=comp), '<table class="results compare">', "</table>")
    assert '+0,05\u00a0điểm %</span> <span class="ci">[−0,04; +0,13]' in table


# ----- written for its readers -------------------------------------------------------------------


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head)]


def _answer_text(html_text: str) -> str:
    return Page(html_text).section("answer").replace("\u00a0", " ")


@pytest.mark.slow
def test_the_answer_speaks_of_people_and_minutes(run_pages, base):
    vi = run_pages["vi"]
    answer = vi.section("answer").replace("\u00a0", " ")
    p90 = base.summary["wait_p90_min"]
    assert (
        f"90% người dân chờ không quá {fmt_kpi('wait_p90_min', p90['mean'], 'vi')}".replace("\u00a0", " ")
        in answer
    )
    minutes = fmt_number(base.scenario.targets.wait_threshold_min, "vi")
    assert f"Tỷ lệ người dân chờ không quá {minutes} phút" in vi.section("results")
    assert "chờ không quá ngưỡng" not in vi.section("results")
    en = run_pages["en"].section("results")
    assert f"Share of people waiting at most {minutes} min" in en
    for page in run_pages.values():
        assert "khách" not in page.all_text().lower() and "hạt giống" not in page.all_text().lower()
    assert "Số khởi tạo ngẫu nhiên" in vi.section("reproducibility")


@pytest.mark.slow
def test_the_answer_comes_first(run_pages, compare_pages):
    for page in (*run_pages.values(), *compare_pages.values()):
        order = [s for s in page.by_section if s]
        assert order[:2] == ["question", "answer"], order
        assert order.index("scenarios") < order.index("results") < order.index("targets")
        assert order.index("targets") < order.index("estimates") < order.index("reproducibility")


@pytest.mark.slow
def test_text_from_a_scenario_is_escaped(base):
    unsafe = {"title_vi": "<b>A & B</b>", "description_vi": "<i>x</i>"}
    info = base.scenario.scenario.model_copy(update=unsafe)
    results = dataclasses.replace(base, scenario=base.scenario.model_copy(update={"scenario": info}))
    text = render_report(lang="vi", results=results)
    assert "<b>A" not in text and "<i>x" not in text
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in text
    page = Page(text)
    assert not page.errors and "<b>A & B</b>" in page.section("question")


@pytest.mark.slow
def test_the_stylesheet_comes_from_the_css_file_and_prints_on_a4(run_pages, base):
    css = (Path(report_html.__file__).parent / "static" / "report.css").read_text(encoding="utf-8")
    text = render_report(lang="en", results=base)
    style = _between(text, "<style>", "</style>")
    assert css.strip() in style
    assert "@page { size: A4;" in css


def test_no_html_in_python_and_no_private_names_across_modules():
    import ast

    tag = re.compile(r"</?(td|th|tr|p|span|div|table|li|ul|h[1-6]|section|strong|code|figure|img)\b")
    root = Path(report_html.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim."):
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, (path.name, node.module, private)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not tag.search(node.value), (path.name, node.value[:60])


@pytest.mark.slow
def test_estimates_are_the_estimate_rows_compactly(base):
    from sim.report.html.estimates import IDENTITY, entry_and_item, estimate_entries, is_estimate
    from sim.report.html.parameters import param_rows

    page = ReportPage("en", (base,))
    rows = param_rows(page, base.scenario, DAO_XA)
    entries = estimate_entries(page, rows)
    shown = {(e["entry"], item) for e in entries for item in e["pairs"]}
    wanted = {
        entry_and_item(r.key)
        for r in rows
        if is_estimate(r) and entry_and_item(r.key)[1].split(".")[-1] not in IDENTITY
    }
    assert shown == wanted
    assert ("demand", "visits_per_day") in shown
    sourced = {entry_and_item(r.key) for r in rows if r.kind == "SOURCED"}
    assert sourced and not (sourced & shown)
    assert len(entries) < len(shown) / 3  # one row per entry, not per parameter
    assert entry_and_item("procedures[land_intake].work_min") == ("procedures[land_intake]", "work_min")
    assert entry_and_item("demand.purposes.submit.share") == ("demand.purposes", "submit.share")


def _words_of(html: str, section: str) -> tuple[str, str]:
    """(the section's HTML, its text without the `<code>` elements: the words a reader reads)."""
    part = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert part is not None, section
    words = re.sub(r"<code[^>]*>.*?</code>", " ", part.group(1), flags=re.S)
    return part.group(1), re.sub(r"<[^>]+>", " ", words)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_estimates_and_differences_name_parameters_in_words(comparison, lang):
    """No scenario key is read as a word: each has its label, and the key stays beside it, small,
    for the planner who edits the file."""
    html = render_report(lang=lang, comparison=comparison, sources={"dao_xa_2025": DAO_XA})
    for section in ("estimates", "scenarios"):
        part, words = _words_of(html, section)
        keys = re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b(?!\.toml)", words)
        assert keys == [], section
        assert '<code class="key">' in part, section
    estimates_part, estimates_words = _words_of(html, "estimates")
    _scenarios_part, scenarios_words = _words_of(html, "scenarios")
    assert _(lang, "Visits per day") + ' <code class="key">visits_per_day</code> = ' in estimates_part
    assert _(lang, "Number of ticket machines") in scenarios_words  # the alternative's second machine
    assert _(lang, "Members") in scenarios_words  # and its third support-team member
    assert _(lang, "Share of time at the counter") in estimates_words
    if lang == "vi":
        assert "Số lượt người dân mỗi ngày" in estimates_words
        assert "Visits per day" not in estimates_words


@pytest.mark.slow
def test_estimate_lists_name_their_rows(base):
    """Staff by their labels, procedures by their field (Vietnamese) or name (English), each with
    its id; a list of many parameters is a row per entry with its values inline."""
    from sim.report.format import join
    from sim.report.html.estimates import MATRIX_COLUMNS, estimates
    from sim.report.i18n import field_label, staff_labels

    scenario = base.scenario
    fields = {f.id: f for f in scenario.fields}
    for lang in LANGS:
        page = ReportPage(lang, (base,), sources={scenario.name: DAO_XA})
        lists = {t["name"]["key"]: t for t in estimates(page)["lists"]}
        staff = lists["staff"]
        labels = staff_labels(scenario, lang)
        assert [r["name"] for r in staff["rows"]] == [
            {"label": labels[r["name"]["key"]], "key": r["name"]["key"]} for r in staff["rows"]
        ]
        assert all(c["label"] for c in staff["columns"]) and len(staff["columns"]) <= MATRIX_COLUMNS
        column = [c["key"] for c in staff["columns"]].index("cross_trained")
        trained = {r["name"]["key"]: r["cells"][column] for r in staff["rows"]}
        for member in scenario.staff:  # fields by their names, not their ids
            if member.cross_trained:
                names = [field_label(fields[f], lang) for f in member.cross_trained]
                assert trained[member.id] == {"text": join(names, lang), "code": False}
        procedures = {p.id: p for p in scenario.procedures}
        rows = lists["procedures"]["rows"]
        assert lists["procedures"]["columns"] == []  # too many parameters for columns: inline
        for r in rows:
            spec = procedures[r["name"]["key"]]
            wanted = spec.name if lang == "en" and spec.name else field_label(fields[spec.field], lang)
            assert r["name"]["label"] == wanted
            assert r["pairs"] and all(pair["name"]["label"] for pair in r["pairs"])


@pytest.mark.slow
def test_the_report_has_no_appendix_dump(run_pages, compare_pages):
    """The full parameter and KPI lists stay in the run folder; the report says where."""
    for page in (*run_pages.values(), *compare_pages.values()):
        assert "appendix" not in page.by_section
        assert "summary.json" in page.section("reproducibility")


def test_every_bundled_scenario_speaks_both_languages():
    """No bundled scenario needs the visible "(chưa dịch)" fallback."""
    from sim.report.html.page import scenario_text
    from sim.scenario import load_scenario

    paths = sorted((DAO_XA.parent).glob("*.toml"))
    assert len(paths) > 10
    for path in paths:
        scenario = load_scenario(path)
        for lang in LANGS:
            for what in ("title", "description"):
                shown = scenario_text(scenario, what, lang)
                assert shown["text"] and not shown["untranslated"], (path.name, lang, what)


def test_templates_translate_and_escape_with_placeholders():
    """`{{ _("…{name}…", name=value) }}`: the catalogue's text, a "%" kept, the value escaped."""
    from jinja2 import UndefinedError

    from sim.report.html.render import environment

    msgid = "Mean of {replications} simulation runs, 95% confidence interval in brackets."
    template = environment("vi").from_string("{{ _(msgid, replications=n) }}|{{ _('The answer') }}")
    text = template.render(msgid=msgid, n="<5>")
    assert text == _("vi", msgid).format(replications="&lt;5&gt;") + "|Trả lời"
    assert "95%" in text
    with pytest.raises(UndefinedError):  # StrictUndefined: a missing value is an error, not ""
        environment("en").from_string("{{ nothing }}").render()
