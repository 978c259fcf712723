"""Partners on the web: permissions, updates with evidence, conflicts, review, languages."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tracker import create_app
from tracker.extensions import db
from tracker.models import AuditEvent, Provision, Section, StatusRecord

from conftest import PASSWORD

SLUG = "colombia-2016-demo"


@pytest.fixture
def provision(demo):
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == "1.1.1"))


@pytest.fixture
def other_section(demo, provision):
    """A section that does not contain `provision` (a point other than its own)."""
    return db.session.scalar(select(Section).where(
        Section.accord_id == demo.id, Section.parent_id.is_(None), Section.code == "5"))


def _update_data(provision, **values):
    data = {"level": "2", "effective_on": "2024-05-01", "evidence_text": "Report of the agency",
            "evidence_url": "", "note": "", "version": str(provision.version)}
    data.update(values)
    return data


def _submitted(client, make_user, login, provision, **values):
    """A new editor of the provision's accord, logged in, submits an update: (editor, record)."""
    editor = login(make_user("editor", provision.accord))
    client.post(f"/accords/{SLUG}/provisions/{provision.code}/update",
                data=_update_data(provision, **values))
    return editor, db.session.scalar(select(StatusRecord).where(
        StatusRecord.recorded_by_id == editor.id))


def _summary(client, as_of="2024-05-01", **params):
    query = "&".join(f"{k}={v}" for k, v in {"as_of": as_of, **params}.items())
    return client.get(f"/api/v1/accords/{SLUG}/summary?{query}").get_json()


# --- who may do what ------------------------------------------------------------------------

ROLES = ["anonymous", "viewer", "editor", "section_editor", "coordinator", "admin"]

# route -> expected status per role, in ROLES order
GET_MATRIX = {
    "/": [200] * 6,
    f"/accords/{SLUG}": [200] * 6,
    f"/accords/{SLUG}/sections": [200] * 6,
    f"/accords/{SLUG}/provisions": [200] * 6,
    f"/accords/{SLUG}/provisions/1.1.1": [200] * 6,
    "/methodology": [200] * 6,
    "/my/submissions": [302, 200, 200, 200, 200, 200],
    "/account/password": [302, 200, 200, 200, 200, 200],
    "/review": [302, 403, 403, 403, 200, 200],
    "/admin/users": [302, 403, 403, 403, 403, 200],
    "/admin/audit": [302, 403, 403, 403, 403, 200],
}


@pytest.fixture
def as_role(client, demo, make_user, login, other_section):
    def become(role):
        if role == "anonymous":
            return None
        if role == "section_editor":
            return login(make_user("editor", demo, section=other_section))
        if role == "admin":
            return login(make_user("admin"))
        return login(make_user(role, demo))
    return become


@pytest.mark.parametrize("role", ROLES)
def test_get_routes_by_role(client, as_role, role):
    as_role(role)
    for url, statuses in GET_MATRIX.items():
        assert client.get(url).status_code == statuses[ROLES.index(role)], url


@pytest.mark.parametrize("role, status", list(zip(ROLES, [302, 403, 302, 403, 302, 302])))
def test_post_update_by_role(client, as_role, provision, role, status):
    as_role(role)
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                           data=_update_data(provision))
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.location if role == "anonymous" else True


@pytest.mark.parametrize("role, status", list(zip(ROLES, [302, 403, 403, 403, 302, 302])))
def test_post_priority_by_role(client, as_role, provision, role, status):
    as_role(role)
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/priority", data={
        "priority": "no", "effective_on": "2024-01-01", "reason": "Plan revised",
        "version": str(provision.version)})
    assert response.status_code == status


@pytest.mark.parametrize("role, status", list(zip(ROLES, [302, 403, 403, 403, 303, 303])))
def test_post_review_by_role(client, as_role, make_user, login, provision, role, status):
    editor = login(make_user("editor", provision.accord))
    assert client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                       data=_update_data(provision)).status_code == 302
    record = db.session.scalar(select(StatusRecord).where(
        StatusRecord.recorded_by_id == editor.id))
    with client.session_transaction() as session:
        session.clear()
    as_role(role)
    response = client.post(f"/review/{record.id}", data={"reason": "ok", "verify": "Verify"})
    assert response.status_code == status


