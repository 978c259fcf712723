"""Reading PAM_ID's wide layout as the Kroc Institute distributes it.

Nothing here touches the database: `parse_wide` turns a file's rows into a `ParsedSet`, or
raises `TableError` with every genuinely bad row. The provision-type vocabulary (PAM_ID column
stem -> type code) is passed in (tracker/reference/provision_types.csv, the one table of
stems).

PAM_ID (v1.5; v2.0 renames `accord name` to `accordname`): one row per accord x calendar year;
9 identifying columns (`pam_caseid`, `year_count`, `cowcode`, `country`, `country_accorddate`,
`accord name` holding "<name>, <Mon DD YYYY>", `year`, `war_start`, `cease_date`); then per
provision type four columns `<stem>_prov` (0/1: in the accord that year), `<stem>_init`,
`<stem>_implem` (level 0-3) and `<stem>_rev`/`_revers` (reversal), matched by position and
stem because the file misspells some (`civadm_impem`, `develop_iplem`, `disput_prov` beside
`dispute_implem`); then `total_prov`, `total_implem_points`, `agg_implem_score`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..domain.alignment import AlignmentRule
from ..domain.scale import round_half_up
from ..domain.messages import N_, Message
from ..tables import RowError, TableError
from .dataset import (
    PAM_ID_CITATION,
    PAM_ID_SHORT_CITATION,
    PAM_ID_URL,
    Accord,
    Coding,
    ParsedSet,
    Year,
    each_row,
    file_version,
    in_order,
    rule_of,
    whole,
    year_quirks,
)

NAME_COLUMNS = ("accord name", "accordname")
ID_COLUMNS = ("pam_caseid", "year_count", "cowcode", "country", "country_accorddate", "year",
              "war_start", "cease_date") + NAME_COLUMNS
REQUIRED_ID_COLUMNS = ("pam_caseid", "year_count", "country", "year")
TOTAL_COLUMNS = ("total_prov", "total_implem_points", "agg_implem_score")
ROLES = ("prov", "init", "implem", "rev")

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
            errors.append(RowError(1, Message(N_("unknown provision-type stem %(stem)s "
                                                 "(column %(column)s)"),
                                              stem=repr(stem), column=repr(headers[start]))))
            continue
        columns = tuple(range(start, start + 4))
        for role, index in zip(ROLES[1:], columns[1:]):
            name = headers[index] if index < len(headers) else ""
            other, suffix = _stem_of(name)
            if not (name and _same_stem(stem, other) and _suffix_fits(role, suffix)):
                errors.append(RowError(1, Message(
                    N_("missing column %(column)s (found %(found)s in its place)"),
                    column=f"{stem}_{role}", found=repr(name) if name else "—")))
                break
        else:
            blocks.append(_Block(code, stem, columns))  # type: ignore[arg-type]
    covered = {i for b in blocks for i in b.columns}
    stray = [headers[i] for i in type_columns if i not in covered and
             not any(headers[i] == headers[s] for s in starts)]
    if stray and not errors:
        errors.append(RowError(1, Message(N_("unknown column(s): %(columns)s"),
                                          columns=", ".join(stray))))
    seen: dict[str, str] = {}
    for block in blocks:
        if block.code in seen:
            errors.append(RowError(1, Message(N_("provision type %(code)s appears twice "
                                                 "(%(first)s, %(second)s)"),
                                              code=block.code, first=seen[block.code],
                                              second=block.stem)))
        seen[block.code] = block.stem
    if not blocks and not errors:
        errors.append(RowError(1, N_("no provision-type columns (<stem>_prov, _init, "
                                     "_implem, _rev) found")))
    if errors:
        raise TableError(errors)
    return blocks


def parse_wide(headers, rows, filename, types) -> ParsedSet:
    missing = [c for c in REQUIRED_ID_COLUMNS if c not in headers]
    if missing:
        raise TableError([RowError(1, Message(N_("missing column(s): %(columns)s"),
                                              columns=", ".join(missing)))])
    blocks = _blocks(headers, types)
    at = {h: i for i, h in enumerate(headers) if h}
    name_column = next(c for c in NAME_COLUMNS if c in at)
    accords: dict[str, Accord] = {}
    quirks: list[RowError] = []
    read = each_row(rows, at, lambda number, cell: _wide_row(number, cell, name_column, blocks,
                                                             accords, quirks))
    parsed = list(accords.values())
    quirks.extend(year_quirks(parsed))
    rule = rule_of(parsed)
    quirks.extend(_rule_quirks(parsed, rule))
    return ParsedSet("pam_id", file_version(filename), parsed, in_order(quirks), read, rule,
                     PAM_ID_CITATION, PAM_ID_SHORT_CITATION, PAM_ID_URL)


_NAME_DATE = re.compile(r"^(?P<name>.*\S)\s*,\s*(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}\s+\d{4})$")


def split_accord_name(text: str) -> tuple[str, date]:
    """'Lusaka Protocol, Nov 15 1994' -> ('Lusaka Protocol', date(1994, 11, 15))."""
    found = _NAME_DATE.match(text.strip())
    if not found:
        raise ValueError(Message(N_("accord name %(name)s does not end with its signing date "
                                    "(\", Mon DD YYYY\")"), name=repr(text)))
    when = found.group("date").replace(".", "")
    for pattern in ("%b %d %Y", "%B %d %Y"):
        try:
            return found.group("name").rstrip(" ,"), datetime.strptime(when, pattern).date()
        except ValueError:
            continue
    raise ValueError(Message(N_("accord name %(name)s: %(date)s is not a date"),
                             name=repr(text), date=repr(when)))


def _wide_row(number, cell, name_column, blocks, accords, quirks) -> None:
    caseid = whole(cell("pam_caseid"), "pam_caseid", 1)
    if caseid is None:
        raise ValueError(Message(N_("%(column)s is empty"), column="pam_caseid"))
    name, signed_on = split_accord_name(cell(name_column))
    country = cell("country")
    accord = accords.get(str(caseid))
    if accord is None:
        ids = {"pam_caseid": caseid}
        cow = whole(cell("cowcode"), "cowcode", 0)
        if cow is not None:
            ids["cowcode"] = cow
        accord = accords[str(caseid)] = Accord(str(caseid), name, country, signed_on, ids)
        _date_quirk(number, accord, cell("country_accorddate"), quirks)
    elif (accord.name, accord.signed_on) != (name, signed_on):
        raise ValueError(Message(N_("pam_caseid %(id)s names %(name)s here and %(other)s in "
                                    "an earlier row"), id=caseid, name=repr(name),
                                 other=repr(accord.name)))
    year = whole(cell("year"), "year", 1800, 2200)
    if year is None:
        raise ValueError(Message(N_("%(column)s is empty"), column="year"))
    coded = Year(year, whole(cell("year_count"), "year_count", 1, 50), number,
                 published_provisions=whole(cell("total_prov"), "total_prov", 0),
                 published_points=whole(cell("total_implem_points"), "total_implem_points", 0),
                 published_score=cell("agg_implem_score") or None)
    if coded.year_count is not None and any(y.year_count == coded.year_count
                                            for y in accord.years):
        raise ValueError(Message(N_("year_count %(count)s repeats an earlier row of %(name)s"),
                                 count=coded.year_count, name=repr(name)))
    values = cell.values
    for block in blocks:
        prov, init, implem, rev = (values[i].strip() if i < len(values) else ""
                                   for i in block.columns)
        coding = Coding(bool(whole(prov, f"{block.stem}_prov", 0, 1, blank=0)),
                        whole(implem, f"{block.stem}_implem", 0, 3),
                        whole(init, f"{block.stem}_init", 0),
                        whole(rev, f"{block.stem}_rev", 0))
        if not coding.in_accord and coding.level:
            quirks.append(RowError(number, Message(
                N_("%(accord)s, %(year)s: %(stem)s_implem is %(level)s but %(stem)s_prov is 0; "
                   "the level is kept but not counted, since the type is not in the accord "
                   "that year"), accord=accord.name, year=year, stem=block.stem,
                level=coding.level)))
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
        quirks.append(RowError(number, Message(
            N_("%(accord)s: country_accorddate says %(other)s, the accord name %(signed)s; the "
               "accord name's date is used"), accord=accord.name, other=other.isoformat(),
            signed=accord.signed_on.isoformat())))


def _total_quirks(number, name: str, coded: Year, quirks) -> None:
    members = len(coded.levels)
    points = sum(coded.levels.values())
    if coded.published_provisions is not None and coded.published_provisions != members:
        quirks.append(RowError(number, Message(
            N_("%(accord)s, %(year)s: total_prov is %(total)s but %(members)s types have "
               "_prov 1; %(members)s are counted"), accord=name, year=coded.calendar_year,
            total=coded.published_provisions, members=members)))
    if coded.published_points is not None and coded.published_points != points:
        computed = round_half_up(coded.score, 2) if coded.score is not None else None
        quirks.append(RowError(number, Message(
            N_("%(accord)s, %(year)s: total_implem_points is %(total)s but the types in the "
               "accord that year hold %(points)s: agg_implem_score %(published)s in the file, "
               "%(computed)s computed from the types in the accord"), accord=name,
            year=coded.calendar_year, total=coded.published_points, points=points,
            published=coded.published_score, computed=computed)))


def _rule_quirks(accords: list[Accord], rule: AlignmentRule) -> list[RowError]:
    quirks = []
    for accord in accords:
        if accord.name in rule.exceptions and accord.years:
            quirks.append(RowError(accord.years[0].source_row, Message(
                N_("%(accord)s: signed %(signed)s, year 1 is %(first)s in the file where the "
                   "rule read off the other accords gives %(rule)s; the file's year_count is "
                   "used"), accord=accord.name, signed=accord.signed_on.isoformat(),
                first=accord.first_year, rule=rule.first_year(accord.signed_on))))
    return quirks
