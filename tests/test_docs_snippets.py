"""Every TOML block and Python snippet in the README and `docs/` runs as written.

TOML blocks are scenario text or a study: a study (it has a [study] table) is loaded from the
bundled `scenarios/studies/` folder (so its `base` names a bundled scenario); a whole scenario is
loaded as it is; a variant (`extends`) is loaded
beside a copy of the bundled scenarios; a fragment (some tables of a scenario) is loaded as a
variant of `dao_xa_2025.toml`; a block of distributions only validates each one. Python snippets
run in a fresh interpreter in a scratch folder holding a copy of `scenarios/`, so what they save
lands there, not in the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import SUBPROCESS_ENV
from pydantic import TypeAdapter

from sim.optimise.study import load_study
from sim.scenario.distributions import Distribution
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))


def _blocks(language: str) -> list[tuple[str, str]]:
    """(`file:line`, text) of every fenced block in `language`."""
    out: list[tuple[str, str]] = []
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").splitlines()
        start: int | None = None
        for number, line in enumerate(lines, 1):
            if start is None and line.strip() == f"```{language}":
                start = number
            elif start is not None and line.strip() == "```":
                out.append((f"{path.relative_to(ROOT)}:{start}", "\n".join(lines[start : number - 1])))
                start = None
        assert start is None, f"{path.name}:{start}: a ```{language} block is never closed"
    return out


TOML_BLOCKS = _blocks("toml")
PYTHON_BLOCKS = _blocks("python")


def test_the_documents_have_blocks_to_check() -> None:
    # guards the fence parser: the scenario format guide alone has ten TOML examples
    assert len(TOML_BLOCKS) >= 10 and len(PYTHON_BLOCKS) >= 3


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    return folder


def _is_whole_scenario(doc: dict[str, object]) -> bool:
    return "scenario" in doc and "calendar" in doc and "fields" in doc


def _is_distributions_only(doc: dict[str, object]) -> bool:
    return all(isinstance(v, dict) and "dist" in v for v in doc.values())


@pytest.mark.parametrize(("where", "text"), TOML_BLOCKS, ids=[w for w, _ in TOML_BLOCKS])
def test_toml_block_is_a_valid_scenario_text(where: str, text: str, scratch: Path) -> None:
    doc = tomllib.loads(text)
    if "study" in doc:
        folder = scratch / "scenarios" / "studies"
        folder.mkdir(exist_ok=True)
        path = folder / f"snippet_{where.replace('/', '_').replace(':', '_')}.toml"
        path.write_text(text, encoding="utf-8")
        load_study(path)  # raises ScenarioError naming the key when the example is wrong
        return
    if _is_distributions_only(doc):
        adapter: TypeAdapter[Distribution] = TypeAdapter(Distribution)
        for value in doc.values():
            adapter.validate_python(value)
        return
    if not _is_whole_scenario(doc) and "extends" not in doc:
        text = 'extends = "dao_xa_2025.toml"\n' + text
    path = scratch / "scenarios" / f"snippet_{where.replace('/', '_').replace(':', '_')}.toml"
    path.write_text(text, encoding="utf-8")
    load_scenario(path)  # raises ScenarioError naming the key when the example is wrong


@pytest.mark.slow
@pytest.mark.parametrize(("where", "code"), PYTHON_BLOCKS, ids=[w for w, _ in PYTHON_BLOCKS])
def test_python_snippet_runs(where: str, code: str, scratch: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=scratch,
        env=SUBPROCESS_ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{where}:\n{done.stderr[-3000:]}"


def _named_in_docs(pattern: str) -> list[str]:
    import re

    return sorted({m for path in DOCUMENTS for m in re.findall(pattern, path.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("path", _named_in_docs(r"\bsim/[a-z_/]+\.py\b"))
def test_every_file_the_docs_name_exists(path: str) -> None:
    assert (ROOT / path).is_file()


@pytest.mark.parametrize("name", _named_in_docs(r"\bsim(?:\.[a-z_]+)+"))
def test_every_module_or_name_the_docs_name_exists(name: str) -> None:
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return
    raise AssertionError(f"{name} is neither a module nor a name in one")
