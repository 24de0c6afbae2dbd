"""A business case in words, shared by the terminal, the leader's page, the full report and the figure.

One home for each sentence so that `python -m sim business-case` prints exactly what the leader's
page says first. The recommendation follows the probability that the option pays off
(P(NPV > 0) over the Monte Carlo draws):

- at least `RECOMMEND_AT` (80%): go ahead;
- at most `ADVISE_AGAINST_AT` (20%): not yet;
- in between: not certain enough, and the sentence names the switching value nearest its central
  value (relatively), the assumption a small error in which would flip the verdict.

80/20 are the "likely"/"unlikely" bounds a leader reads without a statistics course (IPCC's
calibrated language puts "likely" at ≥ 66%; 80% asks more of a purchase that costs money now).
Every word is an English gettext msgid (`sim.report.i18n.translator`); money goes through the one
formatter (`sim.report.format`). Texts keep no-break spaces; the terminal turns them into spaces.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.business.montecarlo import central_npv
from sim.report import format as fmt
from sim.report.business.labels import Labels, label_of
from sim.report.i18n import (
    N_,
    fmt_kpi_diff,
    fmt_kpi_range,
    kpi_name,
    scenario_title,
    translator,
)
from sim.scenario.provenance import ESTIMATE, SOURCED
from sim.scenario.uncertain import Uncertain

if TYPE_CHECKING:
    from sim.business.case import BusinessCase
    from sim.business.montecarlo import OptionCost

RECOMMEND_AT = 0.80
"""P(NPV > 0) at or above which the option is recommended."""
ADVISE_AGAINST_AT = 0.20
"""P(NPV > 0) at or below which the leader is advised not to go ahead yet."""

RECOMMEND, AGAINST, UNCERTAIN = "recommend", "against", "uncertain"
VERDICT_CLASS = {RECOMMEND: "good", AGAINST: "bad", UNCERTAIN: "warn"}
"""The colour of the verdict on the leader's page."""

LINE_NAMES: dict[str, str] = {
    "citizen_hours": N_("citizens' waiting hours"),
    "wasted_trips": N_("wasted trips"),
    "overtime_hours": N_("staff overtime hours"),
}
"""A money line's name (msgid): what the option saves."""

LINE_UNITS: dict[str, str] = {
    "citizen_hours": N_("hours"),
    "wasted_trips": N_("trips"),
    "overtime_hours": N_("hours"),
}

UNIT_VALUE_NAMES: dict[str, str] = {
    "citizen_hours": N_("value of a citizen's hour"),
    "wasted_trips": N_("cost of a wasted trip"),
    "overtime_hours": N_("cost of a staff overtime hour"),
}
"""The input that values each line (msgid)."""

Gettext = Callable[[str], str]


def gettext(lang: str) -> Gettext:
    return translator(lang).gettext


# ----- the verdict ----------------------------------------------------------------------------------


def verdict(p_positive: float) -> str:
    """RECOMMEND, AGAINST or UNCERTAIN from the probability that the option pays off."""
    if not math.isfinite(p_positive):
        return UNCERTAIN
    if p_positive >= RECOMMEND_AT:
        return RECOMMEND
    if p_positive <= ADVISE_AGAINST_AT:
        return AGAINST
    return UNCERTAIN


def probability(p: float, lang: str) -> str:
    """'87%'; 'over 99%' and 'under 1%' rather than a 100% or 0% that no Monte Carlo can promise."""
    _ = gettext(lang)
    if p >= 0.995:
        return _("over {p}").format(p=fmt.percent(0.99, lang, 0))
    if p <= 0.005:
        return _("under {p}").format(p=fmt.percent(0.01, lang, 0))
    return fmt.percent(p, lang, 0)


# ----- money ---------------------------------------------------------------------------------------

_SCALES: tuple[tuple[float, str, str, str], ...] = (
    (1e9, N_("VND {amount} billion"), N_("VND {low} to {high} billion"), N_("VND {low}–{high} billion")),
    (1e6, N_("VND {amount} million"), N_("VND {low} to {high} million"), N_("VND {low}–{high} million")),
    (1.0, N_("VND {amount}"), N_("VND {low} to {high}"), N_("VND {low}–{high}")),
)
"""(unit, one amount, a range with a negative end, a range without) — the unit is said once."""


