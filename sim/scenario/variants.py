"""Scenario variants: a file that `extends` another and overrides only what changes.

    extends = "dao_xa_2025.toml"      # relative to this file
    [scenario]
    name = "dao_xa_saturday"
    [calendar]
    saturday_sessions = [{ name = "saturday", start = "07:30", end = "11:30" }]

Merging rules: tables merge key by key (a distribution table of another family — a different
`dist` — replaces the parent's whole); arrays of tables whose entries all have an `id` (staff,
fields, procedures, pools) merge entry by entry, matched by id — listed keys override, new ids are
appended, and `remove = true` drops an entry; any other value replaces the parent's. A variant
that does not name itself gets its file name (made into a valid id) as scenario name. A variant
that sets only one language of its title (`title` or `title_vi`) or description drops the parent's
other language, so that a report never shows the parent's title for the variant: the missing one
falls back to the one given (`sim.report.i18n.scenario_title`).

Chains are allowed, at most `MAX_EXTENDS_DEPTH` files deep. Because a scenario file is shared
between communes, `extends` may only name a file inside an allowed folder: the folder of the file
that was loaded (or below it), a folder the user names (`--scenario-root`), or the bundled
`scenarios/` folder; symbolic links are resolved before that check. A missing parent, a cycle, a
parent outside those folders or a chain too long is an error naming the file and its `extends` key.

While merging, every part of the document remembers the file that supplied it (`Provenance`), so a
validation error in an inherited key names the parent file where the bad line is.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError

MAX_EXTENDS_DEPTH = 20
"""At most this many `extends` steps from the loaded file to its furthest ancestor."""

PAIRED_TEXT: tuple[tuple[str, str], ...] = (("title", "title_vi"), ("description", "description_vi"))
"""Keys of [scenario] in two languages: a variant that sets one of a pair drops the parent's other."""

BUNDLED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The project's own scenarios, which any variant may extend (when the folder is present)."""

Reader = Callable[[Path], dict[str, Any]]


@dataclass(slots=True)
class _Node:
    """The file that supplied one value of a merged document, and its children's nodes."""

    source: str
    kids: dict[str | int, _Node] = field(default_factory=dict)


def _tree(value: Any, source: str) -> _Node:
    node = _Node(source)
    if isinstance(value, dict):
        node.kids = {k: _tree(v, source) for k, v in value.items()}
    elif isinstance(value, list):
        node.kids = {i: _tree(v, source) for i, v in enumerate(value)}
    return node


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass(slots=True)
class Provenance:
    """Which file supplied each key of a merged document (key paths as in error messages)."""

    top: str
    tree: _Node

    def source_of(self, key: str) -> str:
        """The file of the deepest part of `key` that is in the document ('staff[2].role')."""
        node, source = self.tree, self.top
        for m in _PART.finditer(key):
            part: str | int = int(m.group(1)) if m.group(1) is not None else m.group(2)
            nxt = node.kids.get(part)
            if nxt is None:
                break
            node, source = nxt, nxt.source
        return source


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in value)
    )


def _merge_by_id(
    base: list[dict[str, Any]], over: list[dict[str, Any]], source: str, key: str, prov: _Node | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any] | None] = [copy.deepcopy(x) for x in base]
    kids = [prov.kids.get(i) if prov else None for i in range(len(out))]
    index = {x["id"]: i for i, x in enumerate(base)}
    for j, item in enumerate(over):
        item = dict(item)
        remove = item.pop("remove", False)
        if not isinstance(remove, bool):
            raise ScenarioError(source, f"{key}[{j}].remove", "must be true or false")
        i = index.get(item["id"])
        if remove:
            if i is None:
                raise ScenarioError(
                    source,
                    f"{key}[{j}].id",
                    f"cannot remove {item['id']!r}: the "
                    f"parent has no such entry; ids there: {', '.join(map(str, index))}",
                )
            out[i] = None
        elif i is None:
            out.append(item)
            kids.append(_tree(item, source) if prov else None)
        else:
            old = out[i]
            if old is None:
                raise ScenarioError(
                    source,
                    f"{key}[{j}].id",
                    f"{item['id']!r} was removed above; an entry is either removed or changed, not both",
                )
            out[i] = merge(old, item, source, f"{key}[{j}]", kids[i])
    keep = [i for i, x in enumerate(out) if x is not None]
    if prov is not None:
        prov.kids = {n: kid for n, i in enumerate(keep) if (kid := kids[i]) is not None}
    return [x for x in out if x is not None]


def merge(
    base: dict[str, Any], over: dict[str, Any], source: str = "", key: str = "", prov: _Node | None = None
) -> dict[str, Any]:
    """`over` laid on top of `base` (neither is modified).

    `prov`, if given, describes `base` and is updated in place to describe the result, with what
    `over` supplied marked as coming from `source`.
    """
    out = copy.deepcopy(base)
    for k, v in over.items():
        path = f"{key}.{k}" if key else k
        old = out.get(k)
        kid = prov.kids.get(k) if prov is not None else None
        if isinstance(v, dict) and isinstance(old, dict) and not _new_family(old, v):
            out[k] = merge(old, v, source, path, kid)
        elif isinstance(old, list) and _is_id_list(v) and _is_id_list(old):
            out[k] = _merge_by_id(old, v, source, path, kid)
        else:
            out[k] = copy.deepcopy(v)
            if prov is not None:
                prov.kids[k] = _tree(v, source)
    return out