def test_section_editor_may_update_inside_the_section(client, demo, make_user, login):
    section = db.session.scalar(select(Section).where(Section.accord_id == demo.id,
                                                      Section.code == "1"))
    login(make_user("editor", demo, section=section))
    inside = demo.provisions[0]
    assert inside.section.parent.code == "1"
    response = client.post(f"/accords/{SLUG}/provisions/{inside.code}/update",
                           data=_update_data(inside))
    assert response.status_code == 302


def test_private_accord_is_404_without_a_role(client, demo, make_user, login):
    demo.public = False
    db.session.commit()
    assert client.get(f"/accords/{SLUG}").status_code == 404
    assert client.get(f"/accords/{SLUG}/provisions/1.1.1").status_code == 404
    assert SLUG.encode() not in client.get("/").data
    login(make_user("viewer", demo))
    assert client.get(f"/accords/{SLUG}").status_code == 200


# --- updating --------------------------------------------------------------------------------

def test_editor_update_is_pending_and_audited(client, demo, make_user, login, provision):
    editor = login(make_user("editor", demo))
    before = _summary(client)
    version = provision.version
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                           data=_update_data(provision, level="3"))
    assert response.status_code == 302
    record = db.session.scalar(select(StatusRecord).where(
        StatusRecord.recorded_by_id == editor.id))
    assert (record.level, record.review_state, record.source) == (3, "pending", "web")
    assert provision.version == version + 1
    assert _summary(client) == before  # official figures unchanged until review
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "status.record", AuditEvent.object_id == record.id)).actor == \
        editor.email
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    assert "pending review" in page and "Report of the agency" in page


def test_stale_version_is_a_conflict(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    stale = provision.version
    first = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                        data=_update_data(provision, level="1", evidence_text="First"))
    assert first.status_code == 302
    login(make_user("editor", demo))
    count = db.session.scalar(select(func.count()).select_from(StatusRecord))
    second = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                         data=_update_data(provision, level="3", version=str(stale),
                                           evidence_text="Second opinion"))
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "changed since you opened the form" in page
    assert "Second opinion" in page  # the partner's input is kept
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count


def test_resubmitted_form_is_not_a_conflict(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    data = _update_data(provision, level="1", evidence_text="Same")
    first = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=data,
                        follow_redirects=True)
    assert "Update recorded as pending review" in first.get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(StatusRecord))
    again = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=data,
                        follow_redirects=True)
    assert again.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count
    page = again.get_data(as_text=True)
    assert "Nothing changed: this update is already recorded" in page
    assert "Update recorded as" not in page


def _resent_from_reloaded_page(client, provision, **values):
    """The form sent again from the page the Back button reloaded: same values, the
    provision's version as it is now (the first submission raised it)."""
    db.session.refresh(provision)
    return client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                       data=_update_data(provision, **values), follow_redirects=True)


def test_a_form_resent_from_a_reloaded_page_records_nothing_twice(client, demo, make_user,
                                                                   login, provision):
    login(make_user("editor", demo))
    first = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                        data=_update_data(provision, level="1", evidence_text="Same"),
                        follow_redirects=True)
    assert "Update recorded as pending review" in first.get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(StatusRecord))
    again = _resent_from_reloaded_page(client, provision, level="1", evidence_text="Same")
    assert again.status_code == 200
    assert "Nothing changed: this update is already recorded" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count
    other = _resent_from_reloaded_page(client, provision, level="1", evidence_text="Other")
    assert "Update recorded as pending review" in other.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count + 1


