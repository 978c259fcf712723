"""An event's title and description follow the reader's language wherever they are shown:
the feed, a provision's timeline, the status form's citation checkboxes, the review queue,
the events workbook and the report workbook; a title held only in the other language is
followed by the "[EN]" / "[ES]" marker the rest of the app uses."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from event_helpers import event_input
from tracker.events.services import submit_event

SLUG = "colombia-2016-demo"


@pytest.fixture
def titled(demo):
    """Two events of the demo accord (original language English): one with its Spanish
    title and description, one in English only; the first pending, the second verified."""
    both = submit_event(event_input(demo, occurred_on=date(2019, 3, 5),
                                    title="Land handed over in Tibú",
                                    title_translated="Entrega de tierras en Tibú",
                                    description="ILLUSTRATIVE stand-in, not a real event.",
                                    description_translated="Sustituto ILUSTRATIVO, no un "
                                                           "evento real."))
    english = submit_event(event_input(demo, occurred_on=date(2019, 4, 6),
                                       title="Council met in Tibú", description="First."),
                           verified=True)
    return both, english


ES = {"Accept-Language": "es"}


def test_the_feed_and_the_timeline_show_titles_in_spanish_or_marked(client, demo, titled,
                                                                    make_user, login):
    login(make_user("coordinator", demo))
    feed = client.get(f"/accords/{SLUG}/events?review_state=all",
                      headers=ES).get_data(as_text=True)
    code = demo.provisions[0].code
    timeline = client.get(f"/accords/{SLUG}/provisions/{code}", headers=ES).get_data(
        as_text=True)
    for page in (feed, timeline):
        assert "Entrega de tierras en Tibú" in page and "Land handed over" not in page
        assert "Sustituto ILUSTRATIVO" in page and "ILLUSTRATIVE stand-in" not in page
        assert '<span lang="en">Council met in Tibú</span></a> <span class="badge lang"' in page
    english = client.get(f"/accords/{SLUG}/events?review_state=all").get_data(as_text=True)
    assert "Land handed over in Tibú" in english and "[EN]" not in english


def test_the_status_form_offers_events_by_local_date_and_spanish_title(client, demo, titled,
                                                                       make_user, login):
    login(make_user("coordinator", demo))
    code = demo.provisions[0].code
    page = client.get(f"/accords/{SLUG}/provisions/{code}", headers=ES).get_data(as_text=True)
    assert "6 abr 2019 · Council met in Tibú [EN]" in page  # the verified one is citable
    assert "2019-04-06 ·" not in page


def test_the_review_queue_shows_the_spanish_title(client, demo, titled, make_user, login):
    login(make_user("coordinator", demo))
    page = client.get("/review", headers=ES).get_data(as_text=True)
    assert "Entrega de tierras en Tibú" in page and "Sustituto ILUSTRATIVO" in page
    assert "Land handed over" not in page


@pytest.mark.parametrize("url, sheet", [
    (f"/accords/{SLUG}/events.xlsx?review_state=all", "Eventos"),
    (f"/accords/{SLUG}/report.xlsx?as_of=2020-01-01", "Eventos"),
])
def test_workbooks_in_spanish_give_spanish_titles_or_mark_them(client, demo, titled,
                                                               make_user, login, url, sheet):
    login(make_user("coordinator", demo))
    response = client.get(url, headers=ES)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True)[sheet]
                .iter_rows(values_only=True))
    head = rows[0]
    shown = {(r[head.index("Título")], r[head.index("Descripción")]) for r in rows[1:]}
    assert ("Entrega de tierras en Tibú", "Sustituto ILUSTRATIVO, no un evento real.") in shown
    assert ("Council met in Tibú [EN]", "First. [EN]") in shown


def test_the_report_workbook_marks_source_titles_in_the_other_language(client, demo, titled,
                                                                        make_user, login):
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/report.xlsx?as_of=2020-01-01"
    for headers, sheet, column, title in (
            ({}, "Sources", "Title", "Informe de seguimiento [ES]"),
            (ES, "Fuentes", "Título", "Informe de seguimiento")):
        book = load_workbook(io.BytesIO(client.get(url, headers=headers).data), read_only=True)
        rows = list(book[sheet].iter_rows(values_only=True))
        assert {r[rows[0].index(column)] for r in rows[1:]} == {title}
