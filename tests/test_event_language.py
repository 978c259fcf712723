"""An event's title and description are stored in the language they were typed in
(`events.language`, `Event.written_in`): pages mark them by it, the API and the exports file
them under it, and events stored before it was kept read as the accord's original language.
(The ways in are tested with them: test_events_entry, test_events_import,
test_excel_update_events.)"""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from event_helpers import event_input
from tracker.events.models import Event
from tracker.events.services import submit_event
from tracker.extensions import db
from tracker.i18n import content

SLUG = "colombia-2016-demo"  # English is its original language
FEED = f"/accords/{SLUG}/events"
API = f"/api/v1/accords/{SLUG}/events"
TITLE = "Entrega de tierras en Tibú"
DESCRIPTION = "Se entregaron 300 hectáreas."


def _page(client, url: str, language: str) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _marked(language: str, words: str) -> str:
    """The text as a page shows text held only in `language`: in an element carrying it."""
    return f'<span lang="{language}">{words}</span>'


def _flagged(language: str, words: str) -> str:
    """`_marked` as a link's text (a title linked to its event's page), followed by the
    "[EN]" / "[ES]" marker (`i18n.language_marker`)."""
    return f'{_marked(language, words)}</a> <span class="badge lang"'


@pytest.fixture
def spanish_event(demo) -> Event:
    """A verified event whose title and description were typed in Spanish, on the English
    demo accord."""
    assert demo.original_language == "en"
    return submit_event(event_input(demo, title=TITLE, description=DESCRIPTION,
                                    language="es"), verified=True)


def test_a_spanish_event_reads_as_spanish_on_spanish_pages(client, spanish_event):
    assert (spanish_event.language, spanish_event.title, spanish_event.title_translated) == \
        ("es", TITLE, None)
    page = _page(client, FEED, "es")
    assert TITLE in page and DESCRIPTION in page
    assert _marked("en", TITLE) not in page and _marked("en", DESCRIPTION) not in page


def test_a_spanish_event_is_marked_spanish_on_english_pages(client, spanish_event):
    page = _page(client, FEED, "en")
    assert _flagged("es", TITLE) in page and "[ES]" in page
    assert _marked("es", DESCRIPTION) in page


def test_the_api_files_the_text_under_its_language(client, spanish_event):
    (event,) = [e for e in client.get(API).get_json()["events"] if e["id"] == spanish_event.id]
    assert event["language"] == "es"
    assert (event["title"], event["title_es"], event["title_en"]) == (TITLE, TITLE, "")
    assert (event["description_es"], event["description_en"]) == (DESCRIPTION, "")


def test_the_exports_file_and_mark_it_by_its_language(client, spanish_event):
    rows = list(csv.DictReader(io.StringIO(client.get(f"{FEED}.csv").data.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r["event_id"] == str(spanish_event.id)]
    assert (row["language"], row["title_es"], row["title_en"]) == ("es", TITLE, "")
    book = load_workbook(io.BytesIO(client.get(f"{FEED}.xlsx").data), read_only=True)
    header, *values = book[book.sheetnames[1]].iter_rows(values_only=True)
    (row,) = [r for r in values if r[0] == spanish_event.id]
    assert row[header.index("Title")] == f"{TITLE} [ES]"
    assert row[header.index("Language")] == "es"
    book.close()


def test_models_read_the_text_by_the_events_language(app, spanish_event):
    with app.test_request_context(), force_locale("es"):
        shown = content(spanish_event, "title")
    assert (shown.text, shown.language, shown.foreign) == (TITLE, "es", False)
    with app.test_request_context(), force_locale("en"):
        shown = content(spanish_event, "description")
    assert (shown.text, shown.language, shown.foreign) == (DESCRIPTION, "es", True)


def test_a_translation_is_held_in_the_other_language(client, demo):
    event = submit_event(event_input(demo, title=TITLE, language="es",
                                     title_translated="Land handed over in Tibú"),
                         verified=True)
    (found,) = [e for e in client.get(API).get_json()["events"] if e["id"] == event.id]
    assert (found["title_es"], found["title_en"]) == (TITLE, "Land handed over in Tibú")
    assert "Land handed over in Tibú" in _page(client, FEED, "en")


def test_an_event_stored_without_a_language_reads_as_the_accords_original(app, client, demo):
    """Events stored before the language was kept (None) keep their meaning."""
    event = submit_event(event_input(demo, title="Old event"), verified=True)
    assert event.language == "en"  # the default of a way in that does not say
    old = Event(accord_id=demo.id, occurred_on=date(2019, 3, 4), title="Older event",
                description="As stored before", origin="import", review_state="verified")
    db.session.add(old)
    db.session.flush()
    assert old.language is None and old.written_in == "en"
    (found,) = [e for e in client.get(API).get_json()["events"] if e["id"] == old.id]
    assert (found["language"], found["title_en"], found["title_es"]) == \
        ("en", "Older event", "")
    with app.test_request_context(), force_locale("es"):
        shown = content(old, "title")
    assert (shown.language, shown.foreign) == ("en", True)
    assert _flagged("en", "Older event") in _page(client, FEED, "es")


def test_an_events_language_is_never_changed(demo):
    event = submit_event(event_input(demo, language="es"))
    with pytest.raises(DBAPIError) as refused:
        with db.session.begin_nested():
            # a pending event's review decision is the one update let through: not with it
            db.session.execute(text("UPDATE events SET review_state = 'verified', "
                                    "language = 'en' WHERE id = :e"), {"e": event.id})
    assert "append-only" in str(refused.value)
    db.session.expire_all()
    assert db.session.scalar(select(Event.language).where(Event.id == event.id)) == "es"


@pytest.mark.parametrize("language", ["fr", "EN"])
def test_an_unknown_language_is_refused(demo, language):
    from tracker.events.services import problems

    found = problems(event_input(demo, language=language))
    assert list(found) == ["language"]
    assert f"unknown language {language!r}" in str(found["language"])
