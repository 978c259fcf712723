"""Faults a new user's review found after the trust fixes: each as a test of the whole kind."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker import services
from tracker.domain.rules import Submission, problems
from tracker.extensions import db
from tracker.models import Provision, RoleGrant, StatusRecord, UploadBatch

SLUG = "colombia-2016-demo"


def _admin_grant(user) -> RoleGrant:
    return next(g for g in user.roles if g.role == "admin" and g.accord_id is None)


def test_an_admin_cannot_remove_their_own_admin_role(client, make_user, login):
    me = make_user("admin")
    make_user("admin")  # another administrator exists
    login(me)
    answer = client.post(f"/admin/roles/{_admin_grant(me).id}/revoke")
    assert answer.status_code == 409 and "your own administrator role" in answer.get_data(True)
    assert db.session.get(RoleGrant, _admin_grant(me).id) is not None


def test_the_last_administrator_keeps_the_role(client, make_user, login):
    me = make_user("admin")
    login(me)
    others = db.session.scalars(select(RoleGrant).where(
        RoleGrant.role == "admin", RoleGrant.accord_id.is_(None),
        RoleGrant.user_id != me.id)).all()
    for grant in others:  # leave one other administrator, then try to remove them
        db.session.delete(grant)
    last = make_user("admin")
    db.session.delete(_admin_grant(me))
    db.session.commit()
    login(make_user("admin"))
    # two administrators left: removing one is fine, the last one is refused
    assert client.post(f"/admin/roles/{_admin_grant(last).id}/revoke",
                       data={"confirm": "yes"}).status_code == 303
    remaining = db.session.scalar(select(func.count(RoleGrant.id)).where(
        RoleGrant.role == "admin", RoleGrant.accord_id.is_(None)))
    assert remaining == 1


def test_granting_admin_needs_the_confirmation(client, make_user, login):
    login(make_user("admin"))
    viewer = make_user("viewer")
    refused = client.post(f"/admin/users/{viewer.id}/roles", data={"role": "admin"})
    assert refused.status_code == 400 and "confirmation" in refused.get_data(True)
    assert not any(g.role == "admin" for g in db.session.get(type(viewer), viewer.id).roles)
    done = client.post(f"/admin/users/{viewer.id}/roles",
                       data={"role": "admin", "confirm_admin": "y"})
    assert done.status_code == 303


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/accords", f"/api/v1/accords/{SLUG}/summary",
                                  "/api/v1/openapi.json"])
def test_a_wrong_method_is_405_with_allow_for_anyone(app, method, path):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = getattr(app.test_client(), method)(path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 405 and "GET" in answer.headers["Allow"]


def test_a_recorded_upload_cannot_be_discarded(client, demo, make_user, login):
    editor = make_user("editor", demo)
    login(editor)
    batch = UploadBatch(user_id=editor.id, accord_id=demo.id, filename="u.xlsx",
                        sha256="0" * 64, content=b"x", state="committed")
    db.session.add(batch)
    db.session.commit()
    answer = client.post(f"/accords/{SLUG}/update/{batch.id}/discard")
    assert answer.status_code == 409 and "already recorded" in answer.get_data(True)
    assert db.session.get(UploadBatch, batch.id).state == "committed"


@pytest.mark.parametrize("blank", ["   ", "\n  \t", " \n"])
def test_blank_evidence_is_no_evidence(blank):
    rise = Submission(3, date(2020, 1, 1), None, blank, None)
    assert "evidence_text" in problems(rise, current_level=0, signed_on=date(2016, 11, 24),
                                       today=date(2026, 1, 1))
    same = Submission(2, date(2020, 1, 1), blank, None, blank)
    assert "level" in problems(same, current_level=2, signed_on=date(2016, 11, 24),
                               today=date(2026, 1, 1))


def test_the_web_form_refuses_blank_evidence_on_a_rise(client, demo, make_user, login):
    login(make_user("editor", demo))
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "1.1.13"))
    level = services.current_level(provision, date.today())
    before = db.session.scalar(select(func.count(StatusRecord.id)))
    answer = client.post(f"/accords/{SLUG}/provisions/1.1.13/update", data={
        "level": str(min(level + 1, 3)), "effective_on": date.today().isoformat(),
        "evidence_text": "   \n  ", "version": str(provision.version)})
    assert answer.status_code == 400
    assert db.session.scalar(select(func.count(StatusRecord.id))) == before


def test_quirks_use_the_readers_decimal_sign(client, make_user, login):
    login(make_user("admin"))
    page = client.get("/admin/reference-sets/", headers={"Accept-Language": "es"})
    text = page.get_data(as_text=True)
    assert "38,09524" in text and "34,92" in text and "38.09524" not in text
