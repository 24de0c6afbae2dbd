"""The strict, frozen base every scenario model builds on.

Scenario objects are configuration, not state: they are frozen so a run can never change them, and
they refuse unknown keys so that a misspelt key in a TOML file is an error rather than a silent
default.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator


class SubKeyError(ValueError):
    """A validation error that belongs to a key *inside* the table being validated.

    A model validator sees the whole table, so pydantic locates its errors at the table. Raising
    this instead lets the loader point at the offending key: `SubKeyError("feilds", ...)` raised
    while validating `staff[0]` is reported at `staff[0].feilds`.
    """

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class Strict(BaseModel):
    """Frozen pydantic model that names the allowed keys when it meets an unknown one."""

    # allow_inf_nan=False: `inf` and `nan` (valid TOML floats) are refused wherever a number is read,
    # dict values and list items included, before any bound or model computation sees them.
    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_default=True, strict=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = sorted(cls.model_fields)
            unknown = [k for k in data if k not in allowed]
            if unknown:
                key = str(unknown[0])
                hint = did_you_mean(key, allowed)
                raise SubKeyError(key, f"unknown key {key!r}{hint}; allowed keys here: {', '.join(allowed)}")
        return data


def did_you_mean(word: str, allowed: Sequence[str]) -> str:
    """' (did you mean 'x'?)' for the allowed word nearest a mistyped one, or '' when none is near:
    every refusal of an unknown name offers the same hint."""
    close = difflib.get_close_matches(word, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def number_text(x: float) -> str:
    """A bound as people write it: 5000 rather than 5000.0, 0.01 rather than 1e-02."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def at_most(limit: float, why: str, unit: str = "") -> AfterValidator:
    """Refuse a number above `limit`, saying why no real centre needs more.

    Sizes and durations have upper bounds so that an absurd value (a typo, `1e308`) is bad input
    rather than an allocation error or a run that never ends.
    """
    unit = f" {unit}" if unit else ""

    def check(value: float) -> float:
        if value > limit:
            raise ValueError(f"must be at most {number_text(limit)}{unit} ({why}), got {value!r}")
        return value

    return AfterValidator(check)


def at_least(limit: float, why: str, unit: str = "") -> AfterValidator:
    """Refuse a number below `limit` (for values whose lower end would divide by zero or hang)."""
    unit = f" {unit}" if unit else ""

    def check(value: float) -> float:
        if value < limit:
            raise ValueError(f"must be at least {number_text(limit)}{unit} ({why}), got {value!r}")
        return value

    return AfterValidator(check)


def at_most_items(limit: int, what: str, why: str) -> BeforeValidator:
    """Refuse a list with more than `limit` entries, naming what they are.

    Checked before the entries are validated, so 10,000 staff is one message about the staff list
    (and costs no time), not an error in the thousandth entry.
    """

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > limit:
            raise ValueError(f"must list at most {limit} {what} ({why}), got {len(value)}")
        return value

    return BeforeValidator(check)


def check_unique(key: str, names: list[str], what: str, attr: str = "name") -> None:
    """Raise `SubKeyError` at `key[i].attr` for the first repeated name: others refer to it by name,
    so a repeat makes the reference ambiguous."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise SubKeyError(
                f"{key}[{i}].{attr}",
                f"{what} {name!r} is used twice ({key}[{seen[name]}] and [{i}]); each must differ",
            )
        seen[name] = i
