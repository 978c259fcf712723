"""Failed forms and readable pages: every form that fails shows an error summary at the top
(each error a link to its field's id, focused on load); refusals that used to be bare error
pages (a grant, an organisation, a review reason) re-render the form (400) with the input kept;
no page repeats an element id; the audit log reads field by field; a provision's history says
who reviewed each record; out-of-range pages and dashboard dates keep the user on the page."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tracker import services
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.models import AuditEvent, Provision, Section, StatusRecord

from conftest import PASSWORD
from test_forms_roundtrip import _urls, pages_ready  # noqa: F401  (the fixture is shared)

SLUG = "colombia-2016-demo"


class _Ids(HTMLParser):
    """Every element id of a page, in order, and the error summaries' link targets."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.summaries: list[dict] = []
        self._in_summary = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "error-summary" in (attrs.get("class") or "").split():
            self.summaries.append(attrs)
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def ids_of(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def assert_summary(response, *fields: str) -> str:
    """The page holds one error summary, focusable and focused on load, whose links all lead
    to elements of the page, among them `fields`; returns the page."""
    html = response.get_data(as_text=True)
    page = ids_of(html)
    assert len(page.summaries) == 1, html[:2000]
    box = page.summaries[0]
    assert box.get("tabindex") == "-1" and "autofocus" in box and box.get("role") == "alert"
    assert page.links, "the summary links no field"
    for target in page.links:
        assert target in page.ids, f"#{target} links to nothing"
    for name in fields:
        assert name in page.links, (name, page.links)
    main = html.split("<main>")[1]
    if '<form method="post"' in main:  # at the top: before the first form of the page
        assert main.index('class="error-summary"') < main.index('<form method="post"')
    return html


def _provision(demo, code="6.1.5") -> Provision:
    return db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                     Provision.code == code))


def _pending(provision) -> StatusRecord:
    level = services.current_level(provision, date.today())
    record, = services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, date.today(), None, "Decree of this year"), provision.version)],
        verified=False)
    db.session.commit()
    return record


# --- the error summary on every form --------------------------------------------------------

def test_login_and_password_forms(client, make_user, login):
    assert_summary(client.post("/login", data={"email": "", "password": ""}), "email",
                   "password")
    user = login(make_user("viewer"))
    response = client.post("/account/password", data={"current": "wrong password here",
                                                      "new": "short", "confirm": "other"})
    assert response.status_code == 400
    assert_summary(response, "new", "confirm")
    del user


def test_a_password_change_to_the_same_password_is_refused(client, make_user, login):
    user = login(make_user("viewer"))
    response = client.post("/account/password", data={"current": PASSWORD, "new": PASSWORD,
                                                      "confirm": PASSWORD})
    assert response.status_code == 400
    html = assert_summary(response, "new")
    assert "The new password is the current one" in html
    db.session.refresh(user)
    assert response.status_code == 400


