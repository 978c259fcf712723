"""Text that no spreadsheet evaluates. In a CSV file a cell a spreadsheet would evaluate
(=, +, -, @, tab, carriage return) gets a leading apostrophe; characters XML cannot hold (a
vertical tab pasted from Word) are dropped; a text longer than a worksheet cell holds is
cut with a note saying so. Also the plain values both files share (UTC times, yes/no)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

FORMULA_PREFIXES = ("=", "+", "-", "@")
CSV_RISKY_PREFIXES = FORMULA_PREFIXES + ("\t", "\r")
#: Characters XML 1.0 cannot carry: C0 controls but tab, newline and carriage return; lone
#: surrogates; U+FFFE and U+FFFF.
ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The most characters an Excel cell holds; longer text is cut and says so.
MAX_CELL_TEXT = 32767
TRUNCATED_NOTE = " [...] (cut at the workbook's cell limit; the CSV export has the full text)"


def clean_text(text: str) -> str:
    """Without the characters XML cannot hold (a pasted vertical tab...)."""
    return ILLEGAL_XML_RE.sub("", text)


def csv_text(text: str) -> str:
    text = clean_text(text)
    return "'" + text if text.startswith(CSV_RISKY_PREFIXES) else text


def naive_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def cell_text(text: str) -> str:
    """Text as a workbook cell holds it: cleaned, and cut (saying so) at the cell limit,
    which Excel counts in UTF-16 units (a character beyond the BMP, an emoji, counts two)."""
    text = clean_text(text)
    if len(text) > MAX_CELL_TEXT // 2 and _utf16_units(text) > MAX_CELL_TEXT:
        text = _utf16_prefix(text, MAX_CELL_TEXT - len(TRUNCATED_NOTE)) + TRUNCATED_NOTE
    return text


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_prefix(text: str, units: int) -> str:
    """The longest start of `text` within `units` UTF-16 units, never half a pair."""
    head = text.encode("utf-16-le")[:2 * units]
    if head and 0xD8 <= head[-1] <= 0xDB:  # a high surrogate whose partner was cut off
        head = head[:-2]
    return head.decode("utf-16-le")