def _scale(values: Sequence[float]) -> tuple[float, str, str, str]:
    largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return next((s for s in _SCALES if largest >= s[0]), _SCALES[-1])


def _rounded(x: float, unit: float) -> tuple[float, int]:
    """(x in units, decimals): 41 triệu, 2,5 triệu; under a million, three significant digits
    (34.100 đồng, 9.900 đồng): a switching value is not known to the đồng."""
    if unit > 1:
        return x / unit, 0 if abs(x) / unit >= 10 else 1
    return (float(f"{x:.3g}") if math.isfinite(x) else x), 0


def short_money(x: float, lang: str) -> str:
    """'41 triệu đồng' / 'VND 41 million'; under a million, '34.100 đồng' / 'VND 34,100'."""
    if not math.isfinite(x):
        return fmt.MISSING
    unit, one, _wide, _narrow = _scale([x])
    value, decimals = _rounded(x, unit)
    amount = fmt.number(value, lang, decimals)
    return gettext(lang)(one).format(amount=amount).replace(" ", fmt.NBSP)


def money_range(low: float, high: float, lang: str) -> str:
    """'từ −5 đến 96 triệu đồng' / 'VND −5 to 96 million'; '15–80 triệu đồng' without a sign."""
    unit, _one, wide, narrow = _scale([low, high])
    decimals = _rounded(max(abs(low), abs(high)), unit)[1]  # the larger end sets the precision
    a = fmt.number(_rounded(low, unit)[0], lang, decimals)
    b = fmt.number(_rounded(high, unit)[0], lang, decimals)
    if a == b:
        return short_money(low, lang)
    pattern = wide if (a.startswith(fmt.MINUS) or b.startswith(fmt.MINUS)) else narrow
    return gettext(lang)(pattern).format(low=a, high=b).replace(" ", fmt.NBSP)


def uncertain_money(u: Uncertain, lang: str, *, scale: float = 1.0) -> str:
    """A range as a leader writes it: '15–80 triệu đồng (nhiều khả năng 30 triệu đồng)'."""
    if u.is_certain:
        return short_money(u.low * scale, lang)
    span = money_range(u.low * scale, u.high * scale, lang)
    if u.mode is None:
        return span
    _ = gettext(lang)
    return _("{range} (most likely {mode})").format(range=span, mode=short_money(u.mode * scale, lang))


def per_year(text: str, lang: str) -> str:
    """'7,6 triệu đồng mỗi năm'."""
    _ = gettext(lang)
    return _("{amount} a year").format(amount=text)


# ----- names ---------------------------------------------------------------------------------------


def option_name(case: BusinessCase, lang: str) -> str:
    """The option scenario's title in the language (the scenario's name when it has none)."""
    return scenario_title(case.option.scenario, lang)


def base_name(case: BusinessCase, lang: str) -> str:
    return scenario_title(case.base.scenario, lang)


def item_name(case: BusinessCase, item_id: str, lang: str) -> str:
    """A purchased item's label in the language ('máy cấp số tự động'), else its id."""
    item = case.costs.items.get(item_id)
    if item is None:
        return item_id
    own = item.label_vi if lang == "vi" else item.label
    return own or item.label or item.label_vi or item_id


def line_name(name: str, lang: str) -> str:
    return gettext(lang)(LINE_NAMES.get(name, name))


def years(case: BusinessCase, lang: str) -> str:
    return fmt.number(case.costs.years, lang)


# ----- the answer ----------------------------------------------------------------------------------


def npv_mean(case: BusinessCase, lang: str) -> str:
    return short_money(case.monte_carlo.mean, lang)


def npv_interval(case: BusinessCase, lang: str) -> str:
    mc = case.monte_carlo
    return money_range(mc.p05, mc.p95, lang)


