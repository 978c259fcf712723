"""Reading the long layout: one row per accord x provision type x calendar year, as the
reference export writes it (`accord, country, signed_on, provision_type, year, level` and
optionally `year_count, in_accord, pam_caseid, cowcode, illustrative`).

A blank level means the accord does not contain the type that year, unless `in_accord` says
otherwise. Rows without a year_count are numbered by the alignment rule. Pure: no database.
"""
from __future__ import annotations

from ..domain.messages import N_, Message
from ..tables import RowError, TableError, parse_bool, parse_date
from .dataset import (
    Accord,
    Coding,
    ParsedSet,
    Year,
    each_row,
    file_version,
    rule_of,
    whole,
    year_quirks,
)

LONG_COLUMNS = ("accord", "country", "signed_on", "provision_type", "year", "level")
LONG_OPTIONAL = ("illustrative", "year_count", "in_accord", "pam_caseid", "cowcode")


def parse_long(headers, rows, filename, types, rule) -> ParsedSet:
    unknown = [h for h in headers if h and h not in LONG_COLUMNS + LONG_OPTIONAL]
    if unknown:
        raise TableError([RowError(1, Message(N_("unknown column(s): %(columns)s"),
                                              columns=", ".join(unknown)))])
    at = {h: i for i, h in enumerate(headers) if h}
    accords: dict[str, Accord] = {}
    years: dict[tuple, Year] = {}
    read = each_row(rows, at, lambda number, cell: _long_row(number, cell, types, accords,
                                                             years))
    parsed = list(accords.values())
    chosen = rule or rule_of(parsed)
    for accord in parsed:
        first = chosen.first_year(accord.signed_on)
        for y in accord.years:
            if y.year_count is None and y.calendar_year >= first:
                y.year_count = y.calendar_year - first + 1
        accord.years.sort(key=lambda y: (y.calendar_year, y.year_count or 0))
    return ParsedSet("long", file_version(filename), parsed, year_quirks(parsed), read, chosen)


def _long_row(number, cell, types, accords, years) -> None:
    name = cell("accord")
    if not name:
        raise ValueError(Message(N_("%(column)s is empty"), column="accord"))
    signed_on = parse_date(cell("signed_on"))
    caseid = whole(cell("pam_caseid"), "pam_caseid", 1)
    key = str(caseid) if caseid is not None else f"{name}|{signed_on.isoformat()}"
    accord = accords.get(key)
    if accord is None:
        ids = {"pam_caseid": caseid} if caseid is not None else {}
        cow = whole(cell("cowcode"), "cowcode", 0)
        if cow is not None:
            ids["cowcode"] = cow
        accord = accords[key] = Accord(key, name, cell("country"), signed_on, ids,
                                       parse_bool(cell("illustrative")))
    elif (accord.name, accord.country, accord.signed_on) != (name, cell("country"), signed_on):
        raise ValueError(Message(N_("country or signing date differ from an earlier row of "
                                    "%(name)s"), name=repr(name)))
    elif accord.illustrative != parse_bool(cell("illustrative")):
        raise ValueError(Message(N_("rows of %(name)s disagree on being illustrative"),
                                 name=repr(name)))
    code = types.get(cell("provision_type").lower())
    if code is None:
        raise ValueError(Message(N_("unknown provision type %(type)s"),
                                 type=repr(cell("provision_type"))))
    year = whole(cell("year"), "year", 1800, 2200)
    if year is None or year < signed_on.year:
        raise ValueError(Message(N_("year %(year)s is not a calendar year from the signing "
                                    "year on"), year=repr(cell("year"))))
    count = whole(cell("year_count"), "year_count", 1, 50)
    coded = years.get((key, year, count))
    if coded is None:
        coded = years[(key, year, count)] = Year(year, count, number)
        accord.years.append(coded)
    level = whole(cell("level"), "level", 0, 3)
    in_accord = parse_bool(cell("in_accord")) if cell("in_accord") else level is not None
    if code in coded.codings:
        raise ValueError(Message(N_("duplicate row for %(code)s in %(year)s"), code=code,
                                 year=year))
    coded.codings[code] = Coding(in_accord, level)
