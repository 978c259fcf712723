"""/my/submissions lists one's events and sources with their review (the review found only
status records there: an editor was never told an event of theirs was rejected)."""
from __future__ import annotations

import re
from datetime import date

from flask_login import login_user

from event_helpers import event_input, new_source
from tracker.events.models import Event
from tracker.events.services import review_event, review_source, submit_event
from tracker.extensions import db
from tracker.models import Accord


def _submitted(app, demo, editor) -> dict[str, Event]:
    """Four events of `editor`: verified, rejected, waiting on a rejected source, pending."""
    events = {}
    with app.test_request_context("/", method="POST"):
        login_user(editor)
        for key in ("verified", "rejected", "waiting", "pending"):
            source = new_source(title=f"Acta {key}", url=f"https://example.org/{key}.pdf",
                                attachment=None)
            events[key] = submit_event(event_input(demo, title=f"Evento {key} de prueba",
                                                   sources=[source]))
    review_event(events["verified"], "verified")
    review_event(events["rejected"], "rejected", "La fecha no coincide con el acta")
    review_source(events["waiting"].source_links[0].source, "rejected", "El enlace no abre")
    db.session.flush()
    return events


def _rows(html: str, heading: str) -> list[str]:
    """The body rows of the table under the heading with id `heading`."""
    part = html.split(f'id="{heading}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>", 1)[1], re.S)


def test_an_editor_sees_each_event_and_source_with_its_review(app, client, demo, make_user,
                                                              login):
    editor = make_user("editor", demo)
    events = _submitted(app, demo, editor)
    login(editor)
    html = client.get("/my/submissions", headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    rows = _rows(html, "my-events")
    assert [re.search(r"#(\d+)", r).group(1) for r in rows] == \
        [str(events[k].id) for k in ("pending", "waiting", "rejected", "verified")]  # newest
    by_key = dict(zip(("pending", "waiting", "rejected", "verified"), rows))
    assert "rechazado" in by_key["rejected"] and "La fecha no coincide" in by_key["rejected"]
    assert "verificado" in by_key["verified"]
    assert "En espera: cita una fuente rechazada" in by_key["waiting"]
    assert "En espera" not in by_key["pending"] and "pendiente" in by_key["pending"]
    for key, event in events.items():  # an editor of the accord opens every one
        assert f"/accords/{demo.slug}/events/{event.id}\"" in by_key[key]
    sources = _rows(html, "my-sources")
    assert len(sources) == 4 and sum("El enlace no abre" in r for r in sources) == 1
    assert 'scope="col"' in html and 'data-label="Resultado"' in html
    assert "No ha enviado ninguna actualización de estado." in html


def test_an_event_is_linked_only_when_its_submitter_may_see_it(app, client, demo, make_user,
                                                               login):
    other = Accord(slug="other-accord", name="Other accord", country="Colombia",
                   signed_on=date(2016, 6, 23))
    db.session.add(other)
    db.session.flush()
    outsider = login(make_user("editor", other))  # no role on the demo accord (any more)
    events = _submitted(app, demo, outsider)
    html = client.get("/my/submissions").get_data(as_text=True)
    linked = re.findall(r"/events/(\d+)\"", "".join(_rows(html, "my-events")))
    assert linked == [str(events["verified"].id)]  # the public sees verified events only
    assert "Evento rejected de prueba" in html  # listed all the same: it is theirs
    demo.public = False
    db.session.flush()
    html = client.get("/my/submissions").get_data(as_text=True)
    assert not re.findall(r"/events/(\d+)\"", "".join(_rows(html, "my-events")))


def test_no_event_nor_source_says_so(client, demo, make_user, login):
    login(make_user("editor", demo))
    html = client.get("/my/submissions").get_data(as_text=True)
    assert "You have not submitted any event." in html
    assert "You have not submitted any source." in html
