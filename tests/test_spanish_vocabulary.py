"""The field's vocabulary in Spanish: PAM provision types, countries, export labels, messages
that the API or the domain give and a page shows."""
from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from tracker import i18n
from tracker.extensions import db
from tracker.models import Accord, Provision, ProvisionType
from tracker.reference import dataset

SLUG = "colombia-2016-demo"
ES = {"Accept-Language": "es"}


def test_every_provision_type_has_a_spanish_name_group_and_description():
    english = {row["code"]: row for row in dataset.vocabulary()}
    spanish = dataset.translated_vocabulary("es")
    assert len(english) == 51
    assert set(spanish) == set(english)
    for code, row in spanish.items():
        assert row["name"] and row["group"] and row["description"], code
        assert row["description"] != english[code]["description"], code
    assert len({row["name"] for row in spanish.values()}) == 51  # no two types share a name
    groups = {english[code]["group"]: row["group"] for code, row in spanish.items()}
    assert all(groups[english[c]["group"]] == r["group"] for c, r in spanish.items())
    assert spanish["CFR"]["name"] == "Cese al fuego" and spanish["AMN"]["name"] == "Amnistía"


def test_the_spanish_catalogue_is_well_formed():
    text = dataset.TRANSLATED_VOCABULARY["es"].read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "name", "group", "description"]
    assert all(len(row) == 4 for row in rows)
    assert len(rows) == 52


def test_type_names_follow_the_readers_language(app):
    with app.test_request_context():
        with force_locale("es"):
            assert i18n.provision_type_text("TRC") == "Mecanismo de verdad o reconciliación"
            assert i18n.provision_type_names({"REF": "Refugees"}) == {
                "REF": "Personas refugiadas"}
        with force_locale("en"):
            ptype = db.session.scalar(select(ProvisionType).where(ProvisionType.code == "TRC"))
            assert i18n.provision_type_text(ptype) == "Truth or Reconciliation Mechanism"


@pytest.mark.parametrize(("stored", "english", "spanish"), [
    ("Colombia", "Colombia", "Colombia"),
    ("Ivory Coast", "Côte d’Ivoire", "Côte d’Ivoire"),
    ("South Africa", "South Africa", "Sudáfrica"),
    ("Philippines", "Philippines", "Filipinas"),
    ("Timor-Leste (East Timor)", "Timor-Leste", "Timor-Leste"),
    ("Bosnia", "Bosnia & Herzegovina", "Bosnia y Herzegovina"),
    ("Atlantis", "Atlantis", "Atlantis"),
])
def test_country_names_come_from_babels_territories(app, stored, english, spanish):
    with app.test_request_context():
        with force_locale("en"):
            assert i18n.country_name(stored) == english
        with force_locale("es"):
            assert i18n.country_name(stored) == spanish


def test_every_pam_id_country_is_recognised(app):
    countries = db.session.scalars(select(Accord.country).where(Accord.kind == "reference"))
    assert [c for c in set(countries) if i18n.country_code(c) is None] == []


def test_spanish_pages_show_the_spanish_country_and_type(client, demo):
    philippines = db.session.scalar(select(Accord).where(Accord.country == "Philippines"))
    assert "Filipinas" in client.get("/", headers=ES).get_data(as_text=True)
    assert "Filipinas" in client.get(f"/reference/{philippines.slug}",
                                     headers=ES).get_data(as_text=True)
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == demo.id, Provision.provision_type_id.is_not(None)))
    page = client.get(f"/accords/{SLUG}/provisions/{provision.code}", headers=ES)
    spanish = dataset.translated_vocabulary("es")[provision.provision_type.code]
    assert spanish["name"] in page.get_data(as_text=True)
    assert provision.provision_type.name not in page.get_data(as_text=True)


def test_spanish_dashboard_names_the_types_in_spanish(client):
    html = client.get(f"/accords/{SLUG}/dashboard?as_of=2024-11-30",
                      headers=ES).get_data(as_text=True)
    assert "Cese al fuego (CFR)" in html and "Cease Fire (CFR)" not in html


def _sheets(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_spanish_report_shows_no_english_vocabulary(client, make_user, login):
    login(make_user("admin"))
    response = client.get(f"/accords/{SLUG}/report.xlsx?as_of=2024-11-30", headers=ES)
    sheets = _sheets(response.data)
    about = dict(sheets["Acerca de"][1:])
    assert about["Tipo"] == "en seguimiento"
    assert about["País"] == "Colombia"
    header, *rows = sheets["Disposiciones"]
    column = {name: index for index, name in enumerate(header)}
    assert {r[column["Prioridad"]] for r in rows} == {"sí", "no"}
    assert {r[column["Plazo"]] for r in rows} <= {"corto plazo", "mediano plazo", "largo plazo", None}
    assert "género" in {t for r in rows for t in (r[column["Etiquetas"]] or "").split(";")}
    header, *rows = sheets["Comparación"]
    assert ("CFR", "Cese al fuego") in {(r[0], r[1]) for r in rows}
    assert {r[header.index("Sobre la media")] for r in rows} <= {"sí", "no", None}
    header, *rows = sheets["Historial"]
    assert {r[header.index("Estado de revisión")] for r in rows} <= {
        "verificado", "pendiente", "rechazado"}


def test_the_csv_keeps_the_stored_words(client, make_user, login):
    login(make_user("admin"))
    text = client.get(f"/accords/{SLUG}/provisions.csv?as_of=2024-11-30",
                      headers=ES).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["priority"] for r in rows} == {"yes", "no"}
    assert {r["time_frame"] for r in rows} <= {"short", "medium", "long", ""}


def test_a_parameter_refused_by_the_api_is_explained_in_spanish(client):
    page = client.get(f"/accords/{SLUG}/dashboard?as_of=2010-01-01", headers=ES)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "es anterior a la firma del acuerdo (24 nov 2016)" in text
    assert "before the accord was signed" not in text
    english = client.get(f"/api/v1/accords/{SLUG}/summary?as_of=2010-01-01").get_json()
    assert "as_of=2010-01-01 is before the accord was signed (Nov 24, 2016)" in str(english)
