"""The one normalisation rule for every text, number, link and date that comes in.

Web forms, the offline update workbook, the command-line importers and the API's query
parameters all pass what people typed through these functions before anything else sees it,
so every way in accepts and refuses the same things and nothing stored can break a later
step (PostgreSQL refuses NUL in text; a SQLite database that took one could not be moved).

The rule, in short:
- text is Unicode NFC; CRLF and CR become LF; a vertical tab, form feed, next-line or
  line/paragraph separator (what word processors paste between lines) becomes a line break
  in multi-line text and a space in one-line text; a tab becomes a space in one-line text;
- any other control character (NUL, C0, DEL, C1) or a lone surrogate is refused, naming it;
- whole numbers are ASCII digits (an optional sign), bounded before they are converted and
  bounded to what a SQL INTEGER column holds;
- links are http or https with a host; a bracketed host must be a valid IPv6 address;
- dates are exactly YYYY-MM-DD;
- a yes/no value is one of `BOOLEAN_WORDS` (true/false, yes/no, sí/no, 1/0, y/n), case aside.

Every refusal is a `ValueError` whose first argument is a `Message` (English as `str()`,
translated by the web layer). Pure: no Flask, no database, no I/O.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from .messages import Message, N_

#: The range of a SQL INTEGER column (PostgreSQL `integer`; ids and versions are such).
DB_INT_MIN = -(2 ** 31)
DB_INT_MAX = 2 ** 31 - 1
#: Longest digit string read as a number (a bound checked before any conversion).
MAX_INT_DIGITS = 18

#: Line breaks other programs write; all become "\n" (or a space in one-line text).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: Control characters no field may hold: C0 except tab and newline, DEL, C1, surrogates.
_REFUSED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
#: What no database here can store at all: NUL (PostgreSQL) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
#: Every spelling of a yes/no value any way in takes (query parameters of the pages, the API
#: and file links; columns of imported files), lower case; matched case aside.
BOOLEAN_WORDS = {"true": True, "false": False, "yes": True, "no": False, "sí": True,
                 "si": True, "1": True, "0": False, "y": True, "n": False}


def control_character(text: str) -> str | None:
    """The first character `text` may not hold, as "U+0000", or None when there is none."""
    found = _REFUSED.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def clean_text(value: str | None, *, multiline: bool = True) -> str | None:
    """`value` normalised by the rule above (None stays None).

    `multiline=False` (names, emails, codes, links): line breaks and tabs become spaces.
    Raises ValueError(Message) when a control character remains.
    """
    if value is None:
        return None
    text = _BREAKS.sub("\n", str(value))
    bad = control_character(text)
    if bad:
        raise ValueError(Message(N_("contains a control character (%(code)s) that cannot be "
                                    "stored: remove it and try again"), code=bad))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def clean_secret(value: str | None) -> str | None:
    """A password as typed (never altered, so existing hashes still match), refused when it
    holds a control character. Raises ValueError(Message)."""
    if value is not None and (control_character(value) or _BREAKS.search(value)):
        raise ValueError(Message(N_("contains a control character that a password may not "
                                    "hold")))
    return value


def check_int(value: int, minimum: int = DB_INT_MIN, maximum: int = DB_INT_MAX) -> int:
    """`value` when minimum <= value <= maximum; else ValueError(Message) naming the range."""
    if not minimum <= value <= maximum:
        raise ValueError(Message(N_("must be a whole number from %(low)s to %(high)s"),
                                 low=minimum, high=maximum))
    return value


def parse_int(text: str | None, minimum: int = DB_INT_MIN, maximum: int = DB_INT_MAX) -> int:
    """A whole number written in ASCII digits (optional sign, surrounding spaces allowed),
    within [minimum, maximum]. Raises ValueError(Message) otherwise, before converting
    anything longer than MAX_INT_DIGITS digits."""
    written = (text or "").strip()
    if not _INTEGER.fullmatch(written) or len(written.lstrip("+-")) > MAX_INT_DIGITS:
        raise ValueError(Message(N_("%(value)s is not a whole number from %(low)s to %(high)s"),
                                 value=_shown(written), low=minimum, high=maximum))
    return check_int(int(written), minimum, maximum)


def parse_iso_date(text: str | None) -> date:
    """A date written exactly YYYY-MM-DD (no week dates, no 20250316, no times, no spaces).
    Raises ValueError(Message)."""
    written = text or ""
    try:
        if _ISO_DATE.fullmatch(written):
            return date.fromisoformat(written)
    except ValueError:
        pass
    raise ValueError(Message(N_("%(value)s is not a date (use YYYY-MM-DD)"),
                             value=_shown(written)))


def parse_boolean(text: str | None) -> bool:
    """A yes/no value: one of `BOOLEAN_WORDS` ("true", "Sí", "0"...), case and surrounding
    spaces aside. Raises ValueError(Message) naming the accepted spellings."""
    written = (text or "").strip()
    found = BOOLEAN_WORDS.get(unicodedata.normalize("NFC", written).lower())
    if found is None:
        raise ValueError(Message(N_("%(value)s is not a yes/no value (use true or false; "
                                    "yes/no, sí/no and 1/0 are read too)"),
                                 value=_shown(written)))
    return found


def url_problem(url: str) -> str | None:
    """Why `url` is not an acceptable http(s) link (an N_ reason), or None when it is.
    Never raises: malformed hosts, ports and brackets are reasons, not exceptions."""
    if control_character(url) or any(c.isspace() for c in url):
        return N_("the link may not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises on a malformed or out-of-range port
    except ValueError:
        return N_("the link is not a valid web address")
    if parts.scheme.lower() not in ("http", "https") or not host:
        return N_("the link must be an http:// or https:// address")
    netloc_host = parts.netloc.rpartition("@")[2]
    if netloc_host.startswith("["):
        if not re.fullmatch(r"\[[^\[\]]*\](:[0-9]*)?", netloc_host):
            return N_("the link is not a valid web address")
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return N_("the link's host in brackets is not an IPv6 address")
    elif "[" in netloc_host or "]" in netloc_host:
        return N_("the link is not a valid web address")
    return None


def _shown(text: str, limit: int = 40) -> str:
    """`text` quoted for a message, shortened (a reason never echoes a huge value)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def unstorable(value) -> str | None:
    """The first character of a JSON-like value (str, list, dict, scalars) that no database
    here can store (NUL, a lone surrogate), as "U+0000"; None when there is none. Used on
    restore, where older rows may hold what input now refuses."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        return f"U+{ord(found.group()):04X}" if found else None
    if isinstance(value, dict):
        value = list(value.keys()) + list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            found = unstorable(item)
            if found:
                return found
    return None


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_ooxml(text: str) -> str:
    """A workbook cell's text with Excel's `_xHHHH_` escapes decoded (Excel writes a carriage
    return as `_x000D_` and a pasted vertical tab as `_x000B_`; openpyxl leaves them), so
    `clean_text` sees the real characters: line breaks kept, NUL refused."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def safe_label(value: str | None, limit: int, default: str = "") -> str:
    """A label a client chose (an uploaded file's name) made storable rather than refused:
    NFC, one line, each control character replaced by U+FFFD, at most `limit` characters;
    `default` when nothing is left."""
    text = _REFUSED.sub("\ufffd", _BREAKS.sub(" ", value or "")).replace("\n", " ")
    text = unicodedata.normalize("NFC", text.replace("\t", " ")).strip()
    return text[:limit] or default


