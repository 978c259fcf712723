"""Reading reference data sets: PAM_ID's wide layout as the Kroc Institute distributes it, and
the long layout (one row per accord x provision type x calendar year).

Nothing here touches the database: `parse` turns a file's rows into a `ParsedSet` (accords,
their coded years, and the quirks found with what was done about them), or raises
`TableError` with every genuinely bad row. The provision-type vocabulary (PAM_ID column stem
-> type code) is passed in, read from `provision_types.csv` beside this module.

PAM_ID (v1.5; v2.0 renames `accord name` to `accordname`): one row per accord x calendar year;
9 identifying columns (`pam_caseid`, `year_count`, `cowcode`, `country`, `country_accorddate`,
`accord name` holding "<name>, <Mon DD YYYY>", `year`, `war_start`, `cease_date`); then per
provision type four columns `<stem>_prov` (0/1: in the accord that year), `<stem>_init`,
`<stem>_implem` (level 0-3) and `<stem>_rev`/`_revers` (reversal), matched by position and
stem because the file misspells some (`civadm_impem`, `develop_iplem`, `disput_prov` beside
`dispute_implem`); then `total_prov`, `total_implem_points`, `agg_implem_score`.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Sequence

from ..domain.alignment import AlignmentRule, infer_rule
from ..domain.scale import round_half_up
from ..tables import RowError, TableError, parse_bool, parse_date

VOCABULARY = Path(__file__).with_name("provision_types.csv")
PAM_ID_CITATION = (
    "Joshi, Madhav, Jason Michael Quinn & Patrick M. Regan (2015), \"Annualized implementation "
    "data on comprehensive intrastate peace accords, 1989-2012\", Journal of Peace Research "
    "52(4): 551-562, doi:10.1177/0022343314567486. Peace Accords Matrix Implementation Dataset "
    "(PAM_ID), Kroc Institute for International Peace Studies, University of Notre Dame.")
PAM_ID_URL = "https://peaceaccords.nd.edu/"

NAME_COLUMNS = ("accord name", "accordname")
ID_COLUMNS = ("pam_caseid", "year_count", "cowcode", "country", "country_accorddate", "year",
              "war_start", "cease_date") + NAME_COLUMNS
REQUIRED_ID_COLUMNS = ("pam_caseid", "year_count", "country", "year")
TOTAL_COLUMNS = ("total_prov", "total_implem_points", "agg_implem_score")
ROLES = ("prov", "init", "implem", "rev")
LONG_COLUMNS = ("accord", "country", "signed_on", "provision_type", "year", "level")
LONG_OPTIONAL = ("illustrative", "year_count", "in_accord", "pam_caseid", "cowcode")


def vocabulary() -> list[dict[str, str]]:
    """The 51 PAM provision types: code, pam_stem, name, group, description (file order)."""
    with VOCABULARY.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


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
    source_url: str | None = None


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
        raise TableError([RowError(None, "the file is empty")])
    headers = [h.strip().lower() for h in header]
    layout = detect_layout(headers)
    if layout == "pam_id":
        return _parse_wide(headers, rows, filename, types)
    if layout == "long":
        return _parse_long(headers, rows, filename, types, rule)
    raise TableError([RowError(1, "neither PAM_ID's layout (columns pam_caseid, accord name, "
                                  "year_count, year, <stem>_prov ...) nor the long layout "
                                  f"(columns {', '.join(LONG_COLUMNS)})")])


def file_version(filename: str) -> str:
    """'PAM_ID-V.1.5-Updated-29JULY2015.xlsx' -> '1.5'; '' when the name says none."""
    found = re.search(r"v\.?\s*(\d+(?:\.\d+)+)", Path(filename).stem, re.IGNORECASE)
    return found.group(1) if found else ""


# --- PAM_ID, wide ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    code: str
    stem: str
    columns: tuple[int, int, int, int]  # prov, init, implem, rev


def _stem_of(column: str) -> tuple[str, str]:
    stem, _, suffix = column.rpartition("_")
    return stem, suffix


def _suffix_fits(role: str, suffix: str) -> bool:
    """A column's suffix plays `role` (by position) if it reads as that role, misspelt or not:
    `impem`, `iplem` are `implem`; `revers` is `rev`."""
    if role == "prov":
        return suffix == "prov"
    if role == "init":
        return suffix.startswith("ini")
    if role == "implem":
        return suffix.startswith("i") and "m" in suffix and not suffix.startswith("ini")
    return suffix.startswith("rev")


def _same_stem(stem: str, other: str) -> bool:
    return other.startswith(stem) or stem.startswith(other) or other[:4] == stem[:4]


def _blocks(headers: list[str], types: dict[str, str]) -> list[_Block]:
    """The provision-type column blocks, matched by position and stem; every problem named."""
    type_columns = [i for i, h in enumerate(headers)
                    if h and h not in ID_COLUMNS and h not in TOTAL_COLUMNS]
    errors, blocks = [], []
    starts = [i for i in type_columns if headers[i].endswith("_prov")]
    for start in starts:
        stem = headers[start][: -len("_prov")]
        code = types.get(stem)
        if code is None:
            errors.append(RowError(1, f"unknown provision-type stem {stem!r} "
                                      f"(column {headers[start]!r})"))
            continue
        columns = tuple(range(start, start + 4))
        for role, index in zip(ROLES[1:], columns[1:]):
            name = headers[index] if index < len(headers) else ""
            other, suffix = _stem_of(name)
            if not (name and _same_stem(stem, other) and _suffix_fits(role, suffix)):
                errors.append(RowError(1, f"missing column {stem}_{role} (found "
                                          f"{name or 'nothing'!r} in its place)"))
                break
        else:
            blocks.append(_Block(code, stem, columns))  # type: ignore[arg-type]
    covered = {i for b in blocks for i in b.columns}
    stray = [headers[i] for i in type_columns if i not in covered and
             not any(headers[i] == headers[s] for s in starts)]
    if stray and not errors:
        errors.append(RowError(1, "unknown column(s): " + ", ".join(stray)))
    seen: dict[str, str] = {}
    for block in blocks:
        if block.code in seen:
            errors.append(RowError(1, f"provision type {block.code} appears twice "
                                      f"({seen[block.code]}, {block.stem})"))
        seen[block.code] = block.stem
    if not blocks and not errors:
        errors.append(RowError(1, "no provision-type columns (<stem>_prov, _init, _implem, "
                                  "_rev) found"))
    if errors:
        raise TableError(errors)
    return blocks


def _parse_wide(headers, rows, filename, types) -> ParsedSet:
    missing = [c for c in REQUIRED_ID_COLUMNS if c not in headers]
    if missing:
        raise TableError([RowError(1, "missing column(s): " + ", ".join(missing))])
    blocks = _blocks(headers, types)
    at = {h: i for i, h in enumerate(headers) if h}
    name_column = next(c for c in NAME_COLUMNS if c in at)
    accords: dict[str, Accord] = {}
    errors: list[RowError] = []
    quirks: list[RowError] = []
    read = 0
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        read += 1
        cell = _cells(values, at)
        try:
            _wide_row(number, cell, name_column, blocks, accords, quirks)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
    if errors:
        raise TableError(errors)
    if not accords:
        raise TableError([RowError(None, "the file has a header but no data rows")])
    parsed = list(accords.values())
    quirks.extend(_year_quirks(parsed))
    rule = _rule_of(parsed)
    quirks.extend(_rule_quirks(parsed, rule))
    return ParsedSet("pam_id", file_version(filename), parsed, _in_order(quirks), read, rule,
                     PAM_ID_CITATION, PAM_ID_URL)


def _cells(values: list[str], at: dict[str, int]):
    def cell(name: str) -> str:
        index = at.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""
    cell.values = values  # type: ignore[attr-defined]
    return cell


_NAME_DATE = re.compile(r"^(?P<name>.*\S)\s*,\s*(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}\s+\d{4})$")


def split_accord_name(text: str) -> tuple[str, date]:
    """'Lusaka Protocol, Nov 15 1994' -> ('Lusaka Protocol', date(1994, 11, 15))."""
    found = _NAME_DATE.match(text.strip())
    if not found:
        raise ValueError(f"accord name {text!r} does not end with its signing date "
                         "(\", Mon DD YYYY\")")
    when = found.group("date").replace(".", "")
    for pattern in ("%b %d %Y", "%B %d %Y"):
        try:
            return found.group("name").rstrip(" ,"), datetime.strptime(when, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"accord name {text!r}: {when!r} is not a date")


def _whole(text: str, column: str, low: int | None = None, high: int | None = None,
           blank: int | None = None) -> int | None:
    if text == "":
        return blank
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"column {column}: {text!r} is not a number") from None
    if number != number.to_integral_value():
        raise ValueError(f"column {column}: {text!r} is not a whole number")
    value = int(number)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"column {column}: {value} is outside {low}-{high}")
    return value


def _wide_row(number, cell, name_column, blocks, accords, quirks) -> None:
    caseid = _whole(cell("pam_caseid"), "pam_caseid", 1)
    if caseid is None:
        raise ValueError("pam_caseid is empty")
    name, signed_on = split_accord_name(cell(name_column))
    country = cell("country")
    accord = accords.get(str(caseid))
    if accord is None:
        ids = {"pam_caseid": caseid}
        cow = _whole(cell("cowcode"), "cowcode", 0)
        if cow is not None:
            ids["cowcode"] = cow
        accord = accords[str(caseid)] = Accord(str(caseid), name, country, signed_on, ids)
        _date_quirk(number, accord, cell("country_accorddate"), quirks)
    elif (accord.name, accord.signed_on) != (name, signed_on):
        raise ValueError(f"pam_caseid {caseid} names {name!r} here and {accord.name!r} "
                         "in an earlier row")
    year = _whole(cell("year"), "year", 1800, 2200)
    if year is None:
        raise ValueError("year is empty")
    coded = Year(year, _whole(cell("year_count"), "year_count", 1, 50), number,
                 published_provisions=_whole(cell("total_prov"), "total_prov", 0),
                 published_points=_whole(cell("total_implem_points"), "total_implem_points", 0),
                 published_score=cell("agg_implem_score") or None)
    if coded.year_count is not None and any(y.year_count == coded.year_count
                                            for y in accord.years):
        raise ValueError(f"year_count {coded.year_count} repeats an earlier row of {name!r}")
    values = cell.values
    for block in blocks:
        prov, init, implem, rev = (values[i].strip() if i < len(values) else ""
                                   for i in block.columns)
        coding = Coding(bool(_whole(prov, f"{block.stem}_prov", 0, 1, blank=0)),
                        _whole(implem, f"{block.stem}_implem", 0, 3),
                        _whole(init, f"{block.stem}_init", 0),
                        _whole(rev, f"{block.stem}_rev", 0))
        if not coding.in_accord and coding.level:
            quirks.append(RowError(number, (
                f"{accord.name}, {year}: {block.stem}_implem is {coding.level} but "
                f"{block.stem}_prov is 0; the level is kept but not counted, since the type is "
                "not in the accord that year")))
        coded.codings[block.code] = coding
    _total_quirks(number, accord.name, coded, quirks)
    accord.years.append(coded)


def _date_quirk(number, accord: Accord, written: str, quirks) -> None:
    """country_accorddate ('Burundi (8/28/2000)') disagreeing with the accord name's date."""
    found = re.search(r"\((\s*\d{1,2})/(\d{1,2})/(\d{4})\)", written)
    if not found:
        return
    month, day, year = (int(g) for g in found.groups())
    try:
        other = date(year, month, day)
    except ValueError:
        return
    if other != accord.signed_on:
        quirks.append(RowError(number, (
            f"{accord.name}: country_accorddate says {other.isoformat()}, the accord name "
            f"{accord.signed_on.isoformat()}; the accord name's date is used")))


