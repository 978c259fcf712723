"""Entering an event on the web: the form, its refusals (400 with every problem at its
field, 413 for a file over the limit; nothing written) and who may use it."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from event_helpers import EXE, HTML, PDF, SVG, event_input, new_source
from htmlforms import parse
from tracker.events.models import Event, EventProvision, Source
from tracker.events.services import submit_event
from tracker.extensions import db

SLUG = "colombia-2016-demo"
URL = f"/accords/{SLUG}/events/new"


def _form(client) -> dict:
    page = client.get(URL)
    assert page.status_code == 200
    form = next(f for f in parse(page.get_data(as_text=True)).forms
                if any(c.name == "title" for c in f.controls))
    return form.submission()


def _filled(client, demo, **changes) -> dict:
    data = _form(client)
    first, second = demo.provisions[0], demo.provisions[1]
    data.update({"occurred_on": ["2019-03-03"], "title": ["Entrega de tierras en Tibú"],
                 "description": ["Se entregaron 300 hectáreas."],
                 "place": ["54810 Tibú, Norte de Santander"],
                 "actors": ["Agencia Nacional de Tierras"],
                 "provision_1": [first.code], "effect_1": ["advances"],
                 "provision_2": [second.code], "effect_2": ["sets_back"],
                 "source_title": ["Informe de seguimiento"], "source_kind": ["report"],
                 "source_publisher": ["Procuraduría"], "source_date": ["2019-03-05"],
                 "source_url": ["https://example.org/informe.pdf"],
                 "source_language": ["es"]})
    data.update(changes)
    return data


def _post(client, data, file=None):
    data = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in data.items()}
    if file is not None:
        data["source_file"] = (io.BytesIO(file[0]), file[1])
    return client.post(URL, data=data, content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_editor_records_a_pending_event_on_two_provisions_with_its_file(
        client, demo, make_user, login):
    login(make_user("editor", demo))
    response = _post(client, _filled(client, demo), (PDF, "informe.pdf"))
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert event.review_state == "pending" and event.place.code == "54810"
    assert event.actors == "Agencia Nacional de Tierras"
    links = db.session.execute(select(EventProvision.provision_id, EventProvision.effect)
                               .order_by(EventProvision.provision_id)).all()
    assert links == [(demo.provisions[0].id, "advances"), (demo.provisions[1].id, "sets_back")]
    (source,) = [link.source for link in event.source_links]
    assert source.attachment.content == PDF and source.attachment_name == "informe.pdf"
    assert (source.kind, source.publisher, source.published_on, source.language) == \
        ("report", "Procuraduría", date(2019, 3, 5), "es")


def test_a_coordinators_event_is_verified_and_may_cite_an_existing_source(
        client, demo, make_user, login):
    cited = submit_event(event_input(demo, sources=[new_source(attachment=None)]))
    source = cited.source_links[0].source
    login(make_user("coordinator", demo))
    data = _filled(client, demo, source_title=[""], source_kind=[""], source_publisher=[""],
                   source_date=[""], source_url=[""], source_language=[""],
                   cited=[str(source.id)], place=["tibu"])
    response = _post(client, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event).order_by(Event.id.desc()))
    assert event.review_state == "verified" and event.place.code == "54810"
    assert [link.source_id for link in event.source_links] == [source.id]


def _sources(demo, count: int) -> list[Source]:
    """`count` registered sources of the demo accord, dated a day apart (the last newest)."""
    sources = []
    for number in range(count):
        event = submit_event(event_input(demo, sources=[new_source(
            title=f"Informe {number:02d}", attachment=None,
            published_on=date(2019, 1, 1) + timedelta(days=number))]))
        sources.append(event.source_links[0].source)
    return sources


def test_a_long_register_offers_the_recent_sources_and_a_searchable_list(
        client, demo, make_user, login):
    """Citing sources fits a phone: the 8 newest as checkboxes, every offered source in the
    list suggested while typing (a datalist: no script), dates in the reader's format."""
    sources = _sources(demo, 20)
    login(make_user("coordinator", demo))
    html = client.get(URL, headers={"Accept-Language": "es"}).get_data(as_text=True)
    form = next(f for f in parse(html).forms if any(c.name == "title" for c in f.controls))
    ticks = [c for c in form.controls if c.name == "cited"]
    assert [int(c.attrs["value"]) for c in ticks] == [s.id for s in sources[::-1][:8]]
    assert html.count('<option value="#') == 20 and 'list="source-list"' in html
    assert "Informe 19 · informe · Procuraduría · 20 ene 2019" in html
    assert "2019-01-20" not in html
    oldest, older = sources[0], sources[1]
    data = _filled(client, demo, source_title=[""], source_kind=[""], source_publisher=[""],
                   source_date=[""], source_url=[""], source_language=[""],
                   cited=[str(sources[-1].id)],
                   cited_other=[f"#{oldest.id} Informe 00 · informe; {older.id}"])
    response = _post(client, data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    event = db.session.scalar(select(Event).order_by(Event.id.desc()))
    assert sorted(link.source_id for link in event.source_links) == sorted(
        [sources[-1].id, oldest.id, older.id])


@pytest.mark.parametrize("typed, words", [
    ("#999999", "No source #999999 is registered for this accord."),
    ("Informe sin número", "&#39;Informe sin número&#39; is not a source"),
])
def test_a_typed_source_that_is_not_registered_is_named(client, demo, make_user, login,
                                                        row_counts, typed, words):
    _sources(demo, 9)
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _filled(client, demo, cited_other=[typed]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and words in html and 'href="#cited_other"' in html
    assert f'value="{typed}"' in html
    assert row_counts() == before


@pytest.mark.parametrize("changes, field, words", [
    ({"title": [""]}, "title", "required"),
    ({"occurred_on": [(date.today() + timedelta(days=2)).isoformat()]}, "occurred_on",
     "future"),
    ({"occurred_on": ["2010-01-01"]}, "occurred_on", "before the accord was signed"),
    ({"ended_on": ["2019-03-01"]}, "ended_on", "before the date"),
    ({"place": ["99999"]}, "place", "not a known place code"),
    ({"place": ["Bolívar"]}, "place", "several places"),
    ({"place": ["Ciudad Inexistente"]}, "place",
     "no place is named or coded &#39;Ciudad Inexistente&#39;"),
    ({"provision_1": ["99.99.99"]}, "provision_1", "No provision 99.99.99"),
    ({"provision_1": [""], "provision_2": [""]}, "provision_1",
     "at least one provision"),
    ({"provision_2": ["__first__"]}, "provision_2", "is already in row 1"),
    ({"source_title": [""], "source_kind": [""], "source_publisher": [""],
      "source_date": [""], "source_url": [""], "source_language": [""]}, "cited",
     "at least one source is required: tick a recent source, type the number of another "
     "registered source, or describe a new source below"),
    ({"source_title": [""]}, "source_title", "required"),
    ({"source_kind": [""]}, "source_kind",
     "the kind of source is required: choose one of official document, gazette, news"),
    ({"source_url": ["javascript:alert(1)"]}, "source_url", ""),
    ({"language": ["fr"]}, "language", "Not a valid choice"),
])
def test_bad_input_re_renders_the_form_naming_the_field_and_writes_nothing(
        client, demo, make_user, login, row_counts, changes, field, words):
    login(make_user("editor", demo))
    data = _filled(client, demo)
    if changes.get("provision_2") == ["__first__"]:
        changes = {"provision_2": data["provision_1"]}
    data.update(changes)
    before = row_counts()
    response = _post(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in html and f'href="#{field}"' in html, html[:3000]
    assert words in html
    assert row_counts() == before


@pytest.mark.parametrize("content, name, words", [
    (HTML, "informe.pdf", "HTML, SVG or other markup"),
    (SVG, "mapa.png", "HTML, SVG or other markup"),
    (EXE, "informe.pdf", "program"),
])
def test_a_refused_file_is_a_400_naming_the_reason(client, demo, make_user, login,
                                                  row_counts, content, name, words):
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _filled(client, demo), (content, name))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in html and 'href="#source_file"' in html
    assert row_counts() == before


def test_a_rejected_source_typed_by_number_is_refused_at_the_field_it_was_typed_in(
        client, demo, make_user, login, row_counts):
    from tracker.events.services import review_source

    sources = _sources(demo, 9)
    review_source(sources[0], "rejected", "not a real report")
    db.session.commit()
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _filled(client, demo, cited_other=[f"#{sources[0].id}"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'href="#cited_other"' in html
    assert 'id="cited_other-error"' in html and 'id="cited-error"' not in html
    assert row_counts() == before


def test_a_file_over_the_limit_is_a_413_with_the_form(app, client, demo, make_user, login,
                                                      row_counts, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1000)
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _filled(client, demo), (PDF + b"\0" * 2000, "grande.pdf"))
    assert response.status_code == 413
    assert "The file is 3\u00a0KB; the limit is 1\u00a0KB." in response.get_data(as_text=True)
    assert row_counts() == before


def test_the_form_submitted_as_shown_writes_nothing(client, demo, make_user, login,
                                                    row_counts):
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _form(client))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("occurred_on", "title", "provision_1", "cited"):  # every problem at once
        assert f'href="#{field}"' in html, field
    assert "at least one provision is required" in html
    assert "at least one source is required" in html
    assert row_counts() == before


def test_every_problem_is_reported_at_once_the_file_among_them(client, demo, make_user,
                                                               login, row_counts):
    """Rows, rules beyond the form's own, the place and the attached file in one answer."""
    login(make_user("editor", demo))
    before = row_counts()
    data = _filled(client, demo, provision_1=["99.99.99"], occurred_on=["2010-01-01"],
                   place=["Ciudad Inexistente"], source_url=["javascript:alert(1)"])
    response = _post(client, data, (EXE, "informe.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("provision_1", "occurred_on", "place", "source_url", "source_file"):
        assert f'href="#{field}"' in html, field
    assert "No provision 99.99.99" in html and "before the accord was signed" in html
    assert "program" in html and "Ciudad Inexistente&#39;" in html
    assert 'value="Ciudad Inexistente"' in html  # the whole typed value is kept
    summary = html[html.index('class="error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    order = [summary.index(f'href="#{f}"') for f in ("occurred_on", "place", "provision_1",
                                                      "source_url", "source_file")]
    assert order == sorted(order)  # as the page shows the fields
    assert row_counts() == before


def test_a_file_over_the_limit_is_reported_with_the_other_problems(app, client, demo,
                                                                   make_user, login,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1000)
    login(make_user("editor", demo))
    response = _post(client, _filled(client, demo, title=[""]),
                     (PDF + b"\0" * 2000, "grande.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'href="#title"' in html and "the limit is 1\u00a0KB" in html


@pytest.mark.parametrize("typed", ["Bogotá", "bogota", "BOGOTA, D.C.", "  Bogotá  "])
def test_a_place_is_found_by_its_name_accents_and_case_aside(client, demo, make_user, login,
                                                              typed):
    login(make_user("coordinator", demo))
    response = _post(client, _filled(client, demo, place=[typed]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    event = db.session.scalars(select(Event).order_by(Event.id.desc())).first()
    assert event.place.code == "11001"  # the municipality: the department is the same land


def test_an_ambiguous_name_lists_each_place_with_its_code_and_department(client, demo,
                                                                          make_user, login):
    login(make_user("editor", demo))
    response = _post(client, _filled(client, demo, place=["boyaca"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "15 Boyacá; 15104 Boyacá, Boyacá" in html
    response = _post(client, _filled(client, demo, place=["Boyacá, Boyacá"]))
    assert response.status_code == 303


@pytest.mark.parametrize("typed, code", [
    ("Tumaco", "52835"),  # SAN ANDRÉS DE TUMACO: the name people use
    ("tumaco, nariño", "52835"),
    ("Mompox", "13468"),  # SANTA CRUZ DE MOMPOX
    ("Santa Rosalia", "99624"),  # a whole name still wins over the words inside others
    ("Santa Rosa, Cauca", "19701"),
])
def test_a_place_is_found_by_the_words_of_its_everyday_name(client, demo, make_user, login,
                                                             typed, code):
    login(make_user("coordinator", demo))
    response = _post(client, _filled(client, demo, place=[typed]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    event = db.session.scalars(select(Event).order_by(Event.id.desc())).first()
    assert event.place.code == code


@pytest.mark.parametrize("typed, words", [
    ("Cartagena", "several places have Cartagena in their names: choose one from the list "
                  "or type its code (13001 Cartagena de Indias, Bolívar; 18150 Cartagena del "
                  "Chairá, Caquetá)"),
    ("Tumaco, Cauca", "no place is named or coded &#39;Tumaco, Cauca&#39;"),
    ("de", "places have de in their names: choose one from the list or type its code (the "
           "first 8: "),
])
def test_words_found_in_several_names_are_listed_not_guessed(client, demo, make_user, login,
                                                              row_counts, typed, words):
    login(make_user("editor", demo))
    before = row_counts()
    response = _post(client, _filled(client, demo, place=[typed]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and words in html, html[:3000]
    if "first 8" in words:  # a long list is cut to its first eight places
        listed = html[html.index(words) + len(words):].split(")")[0]
        assert listed.count("; ") == 7 and html.index(words) > 0
    assert row_counts() == before


def test_only_editors_of_the_accord_enter_events(client, demo, make_user, login):
    assert client.get(URL).status_code == 302  # to the login page
    login(make_user("viewer", demo))
    assert client.get(URL).status_code == 403
    assert _count(Source) == 0


def test_a_section_editor_links_only_provisions_of_the_section(client, demo, make_user,
                                                                login, row_counts):
    inside = demo.provisions[0]
    outside = next(p for p in demo.provisions if p.section_id != inside.section_id
                   and p.section.parent_id != inside.section_id)
    login(make_user("editor", demo, section=inside.section))
    before = row_counts()
    response = _post(client, _filled(client, demo, provision_2=[outside.code]))
    assert response.status_code == 400
    assert "cannot link provisions of this part" in response.get_data(as_text=True)
    assert row_counts() == before


def test_the_form_and_its_refusals_are_in_spanish(client, demo, make_user, login):
    login(make_user("editor", demo))
    html = client.get(URL, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Nuevo evento de implementación" in html and "Disposición 1: código" in html
    data = {k: v[0] for k, v in _filled(client, demo, place=["Bolívar"]).items() if v}
    refused = client.post(URL, data=data, headers={"Accept-Language": "es"},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "varios lugares se llaman Bolívar" in refused
    data.update(place="Ciudad Inexistente", source_kind="")
    refused = client.post(URL, data=data, headers={"Accept-Language": "es"},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "Ciudad Inexistente" in refused and "ningún lugar" in refused
    assert "documento oficial, diario oficial, noticia" in refused
    assert "official_document" not in refused.split("<select")[0]


def test_an_expired_form_comes_back_with_the_input_kept(app, client, demo, make_user, login,
                                                        row_counts, monkeypatch):
    login(make_user("editor", demo))
    data = _filled(client, demo)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data["csrf_token"] = ["stale"]
    before = row_counts()
    response = _post(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="error-summary"' in html
    assert "Entrega de tierras en Tibú" in html and "54810 Tibú" in html
    assert row_counts() == before


def test_the_events_feed_offers_the_form_to_editors_only(client, demo, make_user, login):
    feed = f"/accords/{SLUG}/events"
    assert URL not in client.get(feed).get_data(as_text=True)
    login(make_user("editor", demo))
    assert URL in client.get(feed).get_data(as_text=True)


def test_the_form_sent_again_records_nothing_twice(client, demo, make_user, login):
    """The Back button and a second "submit" send the same event with a fresh token: the
    editor's pending event is not repeated, nor its new source."""
    login(make_user("editor", demo))
    data = _filled(client, demo)
    assert _post(client, data, (PDF, "informe.pdf")).status_code == 303
    events, sources = _count(Event), _count(Source)
    again = _post(client, _filled(client, demo), (PDF, "informe.pdf"))
    assert again.status_code == 303
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Nothing changed: this event is already recorded" in page
    assert (_count(Event), _count(Source)) == (events, sources)
    other = _post(client, _filled(client, demo, title=["Otra entrega de tierras"]))
    assert other.status_code == 303
    assert _count(Event) == events + 1


# --- the language the title and description are typed in ------------------------------------

@pytest.mark.parametrize("locale", ["es", "en"])
def test_the_form_takes_the_text_in_the_readers_language_unless_told(client, demo, make_user,
                                                                    login, locale):
    user = make_user("editor", demo)
    user.locale = locale
    db.session.commit()
    login(user)
    data = _filled(client, demo)
    assert data["language"] == [locale]
    assert _post(client, data).status_code == 303
    assert db.session.scalar(select(Event.language).order_by(Event.id.desc())) == locale
    other = {"es": "en", "en": "es"}[locale]
    assert _post(client, _filled(client, demo, title=["Otro"], language=[other])) \
        .status_code == 303
    assert db.session.scalar(select(Event.language).order_by(Event.id.desc())) == other


def test_a_form_sent_without_a_language_takes_the_readers(client, demo, make_user, login):
    """A page saved before the field existed, or a client that leaves it out."""
    user = make_user("editor", demo)
    user.locale = "es"
    db.session.commit()
    login(user)
    data = _filled(client, demo)
    del data["language"]
    assert _post(client, data).status_code == 303
    assert db.session.scalar(select(Event.language)) == "es"


def test_a_spanish_readers_event_shows_as_spanish_on_the_feed(client, demo, make_user,
                                                             login):
    """On the English demo accord, the title typed by a Spanish reader is not marked as
    English text (the defect: it was stored as the accord's original language)."""
    user = make_user("coordinator", demo)
    user.locale = "es"
    db.session.commit()
    login(user)
    assert _post(client, _filled(client, demo)).status_code == 303
    page = client.get(f"/accords/{SLUG}/events").get_data(as_text=True)
    assert "Entrega de tierras en Tibú" in page
    assert '<span lang="en">Entrega de tierras en Tibú' not in page