def recommendation(case: BusinessCase, lang: str) -> str:
    """The answer in one sentence, from P(NPV > 0) and the NPV's mean and 90% interval."""
    _ = gettext(lang)
    mc = case.monte_carlo
    values = {
        "option": option_name(case, lang),
        "p": probability(mc.p_positive, lang),
        "years": years(case, lang),
        "npv": npv_mean(case, lang),
        "interval": npv_interval(case, lang),
    }
    kind = verdict(mc.p_positive)
    if kind == RECOMMEND:
        return _(
            "Go ahead with “{option}”: the chance that it pays off is {p}, and its net present value "
            "over {years} years is about {npv} (90%: {interval})."
        ).format(**values)
    if kind == AGAINST:
        return _(
            "Do not go ahead with “{option}” yet: the chance that it pays off is only {p}, and its net "
            "present value over {years} years is about {npv} (90%: {interval})."
        ).format(**values)
    closest = closest_switch(case)
    if closest is None:
        return _(
            "Not certain enough to recommend “{option}”: the chance that it pays off is {p} (net present "
            "value over {years} years about {npv}, 90%: {interval})."
        ).format(**values)
    return _(
        "Not certain enough to recommend “{option}”: the chance that it pays off is {p} (net present "
        "value over {years} years about {npv}, 90%: {interval}); with the other figures at their most "
        "likely values, it pays off {condition}."
    ).format(**values, condition=closest.condition(case, lang))


# ----- the three numbers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One of the numbers that matter: what it is, its value, and a line saying how sure."""

    label: str
    value: str
    note: str


def payback(case: BusinessCase, lang: str) -> str:
    """'2,3 năm' / '2.3 years'; 'không hoàn vốn trong 5 năm' when it does not pay back."""
    _ = gettext(lang)
    y = case.monte_carlo.payback_years_central
    if y is None or not math.isfinite(y):
        return _("not within {years} years").format(years=years(case, lang))
    return _("{n} years").format(n=fmt.number(y, lang, 1))


def three_numbers(case: BusinessCase, lang: str) -> list[Figure]:
    """The chance it pays off, the NPV with its 90% interval, the payback time."""
    _ = gettext(lang)
    mc = case.monte_carlo
    return [
        Figure(
            _("Chance that it pays off"),
            probability(mc.p_positive, lang),
            _("share of the {draws} draws with a net present value above 0").format(
                draws=fmt.number(mc.draws, lang)
            ),
        ),
        Figure(
            _("Net present value over {years} years").format(years=years(case, lang)),
            npv_mean(case, lang),
            _("90%: {interval}").format(interval=npv_interval(case, lang)),
        ),
        Figure(
            _("Payback time"),
            payback(case, lang),
            _("at the most likely values, discounted"),
        ),
    ]


# ----- switching values ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Switch:
    """One switching value: the input, its central value, the value at which NPV = 0, and whether
    the NPV rises with the input (then the option pays off above it)."""

    key: str
    central: float
    value: float | None
    rising: bool

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def target(self) -> str:
        return self.key.split(":", 1)[1]

    @property
    def distance(self) -> float:
        """How far the verdict is from flipping, relative to the central value (∞ if never)."""
        if self.value is None or not math.isfinite(self.value):
            return math.inf
        if self.central == 0:
            return math.inf if self.value != 0 else 0.0
        return abs(self.value / self.central - 1.0)

    def name(self, case: BusinessCase, lang: str) -> str:
        """'giá máy cấp số tự động', 'giá trị một giờ của người dân'."""
        _ = gettext(lang)
        if self.kind == "price":
            return _("price of “{item}”").format(item=item_name(case, self.target, lang))
        if self.kind == "per_month":
            return _("monthly cost of “{item}”").format(item=item_name(case, self.target, lang))
        return _(UNIT_VALUE_NAMES.get(self.target, self.target))

    def condition(self, case: BusinessCase, lang: str) -> str:
        """'nếu giá máy cấp số tự động không quá 45 triệu đồng' (None never reaches here)."""
        _ = gettext(lang)
        assert self.value is not None
        amount = short_money(self.value, lang)
        if self.kind == "price":
            item = item_name(case, self.target, lang)
            text = (
                _("if the price of “{item}” is at least {amount}")
                if self.rising
                else _("if the price of “{item}” is at most {amount}")
            )
            return text.format(item=item, amount=amount)
        if self.kind == "per_month":
            item = item_name(case, self.target, lang)
            text = (
                _("if “{item}” costs at least {amount} a month")
                if self.rising
                else _("if “{item}” costs at most {amount} a month")
            )
            return text.format(item=item, amount=amount)
        texts = {
            "citizen_hours": (
                N_("if an hour of a citizen's time is worth at least {amount}"),
                N_("if an hour of a citizen's time is worth at most {amount}"),
            ),
            "wasted_trips": (
                N_("if a wasted trip costs a citizen at least {amount}"),
                N_("if a wasted trip costs a citizen at most {amount}"),
            ),
            "overtime_hours": (
                N_("if an hour of staff overtime costs at least {amount}"),
                N_("if an hour of staff overtime costs at most {amount}"),
            ),
        }
        rising, falling = texts.get(self.target, texts["citizen_hours"])
        return _(rising if self.rising else falling).format(amount=amount)

    def sentence(self, case: BusinessCase, lang: str) -> str:
        """'Có lợi nếu …' or, when no value flips it, what holds whatever the value."""
        _ = gettext(lang)
        if self.value is not None:
            return _("It pays off {condition}.").format(condition=self.condition(case, lang))
        return _("No {name} from 0 to 100 times its most likely value changes the answer.").format(
            name=self.name(case, lang)
        )