def test_the_same_values_after_the_window_or_the_review_are_a_new_record(
        client, demo, make_user, login, provision, monkeypatch):
    import tracker.services
    import tracker.services.status
    from tracker.domain.resubmit import RESUBMIT_WINDOW
    from tracker.models import utcnow

    editor = login(make_user("editor", demo))
    mine = select(StatusRecord).where(StatusRecord.recorded_by_id == editor.id)
    client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                data=_update_data(provision, level="1", evidence_text="Same"))
    tracker.services.review(db.session.scalar(mine), "rejected", "no source")
    _resent_from_reloaded_page(client, provision, level="1", evidence_text="Same")
    assert len(db.session.scalars(mine).all()) == 2  # the first was reviewed: a new one
    later = utcnow() + RESUBMIT_WINDOW + timedelta(minutes=1)
    monkeypatch.setattr(tracker.services.status, "utcnow", lambda: later)
    _resent_from_reloaded_page(client, provision, level="1", evidence_text="Same")
    assert len(db.session.scalars(mine).all()) == 3  # the second is older than the window


# Two days ahead, not one: computed when the tests are collected, it must still be in the
# future when a run that began before midnight reaches it.
IN_TWO_DAYS = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize("values, reason", [
    ({"level": "5"}, "Not a valid choice"),
    ({"effective_on": IN_TWO_DAYS}, "the effective date is in the future"),
    ({"effective_on": "2015-01-01"}, "before the accord was signed"),
    ({"effective_on": "not a date"}, "Not a valid date value"),
    ({"evidence_url": "javascript:alert(1)"}, "must be an http:// or https:// address"),
    ({"evidence_url": "ftp://example.org/x"}, "must be an http:// or https:// address"),
    ({"level": "3", "evidence_text": "", "evidence_url": ""},
     "evidence (a link, a description or a cited event)"),
    ({"note": "x" * 2001}, "Field cannot be longer than 2000 characters"),
])
def test_bad_updates_keep_the_input(client, demo, make_user, login, provision, values, reason):
    login(make_user("editor", demo))
    count = db.session.scalar(select(func.count()).select_from(StatusRecord))
    data = _update_data(provision, **{"note": "my careful note", **values})
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert reason in page
    assert (values.get("note") or "my careful note")[:50] in page
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count


def test_the_level_already_recorded_needs_evidence_or_a_note(client, demo, make_user, login,
                                                            provision):
    login(make_user("editor", demo))
    api = client.get(f"/api/v1/accords/{SLUG}/provisions").get_json()["provisions"]
    current = next(p["level"] for p in api if p["code"] == "1.1.1")
    count = db.session.scalar(select(func.count()).select_from(StatusRecord))
    today = date.today().isoformat()
    empty = _update_data(provision, level=str(current), evidence_text="", effective_on=today)
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=empty)
    assert response.status_code == 400
    assert "this is the level already recorded" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count
    confirmed = dict(empty, note="Checked with the agency: no change this quarter")
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=confirmed)
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(StatusRecord)) == count + 1


def test_stored_text_is_escaped(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    script = "<script>alert('x')</script>"
    client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                data=_update_data(provision, evidence_text=script, note=script))
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    assert script not in page and "&lt;script&gt;" in page


def test_coordinator_correction_is_a_new_verified_record(client, demo, make_user, login,
                                                         provision):
    _editor, wrong = _submitted(client, make_user, login, provision)
    login(make_user("coordinator", demo))
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=_update_data(
        provision, level="1", evidence_text="Corrected from the gazette", corrects=str(wrong.id)))
    assert response.status_code == 302
    correction = db.session.scalar(select(StatusRecord).where(
        StatusRecord.corrects_id == wrong.id))
    assert correction.review_state == "verified" and correction.level == 1
    assert db.session.get(StatusRecord, wrong.id).level == 2  # never edited in place


def test_editor_cannot_record_corrections(client, demo, make_user, login, provision):
    login(make_user("editor", demo))
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                           data=_update_data(provision, corrects="1"))
    assert response.status_code == 400


# --- review ----------------------------------------------------------------------------------