def _total_quirks(number, name: str, coded: Year, quirks) -> None:
    members = len(coded.levels)
    points = sum(coded.levels.values())
    if coded.published_provisions is not None and coded.published_provisions != members:
        quirks.append(RowError(number, f"{name}, {coded.calendar_year}: total_prov is "
                                       f"{coded.published_provisions} but {members} types have "
                                       f"_prov 1; {members} are counted"))
    if coded.published_points is not None and coded.published_points != points:
        computed = round_half_up(coded.score, 2) if coded.score is not None else None
        quirks.append(RowError(number, (
            f"{name}, {coded.calendar_year}: total_implem_points is {coded.published_points} "
            f"but the types in the accord "
            f"that year hold {points}: agg_implem_score {coded.published_score} in the file, "
            f"{computed} computed from the types in the accord")))


def _year_quirks(accords: list[Accord]) -> list[RowError]:
    quirks = []
    for accord in accords:
        seen: dict[int, Year] = {}
        for y in accord.years:
            if y.year_count is None:
                quirks.append(RowError(y.source_row, (
                    f"{accord.name}: calendar year {y.calendar_year} has no year_count; kept, "
                    "and left out of the comparison by year since signing")))
            earlier = seen.get(y.calendar_year)
            if earlier is not None:
                quirks.append(RowError(y.source_row, (
                    f"{accord.name}: calendar year {y.calendar_year} repeats row "
                    f"{earlier.source_row}; both rows are kept under their year_count "
                    f"({earlier.year_count} and {y.year_count}), which the comparison uses")))
            seen.setdefault(y.calendar_year, y)
    return quirks


