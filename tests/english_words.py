"""Finding English left in a Vietnamese page: the English words of a report's own msgids.

A word counts as English when it is one of the words (4 letters or more) of the English msgids
that the report's code and templates show, less the names a page may keep (`allowed`). File
names, ids, flags and keys (candidates.csv, plan_02, --costs, centre-sim) are not words.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract, extract_from_file

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "sim" / "report" / "html" / "templates"
_WORD = re.compile(r"[A-Za-z]{4,}")


def msgids(sources: Sequence[str], templates: Sequence[str]) -> list[str]:
    """Every msgid of the Python `sources` (`_`, `N_`) and the Jinja2 `templates` (`_`)."""
    found = []
    for source in sources:
        found += [
            m
            for _l, m, _c, _x in extract_from_file("python", ROOT / source, keywords={"_": None, "N_": None})
        ]
    for template in templates:
        with (TEMPLATES / template).open("rb") as handle:
            found += [m for _l, m, _c, _x in extract("jinja2", handle, keywords={"_": None})]
    return found


def words_only(text: str) -> str:
    """Drop file names, ids, flags and keys (candidates.csv, plan_02, --max-replications, centre-sim)."""
    return " ".join(t for t in text.split() if not re.search(r"[._/=]|^[-(]*--|\w-\w", t))


def english_words(messages: Iterable[str], allowed: set[str]) -> set[str]:
    """The lower-case words of the messages' literal text (placeholders left out), less `allowed`."""
    out: set[str] = set()
    for message in messages:
        plain = "".join(lit for lit, _f, _s, _c in string.Formatter().parse(message))
        out |= {w.lower() for w in _WORD.findall(words_only(plain))}
    return out - allowed


def english_leaks(texts: Iterable[str], english: set[str]) -> list[str]:
    """The English words found in `texts`, sorted."""
    return sorted({w for t in texts for w in _WORD.findall(words_only(t)) if w.lower() in english})


class Page(HTMLParser):
    """The words a reader sees: text outside <style>, <pre> and <code>, and image alt texts."""

    SKIP = frozenset({"style", "pre", "code", "script"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.prose: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if tag == "img":
            self.prose += [v or "" for k, v in attrs if k == "alt"]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.prose.append(data.strip())

    @property
    def text(self) -> str:
        """The prose as one string (no-break spaces as spaces)."""
        return " ".join(self.prose).replace("\u00a0", " ")