def _centrals(case: BusinessCase) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in case.benefits:
        out[f"unit_value:{b.name}"] = b.unit_value.central
    for c in case.option_costs:
        out[f"price:{c.name}"] = c.price.central
        out[f"per_month:{c.name}"] = c.per_month.central
    return out


def switches(case: BusinessCase) -> list[Switch]:
    """Every switching value of the case, in the case's order (prices, monthly pay, unit values)."""
    centrals = _centrals(case)
    out = []
    for key, value in case.switching.items():
        central = centrals.get(key, math.nan)
        rising = _rising(case, key, central) if value is not None else False  # only a flip has a side
        out.append(Switch(key, central, value, rising))
    return out


def _rising(case: BusinessCase, key: str, central: float) -> bool:
    """Whether the central NPV grows with this input (the NPV is linear in each of them)."""
    step = abs(central) if math.isfinite(central) and central != 0 else 1.0
    args = (case.benefits, case.option_costs, case.costs.years, case.costs.discount_rate)
    low = central_npv(*args, {key: max(0.0, central - step)})
    high = central_npv(*args, {key: central + step})
    return high > low


def closest_switch(case: BusinessCase) -> Switch | None:
    """The switching value nearest its central value: the assumption that decides the verdict."""
    found = [s for s in switches(case) if math.isfinite(s.distance)]
    return min(found, key=lambda s: s.distance) if found else None


# ----- what the answer rests on --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """One line of the case a year: a benefit (what the option saves) or a cost (what it costs)."""

    key: str
    name: str
    kind: str
    """"benefit" or "cost"."""
    per_year: float
    """Mean đ a year (costs: the equivalent annual cost at central values; positive)."""


def yearly_cost(case: BusinessCase, cost: OptionCost) -> float:
    """One purchase's equivalent annual cost at central values (its NPV spread over the years)."""
    rate = case.costs.discount_rate.central
    n = case.costs.years
    annuity = sum((1.0 + rate) ** -t for t in range(1, n + 1))
    pv = -central_npv([], [cost], n, case.costs.discount_rate)
    return pv / annuity


def money_lines(case: BusinessCase, lang: str) -> list[MoneyLine]:
    """Every benefit and every purchase, a year each."""
    mc = case.monte_carlo
    out = [
        MoneyLine(b.name, line_name(b.name, lang), "benefit", float(mc.benefit_per_year[b.name].mean()))
        for b in case.benefits
    ]
    out += [
        MoneyLine(c.name, item_name(case, c.name, lang), "cost", yearly_cost(case, c))
        for c in case.option_costs
    ]
    return out


