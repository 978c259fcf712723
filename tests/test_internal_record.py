"""One rule for the accord's internal record (records awaiting review or rejected, rejection
reasons, authors' emails): users with a role on the accord see it; the public and users without
a role there see verified records without authors, on pages, in the API and in downloads."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from tracker import services
from tracker.extensions import db
from tracker.models import Accord, Provision, StatusRecord

SLUG = "colombia-2016-demo"
CODE = "1.1.2"
EDITOR = "submitter-internal@example.org"
COORDINATOR = "reviewer-internal@example.org"
PENDING = "PENDING-EVIDENCE-internal"
REJECTED = "REJECTED-EVIDENCE-internal"
REASON = "REJECTION-REASON-internal"


def _provision(demo) -> Provision:
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == CODE))


def _submit(client, provision, evidence: str) -> StatusRecord:
    db.session.refresh(provision)
    level = services.current_level(provision, date.today(), include_pending=True)
    answer = client.post(f"/accords/{SLUG}/provisions/{CODE}/update", data={
        "level": str(3 if level < 3 else 2), "effective_on": date.today().isoformat(),
        "evidence_text": evidence, "version": str(provision.version)})
    assert answer.status_code == 302, answer.data[:2000]
    return db.session.scalar(select(StatusRecord).where(StatusRecord.evidence_text == evidence))


@pytest.fixture
def internal(demo, client, make_user, login):
    """A pending and a rejected record (with its reason) on provision 1.1.2, then logged out."""
    provision = _provision(demo)
    login(make_user("editor", demo, email=EDITOR))
    _submit(client, provision, PENDING)
    rejected = _submit(client, provision, REJECTED)
    login(make_user("coordinator", demo, email=COORDINATOR))
    answer = client.post(f"/review/{rejected.id}", data={"reject": "Reject", "reason": REASON})
    assert answer.status_code == 303, answer.data[:2000]
    assert db.session.get(StatusRecord, rejected.id).review_state == "rejected"
    with client.session_transaction() as session:
        session.clear()
    return provision


def _outsider(kind, demo, make_user, login):
    if kind == "viewer elsewhere":
        other = db.session.scalar(select(Accord).where(Accord.id != demo.id))
        assert other is not None
        login(make_user("viewer", other))


def _everything_public(client) -> str:
    """The provision page, the API answers and the downloads, as text."""
    texts = [client.get(f"/accords/{SLUG}/provisions/{CODE}").get_data(as_text=True)]
    for path in ("provisions", "summary"):
        answer = client.get(f"/api/v1/accords/{SLUG}/{path}")
        assert answer.status_code == 200
        texts.append(answer.get_data(as_text=True))
    for path in ("history.csv", "provisions.csv"):
        texts.append(client.get(f"/accords/{SLUG}/{path}").data.decode("utf-8-sig"))
    with zipfile.ZipFile(io.BytesIO(client.get(f"/accords/{SLUG}/report.xlsx").data)) as book:
        texts.extend(book.read(name).decode("utf-8") for name in book.namelist()
                     if name.endswith(".xml"))
    return "\n".join(texts)


@pytest.mark.parametrize("kind", ["logged out", "viewer elsewhere"])
def test_outsiders_see_no_internal_record(kind, internal, demo, client, make_user, login):
    _outsider(kind, demo, make_user, login)
    page = client.get(f"/accords/{SLUG}/provisions/{CODE}").get_data(as_text=True)
    for secret in (EDITOR, COORDINATOR, PENDING, REJECTED, REASON, "@tracker.test"):
        assert secret not in page
    everything = _everything_public(client)
    for secret in (EDITOR, COORDINATOR, PENDING, REJECTED, REASON):
        assert secret not in everything
    history = list(csv.DictReader(io.StringIO(
        client.get(f"/accords/{SLUG}/history.csv").data.decode("utf-8-sig"))))
    assert history and all(not row["author"] and not row["reviewed_by"] for row in history)
    assert {row["review_state"] for row in history} == {"verified"}
    assert client.get(f"/api/v1/accords/{SLUG}/provisions?include_pending=true").status_code == 403


def test_the_public_page_shows_the_official_level_only(internal, demo, client):
    page = client.get(f"/accords/{SLUG}/provisions/{CODE}").get_data(as_text=True)
    assert "awaiting review" not in page


def test_role_holders_see_the_internal_record(internal, demo, client, make_user, login):
    login(make_user("viewer", demo))
    page = client.get(f"/accords/{SLUG}/provisions/{CODE}").get_data(as_text=True)
    for shown in (EDITOR, COORDINATOR, PENDING, REJECTED, REASON):
        assert shown in page
    history = client.get(f"/accords/{SLUG}/history.csv").data.decode("utf-8-sig")
    for shown in (EDITOR, COORDINATOR, PENDING, REJECTED):
        assert shown in history


def _nav(client) -> str:
    page = client.get("/accords").get_data(as_text=True)
    return page.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]


def test_my_submissions_is_offered_to_who_can_submit(demo, client, make_user, login):
    login(make_user("viewer", demo))
    assert "/my/submissions" not in _nav(client)
    login(make_user("editor", demo, section=demo.sections[0]))
    assert "/my/submissions" in _nav(client)


def test_a_former_editor_keeps_their_submissions(internal, demo, client, login):
    from tracker.models import User

    editor = db.session.scalar(select(User).where(User.email == EDITOR))
    for grant in list(editor.roles):
        db.session.delete(grant)
    db.session.commit()
    login(editor)
    assert "/my/submissions" in _nav(client)
