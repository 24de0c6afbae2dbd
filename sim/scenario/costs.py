"""Read a `--costs` file: one `[costs]` table, perhaps extending a shared costs file.

    extends = "dao_xa_costs.toml"       # relative to this file; the same folders as scenarios
    [costs.purchase]
    kiosk = 1

Merging: the tables `costs`, `costs.items`, `costs.items.<id>` and `costs.purchase` merge key by
key; any other value, a range `{ low, mode, high }` included, replaces the parent's whole (a
child that writes `{ low, high }` means a uniform range, not the parent's mode with new ends).
A bad key is reported in the file that wrote it. Scenario `extends` chains are not reused because
their merge would mix a child's range with its parent's mode and their messages speak of scenarios.
The schema is in `sim.scenario.costs_schema` (the scenario schema imports it; this module imports
the loader, which imports the scenario schema).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.costs_schema import HOURLY_MAX, MONEY_MAX, CostItem, CostsSpec
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_toml, validation_problem
from sim.scenario.variants import allowed_roots

EXTENDS_MAX = 10
"""Costs files extending each other: a case file extends a shared one, rarely more."""


def _is_table_path(path: tuple[str, ...]) -> bool:
    """The tables that merge key by key: costs, costs.items, costs.items.<id>, costs.purchase."""
    return path in {("costs",), ("costs", "items"), ("costs", "purchase")} or (
        len(path) == 3 and path[:2] == ("costs", "items")
    )


def _merge(
    base: dict[str, Any], over: dict[str, Any], file: str, owner: dict[str, str], path: tuple[str, ...] = ()
) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        here = (*path, str(k))
        if isinstance(v, dict) and isinstance(out.get(k), dict) and _is_table_path(here):
            out[k] = _merge(out[k], v, file, owner, here)
        else:
            out[k] = copy.deepcopy(v)
            _claim(owner, here, v, file)
    return out


def _claim(owner: dict[str, str], path: tuple[str, ...], value: Any, file: str) -> None:
    """Record `file` as the writer of `path` and everything below it."""
    key = ".".join(path)
    for old in [o for o in owner if o == key or o.startswith(key + ".")]:
        del owner[old]
    owner[key] = file


def _writer(owner: dict[str, str], key: str, top: str) -> str:
    """The file that wrote the longest prefix of `key` (the loaded file if none did)."""
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        file = owner.get(".".join(parts[:n]))
        if file is not None:
            return file
    return top


def _read_costs_file(path: Path) -> dict[str, Any]:
    data = read_toml(path, what="a costs file")
    extra = [k for k in data if k not in {"costs", "extends"}]
    if extra:
        raise ScenarioError(
            str(path),
            str(extra[0]),
            'a costs file has one [costs] table (and perhaps extends = "shared_costs.toml"); '
            f"{extra[0]!r} belongs elsewhere",
        )
    if "costs" in data and not isinstance(data["costs"], dict):
        raise ScenarioError(str(path), "costs", "must be a table: [costs] with key = value lines")
    return data


def _parent(path: Path, data: dict[str, Any], chain: list[Path]) -> Path:
    parent = data["extends"]
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
        raise ScenarioError(
            str(path), "extends", 'must be the path of the shared costs file, e.g. "dao_xa_costs.toml"'
        )
    if len(chain) > EXTENDS_MAX:
        raise ScenarioError(
            str(path), "extends", f"costs files may extend each other at most {EXTENDS_MAX} deep"
        )
    target = (path.parent / parent).resolve()
    roots = allowed_roots(chain[0])
    if not any(target.is_relative_to(root) for root in roots):
        raise ScenarioError(
            str(path),
            "extends",
            f"{parent!r} is outside the folders a costs file may extend from ({', '.join(map(str, roots))})",
        )
    if target in chain:
        raise ScenarioError(str(path), "extends", f"a cycle of costs files extending each other ({parent!r})")
    if not target.is_file():
        raise ScenarioError(
            str(path), "extends", f"the shared costs file {parent!r} was not found (looked for {target})"
        )
    return target


def parse_costs(
    data: dict[str, Any], source: str = "<costs>", owner: dict[str, str] | None = None
) -> CostsSpec:
    """Validate a `[costs]` table (the table's content, not the file) into a frozen `CostsSpec`."""
    try:
        return CostsSpec.model_validate(data)
    except ValidationError as exc:
        key, message = validation_problem(exc)
        key = f"costs.{key}" if key else "costs"
        file = _writer(owner, key, source) if owner is not None else source
        if file != source:
            message = f"{message} (inherited by {source})"
        raise ScenarioError(file, key, message) from None


def load_costs(path: str | Path) -> CostsSpec:
    """Read a `--costs` file (following its `extends` chain) into a `CostsSpec`, or a `ScenarioError`."""
    path = Path(path)
    files = [(path, _read_costs_file(path))]
    chain = [path.resolve()]
    while files[-1][1].get("extends") is not None:
        parent = _parent(*files[-1], chain)
        chain.append(parent)
        files.append((parent, _read_costs_file(parent)))
    doc: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for file, data in reversed(files):
        doc = _merge(doc, {k: v for k, v in data.items() if k != "extends"}, str(file), owner)
    if "costs" not in doc:
        raise ScenarioError(
            str(path), "costs", "a costs file needs a [costs] table (see docs/business_case.md)"
        )
    return parse_costs(doc["costs"], str(path), owner)


__all__ = ["HOURLY_MAX", "MONEY_MAX", "CostItem", "CostsSpec", "load_costs", "parse_costs"]