def biggest_line(case: BusinessCase, labels: Labels | None, lang: str) -> str:
    """'Khoản lớn nhất: thời gian chờ của người dân, khoảng 40 triệu đồng mỗi năm, …'."""
    _ = gettext(lang)
    lines = money_lines(case, lang)
    if not lines:
        return ""
    top = max(lines, key=lambda m: abs(m.per_year))
    amount = per_year(short_money(abs(top.per_year), lang), lang)
    if top.kind == "cost":
        return _("The biggest money line is the cost of “{item}”: about {amount}.").format(
            item=top.name, amount=amount
        )
    benefit = next(b for b in case.benefits if b.name == top.key)
    unit = _(UNIT_VALUE_NAMES.get(top.key, top.key))
    key = {"citizen_hours": "value_of_hour", "wasted_trips": "trip_cost", "overtime_hours": "staff_hour"}
    text = (
        _(
            "The biggest money line is what the option saves in {line}: about {amount}, with the {unit} "
            "at {value} — {label}."
        )
        if top.per_year >= 0
        else _(
            "The biggest money line is the extra {line} the option causes: about {amount}, with the {unit} "
            "at {value} — {label}."
        )
    )
    return text.format(
        line=top.name,
        amount=amount,
        unit=unit,
        value=uncertain_money(benefit.unit_value, lang),
        label=label_text(labels, key.get(top.key, ""), lang),
    )


def label_text(labels: Labels | None, key: str, lang: str) -> str:
    """'ƯỚC TÍNH' / 'CÓ NGUỒN [decision-15-2025]' for a costs key."""
    _ = gettext(lang)
    note = label_of(labels, key)
    if note.kind == SOURCED:
        ids = ", ".join(note.sources)
        return _("SOURCED") + (f" [{ids}]" if ids else "")
    return _("ESTIMATE")


def _estimated(case: BusinessCase, labels: Labels | None) -> list[tuple[OptionCost, str, Uncertain]]:
    """(cost, "price" or "per_month", range) of every purchased figure labelled ESTIMATE, the
    largest sum first (count × central value; a month's pay counted for a year)."""
    found = []
    for c in case.option_costs:
        for kind, value in (("price", c.price), ("per_month", c.per_month)):
            if value.high != 0 and label_of(labels, f"items.{c.name}.{kind}").kind == ESTIMATE:
                found.append((c, kind, value))
    return sorted(
        found, key=lambda f: -abs(f[0].count) * f[2].central * (12.0 if f[1] == "per_month" else 1.0)
    )


def estimated_prices(
    case: BusinessCase, labels: Labels | None, lang: str, most: int | None = None
) -> list[str]:
    """One sentence per purchased price or monthly pay labelled ESTIMATE, the largest first; with
    `most`, the rest are counted in one last sentence (the leader's page has one page)."""
    _ = gettext(lang)
    found = _estimated(case, labels)
    shown = found if most is None else found[:most]
    out = []
    for c, kind, value in shown:
        text = (
            _("The price of “{item}”, {range}, is an ESTIMATE: enter the quotation you have.")
            if kind == "price"
            else _("The monthly cost of “{item}”, {range}, is an ESTIMATE: enter your own payroll figure.")
        )
        out.append(text.format(item=item_name(case, c.name, lang), range=uncertain_money(value, lang)))
    if len(found) > len(shown):
        out.append(
            _("{n} more costs are ESTIMATES too; report.html lists them.").format(
                n=fmt.number(len(found) - len(shown), lang)
            )
        )
    return out


LEADER_ESTIMATES = 3
"""Estimated prices named on the leader's page; the full report names every one."""
LEADER_SWITCHES = 2
"""Switching values named among the deciding assumptions (the nearest to their central values)."""


def deciding(
    case: BusinessCase, labels: Labels | None, lang: str, most: int | None = LEADER_ESTIMATES
) -> list[str]:
    """The assumptions that decide the answer: the biggest money line, the prices labelled
    ESTIMATE (the `most` largest), the switching values nearest their central values and, after a
    sweep, whether an estimate of the scenario flips it (`most` given: the first one only)."""
    out = [t for t in [biggest_line(case, labels, lang)] if t]
    out += estimated_prices(case, labels, lang, most)
    near = sorted((s for s in switches(case) if math.isfinite(s.distance)), key=lambda s: s.distance)
    out += [s.sentence(case, lang) for s in near[:LEADER_SWITCHES]]
    out += sensitivity(case, lang, 1 if most is not None else None)
    return out