def test_review_flow_changes_official_figures(client, demo, make_user, login, provision):
    editor, record = _submitted(client, make_user, login, provision, level="3",
                                effective_on="2024-05-01")
    before = _summary(client)
    coordinator = login(make_user("coordinator", demo))
    pending_view = _summary(client, include_pending="true")
    assert pending_view["counts"]["complete"] >= before["counts"]["complete"]
    queue = client.get("/review").get_data(as_text=True)
    assert "1.1.1" in queue
    assert client.post(f"/review/{record.id}", data={"verify": "Verify"}).status_code == 303
    after = _summary(client)
    assert after == pending_view | {"include_pending": False}
    assert after != before
    assert db.session.get(StatusRecord, record.id).reviewed_by_id == coordinator.id
    again = client.post(f"/review/{record.id}", data={"reject": "Reject", "reason": "late"})
    assert again.status_code == 409
    assert "already reviewed" in again.get_data(as_text=True)
    assert "Your reason was not recorded: late" in again.get_data(as_text=True)


def test_rejection_needs_a_reason_and_is_shown_to_the_submitter(client, demo, make_user, login,
                                                                 provision):
    editor, record = _submitted(client, make_user, login, provision)
    login(make_user("coordinator", demo))
    empty = client.post(f"/review/{record.id}", data={"reject": "Reject", "reason": ""})
    assert empty.status_code == 400 and "a reason is required" in empty.get_data(as_text=True)
    assert db.session.get(StatusRecord, record.id).review_state == "pending"
    client.post(f"/review/{record.id}", data={"reject": "Reject", "reason": "No source given"})
    assert db.session.get(StatusRecord, record.id).review_state == "rejected"
    login(editor)
    mine = client.get("/my/submissions").get_data(as_text=True)
    assert "rejected" in mine and "No source given" in mine


def test_the_reason_box_belongs_to_the_reject_form_only(client, demo, make_user, login,
                                                       provision):
    """Enter in the reason box submits the form it is in: that form must be the reject one."""
    _editor, record = _submitted(client, make_user, login, provision)
    coordinator = login(make_user("coordinator", demo))
    queue = client.get("/review").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*/review/%d\"[^>]*>(.*?)</form>" % record.id, queue, re.S)
    assert len(forms) == 2
    verify, reject = forms
    assert 'name="verify"' in verify and 'name="reason"' not in verify
    assert 'name="reason"' in reject and 'name="reject"' in reject and 'name="verify"' not in reject
    assert "Official level now" in queue and "1.1.1" in queue
    coordinator.locale = "es"
    db.session.commit()
    page = client.post(f"/review/{record.id}", data={"reject": "Reject", "reason": ""})
    assert page.status_code == 400
    assert "se requiere un motivo para rechazar un envío" in page.get_data(as_text=True)


def test_priority_flag_history(client, demo, make_user, login, provision):
    login(make_user("coordinator", demo))
    was = provision.priority
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/priority", data={
        "priority": "no" if was else "yes", "effective_on": "2024-02-01",
        "reason": "Revised plan", "version": str(provision.version)})
    assert response.status_code == 302
    assert provision.priority is (not was)
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1").get_data(as_text=True)
    assert "Revised plan" in page
    since = client.get(f"/api/v1/accords/{SLUG}/timeline?freq=year").get_json()
    assert since["priority_flags_since"] == "2024-02-01"


def test_admin_creates_a_user_with_a_section_role(client, demo, make_user, login, other_section):
    login(make_user("admin"))
    response = client.post("/admin/users", data={
        "email": "new@partner.org", "name": "New", "organization": "Partner",
        "password": "long enough pw", "role": "editor", "accord": SLUG,
        "section": str(other_section.id)})
    assert response.status_code == 303
    from tracker.models import User
    user = db.session.scalar(select(User).where(User.email == "new@partner.org"))
    assert [(g.role, g.accord_id, g.section_id) for g in user.roles] == [
        ("editor", demo.id, other_section.id)]
    audit = client.get("/admin/audit?action=user.create").get_data(as_text=True)
    assert "new@partner.org" in audit


