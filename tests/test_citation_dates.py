"""A record cites only events that happened on or before the date it holds from (an event
spanning days: its first day), `domain.rules.cited_after_problem`: the one rule of the
web status form, the service under every way in, and the offline workbook (an event cited
by number, or typed on its Events sheet), each refusal naming the event and both dates at
the citing field or column, nothing written."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from event_helpers import event_input
from test_excel_update_citations import (_download, _event_row, _fill, _other_level, _two,
                                         _upload)
from tracker import services
from tracker.domain.messages import Message
from tracker.domain.rules import CitedEvent, Submission, cited_after_problem, problems
from tracker.events.citations import as_cited, dated
from tracker.events.models import Event, StatusRecordEvent
from tracker.events.services import review_event, submit_event
from tracker.extensions import db
from tracker.models import StatusRecord

SIGNED, TODAY = date(2016, 11, 24), date(2025, 7, 1)
EVENT_DAY = date(2019, 3, 3)  # event_input's date


# --- the rule --------------------------------------------------------------------------------

@pytest.mark.parametrize("effective, starts, refused", [
    (date(2025, 3, 14), date(2025, 3, 14), False),   # the same day
    (date(2025, 3, 15), date(2025, 3, 14), False),   # a day later
    (date(2025, 3, 1), date(2025, 3, 14), True),     # before the event
    (date(2025, 3, 13), date(2025, 3, 14), True),    # the day before
    (None, date(2025, 3, 14), False),                # no date: the date's own rule speaks
])
def test_a_level_rests_only_on_events_of_its_date_or_earlier(effective, starts, refused):
    found = cited_after_problem(effective, [CitedEvent("#455", "Entrega", starts)])
    assert (found is not None) == refused


def test_the_refusal_names_the_first_late_event_and_both_dates():
    found = cited_after_problem(date(2025, 3, 1), [
        CitedEvent("#7", "Antes", date(2025, 2, 1)), CitedEvent("#9", "Después", date(2025, 4, 2)),
        CitedEvent("E2", "Mesa", date(2025, 3, 14))])
    assert isinstance(found, Message)
    assert str(found).startswith("event E2 (Mesa) happened on 2025-03-14, after 2025-03-01, "
                                 "the date this level holds from")
    assert found.params["happened"] == date(2025, 3, 14)  # a date: shown in local format


def test_problems_report_it_at_the_events_field_unless_the_date_itself_is_wrong():
    late = [CitedEvent("#7", "Mesa", date(2025, 3, 14))]
    sub = Submission(3, date(2025, 3, 1), events=(7,))
    found = problems(sub, current_level=1, signed_on=SIGNED, today=TODAY,
                     citable=frozenset({7}), cited=late)
    assert set(found) == {"events"} and "#7 (Mesa)" in str(found["events"])
    future = Submission(3, date(2026, 1, 1), events=(7,))
    assert set(problems(future, current_level=1, signed_on=SIGNED, today=TODAY,
                        citable=frozenset({7}), cited=late)) == {"effective_on"}
    fine = Submission(3, date(2025, 3, 14), events=(7,))
    assert problems(fine, current_level=1, signed_on=SIGNED, today=TODAY,
                    citable=frozenset({7}), cited=late) == {}


def test_an_event_spanning_days_counts_from_its_first_day(demo):
    event = Event(accord_id=demo.id, occurred_on=date(2025, 3, 10),
                  ended_on=date(2025, 3, 20), title="Jornada")
    assert as_cited(event, "E4") == CitedEvent("E4", "Jornada", date(2025, 3, 10))
    assert cited_after_problem(date(2025, 3, 12), [as_cited(event)]) is None


# --- the service and the web form ------------------------------------------------------------

@pytest.fixture
def verified_event(demo):
    """A verified event of 3 March 2019 bearing on the demo's first two provisions."""
    event = submit_event(event_input(demo))
    review_event(event, "verified")
    return event


def _rise(provision, today) -> int:
    level = services.current_level(provision, today)
    return level + 1 if level < 3 else level - 1


