"""The files a study tool is expected to carry agree with each other and with the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sim._version import __version__

ROOT = Path(__file__).resolve().parents[1]


def test_license_file_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_citation_names_this_version_and_license() -> None:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    assert re.search(rf'^version: "{re.escape(__version__)}"$', text, re.M)
    assert re.search(r"^license: MIT$", text, re.M)


def test_changelog_has_this_version_and_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)


def test_pyproject_reads_the_version_from_its_one_home() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sim._version.__version__"}


def test_no_test_skips_except_for_the_platform() -> None:
    """A test that skips when project code or an extra is missing cannot fail when it goes away:
    the only skips allowed are for a platform that lacks the feature under test."""
    allowed = {
        'sys.platform == "win32", reason="SIGKILL"',
        'not Path("/proc/self/stat").exists(), reason="needs /proc"',
    }
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"(importorskip|pytest\.skip\(|skipif\((.*)\)|mark\.skip\b|xfail)", line)
            if match and path.name != "test_packaging.py" and match.group(2) not in allowed:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