# --- security, languages, weight ------------------------------------------------------------

def test_security_headers_on_every_response(client):
    for url in ("/", "/api/v1/accords", "/no-such-page", "/static/tracker.css"):
        response = client.get(url)
        response.close()
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_missing_csrf_token_is_400_and_keeps_the_input(app, client, demo, make_user, login,
                                                       provision):
    login(make_user("editor", demo))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        update = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                             data=_update_data(provision, note="typed offline for an hour"))
        assert update.status_code == 400
        assert "typed offline for an hour" in update.get_data(as_text=True)
        assert client.post("/logout").status_code == 400
        assert client.post("/language/es").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_login_logout_and_wrong_password(client, make_user):
    user = make_user("viewer")
    bad = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert bad.status_code == 400 and "Wrong email or password" in bad.get_data(as_text=True)
    # a login saves nothing: its error summary does not say "nothing was saved"
    assert "You are not signed in" in bad.text and "nothing was saved" not in bad.text
    good = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD,
                                       "next": "https://evil.example/"})
    assert good.status_code == 302 and good.location == "/"
    assert user.email in client.get("/").get_data(as_text=True)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    client.post("/logout")
    assert user.email not in client.get("/").get_data(as_text=True)


def test_repeated_failures_lock_the_account(client, make_user):
    user = make_user("viewer")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    locked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.locked"))


def test_login_attempts_are_rate_limited(app):
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://"})
    client = limited.test_client()
    statuses = [client.post("/login", data={"email": "nobody@example.org",
                                            "password": "whatever"}).status_code
                for _ in range(25)]
    assert statuses[0] == 400 and statuses[-1] == 429
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_password_change_logs_out_other_sessions(app, client, make_user, login):
    user = login(make_user("viewer"))
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.session_token
    refused = client.post("/account/password", data={
        "current": "not the password", "new": "a brand new password",
        "confirm": "a brand new password"})
    assert refused.status_code == 400 and "The password was not changed" in refused.text
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert user.email in client.get("/").get_data(as_text=True)
    assert user.email not in other.get("/").get_data(as_text=True)


def test_spanish_from_the_browser_and_from_the_switch(client, make_user, login):
    page = client.get("/", headers={"Accept-Language": "es-CO,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page and "Acuerdos de paz" in page
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    client.post("/language/es", data={"next": "/methodology"})
    page = client.get("/methodology", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page and "Metodología" in page
    user = login(make_user("viewer"))
    client.post("/language/en", data={"next": "/"})
    assert user.locale == "en"


def test_spanish_level_labels_and_dates(client, demo, make_user, login):
    login(make_user("editor", demo))
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "No iniciado" in page or "Mínimo" in page
    assert "Registrar una actualización" in page


def test_update_page_is_light_and_needs_no_javascript(client, demo, make_user, login):
    login(make_user("editor", demo))
    page = client.get(f"/accords/{SLUG}/provisions/1.1.1").data
    with client.get("/static/tracker.css") as response:
        css = response.data
    assert len(page) + len(css) < 200_000
    assert b"<script" not in page


def test_coordinator_edits_structure_with_audit(client, demo, make_user, login, provision):
    login(make_user("coordinator", demo))
    assert client.get(f"/accords/{SLUG}/provisions/1.1.1/edit").status_code == 200
    version = provision.version
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/edit", data={
        "text": "Revised wording", "section": str(provision.section_id), "provision_type": "CFR",
        "tags": "Gender; ethnic", "responsible_actor": "Ministry", "deadline": "2030-01-01",
        "time_frame": "long", "version": str(version)})
    assert response.status_code == 302
    assert provision.text == "Revised wording" and provision.provision_type.code == "CFR"
    assert provision.tag_names == ["ethnic", "gender"] and provision.version == version + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "provision.edit"))
    assert event.before["text"] != "Revised wording" and event.after["text"] == "Revised wording"
    stale = client.post(f"/accords/{SLUG}/provisions/1.1.1/edit", data={
        "text": "Older edit", "version": str(version)})
    assert stale.status_code == 409 and provision.text == "Revised wording"


