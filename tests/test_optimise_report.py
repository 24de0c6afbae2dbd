"""What people read of a study: the terminal answer, report.html and the cost–performance figure.

A real `OptimiseResult` of a tiny study (2 levers × 2 options on the bundled Đào Xá scenario) is
built with a fast fake model whose means are far from every threshold, so that any correct
procedure reaches the same answer: plan_02 (two ticket machines, one support member). The other
answers ("undecided", "none_feasible") are made by replacing the procedure's `Outcome`.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from english_words import english_leaks, english_words, msgids
from helpers import DAO_XA
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.experiment.runner import Execution
from sim.model.output import ReplicationOutput
from sim.optimiser.procedure import FEASIBLE, INFEASIBLE, UNDECIDED, ConstraintOutcome, Outcome
from sim.optimiser.result import OptimiseResult
from sim.optimiser.search import optimise
from sim.optimiser.study import load_study
from sim.report import format as fmt
from sim.report.i18n import translator
from sim.report.optimise import (
    cost_performance_figure,
    format_optimise,
    optimise_plots_writer,
    optimise_report_writer,
    render_optimise_report,
    write_optimise_plots,
)

ROOT = Path(__file__).resolve().parents[1]

STUDY = """
[study]
name = "tiny"
title = "Machines and support team"
title_vi = "Máy lấy số và tổ hỗ trợ"
description = "The cheapest equipment and support team that meet the targets."
description_vi = "Phương án ít tốn kém nhất về máy lấy số và tổ hỗ trợ mà vẫn đạt mục tiêu."
base = "{base}"

[[levers]]
id = "machines"
name = "Ticket machines"
name_vi = "Máy lấy số"
  [[levers.options]]
  id = "one_machine"
  label = "1 ticket machine"
  label_vi = "1 máy lấy số"
  description = "Today's machine."
  description_vi = "Máy hiện có."
  [[levers.options]]
  id = "two_machines"
  label = "2 ticket machines"
  label_vi = "2 máy lấy số"
  description = "A second machine of the same kind."
  description_vi = "Thêm một máy cùng loại."
  price = 36_000_000
  lifetime_years = 5
  [levers.options.overlay.equipment.ticket_machines]
  count = 2

[[levers]]
id = "support"
name = "Support team"
name_vi = "Tổ hỗ trợ"
  [[levers.options]]
  id = "support_1"
  label = "1 support member"
  label_vi = "tổ hỗ trợ 1 người"
  description = "One member in the mornings."
  description_vi = "Một thành viên làm buổi sáng."
  cost_per_month = 2_000_000
  [levers.options.overlay.support_team]
  members = 1
  [[levers.options]]
  id = "support_2"
  label = "2 support members"
  label_vi = "tổ hỗ trợ 2 người"
  description = "Two members in the mornings, as today."
  description_vi = "Hai thành viên làm buổi sáng, như hiện nay."
  cost_per_month = 4_000_000

[[constraints]]
kpi = "wait_within_target"
op = ">="
value = 0.9
tolerance = 0.01

[[constraints]]
kpi = "on_time_rate"
op = ">="
value = 0.95
tolerance = 0.005

[procedure]
first_stage = 5
batch = 5
max_replications = 20
seed = 7

[stress]
name = "demand_plus_20"
title = "Demand +20%"
title_vi = "Nhu cầu tăng 20%"
demand_factor = 1.2
"""

BASE_VISITS = 58.0
"""demand.visits_per_day of the bundled scenario: more means the stress variant."""


def fake_simulate(scenario, seed: int, replication: int, *, event_log: bool = False) -> ReplicationOutput:
    """Means far outside every ε band: 2 machines meet the wait target, 1 does not; the stress
    variant's 20% more visitors break it. Noise from (seed, replication): common random numbers."""
    rng = np.random.default_rng([seed, replication])
    machines = scenario.equipment.ticket_machines.count
    support = scenario.support_team.members
    stressed = scenario.demand.visits_per_day > BASE_VISITS * 1.1
    share = 0.80 + 0.075 * machines + 0.01 * support - (0.12 if stressed else 0.0)
    noise = rng.normal(0.0, 1.0, 3)
    kpis = {
        "wait_within_target": share + 0.004 * noise[0],
        "on_time_rate": 0.99 + 0.002 * noise[1],
        "wait_mean_min": 9.0 - 2.0 * machines - support + 0.3 * noise[2],
    }
    zeros = np.zeros(24)
    return ReplicationOutput(replication, kpis, 40, np.zeros(10), zeros, zeros, zeros)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> OptimiseResult:
    folder = tmp_path_factory.mktemp("study")
    path = folder / "tiny.toml"
    path.write_text(STUDY.format(base=DAO_XA.as_posix()), encoding="utf-8")
    return optimise(load_study(path), Execution(workers=1, progress=False), simulate=fake_simulate)