# ----- the sweep of the ranged estimates (`--sensitivity`) -------------------------------------------

SENSITIVITY_FLIPS = 2
"""Estimates that flip the answer, named in words (the tornado shows every one)."""


def estimate_name(key: str, lang: str) -> str:
    """A ranged estimate's readable name, as the tornado chart labels it."""
    from sim.report.figures.tornado import estimate_label

    return estimate_label(key, gettext(lang))


def sensitivity(case: BusinessCase, lang: str, most: int | None = SENSITIVITY_FLIPS) -> list[str]:
    """Whether the answer holds when each ranged estimate moves alone over its range, or which
    estimates flip it and near what value (the longest bars first); [] without a sweep."""
    sweep = case.sensitivity
    if sweep is None or not sweep.bars:
        return []
    _ = gettext(lang)
    if sweep.holds:
        return [
            _(
                "The sign of the net present value holds when each of the {n} estimates with a plausible "
                "range moves alone from its low to its high end."
            ).format(n=fmt.number(len(sweep.bars), lang))
        ]
    flipping = sweep.flipping if most is None else sweep.flipping[:most]
    out = []
    for bar in flipping:
        assert bar.flip is not None
        out.append(
            _(
                "The estimate “{estimate}” can flip the answer on its own: at about {flip} (plausible range "
                "{low} to {high}, {value} in the scenario)."
            ).format(
                estimate=estimate_name(bar.key, lang),
                flip=fmt.plain(float(f"{bar.flip:.3g}"), lang),
                low=fmt.plain(bar.low, lang),
                high=fmt.plain(bar.high, lang),
                value=fmt.plain(bar.value, lang),
            )
        )
    return out


# ----- quality, not priced -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quality:
    kpi: str
    name: str
    difference: str
    interval: str


def quality(case: BusinessCase, lang: str) -> list[Quality]:
    """The unpriced KPIs: option − base with the paired 95% interval."""
    out = []
    for kpi, (diff, low, high) in case.quality().items():
        out.append(
            Quality(
                kpi,
                kpi_name(kpi, lang, case.base.scenario),
                fmt_kpi_diff(kpi, diff, lang),
                fmt_kpi_range(kpi, low, high, lang, diff=True, signed=True),
            )
        )
    return out


def method_note(case: BusinessCase, lang: str) -> str:
    """'Mô phỏng 20 lần mỗi phương án (cùng số ngẫu nhiên), 10.000 lần rút ngẫu nhiên …'."""
    _ = gettext(lang)
    swept = case.sensitivity
    if swept is not None and swept.bars and case.simulation_only is not None:
        return _(
            "Method: {replications} simulation runs of each option on the same random numbers, then "
            "{draws} random draws of every price, value, run and of the {n} estimates with a plausible "
            "range; amounts discounted at {rate} a year."
        ).format(
            replications=fmt.number(case.base.n_replications, lang),
            draws=fmt.number(case.monte_carlo.draws, lang),
            n=fmt.number(len(swept.bars), lang),
            rate=fmt.percent(case.costs.discount_rate.central, lang, 0),
        )
    return _(
        "Method: {replications} simulation runs of each option on the same random numbers, then "
        "{draws} random draws of every price, value and run; amounts discounted at {rate} a year."
    ).format(
        replications=fmt.number(case.base.n_replications, lang),
        draws=fmt.number(case.monte_carlo.draws, lang),
        rate=fmt.percent(case.costs.discount_rate.central, lang, 0),
    )


__all__ = [
    "ADVISE_AGAINST_AT",
    "AGAINST",
    "RECOMMEND",
    "RECOMMEND_AT",
    "UNCERTAIN",
    "Figure",
    "MoneyLine",
    "Quality",
    "Switch",
    "closest_switch",
    "deciding",
    "estimated_prices",
    "method_note",
    "money_lines",
    "money_range",
    "option_name",
    "payback",
    "probability",
    "quality",
    "recommendation",
    "short_money",
    "switches",
    "three_numbers",
    "uncertain_money",
    "verdict",
]
