"""Places: the seeded DIVIPOLA and PDET data, the importer's layouts, re-imports and errors."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.places.importer import import_places
from tracker.places.layouts import parse
from tracker.places.models import Place, PlaceGroup, PlaceGroupMember
from tracker.seed import SEED_DIR
from tracker.tabular import TableError

PLACES = SEED_DIR / "places"


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Place).where(*where))


def _place(code: str, country: str = "CO") -> Place:
    return db.session.scalar(select(Place).where(Place.country == country, Place.code == code))


def _all_places() -> list[tuple]:
    return db.session.execute(select(Place.country, Place.code, Place.name, Place.kind,
                                     Place.parent_id, Place.longitude, Place.latitude)
                              .order_by(Place.id)).all()


def test_seed_loads_colombia_departments_and_municipal_units():
    colombia = _place("CO")
    assert (colombia.name, colombia.kind, colombia.parent_id) == ("Colombia", "country", None)
    assert _count(Place.country == "CO", Place.parent_id == colombia.id) == 33
    assert _count(Place.country == "CO", Place.kind == "department") == 33
    departments = select(Place.id).where(Place.kind == "department")
    assert _count(Place.parent_id.in_(departments)) == 1122
    kinds = dict(db.session.execute(select(Place.kind, func.count()).where(
        Place.parent_id.in_(departments)).group_by(Place.kind)).all())
    assert kinds == {"municipality": 1103, "non-municipalised area": 18, "island": 1}
    bogota = _place("11001")
    assert bogota.name == "Bogotá, D.C." and bogota.parent.code == "11"
    medellin = _place("05001")
    assert (medellin.name, medellin.parent.name) == ("Medellín", "Antioquia")
    assert (medellin.longitude, medellin.latitude) == (-75.581775, 6.246631)
    assert _count(Place.country == "CO", Place.longitude.is_(None)) == 34  # country, depts


def test_seed_loads_sixteen_pdet_subregions_of_170_municipalities():
    groups = db.session.scalars(select(PlaceGroup).where(PlaceGroup.kind == "PDET subregion")
                                .order_by(PlaceGroup.id)).all()
    assert len(groups) == 16
    assert sorted(int(g.code) for g in groups) == list(range(1, 17))
    members = db.session.scalar(select(func.count()).select_from(PlaceGroupMember))
    assert members == 170
    catatumbo = next(g for g in groups if g.name == "Catatumbo")
    codes = sorted(m.place.code for m in catatumbo.members)
    assert len(codes) == 8 and "54810" in codes  # Tibú
    assert all(m.place.parent.name == "Norte de Santander" for m in catatumbo.members)


@pytest.mark.parametrize("name", ["divipola_con_tipo.csv", "divipola.csv", "pdet_detalle.csv",
                                  "pdet.csv"])
def test_reimporting_any_published_file_changes_nothing(name, row_counts):
    before, places = row_counts(), _all_places()
    result = import_places((PLACES / name).read_bytes(), name)
    assert str(result).endswith("nothing to change")
    assert row_counts() == before and _all_places() == places


def test_divipola_capitals_are_stored_in_spanish_title_case():
    assert _place("20443").name == "Manaure Balcón del Cesar"  # not "...Balcón Del Cesar"
    assert _place("13244").name == "El Carmen de Bolívar"
    assert _place("88").name == ("Archipiélago de San Andrés, Providencia y Santa Catalina")


def test_reimporting_recases_a_name_stored_in_capitals(row_counts):
    """An installation loaded before names were cased: `flask seed` (the places import run
    again) writes the cased names."""
    place = _place("20443")
    place.name = "MANAURE BALCÓN DEL CESAR"
    db.session.flush()
    name = "divipola_con_tipo.csv"
    assert "1 places updated" in str(import_places((PLACES / name).read_bytes(), name))
    assert _place("20443").name == "Manaure Balcón del Cesar"


def test_reimporting_recases_a_group_stored_in_capitals(row_counts):
    """A PDET subregion stored in capitals is the same group, renamed, not a second one."""
    group = db.session.scalar(select(PlaceGroup).where(PlaceGroup.code == "4"))
    cased = group.name
    assert cased == "Catatumbo"
    group.name = "CATATUMBO"
    db.session.flush()
    before = row_counts()
    name = "pdet_detalle.csv"
    assert "1 groups updated" in str(import_places((PLACES / name).read_bytes(), name))
    after = row_counts()  # one audit event for the import
    assert after.pop("audit_events") == before.pop("audit_events") + 1
    assert after == before and group.name == cased


def test_plain_divipola_layout_reads_every_unit_without_kind_or_point():
    parsed = parse((PLACES / "divipola.csv").read_bytes(), "divipola.csv", "CO")
    units = [p for p in parsed.places if p.parent_code not in (None, "CO")]
    assert len(parsed.places) == 1 + 33 + 1122 and len(units) == 1122
    assert all(p.kind is None and p.longitude is None for p in units)


def test_codes_a_spreadsheet_stripped_of_leading_zeros_are_padded(row_counts):
    before = row_counts()
    data = "dept_code,dept_name,muni_code,muni_name\n5,ANTIOQUIA,5001,MEDELLÍN\n".encode()
    assert str(import_places(data, "divipola.csv")).endswith("nothing to change")
    assert row_counts() == before


def _csv(text: str) -> bytes:
    return text.strip().encode() + b"\n"


GENERIC = """
code,name,kind,parent_code,groups,longitude,latitude
ZZ,Zedland,country,,,,
ZZ-N,North,province,ZZ,,,
ZZ-N-1,Northtown,district,ZZ-N,Coastal: Seaboard;Pilot,-10.5,20.25
ZZ-N-2,Hilltown,district,ZZ-N,Pilot,,
"""


def test_generic_layout_builds_a_tree_with_groups_and_reimports_as_nothing(row_counts):
    result = import_places(_csv(GENERIC), "zz.csv", "ZZ")
    assert result.counts["places created"] == 4
    assert result.counts["groups created"] == 2 and result.counts["memberships added"] == 3
    town = _place("ZZ-N-1", "ZZ")
    assert (town.kind, town.parent.code, town.parent.parent.code) == ("district", "ZZ-N", "ZZ")
    assert (town.longitude, town.latitude) == (-10.5, 20.25)
    pilot = db.session.scalar(select(PlaceGroup).where(PlaceGroup.country == "ZZ",
                                                       PlaceGroup.name == "Pilot"))
    assert pilot.kind == "group" and sorted(m.place.code for m in pilot.members) == [
        "ZZ-N-1", "ZZ-N-2"]
    assert _place("ZZ-N-1", "CO") is None  # codes are per country
    before = row_counts()
    assert str(import_places(_csv(GENERIC), "zz.csv", "ZZ")).endswith("nothing to change")
    assert row_counts() == before


def test_generic_layout_in_an_xlsx_workbook():
    book = Workbook()
    sheet = book.active
    for row in [line.split(",") for line in GENERIC.strip().splitlines()]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert import_places(out.getvalue(), "zz.xlsx", "ZZ").counts["places created"] == 4


def test_a_changed_name_or_point_is_brought_up_to_date():
    import_places(_csv(GENERIC), "zz.csv", "ZZ")
    changed = GENERIC.replace("Hilltown,district,ZZ-N,Pilot,,", "Hill Town,district,ZZ,Pilot,1,2")
    result = import_places(_csv(changed), "zz.csv", "ZZ")
    assert result.counts["places updated"] == 1 and result.counts["places created"] == 0
    hill = _place("ZZ-N-2", "ZZ")
    assert (hill.name, hill.parent.code, hill.longitude, hill.latitude) == (
        "Hill Town", "ZZ", 1.0, 2.0)


BAD = """
code,name,kind,parent_code,groups,longitude,latitude
YY,Yland,country,,,,
YY-1,One,,YY,,,
YY-2,Two,district,NOPE,,,
YY,Again,country,,,,
YY-3,Three,district,YY,,east,9
YY-4,Four,district,YY,,10,95
YY-5,Five,district,YY-6,,,
YY-6,Six,district,YY-5,,,
"""


def test_every_bad_row_is_reported_by_number_and_nothing_is_written(row_counts):
    before = row_counts()
    with pytest.raises(TableError) as refused:
        import_places(_csv(BAD), "yy.csv", "YY")
    rows = sorted({e.row for e in refused.value.errors})
    assert rows == [3, 5, 6, 7]  # file checks come first, all of them
    text = "; ".join(str(e) for e in refused.value.errors)
    assert "row 3: the kind is empty" in text and "row 5: code YY appears twice" in text
    assert "row 6: the longitude 'east' is not a number" in text
    assert "row 7: the latitude 95 is outside -90..90" in text
    assert row_counts() == before
    fixed = BAD.replace("YY-1,One,,", "YY-1,One,district,").replace("YY,Again,country,,,,\n", "")
    fixed = fixed.replace("east", "1").replace(",10,95", ",10,45")
    with pytest.raises(TableError) as refused:
        import_places(_csv(fixed), "yy.csv", "YY")
    text = "; ".join(str(e) for e in refused.value.errors)
    assert "row 4: parent_code NOPE is not a known place" in text
    assert row_counts() == before


def test_a_cycle_of_parents_is_refused(row_counts):
    before = row_counts()
    cycle = "code,name,kind,parent_code\nA,A,x,B\nB,B,x,A\nC,C,x,\n"
    with pytest.raises(TableError) as refused:
        import_places(cycle.encode(), "c.csv", "ZZ")
    assert {e.row for e in refused.value.errors} == {2, 3}
    assert "is its own ancestor" in str(refused.value)
    assert row_counts() == before


def test_a_cycle_through_places_already_held_is_refused(row_counts):
    import_places(_csv(GENERIC), "zz.csv", "ZZ")
    before = row_counts()
    with pytest.raises(TableError) as refused:
        import_places(b"code,name,kind,parent_code\nZZ,Zedland,country,ZZ-N-1\n", "c.csv", "ZZ")
    assert [str(e) for e in refused.value.errors] == [
        "row 2: place ZZ is its own ancestor (parent_code ZZ-N-1)"]
    assert row_counts() == before


def test_pdet_row_naming_an_unknown_municipality_is_refused(row_counts):
    before = row_counts()
    data = _csv("subregion,muni_code,muni_name\nCATATUMBO,54810,TIBÚ\nCATATUMBO,99999,NADA")
    with pytest.raises(TableError) as refused:
        import_places(data, "pdet.csv")
    assert [str(e) for e in refused.value.errors] == [
        "row 3: muni_code 99999 is not a known place: import DIVIPOLA (or the place) first"]
    assert row_counts() == before


def test_a_colombian_file_for_another_country_is_refused():
    with pytest.raises(TableError, match="its country is CO, not PE"):
        import_places((PLACES / "pdet.csv").read_bytes(), "pdet.csv", "PE")


def test_unknown_columns_name_the_expected_layout():
    with pytest.raises(TableError, match="missing column\\(s\\): kind"):
        import_places(b"code,name\nX,Y\n", "x.csv", "ZZ")


def test_command_imports_and_reports_bad_rows(runner, tmp_path: Path, row_counts):
    good = tmp_path / "zz.csv"
    good.write_bytes(_csv(GENERIC))
    result = runner.invoke(args=["import-places", str(good), "--country", "ZZ"])
    assert result.exit_code == 0, result.output
    assert "generic: 4 places created" in result.output
    bad = tmp_path / "yy.csv"
    bad.write_bytes(_csv(BAD))
    before = row_counts()
    result = runner.invoke(args=["import-places", str(bad), "--country", "YY"])
    assert result.exit_code == 1
    assert "error: row 3: the kind is empty" in result.output
    assert "Nothing was written." in result.output
    assert row_counts() == before


@pytest.mark.parametrize("country", ["COL", "C", "1O", "ÇO"])
def test_the_country_must_be_a_two_letter_code(country, row_counts):
    before = row_counts()
    with pytest.raises(TableError, match="two-letter ISO 3166-1 code"):
        import_places(_csv(GENERIC), "zz.csv", country)
    assert row_counts() == before


def test_a_group_name_too_long_is_refused(row_counts):
    before = row_counts()
    data = f"code,name,kind,groups\nQ1,Q,x,{'G' * 201}\n".encode()
    with pytest.raises(TableError, match="row 2: a group's name"):
        import_places(data, "q.csv", "ZZ")
    assert row_counts() == before
