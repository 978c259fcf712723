"""The new-event form and its sources: a refused form says which chosen file was not kept,
a request over the limit says both limits and links back to the form, a source is cited by
its exact title, an identical new source is cited rather than repeated (one rule for the
form and the file import), sizes in MB, Spanish agreement and a repeated provision named at
its row."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from event_helpers import PDF, event_input, new_source
from test_events_entry import URL, _filled, _post
from tracker.events.models import Event, Source
from tracker.events.services import held_source, submit_event
from tracker.extensions import db

ES = {"Accept-Language": "es"}
FUTURE = (date.today() + timedelta(days=3)).isoformat()


def _big_post(client, data: dict, file: tuple[bytes, str], headers=None):
    """POST `data` with `file` as the source's file (`_big_post_to` the event form)."""
    return _big_post_to(client, URL, data, ("source_file",) + file, headers)


def _big_post_to(client, url: str, data: dict, file: tuple[str, bytes, str], headers=None):
    """POST `data` with `file` (field, content, name), the body built in memory (a body the
    app never reads is then no temporary file left open)."""
    values = {k: v[0] if len(v) == 1 else v for k, v in data.items()}
    values[file[0]] = FileStorage(io.BytesIO(file[1]), file[2],
                                  content_type="application/octet-stream")
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, headers=headers or {},
                       content_type=f"multipart/form-data; boundary={boundary}")


def _sources() -> int:
    return db.session.scalar(select(func.count()).select_from(Source))


def _without_new_source(client, demo, **changes) -> dict:
    blank = dict(source_title=[""], source_kind=[""], source_publisher=[""],
                 source_date=[""], source_url=[""], source_language=[""])
    return _filled(client, demo, **{**blank, **changes})


# 1. a refused form names the chosen file it could not keep

@pytest.mark.parametrize("headers, words", [
    ({}, "The file acta.pdf was not kept: choose it again."),
    (ES, "El archivo acta.pdf no se conservó: elíjalo de nuevo.")])