def test_status_update_priority_and_edit_forms(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    base = f"/accords/{SLUG}/provisions/6.1.5"
    provision = _provision(demo)
    response = client.post(base + "/update", data={
        "version": provision.version, "level": "9", "effective_on": "2010-01-01",
        "evidence_text": "kept evidence"})
    assert response.status_code == 400
    html = assert_summary(response, "level")
    assert "kept evidence" in html
    response = client.post(base + "/priority", data={
        "version": provision.version, "priority": "maybe", "effective_on": "",
        "reason": ""})
    assert response.status_code == 400
    html = assert_summary(response, "priority-priority")
    assert 'id="priority-error-summary"' in html
    response = client.post(base + "/edit", data={"version": provision.version, "text": "",
                                                 "tags": "", "deadline": "not a date"})
    assert response.status_code == 400
    assert_summary(response, "text")


def test_a_reject_without_reason_re_renders_the_queue_with_the_message(client, demo,
                                                                      make_user, login,
                                                                      row_counts):
    record = _pending(_provision(demo))
    login(make_user("coordinator", demo))
    before = row_counts()
    response = client.post(f"/review/{record.id}", data={"reason": "  ", "reject": "Reject"})
    assert response.status_code == 400
    html = assert_summary(response, f"reason-{record.id}")
    assert f'id="reason-{record.id}-error"' in html
    assert "a reason is required to reject a submission" in html
    long_reason = "Evidence does not support the level. " * 30  # over 1000 characters
    response = client.post(f"/review/{record.id}", data={"reason": long_reason,
                                                         "reject": "Reject"})
    assert response.status_code == 400
    html = assert_summary(response, f"reason-{record.id}")
    assert "Evidence does not support the level." in html  # the typed reason is kept
    assert row_counts() == before
    db.session.refresh(record)
    assert record.review_state == "pending"


def test_admin_account_grant_and_organisation_forms(client, demo, make_user, login,
                                                    row_counts):
    login(make_user("admin"))
    target = make_user("viewer")
    before = row_counts()
    response = client.post("/admin/users", data={"email": "", "password": "x"})
    assert response.status_code == 400
    assert_summary(response, "email", "password")
    response = client.post(f"/admin/users/{target.id}/roles", data={"role": ""})
    assert response.status_code == 400
    html = assert_summary(response, f"role-{target.id}")
    assert f"The role was not granted to {target.email}" in html
    other = db.session.scalar(select(Section).where(Section.accord_id != demo.id)) or \
        db.session.scalar(select(Section).where(Section.accord_id == demo.id))
    response = client.post(f"/admin/users/{target.id}/roles",
                           data={"role": "editor", "accord": "", "section": str(other.id)})
    assert response.status_code == 400
    assert_summary(response, f"section-{target.id}")
    response = client.post(f"/admin/users/{target.id}/roles", data={"role": "admin"})
    assert response.status_code == 400
    assert_summary(response, f"confirm-admin-{target.id}")
    response = client.post("/admin/organizations", data={"name": ""})
    assert response.status_code == 400
    assert_summary(response, "organization-name")
    assert row_counts() == before


def test_a_new_account_reports_every_field_error_at_once(client, make_user, login,
                                                        row_counts):
    """The email's format and an existing account are checked with the form's validation, so
    a bad email, a short password and an unconfirmed administrator show together."""
    admin = login(make_user("admin"))
    before = row_counts()
    response = client.post("/admin/users", data={"email": "no-es-correo", "password": "x",
                                                 "role": "admin"})
    assert response.status_code == 400
    html = assert_summary(response, "email", "password", "confirm_admin")
    assert "&#39;no-es-correo&#39; is not an email address" in html
    response = client.post("/admin/users", data={"email": admin.email.upper(), "password": "x",
                                                 "role": "viewer"})
    assert response.status_code == 400  # bad input beside the taken e-mail
    html = assert_summary(response, "email", "password")
    assert f"a user with email {admin.email} already exists" in html
    assert row_counts() == before


def test_an_email_another_account_has_is_a_conflict_as_a_taken_cutoff_label_is(
        client, make_user, login, row_counts):
    """A new account whose only fault is an e-mail another account has: 409 (a conflict
    with stored data), its reason at the field, the input kept, nothing created; a
    duplicate cut-off label was already 409 where this was 400."""
    admin = login(make_user("admin"))
    before = row_counts()
    response = client.post("/admin/users", data={
        "email": admin.email.upper(), "password": "a long enough password", "role": "viewer",
        "name": "Ana Pérez"})
    assert response.status_code == 409
    html = assert_summary(response, "email")
    assert f"a user with email {admin.email} already exists" in html
    assert "Ana Pérez" in html
    assert row_counts() == before


def test_revoke_is_offered_only_where_allowed_and_a_refusal_keeps_the_page(
        client, make_user, login):
    """No revoke button for the administrator's own administrator role; a refused revoke
    (a stale page, a crafted POST) re-renders the accounts page with its reason (409)."""
    from tracker.models import RoleGrant

    me = login(make_user("admin"))
    other = make_user("admin")
    own = next(g for g in me.roles if g.role == "admin")
    theirs = next(g for g in other.roles if g.role == "admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/roles/{own.id}/revoke" not in page
    assert f"/admin/roles/{theirs.id}/revoke" in page
    response = client.post(f"/admin/roles/{own.id}/revoke")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The role was not revoked" in html and "your own administrator role" in html
    assert '<table class="list users cards">' in html  # the accounts page, not an error page
    assert db.session.get(RoleGrant, own.id) is not None


def test_upload_reference_and_cutoff_forms(client, demo, make_user, login):
    login(make_user("admin"))
    response = client.post(f"/accords/{SLUG}/update", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert_summary(response, "workbook")
    response = client.post(f"/accords/{SLUG}/update",
                           data={"workbook": (io.BytesIO(b"not,a,workbook\n"), "u.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = assert_summary(response, "workbook")
    assert "The file was not accepted. Nothing was recorded." in html
    response = client.post("/admin/reference-sets/", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert_summary(response, "file")
    from tracker.models import ReferenceSet

    label = db.session.scalar(select(ReferenceSet.label).order_by(ReferenceSet.id))
    response = client.post(f"/admin/reference-sets/{label}/delete", data={})  # not confirmed
    assert response.status_code == 400
    html = assert_summary(response)
    assert f"Reference set {label}: nothing was changed." in html
    assert ids_of(html).links[0].startswith("set-")  # the set's card
    response = client.post(f"/accords/{SLUG}/cutoffs", data={"label": "", "as_of": "2010-01-01"})
    assert response.status_code == 400
    assert_summary(response, "label")


# --- no duplicate ids -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "coordinator", "editor", None])
def test_no_page_repeats_an_element_id(app, client, demo, make_user, login, pages_ready, role):
    if role is not None:
        login(pages_ready["editor"] if role == "editor" else make_user(
            role, demo if role != "admin" else None))
    seen = 0
    for url in _urls(app, demo, pages_ready):
        page = client.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        ids = ids_of(page.get_data(as_text=True)).ids
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{url} as {role} repeats id(s) {repeated}"
        seen += 1
    assert seen > 10


# --- readable pages -------------------------------------------------------------------------

def test_the_audit_log_reads_field_by_field_with_accents(client, make_user, login):
    login(make_user("admin"))
    db.session.add(AuditEvent(actor="ana@example.org", action="provision.edit",
                              object_type="provision", object_id=7,
                              before={"text": "Se publicó el decreto", "tags": ["gender"],
                                      "priority": False},
                              after={"text": "Se publicó la ley", "tags": ["gender", "ethnic"],
                                     "priority": True}))
    db.session.commit()
    html = client.get("/admin/audit?action=provision.edit").get_data(as_text=True)
    assert "\\u00f3" not in html and "{&#34;" not in html and '{"' not in html
    row = html[html.index("ana@example.org"):]
    row = row[:row.index("</tr>\n  {%") if "</tr>\n  {%" in row else row.index("</table>")]
    for text in ("Se publicó el decreto", "Se publicó la ley", "gender, ethnic", ">yes<", ">no<",
                 ">Text<", ">Tags<", ">Priority<"):
        assert text in row, text


def test_field_changes_line_up_before_and_after():
    from tracker.admin.changes import field_changes, plain

    rows = field_changes({"a": 1, "b": [1, 2]}, {"b": [1, 2], "c": None})
    assert [(r.field, r.before, r.after, r.changed) for r in rows] == [
        ("a", 1, None, True), ("b", [1, 2], [1, 2], False), ("c", None, None, True)]
    assert field_changes(None, None) == []
    assert [r.field for r in field_changes(None, "bare")] == ["value"]
    assert plain({"x": True, "y": [None, "é"]}) == "x: yes; y: —, é"


def test_the_history_says_who_reviewed_each_record_and_when(client, demo, make_user, login):
    provision = _provision(demo)
    record = _pending(provision)
    coordinator = login(make_user("coordinator", demo, email="reviewer@example.org"))
    response = client.post(f"/review/{record.id}", data={"verify": "Verify"})
    assert response.status_code == 303
    html = client.get(f"/accords/{SLUG}/provisions/6.1.5").get_data(as_text=True)
    history = html[html.index("timeline-list"):]
    assert f"by {coordinator.email}" in history
    db.session.refresh(record)
    assert record.reviewed_at is not None and record.reviewed_by_id == coordinator.id


def test_a_page_past_the_end_shows_the_last_page_with_a_message(client):
    response = client.get(f"/accords/{SLUG}/provisions?page=99")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    last = re.search(r"page (\d+) of (\d+)", html)
    assert last and last.group(1) == last.group(2) != "99"
    assert f"There is no page 99: the list has {last.group(2)} pages" in html
    assert "page 99 of" not in html


@pytest.mark.parametrize("as_of, reason", [
    ("2010-01-01", "is before the accord was signed"),
    ((date.today() + timedelta(days=3)).isoformat(), "is in the future"),
    ("2019-02-30", "is not a date"),
])
def test_a_dashboard_date_that_cannot_be_shown_keeps_the_dashboard(client, as_of, reason):
    response = client.get(f"/accords/{SLUG}/dashboard?as_of={as_of}&section=1")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="table-headline"' in html  # the whole dashboard, not an error page
    assert_summary(response, "as_of")
    assert f'id="as_of-error"' in html and reason in html
    kept = as_of if as_of != "2019-02-30" else ""  # the date as typed, when a date
    assert f'name="as_of" id="as_of" value="{kept}"' in html
    assert '<option value="1" selected>' in html  # the other choices kept


def test_every_dashboard_choice_that_cannot_be_used_is_named_at_its_field(client):
    """A point, a tag and a year the accord lacks and a future date, all at once: the whole
    dashboard as of today with the choices left out, each refusal at its field and all of
    them in the one error summary; the choices that can be used are kept."""
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.get(f"/accords/{SLUG}/dashboard?as_of={future}&section=99&tag=zzz"
                          "&year=77")
    html = assert_summary(response, "as_of", "section", "tag", "year")
    assert response.status_code == 400 and 'id="table-headline"' in html
    for field, words in (("section", "“99” is not a point or theme of this accord: choose "
                                     "one from the list."),
                         ("tag", "No provision of this accord carries the tag “zzz”"),
                         ("year", "“77” is not a year since signing: choose one from 1 to 10, "
                                  "or “Now (the year under way)”."),
                         ("as_of", "is in the future")):
        assert f'id="{field}-error"' in html and words in html, field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html), field
    assert "Some choices could not be used" in html
    assert "Point or theme: “99” is not a point or theme" in html  # named in the summary
    provision = client.get(f"/accords/{SLUG}/dashboard?section=1.1.1").get_data(as_text=True)
    assert ("“1.1.1” is a provision, not a point or theme: choose its section (1.1) or "
            "another from the list.") in provision
    kept = client.get(f"/accords/{SLUG}/dashboard?section=1&tag=zzz")
    html = assert_summary(kept, "tag")
    assert kept.status_code == 400 and '<option value="1" selected>' in html
    assert 'id="section-error"' not in html


def test_the_api_names_every_filter_the_accord_lacks(client):
    answer = client.get(f"/api/v1/accords/{SLUG}/summary?section=99&tag=zzz")
    assert answer.status_code == 400
    assert answer.get_json()["message"] == ("section='99' matches no provision of this "
                                            "accord; tag='zzz' matches no provision of "
                                            "this accord")
