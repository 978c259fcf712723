"""Accounts: least privilege by default, granting roles, logout that ends every copy of the
session, and login answers that do not tell which emails have accounts."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tracker import accounts
from tracker.extensions import db
from tracker.models import Accord, RoleGrant, User

from conftest import PASSWORD
from htmlforms import parse

SLUG = "colombia-2016-demo"


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin"))


def _new_account(**values) -> dict:
    data = {"email": "new.partner@example.org", "name": "", "organization": "",
            "password": "a long enough password", "role": "viewer", "accord": "", "section": ""}
    data.update(values)
    return data


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_new_account_is_a_viewer_by_default(client, admin):
    page = parse(client.get("/admin/users").get_data(as_text=True))
    form = next(f for f in page.forms if f.action.endswith("/admin/users"))
    assert form.submission()["role"] == ["viewer"]
    response = client.post("/admin/users", data=_new_account())
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "new.partner@example.org"))
    assert [(g.role, g.accord_id) for g in user.roles] == [("viewer", None)]


def test_an_administrator_needs_the_confirmation(client, admin):
    count = _users()
    response = client.post("/admin/users", data=_new_account(role="admin"))
    assert response.status_code == 400
    assert "An administrator account must be confirmed" in response.get_data(as_text=True)
    assert _users() == count
    response = client.post("/admin/users", data=_new_account(role="admin", confirm_admin="y"))
    assert response.status_code == 303 and _users() == count + 1


def test_an_admin_grants_a_role_from_the_page(client, admin, make_user, demo):
    partner = make_user("viewer")
    page = parse(client.get("/admin/users").get_data(as_text=True))
    form = next(f for f in page.forms if f.action.endswith(f"/admin/users/{partner.id}/roles"))
    roles = next(c for c in form.controls if c.name == "role")
    accords = next(c for c in form.controls if c.name == "accord")
    assert {"viewer", "editor", "coordinator", "admin"} <= {o[0] for o in roles.options}
    assert demo.slug in {o[0] for o in accords.options}
    data = form.submission()
    assert client.post(form.action, data=data).status_code == 400  # no role chosen yet
    data.update(role=["editor"], accord=[demo.slug])
    assert client.post(form.action, data=data).status_code == 303
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == partner.id))
    assert ("editor", demo.id) in {(g.role, g.accord_id) for g in grants}


def test_a_grant_sent_again_grants_nothing_twice_and_a_held_role_is_a_conflict(
        client, admin, make_user, login, demo):
    partner = make_user("viewer")
    url = f"/admin/users/{partner.id}/roles"
    data = {"role": "editor", "accord": demo.slug, "section": ""}
    assert client.post(url, data=data).status_code == 303
    grants = select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id == partner.id)
    count = db.session.scalar(grants)
    again = client.post(url, data=data, follow_redirects=True)
    assert again.status_code == 200
    assert "Nothing changed: this role is already granted." in again.get_data(as_text=True)
    login(make_user("admin"))  # another administrator: the role is held, a conflict
    held = client.post(url, data=data)
    assert held.status_code == 409 and "already granted" in held.get_data(as_text=True)
    assert client.post(url, data={"role": "viewer"}).status_code == 409  # held since creation
    assert db.session.scalar(grants) == count


def test_revoking_asks_first_and_a_role_revoked_already_is_a_conflict(client, admin,
                                                                       make_user, demo):
    from tracker.models import AuditEvent, Section

    section = db.session.scalar(select(Section).where(Section.accord_id == demo.id)
                                .order_by(Section.id).limit(1))
    partner = make_user("editor", demo, section)
    grant = next(g for g in partner.roles if g.section_id == section.id)
    url = f"/admin/roles/{grant.id}/revoke"
    asked = client.post(url)  # the list's button: a page that asks, nothing revoked
    assert asked.status_code == 200 and db.session.get(RoleGrant, grant.id) is not None
    form = next(f for f in parse(asked.get_data(as_text=True)).forms if f.action.endswith(url))
    assert client.post(url, data=form.submission()).status_code == 303
    assert db.session.get(RoleGrant, grant.id) is None
    again = client.post(url, data=form.submission())  # from another tab, or the Back button
    assert again.status_code == 409
    assert "it was revoked already" in again.get_data(as_text=True)
    revoked = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.revoke")
                                .order_by(AuditEvent.id.desc()).limit(1))
    assert revoked.before == {"user": partner.email, "role": "editor", "accord": demo.slug,
                              "section": section.code}


def test_a_weaker_role_beside_a_stronger_one_is_refused_with_the_stronger_named(
        client, admin, make_user, demo):
    """A coordinator of the accord given the editor role there too, or a role over one of
    its sections, would hold two roles where one counts (and keep the weaker after the
    stronger is revoked): 409 naming the role held, nothing granted; the same from the
    command line; a stronger role is still granted."""
    from tracker.models import Section

    partner = make_user("coordinator", demo)
    url = f"/admin/users/{partner.id}/roles"
    section = db.session.scalar(select(Section.id).where(Section.accord_id == demo.id).limit(1))
    grants = select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id == partner.id)
    count = db.session.scalar(grants)
    for data in ({"role": "editor", "accord": demo.slug},
                 {"role": "viewer", "accord": demo.slug, "section": str(section)},
                 {"role": "coordinator", "accord": demo.slug, "section": str(section)}):
        refused = client.post(url, data=data)
        text = refused.get_data(as_text=True)
        assert refused.status_code == 409, data
        assert (f"already holds the coordinator role over {demo.slug}, which includes this "
                "one: revoke it first to give a weaker role") in text
    assert db.session.scalar(grants) == count
    with pytest.raises(accounts.AccountError, match="revoke it first"):
        accounts.grant_role(partner.email, "viewer", accord_slug=demo.slug)
    assert client.post(url, data={"role": "admin", "confirm_admin": "y"}).status_code == 303
    assert db.session.scalar(grants) == count + 1


def test_a_refused_grant_shows_the_reason_at_its_field(client, admin, make_user, demo):
    from tracker.models import Section

    partner = make_user("viewer")
    url = f"/admin/users/{partner.id}/roles"
    refused = client.post(url, data={"role": "admin"})  # not confirmed
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'id="confirm-admin-{partner.id}-error"' in html
    assert f'aria-describedby="confirm-admin-{partner.id}-error"' in html
    section = db.session.scalar(select(Section.id).where(Section.accord_id == demo.id).limit(1))
    refused = client.post(url, data={"role": "editor", "accord": "", "section": str(section)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'id="section-{partner.id}-error"' in html
    error = html.split(f'id="section-{partner.id}-error"', 1)[1].split("</div>", 1)[0]
    assert "must belong to the chosen accord" in error


# --- logout ------------------------------------------------------------------------------------

def _log_in_through_the_form(client, user, remember: bool):
    data = {"email": user.email, "password": PASSWORD, "next": ""}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_before_logout_no_longer_works(app, client, make_user, cookie):
    user = make_user("editor")
    _log_in_through_the_form(client, user, remember=True)
    assert client.get("/account/password").status_code == 200
    copied = client.get_cookie(cookie)
    assert copied is not None
    client.post("/logout", data={})
    thief = app.test_client()
    thief.set_cookie(cookie, copied.value)
    response = thief.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _log_in_through_the_form(client, user, remember=False)  # the owner logs in again
    assert client.get("/account/password").status_code == 200


# --- which emails have accounts --------------------------------------------------------------

class _SpyHasher:
    """The real hasher, counting the hashes it verifies against."""

    def __init__(self, real):
        self.real, self.verified = real, []

    def hash(self, password):
        return self.real.hash(password)

    def verify(self, hash_, password):
        self.verified.append(hash_)
        return self.real.verify(hash_, password)


def _attempt(client, email: str):
    return client.post("/login", data={"email": email, "password": "wrong password!",
                                       "next": ""})


def _comparable(response, email: str):
    body = response.get_data(as_text=True).replace(email, "EMAIL")
    body = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "CSRF", body)
    body = body.replace(response.headers["X-Request-ID"], "REQUEST")  # error pages show it
    headers = sorted((k, v) for k, v in response.headers.items()
                     if k not in ("X-Request-ID", "Content-Length", "Set-Cookie"))
    cookies = sorted(c.split("=")[0] for c in response.headers.getlist("Set-Cookie"))
    return response.status_code, body, headers, cookies


def test_unknown_and_known_emails_get_the_same_answers(app, client, make_user, monkeypatch):
    known = make_user("editor", email="known1@example.org").email
    unknown = "nobody@example.org"  # same length: the pages must match byte for byte
    assert len(known) == len(unknown)
    spy = _SpyHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", spy)
    verified = spy.verified
    for attempt in range(app.config["LOGIN_ATTEMPTS"] + 2):
        verified.clear()
        answers = [_comparable(_attempt(client, email), email) for email in (known, unknown)]
        assert answers[0] == answers[1], attempt
        expected = 429 if attempt >= app.config["LOGIN_ATTEMPTS"] else 400
        assert answers[0][0] == expected
        if expected == 400:  # one argon2 verification each, a dummy one for the unknown email
            assert len(verified) == 2 and verified[1] != verified[0]
    assert db.session.scalar(select(User).where(User.email == unknown)) is None


def test_an_inactive_account_costs_a_verification_too(client, make_user, monkeypatch):
    user = make_user("editor")
    user.active = False
    db.session.commit()
    spy = _SpyHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", spy)
    calls = spy.verified
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": ""})
    assert response.status_code == 400 and len(calls) == 1


def test_the_lock_out_of_an_unknown_email_ends(app, client, monkeypatch):
    from datetime import timedelta

    from tracker import models

    email = "ghost@example.org"
    for _ in range(app.config["LOGIN_ATTEMPTS"]):
        assert _attempt(client, email).status_code == 400
    assert _attempt(client, email).status_code == 429
    later = models.utcnow() + timedelta(seconds=app.config["LOGIN_LOCKOUT_SECONDS"] + 1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    assert _attempt(client, email).status_code == 400


# --- private records, caching, allowed methods ----------------------------------------------

def _pending_record(client, make_user, login, demo):
    from datetime import date

    from tracker import services
    from tracker.domain.rules import Submission
    from tracker.models import Provision

    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "1.1.1"))
    return services.submit([services.StatusChange(provision, Submission(
        3, date.today(), None, "Decree"), provision.version)], verified=False)[0]


def test_a_private_accords_record_is_not_found_like_a_missing_one(client, demo, make_user,
                                                                  login):
    record = _pending_record(client, make_user, login, demo)
    demo.public = False
    db.session.commit()
    reference = db.session.scalar(select(Accord).where(Accord.kind == "reference"))
    login(make_user("coordinator", reference))
    hidden = client.post(f"/review/{record.id}", data={"verify": "Verify"})
    missing = client.post("/review/999999", data={"verify": "Verify"})
    assert hidden.status_code == missing.status_code == 404
    assert record.review_state == "pending"


def test_pages_of_logged_in_users_are_not_stored(client, demo, make_user, login):
    login(make_user("admin"))
    for path in ("/admin/users", "/admin/audit", "/review", "/my/submissions",
                 "/account/password", f"/accords/{SLUG}/update", f"/accords/{SLUG}",
                 f"/accords/{SLUG}/provisions/1.1.1", f"/accords/{SLUG}/provisions/1.1.1/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_upload_preview_is_not_stored(client, demo, make_user, login):
    from tracker.excel import update
    from tracker.models import UploadBatch

    editor = login(make_user("editor", demo))
    batch = UploadBatch(user_id=editor.id, accord_id=demo.id, filename="u.xlsx",
                        sha256="0" * 64, content=update.update_workbook(demo), state="pending")
    db.session.add(batch)
    db.session.commit()
    response = client.get(f"/accords/{SLUG}/update/{batch.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method, path", [("post", "/api/v1/accords"),
                                          ("delete", f"/api/v1/accords/{SLUG}/summary"),
                                          ("put", "/logout")])
def test_a_405_names_the_allowed_methods(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed and ("GET" in allowed) == (path != "/logout")


def test_a_page_opened_at_a_form_s_address_is_sent_to_the_page_of_the_form(app, client):
    """Every address that only takes a form's submission, opened as a page (a bookmark, a
    shared link, the address a refused form was answered at): a 303 to the nearest page
    above it, which answers a GET, never a 405 page; the API keeps its 405."""
    samples = {"slug": SLUG, "code": "1.1.1", "label": "PAM 2015"}
    rules = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.rule, (rule, set()))[1].update(rule.methods - {"HEAD", "OPTIONS"})
    form_only = [rule for rule, methods in rules.values() if methods == {"POST"}]
    assert len(form_only) >= 10
    adapter = app.url_map.bind("localhost")
    for rule in form_only:
        values = {name: samples.get(name, 1) for name in rule.arguments}
        if rule.endpoint.endswith("language") or "code" in values and "slug" not in values:
            values["code"] = "es"
        path = adapter.build(rule.endpoint, values)
        answer = client.get(path)
        assert answer.status_code == 303, (path, answer.status_code)
        target = answer.headers["Location"]
        assert target != path and path.startswith(target.rstrip("/") or "/"), (path, target)
        adapter.match(target, method="GET")  # a page answers there
    assert client.get(f"/accords/{SLUG}/provisions/1.1.1/update").headers["Location"] == \
        f"/accords/{SLUG}/provisions/1.1.1"
    assert client.post(f"/api/v1/accords/{SLUG}/summary").status_code == 405
    for path in ("/admin/organizations", "/admin/roles/1/revoke"):  # forms of /admin/users
        assert client.get(path).headers["Location"] == "/admin/"


def test_the_administration_opens_on_its_accounts(client, make_user, login):
    assert client.get("/admin/").headers["Location"].startswith("/login")
    login(make_user("admin"))
    assert client.get("/admin/").headers["Location"] == "/admin/users"


def test_an_organization_is_registered_once_whatever_its_case_and_spaces(client, admin):
    """Saving a name already registered (in any case, with stray spaces) says so and adds
    nothing; an account created under such a name joins the organization registered."""
    from tracker.models import Organization

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(Organization))

    before = count()
    first = client.post("/admin/organizations", data={"name": "Fundación Paz y Territorio"},
                        follow_redirects=True)
    assert "Organization saved." in first.get_data(as_text=True) and count() == before + 1
    again = client.post("/admin/organizations",
                        data={"name": "  fundación  paz y TERRITORIO "}, follow_redirects=True)
    assert ("Nothing changed: the organization Fundación Paz y Territorio is already "
            "registered.") in again.get_data(as_text=True)
    assert count() == before + 1
    assert accounts.organization_named("FUNDACIÓN PAZ Y TERRITORIO").name == \
        "Fundación Paz y Territorio" and count() == before + 1
