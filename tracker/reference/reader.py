"""Reading a reference data set file of either layout: the layout is recognised from the
headers (PAM_ID's `accord name` / `accordname` beside `pam_caseid`, or the long layout's
columns)."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..domain.alignment import AlignmentRule
from ..domain.messages import N_, Message
from ..tables import RowError, TableError
from .dataset import ParsedSet
from .long import LONG_COLUMNS, parse_long
from .pam_id import NAME_COLUMNS, parse_wide


def detect_layout(headers: Sequence[str]) -> str | None:
    """'pam_id' (wide), 'long', or None, from a file's lower-cased header row."""
    names = set(headers)
    if names & set(NAME_COLUMNS) and "pam_caseid" in names:
        return "pam_id"
    if set(LONG_COLUMNS) <= names:
        return "long"
    return None


def parse(rows: Iterable[list[str]], filename: str, types: dict[str, str],
          rule: AlignmentRule | None = None) -> ParsedSet:
    """Read a reference data set from its rows (header first).

    `types` maps PAM_ID stems and type codes (lower case) to type codes. `rule` places year 1
    for long-layout rows without a year_count (default: the rule the file's own accords give,
    else `AlignmentRule()`). Raises TableError listing every bad header or row.
    """
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise TableError([RowError(None, N_("the file is empty"))])
    headers = [h.strip().lower() for h in header]
    layout = detect_layout(headers)
    if layout == "pam_id":
        return parse_wide(headers, rows, filename, types)
    if layout == "long":
        return parse_long(headers, rows, filename, types, rule)
    raise TableError([RowError(1, Message(
        N_("neither PAM_ID's layout (columns pam_caseid, accord name, year_count, year, "
           "<stem>_prov ...) nor the long layout (columns %(columns)s)"),
        columns=", ".join(LONG_COLUMNS)))])