def _rule_of(accords: list[Accord]) -> AlignmentRule:
    triples = [(a.name, a.signed_on, a.first_year) for a in accords if a.first_year]
    try:
        return infer_rule(triples)
    except ValueError:
        return AlignmentRule()


def _rule_quirks(accords: list[Accord], rule: AlignmentRule) -> list[RowError]:
    quirks = []
    for accord in accords:
        if accord.name in rule.exceptions and accord.years:
            quirks.append(RowError(accord.years[0].source_row, (
                f"{accord.name}: signed {accord.signed_on.isoformat()}, year 1 is "
                f"{accord.first_year} in the file where the rule read off the other accords "
                f"gives {rule.first_year(accord.signed_on)}; the file's year_count is used")))
    return quirks


def _in_order(quirks: list[RowError]) -> list[RowError]:
    return sorted(quirks, key=lambda q: (q.row or 0))


# --- long layout -----------------------------------------------------------------------------

def _parse_long(headers, rows, filename, types, rule) -> ParsedSet:
    unknown = [h for h in headers if h and h not in LONG_COLUMNS + LONG_OPTIONAL]
    if unknown:
        raise TableError([RowError(1, "unknown column(s): " + ", ".join(unknown))])
    at = {h: i for i, h in enumerate(headers) if h}
    accords: dict[str, Accord] = {}
    years: dict[tuple[str, int], Year] = {}
    errors: list[RowError] = []
    read = 0
    for number, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        read += 1
        try:
            _long_row(number, _cells(values, at), types, accords, years)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
    if errors:
        raise TableError(errors)
    if not accords:
        raise TableError([RowError(None, "the file has a header but no data rows")])
    parsed = list(accords.values())
    chosen = rule or _rule_of(parsed)
    for accord in parsed:
        first = chosen.first_year(accord.signed_on)
        for y in accord.years:
            if y.year_count is None and y.calendar_year >= first:
                y.year_count = y.calendar_year - first + 1
        accord.years.sort(key=lambda y: (y.calendar_year, y.year_count or 0))
    return ParsedSet("long", file_version(filename), parsed, _year_quirks(parsed), read, chosen)


