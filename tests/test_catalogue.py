"""The Vietnamese catalogue is complete, valid and in step with the code.

Text is extracted from the sources the way a translator's tool does (`pybabel extract -F babel.cfg
-k N_`), so a new `_("...")` without its Vietnamese, or a Vietnamese line whose `{placeholders}`
differ from the English, fails here rather than in a leader's report.
"""

from __future__ import annotations

import string
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "sim" / "report" / "locale" / "vi" / "LC_MESSAGES" / "centre_sim.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_say": (2,), "_progress": (2,)}
"""gettext's keywords, the no-op marker `N_`, and the console helpers whose second argument is a msgid."""


def _catalog() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="vi", domain="centre_sim")


def _extracted() -> list[tuple[str, int, str, str | None]]:
    """(file, line, msgid, context) of every translatable text in the sources."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    out = []
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        out.append((filename, line, msgid, context))
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_msgfmt_accepts_the_catalogue() -> None:
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_entry_is_translated_and_keeps_its_placeholders() -> None:
    problems = []
    for message in _catalog():
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        msgstr = message.string[0] if isinstance(message.string, tuple) else message.string
        if not msgstr.strip():
            problems.append(f"untranslated: {msgid!r}")
        elif "fuzzy" in message.flags:
            problems.append(f"fuzzy: {msgid!r}")
        elif _fields(msgid) != _fields(msgstr):
            problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
    assert problems == []


def test_every_text_in_the_code_has_its_vietnamese() -> None:
    catalog = _catalog()
    missing = sorted(
        f"{file}:{line}: {msgid!r}"
        for file, line, msgid, context in _extracted()
        if catalog.get(msgid, context=context) is None
    )
    assert missing == []


def test_every_entry_is_still_used_by_the_code() -> None:
    """An entry no code asks for any more is a sentence a translator corrects for nothing."""
    used = {(msgid, context) for _file, _line, msgid, context in _extracted()}
    unused = sorted(
        str(m.id)
        for m in _catalog()
        if m.id and (m.id if isinstance(m.id, str) else m.id[0], m.context) not in used
    )
    assert unused == []


@pytest.mark.parametrize("word", ["khách", "hạt giống"])
def test_no_word_a_public_office_would_not_use(word: str) -> None:
    used = [m.string for m in _catalog() if m.id and word in str(m.string).lower()]
    assert used == []
