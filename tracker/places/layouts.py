"""The place files the importer reads, recognised by their header row, turned into plain
rows (no database here).

- the generic layout: `code, name, kind` and optionally `parent_code, groups, longitude,
  latitude` (`groups`: `;`-separated group names, each optionally prefixed by its kind and a
  colon, e.g. "PDET subregion: CATATUMBO"; a name alone is of kind "group");
- DANE's DIVIPOLA as published: `divipola_con_tipo.csv` (dept_code, dept_name, muni_code,
  muni_name, tipo, longitud, latitud) and `divipola.csv` (the first four): Colombia, its
  departments and municipal-level units;
- the ART's PDET list: `pdet_detalle.csv` (subregion_code, subregion, dept_code, dept_name,
  muni_code, muni_name_dane, muni_name_art_list) and `pdet.csv` (subregion, muni_code,
  muni_name): memberships of municipalities (already loaded) in the 16 PDET subregions.

Codes are kept as written, leading zeros included; a DIVIPOLA code a spreadsheet stripped of
its leading zero ("5001") is padded back ("05001").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.messages import Message, N_
from ..domain.place_names import place_name_case
from ..tabular import RowError, TableError, read_rows, read_table
from .models import MAX_CODE, MAX_KIND, MAX_NAME

GENERIC_REQUIRED = ("code", "name", "kind")
GENERIC_OPTIONAL = ("parent_code", "groups", "longitude", "latitude")
DIVIPOLA = ("dept_code", "dept_name", "muni_code", "muni_name")
DIVIPOLA_WITH_KIND = DIVIPOLA + ("tipo", "longitud", "latitud")
PDET = ("subregion", "muni_code", "muni_name")
PDET_DETAIL = ("subregion_code", "subregion", "dept_code", "dept_name", "muni_code",
               "muni_name_dane", "muni_name_art_list")
COLOMBIA = "CO"
PDET_KIND = "PDET subregion"
#: DIVIPOLA's `tipo` -> the place kind stored.
DIVIPOLA_KINDS = {"municipio": "municipality", "área no municipalizada": "non-municipalised area",
                  "isla": "island"}
#: The kind of a municipal-level unit when the file does not say (divipola.csv).
MUNICIPAL_UNIT = "municipal unit"


@dataclass
class PlaceRow:
    """A place as a file gives it; None for what the file does not say (kept as stored).
    A name written in capitals (DIVIPOLA's) is stored in Spanish title case
    (`domain.place_names.place_name_case`)."""

    row: int
    code: str
    name: str
    kind: str | None
    parent_code: str | None
    longitude: float | None = None
    latitude: float | None = None

    def __post_init__(self) -> None:
        self.name = place_name_case(self.name)


@dataclass
class Parsed:
    """What a file holds: its layout's name, places (in file order, each code once), group
    memberships (row, place code, group kind, group name) and group codes by (kind, name)."""

    layout: str
    places: list[PlaceRow] = field(default_factory=list)
    memberships: list[tuple[int, str, str, str]] = field(default_factory=list)
    group_codes: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, number: int, text: str, **params) -> None:
        """Note a problem of spreadsheet row `number` (`text` a N_ template)."""
        self.errors.append(RowError(number, Message(text, **params)))


def parse(data: bytes, filename: str, country: str) -> Parsed:
    """Read a place file of any known layout. Raises TableError with every problem of the
    file (header, cells) at once; problems that need the database are the importer's."""
    header = _header(data, filename)
    for layout, columns in (("divipola", DIVIPOLA_WITH_KIND), ("divipola", DIVIPOLA),
                            ("pdet", PDET_DETAIL), ("pdet", PDET)):
        if header == set(columns):
            if country != COLOMBIA:
                raise TableError([RowError(None, Message(N_(
                    "this is a Colombian file (%(layout)s): its country is CO, not "
                    "%(country)s"), layout=layout.upper(), country=country))])
            table = read_table(data, filename, columns)
            parsed = _divipola(table) if layout == "divipola" else _pdet(table)
            break
    else:
        parsed = _generic(read_table(data, filename, GENERIC_REQUIRED, GENERIC_OPTIONAL))
    if parsed.errors:
        raise TableError(parsed.errors)
    return parsed


def _header(data: bytes, filename: str) -> set[str]:
    for row in read_rows(data, filename):
        if any(cell.strip() for cell in row):
            return {cell.strip().lower() for cell in row if cell.strip()}
    return set()


def _padded(code: str, width: int) -> str:
    return code.zfill(width) if code.isdigit() and len(code) < width else code


def _divipola(table) -> Parsed:
    parsed = Parsed("divipola")
    parsed.places.append(PlaceRow(1, COLOMBIA, "Colombia", "country", None))
    departments: dict[str, PlaceRow] = {}
    seen: set[str] = set()
    for number, values in table.rows:
        dept, muni = _padded(values["dept_code"], 2), _padded(values["muni_code"], 5)
        if not (len(dept) == 2 and dept.isdigit()):
            parsed.fail(number, N_("dept_code %(code)r is not a 2-digit DIVIPOLA code"), code=dept)
            continue
        if not (len(muni) == 5 and muni.isdigit() and muni.startswith(dept)):
            parsed.fail(number, N_("muni_code %(code)r is not a 5-digit DIVIPOLA code of "
                                   "department %(dept)s"), code=muni, dept=dept)
            continue
        known = departments.get(dept)
        if known is None:
            departments[dept] = known = PlaceRow(number, dept, values["dept_name"],
                                                 "department", COLOMBIA)
            parsed.places.append(known)
        elif known.name != place_name_case(values["dept_name"]):
            parsed.fail(number, N_("department %(code)s is named %(name)r here but %(other)r "
                                   "in row %(first)s"), code=dept, name=values["dept_name"],
                        other=known.name, first=known.row)
        if muni in seen:
            parsed.fail(number, N_("muni_code %(code)s appears twice"), code=muni)
            continue
        seen.add(muni)
        place = PlaceRow(number, muni, values["muni_name"], None, dept)
        if "tipo" in values:
            tipo = values["tipo"]
            place.kind = DIVIPOLA_KINDS.get(tipo.lower(), tipo.lower()) or MUNICIPAL_UNIT
            place.longitude, place.latitude = _point(parsed, number, values["longitud"],
                                                     values["latitud"])
        parsed.places.append(place)
    for place in parsed.places:
        _check_texts(parsed, place)
    return parsed


def _pdet(table) -> Parsed:
    parsed = Parsed("pdet")
    for number, values in table.rows:
        name, muni = place_name_case(values["subregion"]), _padded(values["muni_code"], 5)
        if not name:
            parsed.fail(number, N_("the subregion is empty"))
            continue
        code = values.get("subregion_code", "")
        held = parsed.group_codes.setdefault((PDET_KIND, name), code)
        if held != code:
            parsed.fail(number, N_("subregion %(name)r has code %(code)r here but %(other)r "
                                   "above"), name=name, code=code, other=held)
        parsed.memberships.append((number, muni, PDET_KIND, name))
    return parsed


def _generic(table) -> Parsed:
    parsed = Parsed("generic")
    seen: dict[str, int] = {}
    for number, values in table.rows:
        place = PlaceRow(number, values["code"], values["name"], values["kind"],
                         values.get("parent_code") or None)
        if not place.kind:
            parsed.fail(number, N_("the kind is empty (e.g. department, municipality)"))
        if place.code in seen:
            parsed.fail(number, N_("code %(code)s appears twice (first in row %(first)s)"),
                        code=place.code, first=seen[place.code])
            continue
        seen[place.code] = number
        place.longitude, place.latitude = _point(parsed, number, values.get("longitude", ""),
                                                 values.get("latitude", ""))
        for entry in (values.get("groups") or "").split(";"):
            if entry.strip():
                kind, _, name = entry.rpartition(":")
                parsed.memberships.append((number, place.code, kind.strip() or "group",
                                           place_name_case(name.strip())))
        _check_texts(parsed, place)
        parsed.places.append(place)
    return parsed


def _check_texts(parsed: Parsed, place: PlaceRow) -> None:
    for what, value, limit in (("code", place.code, MAX_CODE), ("name", place.name, MAX_NAME),
                               ("kind", place.kind or "", MAX_KIND)):
        if what != "kind" and not value:
            parsed.fail(place.row, N_("the %(what)s is empty"), what=what)
        if len(value) > limit:
            parsed.fail(place.row, N_("the %(what)s is longer than %(limit)s characters"),
                        what=what, limit=limit)


def _point(parsed: Parsed, row: int, longitude: str, latitude: str):
    """(longitude, latitude) as floats, or (None, None) when both cells are empty."""
    if not longitude and not latitude:
        return None, None
    values = []
    for what, text, bound in (("longitude", longitude, 180), ("latitude", latitude, 90)):
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            parsed.fail(row, N_("the %(what)s %(value)r is not a number"), what=what, value=text)
            return None, None
        if not -bound <= value <= bound:
            parsed.fail(row, N_("the %(what)s %(value)s is outside -%(bound)s..%(bound)s"),
                        what=what, value=text, bound=bound)
            return None, None
        values.append(round(value, 6))
    return values[0], values[1]
