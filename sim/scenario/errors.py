"""One error type for every bad input, so the command line can print one clear line and exit 2."""

from __future__ import annotations


class ScenarioError(Exception):
    """Bad input: which file, which key path, what is wrong and what is allowed."""

    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        self.message = message
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[str, str, str]]:
        # Keeps the error intact when it crosses a process boundary (worker pools).
        return (ScenarioError, (self.source, self.key, self.message))
