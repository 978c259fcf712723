"""A form refused because the provision changed meanwhile (409) says so first: in the error
summary at the top of the page, focused on load, with the input kept."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Provision
from tracker.provisions.routes import edit_values

SLUG = "colombia-2016-demo"


@pytest.fixture
def provision(demo):
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == "1.1.1"))


def _summary_first(page: str, message: str) -> str:
    """The error summary's markup, checked to come before the page's first form."""
    start = page.index('class="error-summary"')
    summary = page[page.rindex("<div", 0, start):page.index("</div>", start)]
    assert "autofocus" in summary and 'tabindex="-1"' in summary and 'role="alert"' in summary
    assert message in summary
    content = page.index("<main")
    assert content < start < page.index("<form", content)
    return summary


def test_a_stale_status_update_says_so_at_the_top(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    stale = str(provision.version)
    data = {"level": "1", "effective_on": date.today().isoformat(), "evidence_url": "",
            "evidence_text": "First tab", "note": "", "version": stale}
    assert client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=data).status_code == 302
    second = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                         data={**data, "level": "3", "evidence_text": "Second tab"})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    summary = _summary_first(page, "changed since you opened the form")
    assert 'href="#conflict"' in summary and 'id="conflict"' in page
    assert "Second tab" in page  # the input is kept


def test_a_stale_priority_flag_says_so_at_the_top(client, demo, make_user, login, provision):
    login(make_user("coordinator", demo))
    stale = str(provision.version)
    db.session.refresh(provision)
    original = "yes" if provision.priority else "no"
    data = {"priority": "no" if provision.priority else "yes",
            "effective_on": date.today().isoformat(), "reason": "first", "version": stale}
    assert client.post(f"/accords/{SLUG}/provisions/1.1.1/priority",
                       data=data).status_code == 302
    second = client.post(f"/accords/{SLUG}/provisions/1.1.1/priority",
                         data={**data, "priority": original,
                               "reason": "Second reason"})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    _summary_first(page, "changed since you opened the form")
    assert "Second reason" in page


def test_a_stale_provision_edit_says_so_at_the_top(client, demo, make_user, login, provision):
    login(make_user("coordinator", demo))
    values = {k: ("" if v is None else str(v)) for k, v in edit_values(provision).items()}
    url = f"/accords/{SLUG}/provisions/1.1.1/edit"
    assert client.post(url, data={**values, "responsible_actor": "First tab"}).status_code == 302
    db.session.refresh(provision)
    assert provision.responsible_actor == "First tab"
    second = client.post(url, data={**values, "responsible_actor": "Second tab"})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    _summary_first(page, "changed since you opened the form")
    assert "Second tab" in page


def _edit_form_of(page: str):
    from htmlforms import parse

    return next(f for f in parse(page).forms if any(c.name == "section" for c in f.controls))


def test_a_stale_edit_shows_the_stored_values_and_a_resave_never_reverts_them(
        client, demo, make_user, login, provision):
    """Two tabs: the first saves an actor, the second (opened before) changes the tags. The
    409 page shows the stored values (the first tab's actor) and lists the second tab's
    unsaved tags; saving that page as shown keeps the first tab's change."""
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/1.1.1/edit"
    stale = _edit_form_of(client.get(url).get_data(as_text=True)).submission()
    first = _edit_form_of(client.get(url).get_data(as_text=True)).submission()
    first["responsible_actor"] = ["First tab's actor"]
    assert client.post(url, data=first).status_code == 302
    stale["tags"] = ["gender; Second tab's tag"]
    second = client.post(url, data=stale)
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    summary = _summary_first(page, "the form now shows the current values")
    assert "Second tab&#39;s tag" in summary or "Second tab's tag" in summary
    shown = _edit_form_of(page).submission()
    assert shown["responsible_actor"] == ["First tab's actor"]
    again = client.post(url, data=shown)
    assert again.status_code == 302
    db.session.refresh(provision)
    assert provision.responsible_actor == "First tab's actor"
