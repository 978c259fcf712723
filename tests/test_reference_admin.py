"""The reference-set administration page: every action by an administrator only, refusals
with reasons and nothing changed, and the changes the page makes."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tracker import queries
from tracker.seed import REFERENCE_SET

SEEDED = Path(__file__).resolve().parents[1] / "seed_data" / "pam_id"
LONG = ("accord,country,signed_on,provision_type,year,level\n"
        "Test Accord,Testland,2001-03-04,CFR,2002,1\n").encode()


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin")
    login(user)
    return user


def _post(client, url, **data):
    """Post a form as multipart, encoded in memory: Werkzeug's test client spools a body over
    500 kB (a set's own export) to a temporary file it never closes."""
    fields = {name: FileStorage(*value) if isinstance(value, tuple) else value
              for name, value in data.items()}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_page_lists_sets_with_provenance(client, admin):
    page = client.get("/admin/reference-sets/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert REFERENCE_SET in text and "bac0dd0264235b31" in text and "Joshi" in text


@pytest.mark.parametrize("role", [None, "viewer", "coordinator"])
def test_only_admins(client, make_user, login, role, row_counts):
    if role:
        login(make_user(role))
    before = row_counts()
    for url in ("/admin/reference-sets/", f"/admin/reference-sets/{REFERENCE_SET}/default"):
        answer = client.get(url) if url.endswith("/") else client.post(url)
        assert answer.status_code in (302, 403, 405)
    assert client.post(f"/admin/reference-sets/{REFERENCE_SET}/delete",
                       data={"confirm": "y"}).status_code in (302, 403)
    assert row_counts() == before


def test_load_replace_default_delete(client, admin):
    loaded = _post(client, "/admin/reference-sets/", file=(io.BytesIO(LONG), "test.csv"),
                   label="Test set")
    assert loaded.status_code == 303
    assert [a.name for a in queries.reference_data("Test set")] == ["Test Accord"]
    replaced = _post(client, "/admin/reference-sets/Test set/replace",
                     file=(io.BytesIO(LONG + b"Test Accord,Testland,2001-03-04,CFR,2003,3\n"),
                           "test2.csv"))
    assert replaced.status_code == 303
    (ref,) = queries.reference_data("Test set")
    assert sorted(ref.years) == [2, 3]
    assert client.post("/admin/reference-sets/Test set/default").status_code == 303
    assert queries.reference_set("Test set").is_default
    unconfirmed = client.post("/admin/reference-sets/Test set/delete")
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.get_data(True)
    assert queries.reference_set("Test set") is not None
    assert client.post("/admin/reference-sets/Test set/delete",
                       data={"confirm": "y"}).status_code == 303
    assert queries.reference_set("Test set") is None
    assert queries.reference_set(REFERENCE_SET).is_default


def test_refusals_say_why_and_change_nothing(client, admin, row_counts):
    before = row_counts()
    same = _post(client, "/admin/reference-sets/",
                 file=(io.BytesIO((SEEDED / "PAM_ID-V.1.5-Updated-29JULY2015.csv").read_bytes()),
                       "pam.csv"))
    assert same.status_code == 409
    assert "already imported as reference set" in same.get_data(as_text=True)
    bad = _post(client, "/admin/reference-sets/", file=(io.BytesIO(LONG + b"X,Y,2001-03-04,"
                                                                  b"CFR,2002,7\n"), "bad.csv"))
    assert bad.status_code == 400 and "outside 0-3" in bad.get_data(as_text=True)
    taken = _post(client, "/admin/reference-sets/", file=(io.BytesIO(LONG), "t.csv"),
                  label=REFERENCE_SET)
    assert taken.status_code == 409
    missing = _post(client, "/admin/reference-sets/", label="x")
    assert missing.status_code == 400
    assert client.post("/admin/reference-sets/nothing/delete",
                       data={"confirm": "y"}).status_code == 404
    assert row_counts() == before


def test_replacing_a_set_with_its_own_export_is_refused_and_loses_nothing(client, admin,
                                                                          row_counts):
    """The reference-set export (long layout) holds no version, citation, yearly totals or
    initiated/reversal codes: replacing the PAM_ID set with it would drop them. Refused with
    409 naming what would be lost, on the page, nothing written."""
    export = client.get(f"/reference-sets/{REFERENCE_SET}.csv")
    assert export.status_code == 200
    before, held = row_counts(), queries.reference_set(REFERENCE_SET)
    version, citation = held.version, held.citation
    refused = _post(client, f"/admin/reference-sets/{REFERENCE_SET}/replace",
                    file=(io.BytesIO(export.data), "export.csv"))
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    for lost in ("its version", "its citation", "yearly totals", "initiated and reversal"):
        assert lost in page
    assert row_counts() == before
    kept = queries.reference_set(REFERENCE_SET)
    assert (kept.version, kept.citation) == (version, citation) and version and citation


def test_a_replacement_losing_data_goes_through_when_the_losses_are_accepted(client, admin):
    """Ticking "Replace even though this is lost" replaces the set; the audit names what
    was lost."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import AuditEvent

    export = client.get(f"/reference-sets/{REFERENCE_SET}.csv").data
    done = _post(client, f"/admin/reference-sets/{REFERENCE_SET}/replace",
                 file=(io.BytesIO(export), "export.csv"), accept_losses="y")
    assert done.status_code == 303
    kept = queries.reference_set(REFERENCE_SET)
    assert kept.citation is None or not kept.version
    entry = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reference_set.replace")).all()[-1]
    assert "its citation" in entry.after["lost"] and "its version" in entry.after["lost"]


def test_the_administration_page_links_the_reference_sets(client, admin):
    page = client.get("/admin/users", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert 'href="/admin/reference-sets/"' in page and "Conjuntos de referencia" in page