def test_a_form_refused_for_another_field_says_the_file_was_not_kept(
        client, demo, make_user, login, row_counts, headers, words):
    login(make_user("editor", demo))
    data = _filled(client, demo, occurred_on=[FUTURE])
    data = {k: v[0] if len(v) == 1 else v for k, v in data.items()}
    data["source_file"] = (io.BytesIO(PDF), "acta.pdf")
    before = row_counts()
    response = client.post(URL, data=data, headers=headers,
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and row_counts() == before
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#source_file"' in summary and words in summary  # in the summary
    at_field = html.split('id="source_file-error"')[1].split("</div>")[0]
    assert words in at_field  # and at the field, which names it
    assert 'aria-describedby="source_file-error"' in html


def test_the_refused_page_remembers_the_file_and_the_next_submission_needs_it(
        client, demo, make_user, login, row_counts):
    login(make_user("editor", demo))
    refused = _post(client, _filled(client, demo, occurred_on=[FUTURE]), (PDF, "acta.pdf"))
    html = refused.get_data(as_text=True)
    assert 'name="dropped_file" type="hidden" value="acta.pdf"' in html
    assert 'name="without_file"' in html
    before = row_counts()
    again = _post(client, _filled(client, demo, dropped_file=["acta.pdf"]))  # date fixed,
    html = again.get_data(as_text=True)  # the file not chosen again
    assert again.status_code == 400 and row_counts() == before
    assert "The file acta.pdf chosen before was not sent again" in html
    assert 'href="#source_file"' in html
    with_file = _post(client, _filled(client, demo, dropped_file=["acta.pdf"]),
                      (PDF, "acta.pdf"))
    assert with_file.status_code == 303
    source = db.session.scalar(select(Source))
    assert source.attachment_name == "acta.pdf"


def test_the_new_source_may_be_saved_without_the_file_when_said(client, demo, make_user,
                                                                login):
    login(make_user("editor", demo))
    response = _post(client, _filled(client, demo, dropped_file=["acta.pdf"],
                                     without_file=["y"]))
    assert response.status_code == 303
    assert db.session.scalar(select(Source)).attachment_sha256 is None


def test_a_form_refused_without_a_file_says_nothing_of_files(client, demo, make_user, login):
    login(make_user("editor", demo))
    html = _post(client, _filled(client, demo, occurred_on=[FUTURE])).get_data(as_text=True)
    assert "was not kept" not in html


@pytest.mark.parametrize("content, name", [(b"not a workbook", "cambios.xlsx"),
                                           (PDF, "acta.pdf")])
def test_a_refused_workbook_says_why_and_not_to_choose_it_again(client, demo, make_user,
                                                                 login, content, name):
    """The file itself was refused: its reason leads, at the field and in the summary, and
    nothing says to choose the same file again."""
    login(make_user("editor", demo))
    response = client.post(f"/accords/{demo.slug}/update", content_type="multipart/form-data",
                           data={"workbook": (io.BytesIO(content), name)}, headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no se conservó" not in html and "elíjalo de nuevo" not in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#workbook"' in summary
    assert 'id="workbook-error"' in html and 'aria-describedby="workbook-error"' in html


def test_a_refused_attachment_says_why_and_not_to_choose_it_again(client, demo, make_user,
                                                                   login):
    login(make_user("editor", demo))
    data = {k: v[0] if len(v) == 1 else v for k, v in _filled(client, demo).items()}
    data["source_file"] = (io.BytesIO(b"MZ\x90\x00 not a document"), "acta.pdf")
    html = client.post(URL, data=data, headers=ES, content_type="multipart/form-data"
                       ).get_data(as_text=True)
    at_field = html.split('id="source_file-error"')[1].split("</div>")[0]
    assert at_field.strip() and "no se conservó" not in html
    assert 'name="dropped_file" type="hidden" value=""' in html  # not asked for again


# 2. over the request limit: both limits, nothing kept, a link back to the form

@pytest.mark.parametrize("headers, words", [
    ({}, ["Nothing was saved, and what was typed was not kept",
          "1\u00a0MB at most for a whole form", "5\u00a0MB at most for a file attached",
          "Back to the form"]),
    (ES, ["No se guardó nada y lo escrito no se conservó",
          "1\u00a0MB como máximo para un formulario entero",
          "5\u00a0MB como máximo para un archivo adjunto", "Volver al formulario"])])
def test_a_post_over_the_request_limit_says_both_limits_and_links_back(
        app, client, demo, make_user, login, monkeypatch, row_counts, headers, words):
    login(make_user("editor", demo))
    data = _filled(client, demo)
    client.get(URL, headers=headers)  # the test's app context keeps the last locale when
    # a request is refused before the test's own refresh (`conftest`)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    before = row_counts()
    response = _big_post(client, data, (PDF + b"\0" * (1024 * 1024), "grande.pdf"), headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and row_counts() == before
    assert all(w in html for w in words), html
    assert f'href="{URL}"' in html


def test_a_post_over_the_limit_to_an_address_without_a_page_has_no_link(
        app, client, demo, make_user, login, monkeypatch):
    login(make_user("coordinator", demo))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    response = client.post("/review/events/1", data={"reason": "x" * 200})
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "1\u00a0KB at most" in html
    assert "Nothing was saved" in html and "Back to the form" not in html


def test_a_post_over_the_limit_names_only_the_limits_of_its_form(
        app, client, demo, make_user, login, monkeypatch):
    """A workbook is no source's attachment: its form's 413 names the request limit only."""
    login(make_user("editor", demo))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = _big_post_to(client, f"/accords/{demo.slug}/update", {},
                            ("workbook", b"PK" + b"\0" * (1024 * 1024), "cambios.xlsx"))
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "1\u00a0MB at most for a whole form" in html
    assert "attached to a source" not in html and "5\u00a0MB" not in html


# 3. a source named by its exact title

def _held(demo, title: str, **values) -> Source:
    event = submit_event(event_input(demo, title=f"Evento sobre {title} {len(values)}",
                                     sources=[new_source(title=title, attachment=None,
                                                         **values)]))
    return event.source_links[0].source


@pytest.mark.parametrize("typed", ["Nota de prensa de la ANT", "nota de prensa de la ant",
                                   "  NOTA  de prensa de la ANT "])
def test_a_source_is_cited_by_its_exact_title_accents_and_case_aside(
        client, demo, make_user, login, typed):
    source = _held(demo, "Nota de prensa de la ANT")
    login(make_user("editor", demo))
    response = _post(client, _without_new_source(client, demo, cited_other=[typed]))
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
    assert [link.source_id for link in event.source_links] == [source.id]


def test_a_title_naming_several_sources_lists_them_with_their_numbers(
        client, demo, make_user, login, row_counts):
    first = _held(demo, "Comunicado conjunto", publisher="ONU")
    second = _held(demo, "Comunicado Conjunto", publisher="Gobierno")
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _without_new_source(client, demo,
                                                 cited_other=["comunicado conjunto"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and row_counts() == before
    assert "Several sources are titled" in html
    assert f"#{first.id} Comunicado conjunto" in html
    assert f"#{second.id} Comunicado Conjunto" in html


def test_a_title_naming_no_source_is_refused(client, demo, make_user, login):
    login(make_user("editor", demo))
    response = _post(client, _without_new_source(client, demo, cited_other=["Sin fuente"]))
    assert response.status_code == 400
    assert "is not a source" in response.get_data(as_text=True)


# 4. one rule for a new source repeating one held

def test_a_second_event_naming_the_same_new_source_cites_it(client, demo, make_user, login):
    login(make_user("editor", demo))
    first = _post(client, _filled(client, demo), (PDF, "acta.pdf"))
    assert first.status_code == 303
    second = _post(client, _filled(client, demo, title=["Otra entrega de tierras"]),
                   (PDF, "acta.pdf"))
    assert second.status_code == 303
    assert _sources() == 1
    events = db.session.scalars(select(Event)).all()
    assert len(events) == 2
    assert {e.source_links[0].source_id for e in events} == {
        db.session.scalar(select(Source.id))}


def test_a_new_source_with_another_file_is_another_source(client, demo, make_user, login):
    login(make_user("editor", demo))
    assert _post(client, _filled(client, demo), (PDF, "acta.pdf")).status_code == 303
    other = PDF + b"% otra version\n"
    assert _post(client, _filled(client, demo, title=["Otra entrega"]),
                 (other, "acta.pdf")).status_code == 303
    assert _sources() == 2


def test_held_source_is_the_one_rule(demo):
    held = _held(demo, "Informe trimestral")
    same = new_source(title=" Informe trimestral ", attachment=None)
    assert held_source(demo, same) == held
    assert held_source(demo, new_source(title="Informe trimestral")) is None  # has a file
    assert held_source(demo, new_source(title="Informe trimestral", attachment=None,
                                        url="https://example.org/otro")) is None


def test_the_file_import_cites_a_source_the_form_recorded(client, demo, make_user, login):
    from tracker.events.importer import import_events

    login(make_user("editor", demo))
    assert _post(client, _without_new_source(
        client, demo, source_title=["Acta de la mesa"], source_kind=["report"],
        source_publisher=["ANT"], source_date=["2019-03-05"])).status_code == 303
    csv = ("date,title,description,place_code,provision_codes,source_title,source_url,"
           "source_date,publisher,source_kind\n"
           f"2019-04-01,Otra reunión,,,{demo.provisions[0].code},Acta de la mesa,,2019-03-05,"
           "ANT,report\n").encode()
    import_events(demo.slug, csv, "eventos.csv")
    assert _sources() == 1 and len(db.session.scalars(select(Event)).all()) == 2


# 6. sizes in MB, Spanish agreement, our own message for a value not offered

@pytest.mark.parametrize("size, locale, shown", [
    (5242880, "en", "5\u00a0MB"), (6292042, "es", "6,0\u00a0MB"), (8388608, "es", "8\u00a0MB"),
    (314573, "es", "0,3\u00a0MB"), (1000, "en", "1\u00a0KB"), (0, "en", "0\u00a0KB")])
def test_sizes_are_shown_in_mb(app, size, locale, shown):
    from flask_babel import force_locale

    from tracker.web import megabytes

    with app.test_request_context(), force_locale(locale):
        assert megabytes(size) == shown


@pytest.mark.parametrize("headers, words", [
    (ES, "El archivo tiene 6,0\u00a0MB; el límite es 5\u00a0MB."),
    ({}, "The file is 6.0\u00a0MB; the limit is 5\u00a0MB.")])
def test_an_attachment_over_its_limit_is_said_in_mb(client, demo, make_user, login, headers,
                                                    words):
    """...and only that: the file itself was refused, so nothing says to choose it again."""
    login(make_user("editor", demo))
    response = _big_post(client, _filled(client, demo), (PDF + b"\0" * 6292042, "grande.pdf"),
                         headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and words in html
    assert "no se conservó" not in html and "was not kept" not in html


@pytest.mark.parametrize("kind, decision, words", [
    ("sources", "reject", "Fuente n.º {id} rechazada."),
    ("sources", "verify", "Fuente n.º {id} verificada."),
    ("events", "reject", "Evento n.º {id} rechazado.")])
def test_a_decision_agrees_with_its_noun_in_spanish(client, demo, make_user, login, kind,
                                                    decision, words):
    event = submit_event(event_input(demo))
    row = event.source_links[0].source if kind == "sources" else event
    login(make_user("coordinator", demo))
    response = client.post(f"/review/{kind}/{row.id}", headers=ES, follow_redirects=True,
                           data={decision: "x", "reason": "No consta"})
    assert words.format(id=row.id) in response.get_data(as_text=True)


@pytest.mark.parametrize("decision, word", [("reject", "rechazada"), (None, "pendiente")])
def test_a_sources_state_agrees_with_its_noun_wherever_shown(client, demo, make_user, login,
                                                               decision, word):
    """A source is "fuente" (feminine): its state reads "rechazada", not "rechazado", on the
    review queue, the event's page, the feed and the new-event form's list of sources."""
    event = submit_event(event_input(demo))
    source = event.source_links[0].source
    login(make_user("coordinator", demo))
    if decision:
        client.post(f"/review/sources/{source.id}", data={decision: "x", "reason": "No consta"})
    for page in ("/review", f"/accords/{demo.slug}/events/{event.id}",
                 f"/accords/{demo.slug}/events?review_state=pending"):
        html = client.get(page, headers=ES).get_data(as_text=True)
        shown = re.findall(r'(?:· |class="badge unverified">)(\w+)', html)
        assert word in shown and not {"rechazado", "verificado"} & set(shown), page
    if decision is None:  # a rejected source is not offered to cite
        assert f"· {word}" in client.get(URL, headers=ES).get_data(as_text=True)


@pytest.mark.parametrize("decision, state, word", [("reject", "rejected", "rechazado"),
                                                   ("verify", "verified", "verificado")])
def test_an_events_state_stays_masculine(client, demo, make_user, login, decision, state,
                                         word):
    """An event is "evento" (masculine): its decided state reads "rechazado"/"verificado" on
    its page and in the feed, though a source's reads in the feminine (the words share an
    English msgid, told apart by context)."""
    event = submit_event(event_input(demo))
    login(make_user("coordinator", demo))
    client.post(f"/review/events/{event.id}", data={decision: "x", "reason": "No consta"})
    page = client.get(f"/accords/{demo.slug}/events/{event.id}", headers=ES).get_data(
        as_text=True)
    assert f'<span class="state-{state}">{word}</span>' in page
    feed = client.get(f"/accords/{demo.slug}/events?review_state=all",
                      headers=ES).get_data(as_text=True)
    assert f'class="state">{word}</td>' in feed


def test_a_crafted_choice_gets_our_message(client, demo, make_user, login):
    login(make_user("editor", demo))
    data = _filled(client, demo, cited=["456"])
    html = client.post(URL, headers=ES, content_type="multipart/form-data", data={
        k: v[0] if len(v) == 1 else v for k, v in data.items()}).get_data(as_text=True)
    assert "&#39;456&#39; no es una de las opciones ofrecidas." in html


@pytest.mark.parametrize("value", ["abc", "\u00b2", "-1", "99999999999999999999"])
def test_a_crafted_source_number_is_refused_at_its_field(client, demo, make_user, login,
                                                          value):
    login(make_user("editor", demo))
    data = _filled(client, demo, cited=[value])
    response = client.post(URL, headers=ES, content_type="multipart/form-data", data={
        k: v[0] if len(v) == 1 else v for k, v in data.items()})
    assert response.status_code == 400
    assert "no es una de las opciones ofrecidas." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


# 5. nothing stops the browser from restoring typed values on Back

def test_the_form_lets_the_browser_restore_typed_values(client, demo, make_user, login):
    login(make_user("editor", demo))
    html = client.get(URL).get_data(as_text=True)
    assert 'autocomplete="off"' not in html
    assert 'autocomplete="off"' not in client.get(f"/accords/{demo.slug}/events").get_data(
        as_text=True)