def option_label(text: str, width: int = 80) -> str:
    """`text` fit to `width` characters for a select's option: cut at a word boundary with
    an ellipsis ("…") when longer, so a cut label never looks complete."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width - 1].rstrip() + "…"


def without_accents(text: str) -> str:
    """`text` compared without case or accents (NFKD without combining marks, case-folded):
    "Planeación", "PLANEACION" and "planeacion" read alike. Spaces are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def searchable(*texts: str | None) -> str:
    """What a text search looks in: each of `texts` (None and blank ones left out) by
    `without_accents`, one per line, so a search never matches across two of them. A search
    holds `without_accents(typed)` (stripped) as a substring of this: "Bogota" finds
    "Bogotá, D.C.", "tierras" finds "TIERRAS"; either content language of a text matches."""
    return "\n".join(without_accents(t) for t in texts if t and t.strip())


#: What may end a sentence as shown (a closing quote or bracket after its stop counts too).
_SENTENCE_END = (".", "!", "?", "…", ".»", ".”", ".)", "?»", "!»")


def as_sentence(text: str, capital: bool = True) -> str:
    """A message as a sentence of its own, the one style of every reason shown: its first
    letter a capital, a final stop ("the date is in the future" -> "The date is in the
    future."). `capital` False: after a field's label and a colon ("Date: the date is in the
    future."), where both languages go on in lower case. Empty text stays empty; text opening
    with a quote, a digit, a symbol or a name as written (a parameter: "known_at=...") keeps
    its opening."""
    text = (text or "").strip()
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    if capital and text[0].isalpha() and not any(c in first for c in "_=/"):
        text = text[0].upper() + text[1:]
    if not text.endswith(_SENTENCE_END):
        text += "."
    return text