def test_editors_cannot_edit_structure(client, demo, make_user, login):
    login(make_user("editor", demo))
    assert client.get(f"/accords/{SLUG}/provisions/1.1.1/edit").status_code == 403


def test_every_write_raises_the_accord_revision(client, demo, make_user, login, provision):
    from tracker import queries

    seen = [queries.data_version(demo.id)]

    def changed():
        seen.append(queries.data_version(demo.id))
        return seen[-1] > seen[-2]

    editor = login(make_user("editor", demo))
    client.post(f"/accords/{SLUG}/provisions/1.1.1/update", data=_update_data(provision))
    assert changed()
    record = db.session.scalar(select(StatusRecord).where(
        StatusRecord.recorded_by_id == editor.id))
    login(make_user("coordinator", demo))
    client.post(f"/review/{record.id}", data={"verify": "Verify"})
    assert changed()
    client.post(f"/accords/{SLUG}/provisions/1.1.1/priority", data={
        "priority": "yes", "effective_on": "2024-01-01", "reason": "r",
        "version": str(provision.version)})
    assert changed()
    client.post(f"/accords/{SLUG}/provisions/1.1.1/edit", data={
        "text": "New text", "version": str(provision.version)})
    assert changed()


# --- after a session ends, and on error pages ------------------------------------------------

def test_a_form_posted_after_the_session_ended_leads_back_to_its_page(client, provision):
    page = f"http://localhost/accords/{SLUG}/provisions/1.1.1"
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                           data=_update_data(provision), headers={"Referer": page})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/login?next=/accords/{SLUG}/provisions/1.1.1")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended" in login_page and "it was not recorded" in login_page
    other_site = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                             data=_update_data(provision),
                             headers={"Referer": "https://elsewhere.example/x"})
    assert other_site.headers["Location"].endswith("/login?next=/")


def test_switching_language_after_a_posted_form_stays_on_its_page(client, demo, make_user,
                                                                 login, provision):
    login(make_user("editor", demo))
    page = f"http://localhost/accords/{SLUG}/provisions/1.1.1"
    response = client.post(f"/accords/{SLUG}/provisions/1.1.1/update",
                           data=_update_data(provision, evidence_text="", level="3"),
                           headers={"Referer": page})
    assert response.status_code == 400  # the form again, with its problem
    html = response.get_data(as_text=True)
    assert f'name="next" value="/accords/{SLUG}/provisions/1.1.1"' in html


