"""Scenario variants: a file that `extends` another and overrides only what changes.

    extends = "dao_xa_2025.toml"      # relative to this file
    [scenario]
    name = "dao_xa_saturday"
    [calendar]
    saturday_sessions = [{ name = "saturday", start = "07:30", end = "11:30" }]

Merging rules: tables merge key by key; arrays of tables whose entries all have an `id` (staff,
fields, procedures, pools) merge entry by entry, matched by id — listed keys override, new ids are
appended, and `remove = true` drops an entry; any other value replaces the parent's. A variant
that does not name itself gets its file name as scenario name. Chains are allowed; a missing parent
or a cycle is an error naming the file and the `extends` key.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, dict) and "id" in x for x in value)


def _merge_by_id(base: list[dict[str, Any]], over: list[dict[str, Any]], source: str,
                 key: str) -> list[dict[str, Any]]:
    out = [copy.deepcopy(x) for x in base]
    index = {x["id"]: i for i, x in enumerate(out)}
    for j, item in enumerate(over):
        item = dict(item)
        remove = item.pop("remove", False)
        if not isinstance(remove, bool):
            raise ScenarioError(source, f"{key}[{j}].remove", "must be true or false")
        i = index.get(item["id"])
        if remove:
            if i is None:
                raise ScenarioError(source, f"{key}[{j}].id", f"cannot remove {item['id']!r}: the "
                                    f"parent has no such entry; ids there: {', '.join(index)}")
            out[i] = None  # type: ignore[call-overload]
        elif i is None:
            out.append(item)
        else:
            out[i] = merge(out[i], item, source, f"{key}[{j}]")
    return [x for x in out if x is not None]


def merge(base: dict[str, Any], over: dict[str, Any], source: str = "", key: str = "") -> dict[str, Any]:
    """`over` laid on top of `base` (neither is modified)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        path = f"{key}.{k}" if key else k
        old = out.get(k)
        if isinstance(v, dict) and isinstance(old, dict):
            out[k] = merge(old, v, source, path)
        elif _is_id_list(v) and _is_id_list(old):
            out[k] = _merge_by_id(old, v, source, path)
        else:
            out[k] = copy.deepcopy(v)
    return out


def resolve(path: Path, data: dict[str, Any], read: Any, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The full scenario document of `path`, with its `extends` chain merged in."""
    parent = data.get("extends")
    if parent is None:
        return data
    source = str(path)
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(source, "extends", "must be the path of the parent scenario file, e.g. "
                            '"dao_xa_2025.toml" (relative to this file)')
    parent_path = (path.parent / parent).resolve()
    here = path.resolve()
    if parent_path == here or parent_path in chain:
        names = " -> ".join(p.name for p in (*chain, here, parent_path))
        raise ScenarioError(source, "extends", f"a cycle of scenarios extending each other: {names}")
    if not parent_path.is_file():
        raise ScenarioError(source, "extends", f"parent scenario {parent!r} not found (looked for "
                            f"{parent_path})")
    base = resolve(parent_path, read(parent_path), read, (*chain, here))
    own = {k: v for k, v in data.items() if k != "extends"}
    merged = merge(base, own, source)
    if "name" not in own.get("scenario", {}):
        merged.setdefault("scenario", {})["name"] = path.stem.lower().replace(" ", "_")
    return merged
