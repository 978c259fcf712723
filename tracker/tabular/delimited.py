"""CSV and tab-separated text as spreadsheets actually save it.

Encoding. UTF-8 (with or without a byte-order mark) and UTF-16 with its mark (Excel's
"Unicode Text") are read as such. Excel on Windows in a Spanish locale saves "CSV
(delimitado por comas)" in Windows-1252, and that is the file a Spanish-speaking partner
produces unless told otherwise, so refusing it would turn away most first uploads. Such a
file is read as Windows-1252 when that is unambiguous: its bytes are not valid UTF-8, they
are valid Windows-1252, and every character outside ASCII is then a Latin letter (á, ñ,
Ü...) or common punctuation (¿ ¡ º ª « » € ° – — “ ” …). Text from other legacy encodings
(Mac Roman, DOS code pages) decoded that way shows characters such as ‡ Ž ¢ ¤, and a file
mixing UTF-8 with another encoding shows "Ã©" for "é"; both are refused with the remedy
instead: save as CSV UTF-8. Nothing is ever guessed silently into
wrong letters.

Separator. The header line decides: of ",", ";" and tab, the one that splits it into the
most columns (Excel in Spanish and other locales with a decimal comma writes ";"). A first
line "sep=;" (which Excel understands) names the separator and is not a row.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from typing import Iterator

from ..domain.messages import Message, N_
from .errors import refuse

SEPARATORS = (",", ";", "\t")
NOT_UTF8 = N_(
    "the CSV file is not UTF-8 text and not clearly Windows-1252 either: save it again "
    "with File > Save as > CSV UTF-8 (comma delimited)")
_LATIN_PUNCTUATION = set("¡¿ºª°«»€“”‘’–—…·•©®§±\u00a0")
_SEP_LINE = re.compile(r"sep=(.)\r?\n?$")
#: UTF-8 bytes read as Windows-1252 ("Ã©" for "é"): a file mixing encodings, not plain 1252.
_UTF8_AS_1252 = re.compile("[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                           "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def decode(data: bytes) -> str:
    """The text of a CSV file (see the module's rules); raises TableError with the remedy."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise refuse(NOT_UTF8) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise refuse(NOT_UTF8) from None
    if not _plainly_latin(text) or _UTF8_AS_1252.search(text):
        raise refuse(NOT_UTF8)
    return text


def _plainly_latin(text: str) -> bool:
    """Every character outside ASCII a Latin-1 letter or common punctuation."""
    for char in set(text):
        if char < "\x80" or char in _LATIN_PUNCTUATION:
            continue
        if "\u00c0" <= char <= "\u00ff" and char not in "×÷":
            continue
        return False
    return True


def separator_of(lines: list[str]) -> str:
    """The separator for the first non-blank line of `lines` (the header)."""
    header = next((line for line in lines if line.strip()), "")
    best, most = ",", 1
    for candidate in SEPARATORS:
        fields = next(csv.reader([header], delimiter=candidate), [])
        if len(fields) > most:
            best, most = candidate, len(fields)
    return best


def text_rows(text: str) -> Iterator[list[str]]:
    """Every record of CSV text as a list of field strings, header first (a quoted field may
    span lines; a record is one spreadsheet row). Raises TableError when it cannot be parsed."""
    if "\x00" in text:
        raise refuse(N_("the file is not a CSV text file"))
    head = text[:65536].splitlines()
    separator = None
    if head and _SEP_LINE.match(head[0]):
        separator = head[0][4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        head = head[1:]
    separator = separator or separator_of(head[:50])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise refuse(Message(N_("the CSV file cannot be parsed: %(reason)s"),
                             reason=str(exc))) from None
    return iter(rows)
