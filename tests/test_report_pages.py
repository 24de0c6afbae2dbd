"""The printed reports stay short enough to be read: a run on at most 4 A4 pages, a comparison on at
most 6, in both languages. Rendered as a reader gets them (headless Chromium, print to PDF, A4 from
the report's own `@page` rule) from the bundled Đào Xá scenarios over their whole period.

Slow (a minute or so) and needs Chromium; it FAILS without it (the CI image installs chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SUBPROCESS_ENV

from sim.report.i18n import LANGS

pytestmark = pytest.mark.slow

MAX_PAGES = {"run": 4, "compare": 6}
SCENARIOS = ROOT / "scenarios"
BASE = SCENARIOS / "dao_xa_2025.toml"
ALTERNATIVES = (SCENARIOS / "dao_xa_2025_staff_6.toml", SCENARIOS / "dao_xa_2025_two_ticket_machines.toml")
REPLICATIONS = 3


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed to count the printed pages (apt-get install chromium)")


def _page_count(pdf: Path) -> int:
    """Pages of a PDF: `pdfinfo` when installed, else its /Type /Page objects (Chromium writes the
    page objects uncompressed)."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def print_to_pdf(html: Path, pdf: Path, profile: Path) -> int:
    """Print `html` with headless Chromium as a reader's browser would; return the page count."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-pdf-header-footer",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(profile)}
    )
    assert pdf.is_file() and pdf.stat().st_size > 0, done.stderr[-2000:]
    return _page_count(pdf)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The `report.html` files the command line writes (what a reader opens), run and comparison,
    each language."""
    folder = tmp_path_factory.mktemp("reports")
    commands = {
        "run": ["run", str(BASE)],
        "compare": ["compare", str(BASE), *map(str, ALTERNATIVES)],
    }
    running = {}
    for lang in LANGS:
        for kind, arguments in commands.items():
            target = folder / f"{kind}-{lang}"
            flags = [
                "--replications",
                str(REPLICATIONS),
                "--workers",
                "1",
                "--lang",
                lang,
                "--out",
                str(target),
            ]
            # All four at once: each runs in one process, and the machine has more than one core.
            running[(kind, lang)] = (
                target,
                subprocess.Popen(
                    [sys.executable, "-m", "sim", *arguments, *flags],
                    cwd=ROOT,
                    env=SUBPROCESS_ENV,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
    out = {}
    for key, (target, proc) in running.items():
        _, err = proc.communicate()
        assert proc.returncode == 0, err[-2000:]
        out[key] = target / "report.html"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", sorted(MAX_PAGES))
def test_the_printed_report_is_short(reports, kind: str, lang: str, tmp_path: Path) -> None:
    html = reports[(kind, lang)]
    pages = print_to_pdf(html, tmp_path / f"{kind}-{lang}.pdf", tmp_path / "profile")
    assert 2 <= pages <= MAX_PAGES[kind], (
        f"{kind} report in {lang}: {pages} A4 pages, at most {MAX_PAGES[kind]}"
    )