@pytest.mark.parametrize("method, url, status, title, text", [
    ("get", "/no/such/page", 404, "No encontrado", "No hay nada"),
    ("delete", f"/accords/{SLUG}/provisions/1.1.1/update", 405,
     "No disponible de esta forma", "Vuelva a la página"),
])
def test_error_pages_speak_the_readers_language(client, method, url, status, title, text):
    response = getattr(client, method)(url, headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == status and f"{status} · {title}" in html and text in html
    assert "Method Not Allowed" not in html and "Not Found" not in html


def test_times_are_shown_in_the_configured_zone_and_say_which(app, client, demo, make_user,
                                                               login, provision, monkeypatch):
    _editor, record = _submitted(client, make_user, login, provision)
    utc_page = client.get("/my/submissions").get_data(as_text=True)
    assert " UTC" in utc_page and "GMT" not in utc_page
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", "America/Bogota")
    bogota_page = client.get("/my/submissions").get_data(as_text=True)
    assert "GMT-05:00" in bogota_page
    from datetime import timezone

    wall = record.recorded_at.astimezone(timezone.utc).replace(tzinfo=None) - timedelta(hours=5)
    shown = f"{wall:%b} {wall.day}, {wall.year} {wall:%H:%M} GMT-05:00"  # the one format
    assert shown in bogota_page  # Bogotá keeps UTC-5 all year


def test_search_ignores_case_and_accents(client):
    def found(query):
        page = client.get(f"/accords/{SLUG}/provisions?q={query}").get_data(as_text=True)
        return set(re.findall(rf'href="/accords/{SLUG}/provisions/([\d.]+)"', page))

    accented = found("Planeación")
    assert accented and found("planeacion") == accented == found("PLANEACIÓN")
    assert found("zzz-nothing") == set()


def test_known_tags_are_named_in_the_readers_language(client):
    page = client.get(f"/accords/{SLUG}/provisions?tag=gender",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<option value="gender" selected>género</option>' in page
    assert '<span class="badge">género</span>' in page
    assert '<span class="badge">gender</span>' not in page


def test_figures_use_the_readers_decimal_sign(client):
    summary = client.get(f"/api/v1/accords/{SLUG}/summary?as_of=2019-02-28").get_json()
    shares = [v for v in summary["shares"].values() if v is not None and v != int(v)]
    assert shares, summary["shares"]
    spanish = client.get(f"/accords/{SLUG}/dashboard?as_of=2019-02-28",
                         headers={"Accept-Language": "es"}).get_data(as_text=True)
    english = client.get(f"/accords/{SLUG}/dashboard?as_of=2019-02-28").get_data(as_text=True)
    for share in shares:
        assert str(share).replace(".", ",") in spanish and str(share) in english
    assert str(shares[0]) not in re.sub(r"<[^>]+>", " ", spanish)  # visible text only


def test_masked_form_tokens_are_accepted_and_tampered_ones_refused(app, client, demo,
                                                                   make_user, login):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login(make_user("editor", demo))
        page = client.get("/account/password").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert token.startswith("m.")
        ok = client.post("/language/es", data={"csrf_token": token, "next": "/"})
        assert ok.status_code == 302
        tampered = token[:-6] + ("AAAA" if not token.endswith("AAAA==") else "BBBB") + "=="
        assert client.post("/language/en", data={"csrf_token": tampered,
                                                 "next": "/"}).status_code == 400
        assert client.post("/language/en", data={"next": "/"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_no_rate_limit_is_set_on_a_read(app):
    """Reads skip the rate limiter (extensions.UNLIMITED_METHODS); a limit set on a route
    that answers a read would then never apply, so none may be."""
    from flask_limiter.util import get_qualified_name

    from tracker.extensions import UNLIMITED_METHODS, limiter

    manager, found = limiter.limit_manager, 0
    assert not manager.default_limits and not manager.application_limits
    with app.test_request_context("/"):
        for rule in app.url_map.iter_rules():
            name = get_qualified_name(app.view_functions[rule.endpoint])
            for limit in manager.decorated_limits(name):
                found += 1
                methods = {m.upper() for m in (limit.methods or rule.methods)}
                assert not methods & UNLIMITED_METHODS, (rule.rule, limit)
    assert found  # the login's limit is seen


def test_the_language_switch_asks_a_form_token_of_logged_in_users_only(app, client, demo,
                                                                        make_user, login):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/methodology")
        assert b"csrf_token" not in page.data and "Set-Cookie" not in page.headers
        assert client.post("/language/es", data={"next": "/"}).status_code == 302
        assert '<html lang="es">' in client.get("/").get_data(as_text=True)
        login(make_user("editor", demo))
        assert client.post("/language/en", data={"next": "/"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_limiters_own_check_is_replaced_by_one_for_writes_only(app):
    """Its check resolves limits before a read can be spared; reads skip it altogether,
    while the login's limit still answers 429 (`test_login_attempts_are_rate_limited`)."""
    from tracker.extensions import limiter

    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "TESTING": True, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://"})
    hooks = limited.before_request_funcs[None]
    assert limiter._check_request_limit not in hooks
    assert [hook.__name__ for hook in hooks][0] == "_check_writes"
    with limited.app_context():
        db.session.remove()
