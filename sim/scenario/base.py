"""The strict, frozen base every scenario model builds on.

Scenario objects are configuration, not state: they are frozen so a run can never change them, and
they refuse unknown keys so that a misspelt key in a TOML file is an error rather than a silent
default.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


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

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = sorted(cls.model_fields)
            unknown = [k for k in data if k not in allowed]
            if unknown:
                key = str(unknown[0])
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise SubKeyError(key, f"unknown key {key!r}{hint}; allowed keys here: {', '.join(allowed)}")
        return data
