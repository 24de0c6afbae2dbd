"""The package's shape: no import circles, and imports only point down the layers.

Every import counts, including those inside functions and under `TYPE_CHECKING`: a lazy or
type-only import of a higher layer is still a part reaching back into its parent.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("sim._version",),
    ("sim.scenario",),
    ("sim.model",),
    ("sim.experiment", "sim.logs"),
    ("sim.decide", "sim.verify", "sim.optimiser", "sim.business", "sim.fitting"),
    ("sim.report",),
    ("sim.api",),
    ("sim.cli",),
    ("sim.__main__", "sim"),
)
"""Bottom to top. A module may import its own layer's or lower layers' modules only; `sim` (the
facade `sim/__init__.py`) sits on top with `__main__`."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports (`from a import b` is `a.b` when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "sim")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "sim":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return found & known


@functools.cache
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _layer(module: str) -> int:
    best = -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "sim" and module.startswith(prefix + ".")):
                best = index
    assert best >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return best


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _parents(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_the_checker_finds_a_planted_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    graph = _graph()
    # a package's __init__ may gather its children; a child importing its own package's
    # __init__ would then be a circle, which this test reports like any other
    assert _cycles(graph) == []


@pytest.mark.parametrize("layer", [p for group in LAYERS for p in group])
def test_imports_only_point_down(layer: str) -> None:
    graph = _graph()
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if _layer(module) == _layer(layer) and (module == layer or module.startswith(layer + "."))
        for target in targets
        if _layer(target) > _layer(module) and target not in _parents(module)
    )
    assert upward == []


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        _layer(module)