def _new_family(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A distribution table of another family replaces the parent's whole: the parent's
    parameters (a lognormal's `cv`, an empirical table's `values`) mean nothing to it."""
    return "dist" in new and "dist" in old and new["dist"] != old["dist"]


def scenario_id(stem: str) -> str:
    """A file name made into a valid scenario id: 'Đào Xá.v2' -> 'dao_xa_v2' (a-z, 0-9, _ and -)."""
    text = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9_\-]+", "_", text).strip("_-")
    return text[:64] or "scenario"


def _resolved(path: Path) -> Path | None:
    """`path` with every symbolic link resolved, or None for a link loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError, ValueError):  # a loop (RuntimeError before Python 3.13), a NUL
        return None


def allowed_roots(top: Path, scenario_root: str | Path | None = None) -> tuple[Path, ...]:
    """The folders a chain starting at `top` may extend from (each resolved)."""
    roots = [_resolved(top.absolute().parent)]
    if scenario_root is not None:
        root = Path(scenario_root)
        resolved = _resolved(root)
        if resolved is None or not resolved.is_dir():
            raise ScenarioError(
                str(root),
                "",
                "is not a folder; the scenario root must be an "
                "existing folder holding the files that scenarios may extend",
            )
        roots.append(resolved)
    if BUNDLED_SCENARIOS.is_dir():
        roots.append(BUNDLED_SCENARIOS)
    return tuple(dict.fromkeys(r for r in roots if r is not None))


def _parent_of(path: Path, data: dict[str, Any], roots: Sequence[Path], chain: Sequence[Path]) -> Path:
    """The checked, resolved parent file named by `data['extends']`."""
    source = str(path)
    parent = data["extends"]
    if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
        raise ScenarioError(
            source,
            "extends",
            'must be the path of the parent scenario file, e.g. "dao_xa_2025.toml" (relative to this file)',
        )
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            source,
            "extends",
            f"the chain of files extending each other (from "
            f"{chain[0].name}) is longer than {MAX_EXTENDS_DEPTH}; a variant may "
            f"be at most {MAX_EXTENDS_DEPTH} `extends` steps from its furthest parent",
        )
    shown = repr(parent) if len(parent) <= 80 else f"{parent[:77]!r}..."
    parent_path = _resolved(path.parent / parent)
    if parent_path is None:
        raise ScenarioError(
            source,
            "extends",
            f"parent scenario {shown} is a symbolic link loop; name the scenario file itself",
        )
    if not any(parent_path.is_relative_to(root) for root in roots):
        raise ScenarioError(
            source,
            "extends",
            f"parent scenario {shown} is outside the folders "
            f"scenarios may extend from ({', '.join(map(str, roots))}); keep the "
            "parent in the loaded file's folder (or below it) or name its folder "
            "with --scenario-root DIR",
        )
    if parent_path in chain:
        names = " -> ".join(p.name for p in (*chain, parent_path))
        raise ScenarioError(source, "extends", f"a cycle of scenarios extending each other: {names}")
    try:
        parent_path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise ScenarioError(
            source, "extends", f"parent scenario {shown} not found (looked for {parent_path})"
        ) from None
    except OSError as exc:
        raise ScenarioError(
            source, "extends", f"parent scenario {shown} cannot be read: {exc.strerror or exc}"
        ) from None
    return parent_path


def _drop_stale_translations(doc: dict[str, Any], own: Any, tree: _Node) -> None:
    """Drop the parent's `title_vi` when the variant sets only `title` (and so on, `PAIRED_TEXT`)."""
    merged = doc.get("scenario")
    if not (isinstance(own, dict) and isinstance(merged, dict)):
        return
    node = tree.kids.get("scenario")
    for pair in PAIRED_TEXT:
        for mine, other in (pair, pair[::-1]):
            if mine in own and other not in own and other in merged:
                del merged[other]
                if node is not None:
                    node.kids.pop(other, None)


def resolve_chain(
    path: Path, read: Reader, roots: Sequence[Path] | None = None
) -> tuple[dict[str, Any], Provenance]:
    """The full scenario document of `path` with its `extends` chain merged in, and its provenance.

    A loop rather than recursion, so that a long chain is refused with a message, not a
    RecursionError. `roots` defaults to `allowed_roots(path)`.
    """
    roots = allowed_roots(path) if roots is None else roots
    here = _resolved(path) or path
    files: list[tuple[Path, dict[str, Any]]] = [(path, read(path))]
    chain = [here]
    while files[-1][1].get("extends") is not None:
        parent = _parent_of(*files[-1], roots, chain)
        chain.append(parent)
        files.append((parent, read(parent)))
    top = str(path)
    first_path, data = files[-1]
    doc = {k: v for k, v in data.items() if k != "extends"}
    tree = _tree(doc, str(first_path))
    for file, data in reversed(files[:-1]):
        own = {k: v for k, v in data.items() if k != "extends"}
        doc = merge(doc, own, str(file), prov=tree)
        scenario = own.get("scenario")
        _drop_stale_translations(doc, scenario, tree)
        if not (isinstance(scenario, dict) and "name" in scenario) and isinstance(
            doc.setdefault("scenario", {}), dict
        ):
            doc["scenario"]["name"] = scenario_id(file.stem)
            node = tree.kids.setdefault("scenario", _Node(str(file)))
            node.kids["name"] = _Node(str(file))
    tree.source = top
    return doc, Provenance(top, tree)
