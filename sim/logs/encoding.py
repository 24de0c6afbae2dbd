"""Decode a centre's export into text, whatever Excel or the vendor saved it as.

Vietnamese spreadsheets arrive as UTF-8 (with or without a byte-order mark), as UTF-16 ("Unicode
text" from Excel) or as Windows-1258. Guessing wrong silently turns "Hoàn thành" into mojibake
that no status word matches, so `encoding = "auto"` decides by rules that cannot mistake one for
another: a byte-order mark first; else strict UTF-8; else Windows-1258 only when the whole file
decodes and reads as Vietnamese. A file that is UTF-8 in one part and another encoding in another
(two exports pasted together) is refused with the first row that is not UTF-8.

Windows-1258 writes tone marks as separate combining characters, so every text is normalised to
NFC: "Hoàn thành" then matches however it was written.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from sim.scenario.errors import ScenarioError

AUTO = "auto"

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
"""(mark, codec, name reported) - checked in this order; UTF-32 is not written by Excel."""

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
"""A well-formed UTF-8 sequence of two to four bytes. Windows-1258 Vietnamese almost never forms
one (a letter followed by a punctuation byte), so finding one next to bytes that are not UTF-8
means the file mixes encodings."""

_VIETNAMESE_MARKS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
"""Letters and tone marks only Vietnamese uses among the Windows-1258 characters."""

ENCODING_HINT = (
    'save the file as UTF-8 (Excel: "CSV UTF-8"), or name its encoding in the mapping file '
    '(encoding = "utf-8", "utf-16" or "cp1258")'
)


def _row_of(text_before: str) -> int:
    """The spreadsheet row (header = 1) a position lies in, from the text before it."""
    return text_before.count("\n") + 1


def _looks_vietnamese(text: str) -> bool:
    """Every non-ASCII character is a letter or a tone mark, and some are Vietnamese-only ones."""
    foreign = {c for c in set(text) if ord(c) > 127}
    if not foreign & _VIETNAMESE_MARKS:
        return False
    return all(unicodedata.category(c)[0] in "LM" or c == "\u00a0" for c in foreign)


def _strict(raw: bytes, codec: str, name: str, source: str) -> tuple[str, str]:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        row = _row_of(raw[: exc.start].decode(codec, errors="replace"))
        raise ScenarioError(
            source,
            f"row {row}",
            f"is not valid {name} text from this row on (byte {exc.start}); {ENCODING_HINT}",
        ) from None
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff")), name


def decode(raw: bytes, encoding: str, source: str) -> tuple[str, str]:
    """The file's text, NFC-normalised, and the encoding it was read as.

    `encoding` is "auto" or a codec name (already checked by the mapping's loader).
    """
    if encoding != AUTO:
        return _strict(raw, encoding, codecs.lookup(encoding).name, source)
    for mark, codec, name in _BOMS:
        if raw.startswith(mark):
            return _strict(raw, codec, name, source)
    if b"\x00" in raw[:4096]:  # text never holds NUL; UTF-16 holds one in every ASCII character
        raise ScenarioError(
            source,
            "",
            "looks like UTF-16 text without its byte-order mark; "
            'set encoding = "utf-16-le" (or "utf-16-be") in the mapping file, or save it as UTF-8',
        )
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    row = _row_of(raw[:first_bad].decode("utf-8", errors="replace"))
    if _UTF8_MULTIBYTE.search(raw):
        raise ScenarioError(
            source,
            f"row {row}",
            "mixes encodings: parts of the file are UTF-8 and this row is not "
            f"(two exports pasted together?); {ENCODING_HINT}",
        )
    try:
        text = unicodedata.normalize("NFC", raw.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    if text and _looks_vietnamese(text):
        return text, "cp1258"
    raise ScenarioError(
        source,
        f"row {row}",
        f"is neither UTF-8 nor Windows-1258 Vietnamese text (from this row on); {ENCODING_HINT}",
    )