def _long_row(number, cell, types, accords, years) -> None:
    name = cell("accord")
    if not name:
        raise ValueError("accord name is empty")
    signed_on = parse_date(cell("signed_on"))
    caseid = _whole(cell("pam_caseid"), "pam_caseid", 1)
    key = str(caseid) if caseid is not None else f"{name}|{signed_on.isoformat()}"
    accord = accords.get(key)
    if accord is None:
        ids = {"pam_caseid": caseid} if caseid is not None else {}
        cow = _whole(cell("cowcode"), "cowcode", 0)
        if cow is not None:
            ids["cowcode"] = cow
        accord = accords[key] = Accord(key, name, cell("country"), signed_on, ids,
                                       parse_bool(cell("illustrative")))
    elif (accord.name, accord.country, accord.signed_on) != (name, cell("country"), signed_on):
        raise ValueError(f"country or signing date differ from an earlier row of {name!r}")
    elif accord.illustrative != parse_bool(cell("illustrative")):
        raise ValueError(f"rows of {name!r} disagree on being illustrative")
    code = types.get(cell("provision_type").lower())
    if code is None:
        raise ValueError(f"unknown provision type {cell('provision_type')!r}")
    year = _whole(cell("year"), "year", 1800, 2200)
    if year is None or year < signed_on.year:
        raise ValueError(f"year {cell('year')!r} is not a calendar year from the signing year on")
    count = _whole(cell("year_count"), "year_count", 1, 50)
    coded = years.get((key, year, count))
    if coded is None:
        coded = years[(key, year, count)] = Year(year, count, number)
        accord.years.append(coded)
    level = _whole(cell("level"), "level", 0, 3)
    in_accord = parse_bool(cell("in_accord")) if cell("in_accord") else level is not None
    if code in coded.codings:
        raise ValueError(f"duplicate row for {code} in {year}")
    coded.codings[code] = Coding(in_accord, level)