CHOSEN = {
    "vi": "Phương án rẻ nhất đạt mục tiêu: 2 máy lấy số, tổ hỗ trợ 1 người — chi phí 2.600.000 đồng/tháng; "
    "độ tin cậy ≥ 95% (dung sai 1 điểm % đối với tỷ lệ người dân chờ không quá 15 phút và 0,5 điểm % đối với "
    "tỷ lệ hồ sơ đúng hạn).",
    "en": "Cheapest plan that meets the targets: 2 ticket machines, 1 support member — cost VND 2,600,000 "
    "per month; confidence ≥ 95% (tolerance 1 % points for share of people waiting at most 15 min and "
    "0.5 % points for on-time rate).",
}
"""The answer sentence, written out by hand: plan_02 = 600,000 (36 M over 5 years) + 2,000,000 đồng."""
FOUND = {"vi": "Phương án rẻ nhất đạt mục tiêu:", "en": "Cheapest plan that meets the targets:"}


def _flat(text: str) -> str:
    """Whitespace (line wraps, no-break spaces) as single spaces."""
    return " ".join(text.split())


class _Page(HTMLParser):
    """The text of a page by section id, with and without what is in <pre>/<code> (commands, files)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.literal = 0
        self.by_section: dict[str, list[str]] = {}
        self.prose: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id") or "")
        if tag in ("pre", "code", "style", "title"):
            self.literal += 1
        if tag == "img":
            self.images.append(a.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.sections.pop()
        if tag in ("pre", "code", "style", "title"):
            self.literal -= 1

    def handle_data(self, data: str) -> None:
        if self.sections:
            self.by_section.setdefault(self.sections[-1], []).append(data)
        if not self.literal:
            self.prose.append(data)

    def section(self, name: str) -> str:
        return _flat("".join(self.by_section.get(name, [])))


# ----- the answer ---------------------------------------------------------------------------------


def test_the_study_makes_the_expected_plans(result: OptimiseResult) -> None:
    """The fixture itself: the costs the sentences below rely on, and the answer any procedure gives."""
    assert [p.cost for p in result.study.plans] == [2_000_000, 2_600_000, 4_000_000, 4_600_000]
    assert result.outcome.answer == "found"
    assert result.chosen is not None and result.chosen.id == "plan_02"
    assert result.stress is not None and result.stress.state == INFEASIBLE


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_terminal_answers_first_with_the_plan_and_its_cost(result: OptimiseResult, lang: str) -> None:
    text = _flat(format_optimise(result, lang))
    assert CHOSEN[lang] in text
    answer_at = text.index(CHOSEN[lang])
    assert answer_at < text.index("01 ") < text.index("02* ")  # the answer, then the table
    assert text.count("*") == 2  # the legend's "* = …" and plan 02's row


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_report_answers_first_with_the_plan_its_cost_and_its_estimates(
    result: OptimiseResult, lang: str
) -> None:
    page = _Page(render_optimise_report(result, lang))
    answer = page.section("answer")
    assert answer.startswith(_flat(translator(lang).gettext("The answer")))
    assert CHOSEN[lang] in answer
    first_section = next(name for name in page.by_section)
    assert first_section == "answer"
    chosen = result.outcome.chosen
    assert chosen is not None
    low = result.estimate(chosen, "wait_within_target")["ci_low"]
    assert fmt.number(100 * low, lang, 1) in answer  # the interval of the chosen plan's estimate


def test_the_stress_line_says_whether_the_plan_still_meets_the_targets(result: OptimiseResult) -> None:
    vi = _flat(format_optimise(result, "vi"))
    en = _flat(format_optimise(result, "en"))
    assert "Với nhu cầu tăng 20%, phương án này không còn đạt mục tiêu: Tỷ lệ người dân chờ" in vi
    assert "With demand up 20%, this plan no longer meets the targets: Share of people waiting" in en
    assert vi.index("không còn đạt") < vi.index("Số lần mô phỏng: đã chạy")

    assert result.stress is not None
    plan = result.stress.plan
    passed = dataclasses.replace(
        plan,
        state=FEASIBLE,
        constraints=tuple(dataclasses.replace(c, state=FEASIBLE) for c in plan.constraints),
    )
    stress = dataclasses.replace(
        result.stress, outcome=dataclasses.replace(result.stress.outcome, plans=(passed,))
    )
    ok = dataclasses.replace(result, stress=stress)
    n = plan.replications
    assert f"Với nhu cầu tăng 20%, phương án này vẫn đạt mục tiêu ({n} lần mô phỏng)." in _flat(
        format_optimise(ok, "vi")
    )
    assert f"With demand up 20%, this plan still meets the targets ({n} replications)." in _flat(
        format_optimise(ok, "en")
    )


def test_the_replications_line_compares_with_a_fixed_design(result: OptimiseResult) -> None:
    o = result.outcome
    fixed = len(result.study.plans) * o.max_used
    line = (
        f"Replications: {o.spent} spent; a fixed design with the same guarantee would need {fixed} "
        f"(4 plans × {o.max_used}); ratio {o.spent / fixed:.2f}."
    )
    assert line in _flat(format_optimise(result, "en"))


def _outcome(
    result: OptimiseResult, answer: str, states: list[list[str]], **fields: object
) -> OptimiseResult:
    """The result with the procedure's outcome replaced: `states[i]` are plan i's constraint states."""
    plans = []
    for po, cs in zip(result.outcome.plans, states, strict=True):
        overall = INFEASIBLE if INFEASIBLE in cs else UNDECIDED if UNDECIDED in cs else FEASIBLE
        plans.append(
            dataclasses.replace(
                po, state=overall, constraints=tuple(ConstraintOutcome(s, None, None) for s in cs)
            )
        )
    base = {"chosen": None, "best_known": None, "blocking": (), "tie": None}
    outcome: Outcome = dataclasses.replace(
        result.outcome, plans=tuple(plans), answer=answer, **{**base, **fields}
    )
    return dataclasses.replace(result, outcome=outcome, stress=None)


@pytest.fixture(scope="module")
def undecided(result: OptimiseResult) -> OptimiseResult:
    """plan_02 undecided at the cap, plan_04 the cheapest known to meet the targets."""
    states = [[INFEASIBLE, FEASIBLE], [UNDECIDED, FEASIBLE], [INFEASIBLE, FEASIBLE], [FEASIBLE, FEASIBLE]]
    return _outcome(result, "undecided", states, best_known=3, blocking=(1,))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_undecided_answer_is_never_presented_as_a_plan(undecided: OptimiseResult, lang: str) -> None:
    _ = translator(lang).gettext
    text = _flat(format_optimise(undecided, lang))
    page = _Page(render_optimise_report(undecided, lang))
    for shown in (text, page.section("answer")):
        assert FOUND[lang] not in shown
        assert (
            _flat(
                _(
                    "No answer yet: the cheapest plan that meets the targets could not be decided within "
                    "{cap} replications per plan."
                ).format(cap=20)
            )
            in shown
        )
        assert _("plan {number}").format(number="02") in shown  # the undecided one, named
        assert _("plan {number}").format(number="04") in shown  # the cheapest known to meet them
        assert (
            _flat(
                _(
                    "The cheapest plan known to meet the targets is {plan}, but a cheaper plan above may "
                    "meet them too, so it is not the answer."
                ).split("{plan}")[1]
            )
            in shown
        )
    rows = format_optimise(undecided, lang).splitlines()
    assert not [r for r in rows if re.match(r"\s+\d+\*", r)]  # no row marked as the answer
    assert 'class="chosen-plan"' not in render_optimise_report(undecided, lang)
    texts = _texts(cost_performance_figure(undecided, _=_, locale=lang))
    assert not [t for t in texts if _("chosen: plan {number}").format(number="") in t]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_feasible_plan_names_the_target_missed_most_often(result: OptimiseResult, lang: str) -> None:
    states = [
        [INFEASIBLE, FEASIBLE],
        [INFEASIBLE, FEASIBLE],
        [INFEASIBLE, INFEASIBLE],
        [FEASIBLE, INFEASIBLE],
    ]
    none = _outcome(result, "none_feasible", states)
    text = _flat(format_optimise(none, lang))
    expected = {
        "vi": "Không có phương án nào đạt mục tiêu. Chỉ tiêu không đạt nhiều nhất: Tỷ lệ người dân chờ "
        "không quá 15 phút ≥ 90%, không đạt ở 3 trên 4 phương án.",
        "en": "No plan meets the targets. The target missed most often: Share of people waiting at most "
        "15 min ≥ 90%, not met by 3 of the 4 plans.",
    }
    assert expected[lang] in text
    assert FOUND[lang] not in text
    assert FOUND[lang] not in _Page(render_optimise_report(none, lang)).section("answer")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_tie_at_the_cheapest_cost_says_how_it_was_broken(result: OptimiseResult, lang: str) -> None:
    from sim.optimiser.procedure import TieBreak

    _ = translator(lang).gettext
    states = [[INFEASIBLE, FEASIBLE], [FEASIBLE, FEASIBLE], [FEASIBLE, FEASIBLE], [FEASIBLE, FEASIBLE]]
    clear = TieBreak(tied=(1, 2), survivors=(2,), chosen=2, replications=10, alpha=0.025, eta=0.5, h2=4.0)
    won = _outcome(result, "found", states, chosen=2, best_known=1, tie=clear)
    text = _flat(format_optimise(won, lang))
    plans = {n: _("plan {number}").format(number=n) for n in ("02", "03")}
    sentence = (
        _flat(
            _(
                "{plans} cost the same and all meet the targets; {chosen} was chosen for its better {kpi} "
                "(paired comparison)."
            )
        )
        .split("{plans}")[1]
        .split("{chosen}")[0]
    )
    assert sentence in text and plans["02"] in text and plans["03"] in text
    assert FOUND[lang] in text and "03*" in text
    close = dataclasses.replace(clear, survivors=(1, 2))
    either = _flat(
        format_optimise(_outcome(result, "found", states, chosen=2, best_known=1, tie=close), lang)
    )
    assert {
        "vi": "phương án nào trong số đó cũng đạt mục tiêu với cùng chi phí",
        "en": "any of them meets the targets at that cost",
    }[lang] in either


# ----- one language per page and figure ---------------------------------------------------------------

_SOURCES = (
    "sim/report/optimise/words.py",
    "sim/report/optimise/terminal.py",
    "sim/report/optimise/figures.py",
    "sim/report/optimise/html.py",
)
_ALLOWED_IN_VI = {"bonferroni", "batur", "nelson", "estimate", "python"}
"""Names, and the label ESTIMATE as it is written in the study files."""


def _english_words() -> set[str]:
    return english_words(msgids(_SOURCES, ("optimise.html.j2",)), _ALLOWED_IN_VI)


def _english_leaks(texts: list[str]) -> list[str]:
    return english_leaks(texts, _english_words())


def test_the_english_word_list_can_catch_a_leak() -> None:
    english = _english_words()
    assert {"plan", "cost", "replications", "targets", "tolerance", "chosen"} <= english
    assert _english_leaks(["Phương án rẻ nhất: 2 máy, chosen plan"]) == ["chosen", "plan"]


def test_the_vietnamese_report_has_no_english_words(result: OptimiseResult) -> None:
    page = _Page(render_optimise_report(result, "vi"))
    prose = [t for t in page.prose if t.strip()]
    assert _english_leaks(prose) == []
    assert any("đồng" in t for t in prose)


def test_the_vietnamese_answer_has_no_english_words(
    result: OptimiseResult, undecided: OptimiseResult
) -> None:
    for r in (result, undecided):
        assert _english_leaks(format_optimise(r, "vi").splitlines()) == []


def _texts(fig: Figure) -> list[str]:
    """Every text a drawn figure shows: titles, labels, legend, annotations and tick labels."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def test_the_vietnamese_figure_has_no_english_words(result: OptimiseResult) -> None:
    texts = _texts(cost_performance_figure(result, _=translator("vi").gettext, locale="vi"))
    assert "chi phí (triệu đồng/tháng)" in texts
    assert "được chọn: phương án 02" in texts
    assert _english_leaks(texts) == []
    en = _texts(cost_performance_figure(result))
    assert "cost (million VND per month)" in en and "chosen: plan 02" in en


