"""Accord content in English and Spanish: the original language per accord, both texts
through import and export, the reader's language with a marker where only the other exists,
and search in either language."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.domain import bilingual
from tracker.excel import columns as C
from tracker.extensions import db
from tracker.importers import import_accord
from tracker.models import Accord, Provision, Section
from tracker.tables import TableError

ES = {"Accept-Language": "es"}
EN = {"Accept-Language": "en"}
SLUG = "acuerdo-bilingue"
#: A Spanish original: section paths and texts in Spanish, English where it was entered.
STRUCTURE = (
    "code,section,section_en,text,text_en,provision_type,priority,tags,deadline\n"
    "1.1,1 Reforma Rural > 1.1 Acceso a tierras,1 Rural Reform > 1.1 Access to land,"
    "Formalizar la propiedad de la tierra en municipios PDET,"
    "Formalise land ownership in PDET municipalities,NRM,yes,gender,2025-01-01\n"
    "1.2,1 Reforma Rural > 1.1 Acceso a tierras,1 Rural Reform > 1.1 Access to land,"
    "Crear el catastro multipropósito con participación campesina,,,no,,\n"
    "2.1,2 Participación política,,Garantías de seguridad para la oposición,,CFR,no,,\n"
)


@pytest.fixture
def spanish_accord(app):
    import_accord(STRUCTURE.encode(), "structure.csv", name="Acuerdo de prueba bilingüe",
                  country="Colombia", signed_on=date(2016, 11, 24), slug=SLUG,
                  original_language="es", name_translated="Bilingual test accord",
                  description="Un acuerdo escrito en español.")
    return db.session.scalar(select(Accord).where(Accord.slug == SLUG))


# --- the rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("original", "translated", "language", "reader", "expected"), [
    ("Texto", "Text", "es", "es", ("Texto", "es", False)),
    ("Texto", "Text", "es", "en", ("Text", "en", False)),
    ("Texto", None, "es", "en", ("Texto", "es", True)),
    ("Text", "", "en", "es", ("Text", "en", True)),
    ("Text", None, "en", "fr", ("Text", "en", False)),
    ("", "Texto", "en", "en", ("Texto", "es", True)),
    ("", None, "en", "es", ("", "en", False)),
])
def test_the_readers_language_or_the_one_held(original, translated, language, reader,
                                             expected):
    assert bilingual.for_reader(original, translated, language, reader) == bilingual.Shown(
        *expected)


def test_texts_by_language_and_back():
    assert bilingual.by_language("Texto", None, "es") == {"es": "Texto", "en": ""}
    assert bilingual.from_languages({"en": "Text", "es": ""}, "es", "Texto") == (
        "Texto", "Text")
    assert bilingual.from_languages({"es": "Texto"}, "es", "") == ("Texto", None)
    with pytest.raises(ValueError):
        bilingual.from_languages({"es": "Otro"}, "es", "Texto")
    with pytest.raises(ValueError):
        bilingual.from_languages({"en": "Text"}, "es", "")
    with pytest.raises(ValueError):
        bilingual.other("fr")


# --- import -----------------------------------------------------------------------------------

def test_import_keeps_the_original_and_the_translation(spanish_accord):
    accord = spanish_accord
    assert (accord.original_language, accord.name, accord.name_translated) == (
        "es", "Acuerdo de prueba bilingüe", "Bilingual test accord")
    provisions = {p.code: p for p in accord.provisions}
    assert provisions["1.1"].text == "Formalizar la propiedad de la tierra en municipios PDET"
    assert provisions["1.1"].text_translated == "Formalise land ownership in PDET municipalities"
    assert provisions["1.2"].text_translated is None
    sections = {s.code: s for s in accord.sections}
    assert (sections["1.1"].title, sections["1.1"].title_translated) == (
        "Acceso a tierras", "Access to land")
    assert sections["2"].title_translated is None


def test_a_translated_path_naming_other_sections_is_refused(app):
    bad = STRUCTURE.replace("1 Rural Reform > 1.1 Access to land", "1 Rural Reform > 1.9 X", 1)
    with pytest.raises(TableError) as caught:
        import_accord(bad.encode(), "structure.csv", name="Malo", country="Colombia",
                      signed_on=date(2016, 11, 24), original_language="es")
    assert [(e.row, e.message) for e in caught.value.errors] == [
        (2, "the section path in en names other sections than the section path")]
    assert db.session.scalar(select(Accord).where(Accord.name == "Malo")) is None


def test_an_unknown_original_language_is_refused(app):
    with pytest.raises(TableError):
        import_accord(STRUCTURE.encode(), "structure.csv", name="Malo", country="Colombia",
                      signed_on=date(2016, 11, 24), original_language="fr")


# --- export -----------------------------------------------------------------------------------

def _csv(client, url) -> list[dict]:
    text = client.get(url).get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_both_languages_round_trip_through_the_csv_and_the_workbook(
        spanish_accord, client, make_user, login):
    login(make_user("admin"))
    rows = {r["code"]: r for r in _csv(client, f"/accords/{SLUG}/provisions.csv")}
    assert rows["1.1"]["text"] == rows["1.1"]["text_es"] == (
        "Formalizar la propiedad de la tierra en municipios PDET")
    assert rows["1.1"]["text_en"] == "Formalise land ownership in PDET municipalities"
    assert rows["1.2"]["text_en"] == ""
    assert rows["1.1"]["section_es"] == "1 Reforma Rural > 1.1 Acceso a tierras"
    assert rows["1.1"]["section_en"] == "1 Rural Reform > 1.1 Access to land"
    assert rows["2.1"]["section_en"] == ""
    # The exported columns import again as they are: the same texts in both languages.
    keys = ("code", "section_es", "section_en", "text_es", "text_en", "provision_type",
            "priority", "tags", "deadline")
    again = "code,section,section_en,text,text_en,provision_type,priority,tags,deadline\n"
    again += "".join(",".join(f'"{r[k]}"' for k in keys) + "\n" for r in rows.values())
    import_accord(again.encode(), "again.csv", name="Otra vez", country="Colombia",
                  signed_on=date(2016, 11, 24), slug="otra-vez", original_language="es")
    copy = {p.code: (p.text, p.text_translated) for p in db.session.scalar(
        select(Accord).where(Accord.slug == "otra-vez")).provisions}
    assert copy == {p.code: (p.text, p.text_translated) for p in spanish_accord.provisions}
    book = load_workbook(io.BytesIO(client.get(f"/accords/{SLUG}/report.xlsx").data))
    sheet = list(book["Provisions"].iter_rows(values_only=True))
    keys = [c.key for c in C.PROVISIONS]
    found = {r[0]: dict(zip(keys, r)) for r in sheet[1:]}
    assert found["1.1"]["text_en"] == "Formalise land ownership in PDET municipalities"
    assert found["1.1"]["text_es"] == "Formalizar la propiedad de la tierra en municipios PDET"
    about = dict(list(book["About"].iter_rows(values_only=True))[1:])
    assert about["Accord"] == "Bilingual test accord"  # the English reader's name
    assert about["Provenance"] == "Un acuerdo escrito en español."  # only held in Spanish


def test_the_api_gives_the_name_in_both_languages(spanish_accord, client, make_user, login):
    login(make_user("admin"))
    accords = client.get("/api/v1/accords").get_json()["accords"]
    mine = next(a for a in accords if a["slug"] == SLUG)
    assert (mine["original_language"], mine["name_es"], mine["name_en"]) == (
        "es", "Acuerdo de prueba bilingüe", "Bilingual test accord")


# --- pages ------------------------------------------------------------------------------------

def test_each_reader_sees_their_language_and_a_marker_where_only_the_other_exists(
        spanish_accord, client, make_user, login):
    login(make_user("admin"))
    english = client.get(f"/accords/{SLUG}/provisions", headers=EN).get_data(as_text=True)
    assert "Formalise land ownership in PDET municipalities" in english
    assert "Formalizar la propiedad" not in english
    assert ('<span lang="es">Crear el catastro multipropósito con participación campesina'
            '</span>') in english
    assert english.count('<span aria-hidden="true">[ES]</span>') == 2  # 1.2 and 2.1
    assert "Only in Spanish: no English text has been entered." in english
    spanish = client.get(f"/accords/{SLUG}/provisions", headers=ES).get_data(as_text=True)
    assert "Formalizar la propiedad de la tierra" in spanish and "[ES]" not in spanish
    title = client.get(f"/accords/{SLUG}", headers=EN).get_data(as_text=True)
    assert "<h1>Bilingual test accord</h1>" in title
    assert '<span lang="es">Un acuerdo escrito en español.</span>' in title


def test_an_english_original_is_marked_on_spanish_pages(client, demo):
    page = client.get(f"/accords/{demo.slug}/provisions", headers=ES).get_data(as_text=True)
    assert '<span aria-hidden="true">[EN]</span>' in page
    assert "Solo en inglés: aún no se ha ingresado el texto en español." in page
    accord = client.get(f"/accords/{demo.slug}", headers=ES).get_data(as_text=True)
    assert "<h1>Acuerdo Final para la Terminación del Conflicto" in accord
    home = client.get("/", headers=ES).get_data(as_text=True)
    # A link holds the name only; its marker follows it, outside the link.
    assert ('<span lang="en">Taif Accord</span></a> <span class="badge lang" title="Solo en '
            'inglés') in home


def test_sections_show_their_title_in_the_readers_language(spanish_accord, client, make_user,
                                                           login):
    login(make_user("admin"))
    english = client.get(f"/accords/{SLUG}/sections", headers=EN).get_data(as_text=True)
    assert "Access to land" in english and "Acceso a tierras" not in english
    assert '<span lang="es">Participación política</span>' in english
    provision = client.get(f"/accords/{SLUG}/provisions/1.1", headers=EN).get_data(as_text=True)
    assert "1.1 Access to land" in provision and "Acceso a tierras" not in provision


@pytest.mark.parametrize(("query", "found"), [
    ("catastro multiproposito", {"1.2"}),  # Spanish, without accents
    ("FORMALISE LAND", {"1.1"}),  # English
    ("formalizar", {"1.1"}),
    ("oposicion", {"2.1"}),
    ("nothing like this", set()),
])
def test_search_finds_either_language_without_accents(spanish_accord, client, make_user,
                                                      login, query, found):
    login(make_user("admin"))
    page = client.get(f"/accords/{SLUG}/provisions", query_string={"q": query}, headers=EN)
    html = page.get_data(as_text=True)
    shown = {code for code in ("1.1", "1.2", "2.1")
             if f'/accords/{SLUG}/provisions/{code}"' in html}
    assert shown == found


def test_the_edit_form_keeps_and_saves_the_translation(spanish_accord, client, make_user,
                                                       login):
    login(make_user("admin"))
    url = f"/accords/{SLUG}/provisions/1.2/edit"
    form = client.get(url, headers=EN).get_data(as_text=True)
    assert "Text (original, Spanish)" in form and "Text in English (translation)" in form
    provision = db.session.scalar(select(Provision).where(
        Provision.accord_id == spanish_accord.id, Provision.code == "1.2"))
    data = {"text": provision.text, "text_translated": "Build a multipurpose cadastre",
            "section": str(provision.section_id), "provision_type": "", "tags": "",
            "responsible_actor": "", "deadline": "", "time_frame": "",
            "version": str(provision.version)}
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 302
    db.session.refresh(provision)
    assert provision.text_translated == "Build a multipurpose cadastre"
    assert provision.text == "Crear el catastro multipropósito con participación campesina"
    version = provision.version
    data["version"] = str(version)
    client.post(url, data=data, headers=EN)  # the same values again: nothing changes
    db.session.refresh(provision)
    assert provision.version == version


def test_the_update_workbook_shows_the_text_in_the_readers_language(spanish_accord, client,
                                                                   make_user, login):
    login(make_user("admin"))
    texts = {}
    for language, headers in (("en", EN), ("es", ES)):
        response = client.get(f"/accords/{SLUG}/update.xlsx", headers=headers)
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(
            values_only=True))
        texts[language] = {r[0]: r[2] for r in rows[1:]}
    assert texts["en"]["1.1"] == "Formalise land ownership in PDET municipalities"
    assert texts["es"]["1.1"] == "Formalizar la propiedad de la tierra en municipios PDET"
    assert texts["en"]["1.2"] == texts["es"]["1.2"]  # only the Spanish text exists


def _options(html: str, name: str) -> list[str]:
    """The texts of the options of the select named `name` in `html`."""
    import re
    from html import unescape

    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return [unescape(text).strip()
            for text in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def test_every_select_of_sections_or_types_names_them_in_the_readers_language(
        spanish_accord, client, make_user, login):
    """The provision filters, the dashboard, the provision edit form and the account form list
    sections as "<code> <title>" (marked where only the other language exists) and types as
    "<code> · <name>", never bare codes."""
    login(make_user("admin"))
    pages = {f"/accords/{SLUG}/provisions": ("section", "provision_type"),
             f"/accords/{SLUG}/dashboard": ("section",),
             f"/accords/{SLUG}/provisions/1.1/edit": ("section", "provision_type"),
             "/admin/users": ("section",)}
    for url, selects in pages.items():
        english = client.get(url, headers=EN).get_data(as_text=True)
        spanish = client.get(url, headers=ES).get_data(as_text=True)
        sections = _options(english, "section")
        assert "2 Participación política [ES]" in sections, url
        assert any(o.endswith("1.1 Access to land") for o in sections), (url, sections)
        assert not any(o in ("1", "1.1", "2") for o in sections), url
        assert any(o.endswith("1.1 Acceso a tierras") for o in _options(spanish, "section")), url
        if "provision_type" in selects:
            assert "NRM · Gestión de los recursos naturales" in _options(spanish, "provision_type")
            assert "CFR · Cese al fuego" in _options(spanish, "provision_type"), url
            assert "NRM" not in _options(english, "provision_type"), url


def test_both_workbooks_mark_section_titles_held_only_in_the_other_language(
        spanish_accord, client, make_user, login):
    """The Section column of the update and report workbooks reads as the pages do: the
    reader's language where held, else the title marked [ES] / [EN]."""
    login(make_user("admin"))
    for url, sheet in ((f"/accords/{SLUG}/update.xlsx", 0), (f"/accords/{SLUG}/report.xlsx",
                                                            "Provisions")):
        response = client.get(url, headers=EN)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.data))
        rows = list((book.worksheets[0] if sheet == 0 else book[sheet]).iter_rows(
            values_only=True))
        column = rows[0].index("Section")
        sections = {r[0]: r[column] for r in rows[1:]}
        assert sections["2.1"] == "2 Participación política [ES]", url
        assert sections["1.1"] == "1 Rural Reform > 1.1 Access to land", url