def test_the_service_refuses_a_record_dated_before_the_event_it_cites(demo, verified_event,
                                                                      today, row_counts):
    provision = demo.provisions[0]
    assert [c.starts_on for c in dated([verified_event.id, 999999])] == [EVENT_DAY]
    before = row_counts()
    with pytest.raises(services.Invalid) as refused:
        services.submit([services.StatusChange(provision, Submission(
            _rise(provision, today), date(2019, 3, 1), events=(verified_event.id,)),
            provision.version)], verified=True)
    assert set(refused.value.errors) == {"events"}
    assert f"event #{verified_event.id}" in str(refused.value.errors["events"])
    assert row_counts() == before
    (record,) = services.submit([services.StatusChange(provision, Submission(
        _rise(provision, today), EVENT_DAY, events=(verified_event.id,)),
        provision.version)], verified=True)
    assert record.effective_on == EVENT_DAY


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def test_the_status_form_refuses_it_at_the_events_field_in_spanish(
        client, demo, make_user, login, verified_event, today, row_counts):
    user = login(make_user("coordinator", demo))
    user.locale = "es"
    db.session.commit()
    provision = demo.provisions[0]
    url = f"/accords/{demo.slug}/provisions/{provision.code}/update"
    form = {"level": str(_rise(provision, today)), "effective_on": "2019-03-01",
            "version": str(provision.version), "events": [str(verified_event.id)]}
    before = row_counts()
    response = client.post(url, data=form)
    assert response.status_code == 400
    page = _text(response)
    errors = page[page.index('id="events-error"'):]
    errors = errors[:errors.index("</div>")]
    assert f"#{verified_event.id} ({verified_event.title})" in errors
    assert "3 mar 2019" in errors and "1 mar 2019" in errors
    assert 'aria-describedby="events-error"' in page
    assert row_counts() == before
    accepted = client.post(url, data=dict(form, effective_on=EVENT_DAY.isoformat()))
    assert accepted.status_code == 302, _text(accepted)[:3000]


# --- the workbook ----------------------------------------------------------------------------

@pytest.fixture
def levels(client, demo) -> dict[str, int]:
    api = client.get(f"/api/v1/accords/{demo.slug}/provisions").get_json()["provisions"]
    return {p["code"]: p["level"] for p in api}


def _counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Event.id))),
            db.session.scalar(select(func.count(StatusRecord.id))),
            db.session.scalar(select(func.count()).select_from(StatusRecordEvent)))


@pytest.mark.parametrize("cites, effective, end, refused", [
    ("number", date(2019, 3, 1), None, True),
    ("number", EVENT_DAY, None, False),
    ("row", date(2019, 3, 1), None, True),
    ("row", date(2019, 3, 4), None, False),
    ("row", date(2019, 3, 4), date(2019, 3, 9), False),  # a range: from its first day
])
def test_the_workbook_refuses_a_row_dated_before_the_event_it_cites(
        client, demo, make_user, login, levels, verified_event, cites, effective, end,
        refused):
    login(make_user("editor", demo))
    first, other = _two(demo, levels)
    code = first if cites == "number" else other
    ref = f"#{verified_event.id}" if cites == "number" else "E2"
    events = [] if cites == "number" else [_event_row(f"{other}:advances", end_date=end,
                                                      title="Mesa en Tibú")]
    filled = _fill(_download(client), events, {code: {
        "new_level": _other_level(levels[code]), "effective_on": effective, "events": ref}})
    before = _counts()
    response = _upload(client, filled)
    page = _text(response)
    if not refused:
        assert response.status_code == 302, page[:3000]
        return
    assert response.status_code == 422, page[:3000]
    assert re.search(rf"Row \d+ \({re.escape(code)}\): Events cited: event {ref} \(", page)
    assert "happened on Mar 3, 2019, after Mar 1, 2019" in page
    assert "evidence (a link" not in page
    assert _counts() == before


def test_the_refusal_names_the_event_in_the_readers_language(client, demo, make_user, login,
                                                             today):
    event = submit_event(event_input(demo, language="es",
                                     title_translated="Land handover in Tibú"))
    review_event(event, "verified")
    login(make_user("coordinator", demo))  # an English reader; the title is Spanish
    provision = demo.provisions[0]
    response = client.post(f"/accords/{demo.slug}/provisions/{provision.code}/update", data={
        "level": str(_rise(provision, today)), "effective_on": "2019-03-01",
        "version": str(provision.version), "events": [str(event.id)]})
    assert response.status_code == 400
    assert (f"event #{event.id} (Land handover in Tibú) happened on Mar 3, 2019, after "
            "Mar 1, 2019") in _text(response)
