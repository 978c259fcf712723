"""What a reference data set file holds once read, whatever its layout: accords, their coded
years (the level of each provision type, and whether the accord contains it that year), the
quirks found with what was done about them, and the alignment rule read off the accords.

Pure: no database, no Flask. The readers are `pam_id` (PAM_ID's wide layout) and `long`;
`reader.parse` picks one from a file's headers.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
import re
from pathlib import Path

from ..domain.alignment import AlignmentRule, infer_rule
from ..domain.messages import N_, Message
from ..tables import RowError, TableError

VOCABULARY = Path(__file__).with_name("provision_types.csv")
#: The same 51 types in another language, one catalogue per language (code, name, group,
#: description): provision_types_<language>.csv beside the English vocabulary. The Spanish
#: names and descriptions are the project's translation of the English ones, not PAM's wording.
TRANSLATED_VOCABULARY = {"es": Path(__file__).with_name("provision_types_es.csv")}

PAM_ID_CITATION = (
    "Joshi, Madhav, Jason Michael Quinn & Patrick M. Regan (2015), \"Annualized implementation "
    "data on comprehensive intrastate peace accords, 1989-2012\", Journal of Peace Research "
    "52(4): 551-562, doi:10.1177/0022343314567486. Peace Accords Matrix Implementation Dataset "
    "(PAM_ID), Kroc Institute for International Peace Studies, University of Notre Dame.")
PAM_ID_SHORT_CITATION = "PAM_ID, Kroc Institute; Joshi, Quinn & Regan 2015"
PAM_ID_URL = "https://peaceaccords.nd.edu/"

def vocabulary() -> list[dict[str, str]]:
    """The 51 PAM provision types: code, pam_stem, name, group, description (file order)."""
    with VOCABULARY.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_TRANSLATED: dict[str, dict[str, dict[str, str]]] = {}  # a file shipped with the code


def translated_vocabulary(language: str) -> dict[str, dict[str, str]]:
    """The provision types' name, group and description in `language` ("es"), by type
    code; {} for English (the stored vocabulary) or a language without a catalogue. Read
    once per process (the catalogue is part of the code, never changed by a write)."""
    if language in _TRANSLATED:
        return _TRANSLATED[language]
    path = TRANSLATED_VOCABULARY.get(language)
    if path is None:
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        found = {row["code"]: {key: row[key] for key in ("name", "group", "description")}
                 for row in csv.DictReader(handle)}
    _TRANSLATED[language] = found
    return found


@dataclass
class Coding:
    """One provision type in one coded year."""

    in_accord: bool
    level: int | None
    initiated: int | None = None
    reversal: int | None = None


@dataclass
class Year:
    calendar_year: int
    year_count: int | None
    source_row: int | None
    codings: dict[str, Coding] = field(default_factory=dict)  # type code -> coding
    published_provisions: int | None = None
    published_points: int | None = None
    published_score: str | None = None

    @property
    def levels(self) -> dict[str, int]:
        """Type -> level for the types in the accord that year (what the figures count)."""
        return {code: c.level or 0 for code, c in self.codings.items() if c.in_accord}

    @property
    def score(self) -> Fraction | None:
        levels = self.levels
        return Fraction(100 * sum(levels.values()), 3 * len(levels)) if levels else None


@dataclass
class Accord:
    key: str  # pam_caseid, or name + signing date in the long layout
    name: str
    country: str
    signed_on: date
    external_ids: dict[str, int] = field(default_factory=dict)
    illustrative: bool = False
    years: list[Year] = field(default_factory=list)

    @property
    def first_year(self) -> int | None:
        """Calendar year of year 1, as the most rows with a year_count place it."""
        offsets: dict[int, int] = {}
        for y in self.years:
            if y.year_count is not None:
                offset = y.calendar_year - y.year_count + 1
                offsets[offset] = offsets.get(offset, 0) + 1
        return max(offsets, key=lambda o: (offsets[o], -o)) if offsets else None


@dataclass
class ParsedSet:
    layout: str  # "pam_id" or "long"
    version: str
    accords: list[Accord]
    quirks: list[RowError]
    rows_read: int
    alignment: AlignmentRule
    citation: str = ""
    short_citation: str = ""
    source_url: str | None = None


def each_row(rows, at: dict[str, int], read_row) -> int:
    """Call `read_row(row number, cell)` for every data row that holds anything (the header is
    row 1); `cell(name)` gives a column's stripped text. Returns how many rows were read.

    Raises TableError with every row whose reading raised ValueError, or when no row holds
    data.
    """
    errors, read = [], 0
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        read += 1
        try:
            read_row(number, cells(values, at))
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
            errors.append(RowError(number, reason))
    if errors:
        raise TableError(errors)
    if not read:
        raise TableError([RowError(None, N_("the file has a header but no data rows"))])
    return read


def cells(values: list[str], at: dict[str, int]):
    def cell(name: str) -> str:
        index = at.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""
    cell.values = values  # type: ignore[attr-defined]
    return cell



def whole(text: str, column: str, low: int | None = None, high: int | None = None,
           blank: int | None = None) -> int | None:
    if text == "":
        return blank
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(Message(N_("column %(column)s: %(value)s is not a number"),
                                 column=column, value=repr(text))) from None
    if number != number.to_integral_value():
        raise ValueError(Message(N_("column %(column)s: %(value)s is not a whole number"),
                                 column=column, value=repr(text)))
    value = int(number)
    if high is None and low is not None and value < low:
        raise ValueError(Message(N_("column %(column)s: %(value)s is below %(low)s"),
                                 column=column, value=value, low=low))
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(Message(N_("column %(column)s: %(value)s is outside %(low)s-%(high)s"),
                                 column=column, value=value, low=low, high=high))
    return value



def year_quirks(accords: list[Accord]) -> list[RowError]:
    quirks = []
    for accord in accords:
        seen: dict[int, Year] = {}
        for y in accord.years:
            if y.year_count is None:
                quirks.append(RowError(y.source_row, Message(
                    N_("%(accord)s: calendar year %(year)s has no year_count; kept, and left "
                       "out of the comparison by year since signing"), accord=accord.name,
                    year=y.calendar_year)))
            earlier = seen.get(y.calendar_year)
            if earlier is not None:
                quirks.append(RowError(y.source_row, Message(
                    N_("%(accord)s: calendar year %(year)s repeats row %(row)s; both rows are "
                       "kept under their year_count (%(first)s and %(second)s), which the "
                       "comparison uses"), accord=accord.name, year=y.calendar_year,
                    row=earlier.source_row, first=earlier.year_count, second=y.year_count)))
            seen.setdefault(y.calendar_year, y)
    return quirks


def rule_of(accords: list[Accord]) -> AlignmentRule:
    triples = [(a.name, a.signed_on, a.first_year) for a in accords if a.first_year]
    try:
        return infer_rule(triples)
    except ValueError:
        return AlignmentRule()



def in_order(quirks: list[RowError]) -> list[RowError]:
    return sorted(quirks, key=lambda q: (q.row or 0))


def file_version(filename: str) -> str:
    """'PAM_ID-V.1.5-Updated-29JULY2015.xlsx' -> '1.5'; '' when the name says none."""
    found = re.search(r"v\.?\s*(\d+(?:\.\d+)+)", Path(filename).stem, re.IGNORECASE)
    return found.group(1) if found else ""
