"""Typed tags become stored keys by one rule (`domain.tags`) on every way in: the provision
edit form, the structure importer reading CSV and workbooks. Spanish labels, any case, with
or without accents, mean the known tag; no two tags of an accord display the same name."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tracker import tagging
from tracker.domain.tags import TagVocabulary, clashes, clean_tag, fold, split_tags
from tracker.extensions import db
from tracker.models import Accord, Provision

from htmlforms import parse
from test_importers import _xlsx

ES = {"Accept-Language": "es"}
SLUG = "colombia-2016-demo"
KNOWN = {"gender": {"gender", "género"}, "ethnic": {"ethnic", "étnico"},
         "territorial": {"territorial"}}


# --- the rule, over plain values -------------------------------------------------------------

@pytest.mark.parametrize("typed, key", [
    ("gender", "gender"), ("GENDER", "gender"), ("género", "gender"), ("Género", "gender"),
    ("genero", "gender"), ("GENERO", "gender"), ("  género ", "gender"),
    ("étnico", "ethnic"), ("Etnico", "ethnic"), ("ÉTNICO", "ethnic"),
    ("Territorial", "territorial"),
    ("Reincorporación", "reincorporación"), ("víctimas  del   conflicto", "víctimas del conflicto"),
])
def test_a_typed_tag_becomes_its_key(typed, key):
    assert TagVocabulary(KNOWN).resolve(typed) == key


def test_tags_that_fold_alike_become_one_tag_in_the_spelling_first_typed():
    vocabulary = TagVocabulary(KNOWN)
    assert vocabulary.resolve_text("Reincorporación; género;REINCORPORACION; gender") == [
        "gender", "reincorporación"]
    assert vocabulary.resolve("reincorporacion") == "reincorporación"  # later rows too


def test_an_existing_free_tag_keeps_its_key_and_a_known_tag_wins_over_a_free_one():
    vocabulary = TagVocabulary({**KNOWN, "víctimas": {"víctimas"}, "género": {"género"}})
    assert vocabulary.resolve("VICTIMAS") == "víctimas"
    assert vocabulary.resolve("género") == "gender"


def test_blank_tags_are_skipped_and_a_tag_of_marks_alone_is_refused():
    assert split_tags(" ; gender;;  ") == ["gender"] and split_tags(None) == []
    assert TagVocabulary(KNOWN).resolve_text(";;") == []
    for typed in ("  ", "¨", "\u0301"):
        with pytest.raises(ValueError) as refused:
            TagVocabulary(KNOWN).resolve(typed)
        assert "is not a tag" in str(refused.value.args[0])


@pytest.mark.parametrize("typed, near", [
    ("étnica", "étnico"), ("Etnica", "étnico"), ("genders", "gender"), ("génera", "género"),
    ("territorials", "territorial"), ("teritorial", "territorial"),
])
def test_a_slip_of_a_tag_in_use_is_refused_naming_it(typed, near):
    with pytest.raises(ValueError) as refused:
        TagVocabulary(KNOWN).resolve(typed)
    message = refused.value.args[0]
    assert message.params == {"tag": typed, "near": near}


@pytest.mark.parametrize("typed", ["gender, ethnic", "mujer rural,", ", paz"])
def test_a_tag_holding_a_comma_is_refused_with_the_tags_it_meant(typed):
    with pytest.raises(ValueError) as refused:
        TagVocabulary(KNOWN).resolve(typed)
    message = refused.value.args[0]
    assert message.params == {"tag": typed, "meant": "; ".join(
        part.strip() for part in typed.split(",") if part.strip())}


@pytest.mark.parametrize("typed", ["ddr", "paz", "land", "víctimas", "mujer rural", "étnicos y"])
def test_a_clearly_different_or_short_name_is_a_new_tag(typed):
    assert TagVocabulary(KNOWN).resolve(typed) == clean_tag(typed)


@pytest.mark.parametrize("code, typed, reason", [
    ("6.1.5", "género; ¨", "no es una etiqueta"),  # a tag of marks alone
    ("1.1.3", "Genero; ETNICO; étnica", "«étnica» es casi «étnico»"),  # a slip of a tag in use
    # a list typed with commas was saved as ONE free tag, taking the provision out of its
    # gender and ethnic figures; refused naming the tags it meant
    ("3.2.1.1", "género, GÉNERO, étnico, Gender",
     "«género, GÉNERO, étnico, Gender» lleva una coma: las etiquetas se separan con «;» "
     "(«género; GÉNERO; étnico; Gender»)"),
])
def test_the_edit_form_refuses_a_tag_at_the_field_in_spanish(client, demo, make_user, login,
                                                            row_counts, code, typed, reason):
    from test_failed_forms import assert_summary

    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/{code}/edit"
    data = _edit_form(client.get(url, headers=ES).get_data(as_text=True)).submission()
    data["tags"] = [typed]
    counts = row_counts()
    response = client.post(url, data=data, headers=ES)
    assert response.status_code == 400
    assert reason in assert_summary(response, "tags")
    assert row_counts() == counts


def test_fold_and_clean_tag():
    assert fold("  Étnico\tY  Género ") == "etnico y genero"
    assert clean_tag("  Étnico\tY  Género ") == "étnico y género"


def test_clashes_name_tags_that_read_alike_in_some_language():
    assert clashes(KNOWN) == []
    assert clashes({**KNOWN, "género": {"género"}}) == [("genero", "gender", "género")]
    assert clashes({**KNOWN, "Etnico": {"Etnico"}}) == [("etnico", "Etnico", "ethnic")]


_NAMES = ["gender", "Género", "GENERO", "ethnic", "étnico", "Etnico", "territorial",
          "Reincorporación", "reincorporacion", "víctimas", "Victimas", "mujer rural",
          "Mujer  Rural"]


@given(st.lists(st.lists(st.sampled_from(_NAMES) | st.text(min_size=1, max_size=8),
                         max_size=5), max_size=6))
def test_whatever_is_typed_no_two_resulting_tags_read_alike(inputs):
    """Any sequence of edits, each a list of typed tags, through one accord's vocabulary:
    the keys it ends with never display the same name in any language."""
    vocabulary = TagVocabulary(KNOWN)
    keys = set()
    for typed in inputs:
        try:
            keys |= set(vocabulary.resolve_all(typed))
        except ValueError:  # a tag with nothing of its own: the whole edit is refused
            continue
    assert clashes({k: KNOWN.get(k, {k}) for k in keys}) == []


def no_clashes(accord_id: int) -> list:
    """Every pair of the accord's tags that display the same name in some language."""
    return clashes(tagging.shown_names(tagging.accord_tags(accord_id)))


