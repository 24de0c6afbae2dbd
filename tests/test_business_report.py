"""The business case as people read it: the one-sentence answer, the terminal, the NPV figure,
leader_page.html and report.html, in Vietnamese and English.

Real business cases are built cheaply: a fake model behind `compare` (every KPI drawn from the
replication's own random numbers, so base and option share them as under common random numbers;
the option, two ticket machines, waits 15% less and sends half as many people home), then
`sim.business.case.appraise` with the bundled Đào Xá costs and what each test buys.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from english_words import Page, english_leaks, english_words, msgids
from helpers import DAO_XA, ROOT
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from sim.business.case import BusinessCase, appraise
from sim.decide.compare import CompareOptions, compare
from sim.decide.comparison import Comparison
from sim.experiment.sensitivity import Bar, Sensitivity
from sim.model.output import ReplicationOutput
from sim.report.business import format_business_case, words
from sim.report.business.figures import npv_figure, write_business_plots
from sim.report.business.html import (
    business_report_writers,
    labels_for,
    render_business_report,
    render_leader_page,
)
from sim.report.business.labels import Labels, cost_labels, label_of
from sim.report.business.words import (
    ADVISE_AGAINST_AT,
    AGAINST,
    RECOMMEND,
    RECOMMEND_AT,
    UNCERTAIN,
    verdict,
)
from sim.report.i18n import translator
from sim.scenario.costs import CostsSpec, load_costs
from sim.scenario.loader import load_scenario
from sim.scenario.provenance import ESTIMATE, SOURCED
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import certain

COSTS_FILE = ROOT / "scenarios" / "costs" / "dao_xa_costs.toml"
OPTION_FILE = ROOT / "scenarios" / "dao_xa_2025_two_ticket_machines.toml"
REPLICATIONS = 12
DRAWS = 4_000

BASE_KPIS = {
    "wait_mean_min": 6.0,
    "visitors_served_counter": 2000.0,
    "visitors_sent_home": 10.0,
    "visitors_reneged": 5.0,
    "visitors_balked": 3.0,
    "overtime_min_per_day": 20.0,
    "late_dossiers": 2.0,
    "apology_slips": 3.0,
    "score_progress_766": 19.5,
    "on_time_rate": 0.99,
    "wait_p90_min": 12.0,
    "wait_within_target": 0.95,
    "dossiers_received": 1500.0,
}


def fake(scenario: Scenario, seed: int, replication: int, *, event_log: bool = False) -> ReplicationOutput:
    rng = np.random.default_rng([seed, replication])
    noise = rng.normal(0.0, 0.1, len(BASE_KPIS))
    kpis = {k: v * (1.0 + n) for (k, v), n in zip(BASE_KPIS.items(), noise, strict=True)}
    if scenario.equipment.ticket_machines.count == 2:
        kpis["wait_mean_min"] *= 0.85
        kpis["visitors_sent_home"] *= 0.5
    return ReplicationOutput(replication, kpis, 40, np.zeros(1), np.zeros(24), np.zeros(24), np.zeros(24))


def comparison(option: Scenario | None = None) -> Comparison:
    base = load_scenario(DAO_XA)
    option = option if option is not None else load_scenario(OPTION_FILE)
    options = CompareOptions(seed=3, workers=1, simulate=fake)
    return compare(base, [option], REPLICATIONS, ["wait_mean_min"], options)


def costs(purchase: Mapping[str, int], **items: dict[str, object]) -> CostsSpec:
    """The bundled costs with `purchase`, and extra or replaced items."""
    spec = load_costs(COSTS_FILE)
    merged = dict(spec.items)
    for item_id, fields in items.items():
        merged[item_id] = spec.items[item_id].model_copy(update=fields) if item_id in merged else fields
    return CostsSpec.model_validate(
        {**spec.model_dump(), "items": {k: _dump(v) for k, v in merged.items()}, "purchase": dict(purchase)}
    )


def _dump(item: object) -> object:
    return item.model_dump() if hasattr(item, "model_dump") else item


def case(
    purchase: Mapping[str, int] | None = None,
    comparison_: Comparison | None = None,
    **items: dict[str, object],
) -> BusinessCase:
    spec = costs(purchase if purchase is not None else {"ticket_machine": 1}, **items)
    return appraise(comparison_ or comparison(), spec, draws=DRAWS, seed=1)


def long_titled_option(words: int = 20) -> Scenario:
    """The two-machine option with a long title in both languages (a user may type one)."""
    option = load_scenario(OPTION_FILE)
    vi = "Đào Xá 2025, thêm một máy lấy số thứ tự đặt ở cửa vào, " + " ".join(["nâng cấp"] * words)
    en = "Đào Xá 2025, one more ticket machine at the entrance, " + " ".join(["upgrade"] * words)
    info = option.scenario.model_copy(update={"title": en, "title_vi": vi})
    return option.model_copy(update={"scenario": info})


def many_items(n: int = 10) -> dict[str, dict[str, object]]:
    """`n` more purchased items, each with a wide price range and a label in both languages."""
    return {
        f"extra_{k}": {
            "label": f"extra equipment number {k} for the one-stop counter",
            "label_vi": f"thiết bị bổ sung số {k} cho bộ phận một cửa",
            "price": {"low": 1_000_000, "mode": 2_000_000 + 100_000 * k, "high": 6_000_000},
            "lifetime_years": 5,
            "upkeep_per_year": {"low": 100_000, "high": 300_000},
        }
        for k in range(1, n + 1)
    }


# ----- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compared() -> Comparison:
    return comparison()


@pytest.fixture(scope="module")
def machine(compared: Comparison) -> BusinessCase:
    """A second ticket machine at the bundled prices: neither clearly worth it nor clearly not."""
    return case(comparison_=compared)


@pytest.fixture(scope="module")
def labels(machine: BusinessCase) -> Labels:
    out = labels_for(machine, COSTS_FILE)
    assert out is not None
    return out


def _with(c: BusinessCase, **mc: float) -> BusinessCase:
    """The same case with some Monte Carlo results replaced (a known P(NPV > 0), mean, interval)."""
    return dataclasses.replace(c, monte_carlo=dataclasses.replace(c.monte_carlo, **mc))


# ----- the verdict ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (1.0, RECOMMEND),
        (RECOMMEND_AT, RECOMMEND),
        (RECOMMEND_AT - 1e-9, UNCERTAIN),
        (0.5, UNCERTAIN),
        (ADVISE_AGAINST_AT + 1e-9, UNCERTAIN),
        (ADVISE_AGAINST_AT, AGAINST),
        (0.0, AGAINST),
        (math.nan, UNCERTAIN),
    ],
)
def test_the_verdict_follows_the_chance_of_paying_off(p: float, expected: str) -> None:
    assert verdict(p) == expected


def test_the_monte_carlo_decides_the_verdict_end_to_end(compared: Comparison) -> None:
    """A cheap machine pays off in nearly every draw, a dear one in nearly none."""
    cheap = case({"ticket_machine": 1}, compared, ticket_machine={"price": certain(2_000_000)})
    dear = case({"ticket_machine": 1}, compared, ticket_machine={"price": certain(200_000_000)})
    assert cheap.monte_carlo.p_positive >= RECOMMEND_AT
    assert dear.monte_carlo.p_positive <= ADVISE_AGAINST_AT
    assert words.recommendation(cheap, "en").startswith("Go ahead with “Đào Xá 2025, two ticket machines”")
    assert words.recommendation(dear, "en").startswith("Do not go ahead with")
    assert words.recommendation(dear, "vi").startswith("Chưa nên thực hiện phương án")


def test_the_recommendation_in_vietnamese_reads_as_written(machine: BusinessCase) -> None:
    known = _with(machine, p_positive=0.87, mean=41.2e6, p05=-5.3e6, p95=96.4e6)
    nb = "\u00a0"
    assert words.recommendation(known, "vi").replace(nb, " ") == (
        "Nên thực hiện phương án “Đào Xá 2025, hai máy lấy số thứ tự”: khả năng có lợi là 87%, giá trị "
        "hiện tại ròng trong 5 năm khoảng 41 triệu đồng (90%: từ −5 đến 96 triệu đồng)."
    )
    assert words.recommendation(known, "en").replace(nb, " ") == (
        "Go ahead with “Đào Xá 2025, two ticket machines”: the chance that it pays off is 87%, and its net "
        "present value over 5 years is about VND 41 million (90%: VND −5 to 96 million)."
    )


def test_an_uncertain_answer_names_the_switching_value_nearest_its_central_value(
    machine: BusinessCase,
) -> None:
    unsure = _with(machine, p_positive=0.5)
    centrals = {s.key: s.central for s in words.switches(unsure)}
    # the price flips the verdict 5% above its central value, the hour's value 50% below its own
    near = dataclasses.replace(
        unsure,
        switching={
            "price:ticket_machine": 1.05 * centrals["price:ticket_machine"],
            "unit_value:citizen_hours": 0.5 * centrals["unit_value:citizen_hours"],
            "unit_value:wasted_trips": None,
            "unit_value:overtime_hours": None,
        },
    )
    sentence = words.recommendation(near, "en")
    assert sentence.startswith("Not certain enough to recommend")
    assert "if the price of “automatic ticket machine” is at most VND 32 million" in sentence.replace(
        "\u00a0", " "
    )
    far = dataclasses.replace(
        near,
        switching={**near.switching, "unit_value:citizen_hours": 0.98 * centrals["unit_value:citizen_hours"]},
    )
    assert "if an hour of a citizen's time is worth at least VND 40,100" in words.recommendation(
        far, "en"
    ).replace("\u00a0", " ")
    assert "nếu một giờ của người dân có giá trị ít nhất 40.100 đồng" in words.recommendation(
        far, "vi"
    ).replace("\u00a0", " ")
    none = dataclasses.replace(near, switching=dict.fromkeys(near.switching))
    assert words.recommendation(none, "en").endswith("90%: " + words.npv_interval(none, "en") + ").")


def test_switching_values_read_the_right_way_round(machine: BusinessCase) -> None:
    """The NPV falls with a price and rises with the value of an hour; an option with one machine
    fewer gains from a dearer machine (it never buys it)."""
    by_key = {s.key: s for s in words.switches(machine)}
    assert not by_key["price:ticket_machine"].rising
    assert by_key["unit_value:citizen_hours"].rising
    # from two machines to one: the option saves a machine and loses its benefits
    swapped = compare(
        load_scenario(OPTION_FILE),
        [load_scenario(DAO_XA)],
        REPLICATIONS,
        ["wait_mean_min"],
        CompareOptions(seed=3, workers=1, simulate=fake),
    )
    fewer = {s.key: s for s in words.switches(case({"ticket_machine": -1}, swapped))}["price:ticket_machine"]
    assert fewer.value is not None and fewer.rising
    assert fewer.sentence(machine, "en").startswith(
        "It pays off if the price of “automatic ticket machine” is at least"
    )
    en = by_key["price:ticket_machine"].sentence(machine, "en")
    assert en.startswith("It pays off if the price of “automatic ticket machine” is at most")
    vi = by_key["unit_value:citizen_hours"].sentence(machine, "vi")
    assert vi.startswith("Phương án có lợi nếu một giờ của người dân có giá trị ít nhất")
    assert by_key["unit_value:overtime_hours"].value is None  # the option changes no overtime
    assert (
        by_key["unit_value:overtime_hours"]
        .sentence(machine, "en")
        .startswith("No cost of a staff overtime hour from 0 to 100 times")
    )


# ----- money and numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "vi", "en"),
    [
        (41.2e6, "41 triệu đồng", "VND 41 million"),
        (-5.8e6, "−5,8 triệu đồng", "VND −5.8 million"),
        (1.25e9, "1,2 tỷ đồng", "VND 1.2 billion"),
        (34_110.26, "34.100 đồng", "VND 34,100"),
        (0.0, "0 đồng", "VND 0"),
    ],
)
def test_money_is_short_and_in_dong(x: float, vi: str, en: str) -> None:
    assert words.short_money(x, "vi").replace("\u00a0", " ") == vi
    assert words.short_money(x, "en").replace("\u00a0", " ") == en


def test_a_money_range_says_its_unit_once() -> None:
    assert words.money_range(-5e6, 96e6, "vi").replace("\u00a0", " ") == "từ −5 đến 96 triệu đồng"
    assert words.money_range(15e6, 80e6, "vi").replace("\u00a0", " ") == "15–80 triệu đồng"
    assert words.money_range(27_000, 47_700, "en").replace("\u00a0", " ") == "VND 27,000–47,700"
    assert words.money_range(3e6, 3e6, "en").replace("\u00a0", " ") == "VND 3.0 million"


def test_probabilities_never_promise_certainty() -> None:
    assert words.probability(0.87, "vi") == "87%"
    assert words.probability(0.9996, "en") == "over 99%"
    assert words.probability(0.0004, "vi") == "dưới 1%"
    assert words.probability(1.0, "vi") == "trên 99%"  # 10,000 draws promise no certainty
    assert words.probability(0.0, "en") == "under 1%"


def test_the_three_numbers_are_the_chance_the_npv_and_the_payback(machine: BusinessCase) -> None:
    nb = "\u00a0"
    known = _with(machine, p_positive=0.35, mean=-5.8e6, p05=-28e6, p95=12e6, payback_years_central=4.6)
    chance, value, payback = words.three_numbers(known, "vi")
    assert (chance.label, chance.value) == ("Khả năng có lợi", "35%")
    assert value.label == "Giá trị hiện tại ròng trong 5 năm"
    assert value.value.replace(nb, " ") == "−5,8 triệu đồng"
    assert value.note.replace(nb, " ") == "90%: từ −28 đến 12 triệu đồng"
    assert payback.value == "4,6 năm"
    never = _with(machine, payback_years_central=None)
    assert words.three_numbers(never, "en")[2].value == "not within 5 years"


# ----- labels: which figures are ESTIMATEs ----------------------------------------------------------


def test_labels_come_from_the_costs_files_comments(labels: Labels) -> None:
    assert label_of(labels, "items.ticket_machine.price").kind == ESTIMATE
    pc = label_of(labels, "items.lookup_pc.price")
    assert pc.kind == SOURCED and pc.sources == ("decision-15-2025",)
    assert label_of(labels, "overtime_factor").kind == ESTIMATE  # not asked for: unknown is an ESTIMATE
    assert label_of(None, "items.lookup_pc.price").kind == ESTIMATE


def test_a_case_file_extending_the_shared_one_keeps_the_shared_labels(tmp_path: Path) -> None:
    shared = tmp_path / "shared.toml"
    shared.write_text(COSTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    own = tmp_path / "kiosk.toml"
    own.write_text(
        'extends = "shared.toml"\n[costs.items.kiosk]\nprice = 52_000_000   # SOURCED [dao-xa-report]\n'
        "[costs.purchase]\nkiosk = 1\n",
        encoding="utf-8",
    )
    got = cost_labels(own, ["items.kiosk.price", "items.kiosk.upkeep_per_year", "items.lookup_pc.price"])
    assert got["items.kiosk.price"].kind == SOURCED  # the case file's own quotation
    assert got["items.kiosk.upkeep_per_year"].kind == ESTIMATE  # from the shared file
    assert got["items.lookup_pc.price"].kind == SOURCED


def test_the_deciding_assumptions_name_the_estimated_prices_and_the_biggest_line(
    machine: BusinessCase, labels: Labels, compared: Comparison
) -> None:
    sentences = [s.replace("\u00a0", " ") for s in words.deciding(machine, labels, "en")]
    assert sentences[0].startswith("The biggest money line is")
    assert any(
        s.startswith(
            "The price of “automatic ticket machine”, VND 15–80 million (most likely VND 30 million)"
        )
        for s in sentences
    )
    pc = case({"lookup_pc": 1}, compared)
    assert not any("lookup PC" in s for s in words.estimated_prices(pc, labels, "en"))  # SOURCED
    assert any("lookup PC" in s for s in words.estimated_prices(pc, None, "en"))  # no file: ESTIMATE


def test_many_estimated_prices_are_counted_not_listed_on_the_leader_page(compared: Comparison) -> None:
    many = case({"ticket_machine": 1, **dict.fromkeys(many_items(), 1)}, compared, **many_items())
    shown = words.estimated_prices(many, None, "en", most=words.LEADER_ESTIMATES)
    assert len(shown) == words.LEADER_ESTIMATES + 1
    assert "ticket machine" in shown[0]  # the largest first
    assert shown[-1] == "8 more costs are ESTIMATES too; report.html lists them."
    assert len(words.estimated_prices(many, None, "en")) == 11


# ----- the terminal --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_terminal_answers_first(machine: BusinessCase, labels: Labels, lang: str) -> None:
    text = format_business_case(machine, lang, labels)
    lines = text.splitlines()
    assert lines[2] == ("TRẢ LỜI" if lang == "vi" else "ANSWER")
    first = " ".join(line.strip() for line in lines[3:8])
    assert first.startswith(words.recommendation(machine, lang).replace("\u00a0", " ")[:60])
    assert "\u00a0" not in text
    assert all(len(line) <= 140 for line in lines)
    money = "giờ chờ của người dân" if lang == "vi" else "citizens' waiting hours"
    assert money in text


# ----- the figure ----------------------------------------------------------------------------------


def _texts(fig: Figure) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def test_the_figure_marks_zero_the_mean_and_the_interval(machine: BusinessCase) -> None:
    fig = npv_figure(machine)
    ax = fig.axes[0]
    vertical = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert vertical == pytest.approx(sorted([0.0, machine.monte_carlo.mean / 1e6]))
    band = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_alpha() == pytest.approx(0.15)]
    assert len(band) == 1
    low, width = band[0].get_x(), band[0].get_width()
    assert (low, low + width) == pytest.approx((machine.monte_carlo.p05 / 1e6, machine.monte_carlo.p95 / 1e6))
    heights = sum(p.get_height() for p in ax.patches if p not in band)
    assert heights == pytest.approx(100.0)  # bars are % of draws
    assert "net present value (million đồng)" in _texts(fig)


def test_the_vietnamese_figure_has_no_english_words(machine: BusinessCase) -> None:
    texts = _texts(npv_figure(machine, _=translator("vi").gettext, locale="vi"))
    assert "giá trị hiện tại ròng (triệu đồng)" in texts
    assert _english_leaks(texts) == []


def test_the_figure_is_byte_identical_when_drawn_twice(machine: BusinessCase, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_business_plots(machine, tmp_path / "a")
    b = write_business_plots(machine, tmp_path / "b")
    assert [p.name for p in a] == ["npv_distribution.png"]
    assert a[0].read_bytes() == b[0].read_bytes()


# ----- the pages -----------------------------------------------------------------------------------


_SOURCES = (
    "sim/report/business/words.py",
    "sim/report/business/terminal.py",
    "sim/report/business/figures.py",
    "sim/report/business/html.py",
)
_TEMPLATES = ("business_leader.html.j2", "business_report.html.j2")
_ALLOWED_IN_VI = {"monte", "carlo", "python", "estimate"}
"""Names (the Monte Carlo method, Python) and the label as the costs files write it."""


def _english_words() -> set[str]:
    return english_words(msgids(_SOURCES, _TEMPLATES), _ALLOWED_IN_VI)


def _english_leaks(texts: list[str]) -> list[str]:
    return english_leaks(texts, _english_words())


def test_the_english_word_list_can_catch_a_leak() -> None:
    english = _english_words()
    assert {"chance", "pays", "present", "value", "price", "draws", "switching"} <= english
    assert _english_leaks(["Khả năng có lợi 35%, net present value"]) == ["present", "value"]


@pytest.mark.parametrize("render", ["leader", "report"])
def test_the_vietnamese_pages_have_no_english_words(
    machine: BusinessCase, labels: Labels, compared: Comparison, render: str
) -> None:
    many = case({"ticket_machine": 1, **dict.fromkeys(many_items(3), 1)}, compared, **many_items(3))
    for c, lab in ((machine, labels), (_with(machine, p_positive=0.9), labels), (many, None)):
        html = (
            render_leader_page(c, "vi", lab) if render == "leader" else render_business_report(c, "vi", lab)
        )
        prose = Page(html).prose
        assert _english_leaks(prose) == []
        assert any("đồng" in t for t in prose)


def test_the_leader_page_holds_the_answer_the_numbers_and_what_decides_it(
    machine: BusinessCase, labels: Labels
) -> None:
    html = render_leader_page(machine, "vi", labels)
    text = " ".join(Page(html).prose)
    assert words.recommendation(machine, "vi") in text
    for f in words.three_numbers(machine, "vi"):
        assert f.label in text and f.value in text and f.note in text
    for sentence in words.deciding(machine, labels, "vi"):
        assert sentence in text
    assert words.method_note(machine, "vi") in text
    assert html.count('<img src="data:image/png;base64,') == 1
    assert "<table" not in html  # the tables are in report.html


def test_the_report_has_every_table(machine: BusinessCase, labels: Labels) -> None:
    html = render_business_report(machine, "en", labels, command="python -m sim business-case a.toml b.toml")
    for section in ("answer", "benefits", "costs", "switching", "quality", "method", "reproducibility"):
        assert f'id="{section}"' in html
    text = " ".join(Page(html).prose)
    assert "citizens' waiting hours" in text and "wasted trips" in text and "staff overtime hours" in text
    assert "VND 15–80 million (most likely VND 30 million)" in text.replace("\u00a0", " ")
    assert "ESTIMATE" in text
    assert "python -m sim business-case a.toml b.toml" in html
    assert "4,000 (1)" in text  # draws and their seed


def test_the_writers_add_the_figure_and_both_pages(machine: BusinessCase, tmp_path: Path) -> None:
    c = dataclasses.replace(machine, writers=business_report_writers("vi", costs_file=COSTS_FILE))
    folder = c.save(tmp_path / "case")
    assert (folder / "plots" / "npv_distribution.png").is_file()
    leader = (folder / "leader_page.html").read_text(encoding="utf-8")
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in leader and '<html lang="vi">' in report
    assert "Tóm tắt cho lãnh đạo" in leader
    assert "CÓ NGUỒN" not in leader  # the ticket machine's figures are ESTIMATEs
    assert "ƯỚC TÍNH" in report


def test_the_biggest_line_names_its_unit_value_and_label(compared: Comparison, labels: Labels) -> None:
    cheap = case({"ticket_machine": 1}, compared, ticket_machine={"price": certain(2_000_000)})
    assert (
        words.biggest_line(cheap, labels, "vi")
        .replace("\u00a0", " ")
        .startswith("Khoản tiền lớn nhất là phần tiết kiệm về giờ chờ của người dân: khoảng ")
    )
    assert (
        words.biggest_line(cheap, labels, "en")
        .replace("\u00a0", " ")
        .endswith(
            "with the value of a citizen's hour at VND 27,000–47,700 (most likely VND 40,900) — ESTIMATE."
        )
    )


# ----- the sweep of the ranged estimates ------------------------------------------------------------


def _swept(c: BusinessCase, flip: bool) -> BusinessCase:
    """The case with a sweep of two estimates: visits per day flips the answer (when `flip`)."""
    central = c.monte_carlo.central
    visits = Bar(
        "demand.visits_per_day",
        "more pick-ups",
        58.0,
        45.0,
        82.0,
        central - 2e7,
        central + 2e7,
        50.0 if flip else None,
    )
    patience = Bar(
        "demand.patience_min.mean", "no count", 90.0, 45.0, 150.0, central - 1e6, central + 1e6, None
    )
    sweep = Sensitivity(central=central, threshold=0.0, bars=(visits, patience))
    return dataclasses.replace(c, sensitivity=sweep, simulation_only=c.monte_carlo)


def test_the_sweep_says_which_estimate_flips_the_answer(machine: BusinessCase) -> None:
    flipped = _swept(machine, flip=True)
    assert words.sensitivity(flipped, "en") == [
        "The estimate “Visits per day” can flip the answer on its own: at about 50 "
        "(plausible range 45 to 82, 58 in the scenario)."
    ]
    assert words.sensitivity(flipped, "vi")[0].startswith(
        "Riêng số liệu ước tính “Số lượt người dân mỗi ngày”"
    )
    assert words.deciding(flipped, None, "en")[-1] == words.sensitivity(flipped, "en")[0]
    held = _swept(machine, flip=False)
    assert words.sensitivity(held, "en")[0].startswith(
        "The sign of the net present value holds when each of the 2"
    )
    assert words.sensitivity(machine, "en") == []  # no sweep, no sentence


def test_the_report_shows_the_sweep_without_english_in_vietnamese(machine: BusinessCase) -> None:
    flipped = _swept(machine, flip=True)
    vi = render_business_report(flipped, "vi")
    assert 'id="sensitivity"' in vi and vi.count("data:image/png;base64,") == 2
    assert _english_leaks(Page(vi).prose) == []
    assert "more pick-ups" in render_business_report(flipped, "en")  # the reason, typed in English
    assert 'id="sensitivity"' not in render_business_report(machine, "en")
    assert "estimates with a plausible range" in words.method_note(flipped, "en")
