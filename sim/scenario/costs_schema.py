"""The `[costs]` table: what an option costs in đồng and what a citizen's hour or a staff hour is worth.

It lives in a scenario or in its own file that `business-case --costs FILE` reads
(`sim.scenario.costs.load_costs`). Every uncertain figure is a range
(`sim.scenario.uncertain.Uncertain`). The items are everything an option may buy; `purchase` says
what this option buys, so one shared file prices all items and a case file names its purchase.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from sim.scenario.base import Strict, SubKeyError, at_least, at_most
from sim.scenario.uncertain import Uncertain, certain, within

MONEY_MAX = 1e12
"""VND: a trillion đồng a month (or a price) is no commune's budget, so it is a typo."""
HOURLY_MAX = 10_000_000.0
"""VND an hour (or a trip): above a month's income, so not what a citizen's or a staff hour costs."""
ITEMS_MAX = 50
COUNT_MAX = 100
YEARS_MAX = 30
LIFETIME_MAX = 50.0

Money = Annotated[Uncertain, within(0, MONEY_MAX, "no commune centre spends that", "VND")]
Hourly = Annotated[Uncertain, within(0, HOURLY_MAX, "more than a month's income", "VND")]
Rate = Annotated[Uncertain, within(0, 1, "a yearly real rate, e.g. 0.06 for 6%", high_open=True)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
Line = Annotated[str, Field(max_length=120)]


class CostItem(Strict):
    """One thing an option may buy or add: equipment (a price and a lifetime) or a post (pay)."""

    label: Line = ""
    label_vi: Line = ""
    price: Money | None = None
    """One-off, VND; None means not entered yet (refused when the item is purchased)."""
    lifetime_years: Annotated[
        float,
        at_least(0, "a lifetime cannot be negative", "years"),
        at_most(LIFETIME_MAX, "no equipment lasts longer", "years"),
    ] = 0.0
    upkeep_per_year: Money = Field(default_factory=lambda: certain(0))
    """Maintenance and consumables (thermal paper, toner), VND a year."""
    per_month: Money = Field(default_factory=lambda: certain(0))
    """Recurring pay (a post, overtime for a session), VND a month."""

    @model_validator(mode="after")
    def _lifetime(self) -> CostItem:
        if self.price is not None and self.price.high > 0 and self.lifetime_years <= 0:
            raise SubKeyError(
                "lifetime_years",
                "a one-off price needs its lifetime in years (e.g. lifetime_years = 5), so it is bought "
                "again when it wears out inside the appraisal period",
            )
        return self


class CostsSpec(Strict):
    """The shared values of an appraisal and the items an option may buy (docs/business_case.md).

    Defaults are the bundled Đào Xá figures (scenarios/costs/dao_xa_costs.toml states them with
    their sources; a test keeps the two equal)."""

    years: Annotated[int, Field(ge=1, le=YEARS_MAX)] = 5
    discount_rate: Rate = Field(default_factory=lambda: Uncertain(low=0.03, mode=0.06, high=0.10))
    value_of_hour: Hourly = Field(default_factory=lambda: Uncertain(low=27_000, mode=40_900, high=47_700))
    trip_cost: Hourly = Field(default_factory=lambda: Uncertain(low=20_000, mode=50_000, high=120_000))
    staff_hour: Hourly = Field(default_factory=lambda: Uncertain(low=33_600, mode=42_000, high=49_300))
    overtime_factor: Annotated[float, Field(ge=1.0, le=4.0)] = 1.5
    working_days_per_year: Annotated[int, Field(ge=1, le=366)] = 250
    items: Annotated[dict[Slug, CostItem], Field(max_length=ITEMS_MAX)] = Field(default_factory=dict)
    purchase: Annotated[
        dict[str, Annotated[int, Field(ge=-COUNT_MAX, le=COUNT_MAX)]], Field(max_length=ITEMS_MAX)
    ] = Field(default_factory=dict)
    """Item id → how many the option adds (negative: the option has fewer)."""

    @model_validator(mode="after")
    def _purchases_known_and_priced(self) -> CostsSpec:
        for item_id, count in self.purchase.items():
            item = self.items.get(item_id)
            if item is None:
                known = ", ".join(sorted(self.items)) or "none"
                raise SubKeyError(
                    f"purchase.{item_id}", f"no item {item_id!r} in [costs.items]; items there: {known}"
                )
            if item.price is None and count != 0:
                raise SubKeyError(
                    f"items.{item_id}.price",
                    f"{item_id!r} is purchased but has no price; enter the quotation, e.g. price = "
                    "30_000_000 or { low = 25_000_000, mode = 30_000_000, high = 40_000_000 } "
                    "(a post or a session with no one-off price writes price = 0)",
                )
        return self

    @property
    def purchased(self) -> dict[str, tuple[CostItem, int]]:
        """What the option adds: item id → (item, count), items with count 0 left out."""
        return {i: (self.items[i], n) for i, n in self.purchase.items() if n != 0}


__all__ = ["HOURLY_MAX", "MONEY_MAX", "CostItem", "CostsSpec"]