# --- the provision edit form -----------------------------------------------------------------

def _edit_form(page):
    return next(f for f in parse(page).forms if any(c.name == "section" for c in f.controls))


def _provision(accord_id: int, code: str) -> Provision:
    db.session.expire_all()
    return db.session.scalar(select(Provision).where(Provision.accord_id == accord_id,
                                                     Provision.code == code))


def test_the_edit_form_in_spanish_shows_labels_and_stores_keys(client, demo, make_user, login,
                                                               row_counts):
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/6.1.5/edit"
    page = client.get(url, headers=ES).get_data(as_text=True)
    assert "escríbalas en inglés" not in page and "género; étnico; territorial" in page
    data = _edit_form(page).submission()
    data["tags"] = ["Género; ETNICO; territorial; Reincorporación"]
    response = client.post(url, data=data, headers=ES, follow_redirects=True)
    assert response.status_code == 200
    assert _provision(demo.id, "6.1.5").tag_names == ["ethnic", "gender", "reincorporación",
                                                      "territorial"]
    # the form opens with the labels in Spanish; sent back unchanged, nothing is written
    page = client.get(url, headers=ES).get_data(as_text=True)
    data = _edit_form(page).submission()
    assert data["tags"] == ["étnico; género; reincorporación; territorial"]
    counts = row_counts()
    response = client.post(url, data=data, headers=ES, follow_redirects=True)
    assert "Provision saved." not in response.get_data(as_text=True)
    assert row_counts() == counts
    # the same free tag without its accent, on another provision, joins the existing one
    url = f"/accords/{SLUG}/provisions/6.1.4/edit"
    data = _edit_form(client.get(url, headers=ES).get_data(as_text=True)).submission()
    data["tags"] = ["genero; REINCORPORACION"]
    assert client.post(url, data=data, headers=ES).status_code == 302
    assert _provision(demo.id, "6.1.4").tag_names == ["gender", "reincorporación"]
    assert no_clashes(demo.id) == []


def test_the_demo_accords_tags_never_read_alike(demo):
    assert tagging.accord_tags(demo.id) and no_clashes(demo.id) == []


# --- the structure importer ------------------------------------------------------------------

HEADER = ("code", "section", "text", "provision_type", "priority", "tags", "deadline")
ROWS = [("1", "1 Tierra", "Titular", "", "no", "Género; ETNICO", ""),
        ("2", "1 Tierra", "Catastro", "", "no", "genero;étnico;Víctimas", ""),
        ("3", "1 Tierra", "Vías", "", "no", "GENDER; victimas; Territorial", "")]


def _import(runner, tmp_path, name: str, content: bytes, slug: str) -> Accord:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["import-accord", str(path), "--name", f"Tags {slug}",
                                 "--country", "Colombia", "--signed-on", "2016-11-24",
                                 "--slug", slug])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Accord).where(Accord.slug == slug))


@pytest.mark.parametrize("name, content", [
    ("structure.csv", "\n".join(",".join(r) for r in [HEADER, *ROWS]).encode()),
    ("structure.xlsx", _xlsx([HEADER, *ROWS])),
])
def test_the_importer_reads_spanish_labels_in_any_case_with_or_without_accents(
        runner, tmp_path, name, content):
    accord = _import(runner, tmp_path, name, content, "tags-" + name.split(".")[1])
    tags = {p.code: p.tag_names for p in accord.provisions}
    assert tags == {"1": ["ethnic", "gender"], "2": ["ethnic", "gender", "víctimas"],
                    "3": ["gender", "territorial", "víctimas"]}
    assert no_clashes(accord.id) == []


def test_the_tag_filters_show_each_tag_once_in_the_readers_language(client, demo):
    import re

    for url in (f"/accords/{SLUG}/dashboard", f"/accords/{SLUG}/provisions"):
        page = client.get(url, headers=ES).get_data(as_text=True)
        select_html = re.search(r'<select name="tag"[^>]*>(.*?)</select>', page, re.S).group(1)
        names = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select_html)
        assert {"género", "étnico", "territorial"} <= set(names), (url, names)
        assert "gender" not in names and len(names) == len(set(names))


def test_the_importer_refuses_tags_typed_with_commas_by_row(runner, tmp_path, row_counts):
    rows = [*ROWS[:2], ("3", "1 Tierra", "Vías", "", "no", "género, étnico", "")]
    path = tmp_path / "structure.xlsx"
    path.write_bytes(_xlsx([HEADER, *rows]))
    counts = row_counts()
    result = runner.invoke(args=["import-accord", str(path), "--name", "Commas",
                                 "--country", "Colombia", "--signed-on", "2016-11-24",
                                 "--slug", "commas"])
    assert result.exit_code != 0
    assert "row 4" in result.output.lower() and "holds a comma" in result.output
    assert "género; étnico" in result.output
    assert row_counts() == counts