def test_the_figure_has_a_panel_per_constraint_with_its_threshold(result: OptimiseResult) -> None:
    fig = cost_performance_figure(result)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == len(result.study.constraints) == 2
    thresholds = [
        [line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"] for ax in panels
    ]
    assert thresholds == [[90.0], [95.0]]


# ----- the files --------------------------------------------------------------------------------------


def test_the_figure_is_byte_identical_when_drawn_twice(result: OptimiseResult, tmp_path: Path) -> None:
    paths = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        written = write_optimise_plots(result, tmp_path / name, _=translator("vi").gettext, locale="vi")
        assert [p.name for p in written] == ["cost_performance.png"]
        paths += written
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_writers_add_the_figure_and_a_self_contained_report(
    result: OptimiseResult, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for write in (
        optimise_plots_writer("vi"),
        optimise_report_writer("vi", command="python -m sim optimise x"),
    ):
        write(result, folder)
    assert (folder / "plots" / "cost_performance.png").is_file()
    text = (folder / "report.html").read_text(encoding="utf-8")
    page = _Page(text)
    assert '<html lang="vi">' in text and "<style>" in text
    assert "script" not in page.tags and "link" not in page.tags
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert list(page.by_section) == ["answer", "stress", "plans", "method", "assumptions", "reproducibility"]
    assert "python -m sim optimise x" in page.section("reproducibility")
    assert str(result.study.seed) in page.section("reproducibility")
    assert "ESTIMATE" in page.section("assumptions")


def test_money_is_written_in_dong() -> None:
    assert fmt.money(63_150_000, "vi") == "63.150.000\u00a0đồng"
    assert fmt.money(63_150_000.4, "en") == "VND\u00a063,150,000"
    assert fmt.money(float("nan"), "vi") == fmt.MISSING
