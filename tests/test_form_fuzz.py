"""Every form of the app, found by rendering the pages that hold forms as the role that may
post them, takes generated values in every field (text with control characters and NUL,
huge and negative numbers, odd Unicode, long strings, malformed links and dates, random
files) and never answers 5xx; when it refuses (400/422), nothing was stored.

Runs on SQLite and on PostgreSQL (TRACKER_TEST_DATABASE_URL). Each generated example runs
inside a savepoint rolled back afterwards, so examples never see each other's writes.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tracker import services
from tracker.domain.rules import Submission
from tracker.extensions import db
from tracker.models import Accord, Provision, User

SLUG = "colombia-2016-demo"
PROVISION = "1.1.1"
#: (role that may post, page holding the forms)
PAGES = [
    (None, "/login"),
    ("viewer", "/account/password"),
    ("coordinator", f"/accords/{SLUG}/provisions/{PROVISION}"),  # status, correction, priority
    ("coordinator", f"/accords/{SLUG}/provisions/{PROVISION}/edit"),
    ("coordinator", "/review"),  # verify / reject
    ("editor", f"/accords/{SLUG}/update"),  # upload
    ("admin", "/admin/users"),  # users, grants, organizations, revoke
]
#: Logging out is left out (it only ends the session). Forms every page carries (the
#: language switch) are fuzzed once, from the first page holding them.
SKIPPED_ACTIONS = ("/logout",)


@dataclass
class Form:
    page: str
    action: str
    fields: list[dict] = field(default_factory=list)  # name, kind, value, options

    @property
    def key(self) -> tuple:
        """Forms that differ only by a record's id (a grant or revoke per user) count once."""
        return re.sub(r"/[0-9]+(?=/|$)", "/N", self.action), tuple(
            sorted(f["name"] for f in self.fields))


class _FormParser(HTMLParser):
    """The POST forms of a page: inputs, selects (options), textareas, submit buttons."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.form, self.select, self.textarea = page, [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.form = Form(self.page, attrs.get("action") or self.page)
            self.forms.append(self.form)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))
            if "selected" in attrs or self.select["value"] is None:
                self.select["value"] = attrs.get("value", "")
        elif self.form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                value = None
            else:
                value = attrs.get("value", "on" if kind == "checkbox" else "")
            self.form.fields.append({"name": attrs["name"], "kind": kind, "value": value,
                                     "options": []})
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self.form.fields.append({"name": attrs["name"], "kind": "submit",
                                     "value": attrs.get("value", ""), "options": []})
        elif tag == "select":
            self.select = {"name": attrs["name"], "kind": "select", "value": None, "options": []}
            self.form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = {"name": attrs["name"], "kind": "textarea", "value": "",
                             "options": []}
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea["value"].startswith("\n"):
                self.textarea["value"] = self.textarea["value"][1:]
            self.textarea = None


# --- generated values --------------------------------------------------------------------------

SPECIAL = [
    "", " ", "\x00", "a\x00b", "line\x0bbreak", "form\x0cfeed", "\r\n", "bell\x07", "\x1b[31m",
    "\x7f", "\x85", "\x9b", "\u2028", "\u202e", "e\u0301", "\ufeff", "\uffff", "🇨🇴", "Ñandú",
    "0", "-1", str(2 ** 31), str(2 ** 63), str(-2 ** 63 - 1), "9" * 5000, "1e309", "NaN",
    "１２３", "٣", "1_000", "0x10",
    "https://[::1", "http://[::1]x/", "https://[not-ipv6]/", "https://host:99999/",
    "javascript:alert(1)", "ftp://x", "https://", "//example.org", "http://exa mple.org",
    "2025-W11-1", "20250316", "2025-02-30", "0000-00-00", "9999-12-31", "0001-01-01",
    "2016-11-24", "2024-05-01",
    "x" * 20000, "Ñ" * 301, "ab" * 600, "=1+1", "<script>alert(1)</script>",
    "yes", "no", "true", "admin", "coordinator", "editor", "viewer", "/a\r\nb", "/\\evil.org",
]
TEXT = st.one_of(
    st.sampled_from(SPECIAL), st.sampled_from(SPECIAL),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                          exclude_categories=("Cs",)), max_size=60),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str),
    st.text(st.sampled_from("aé\x00\x0b\n\t- "), min_size=200, max_size=3000),
)
#: Values every field is sure to get (explicit examples), whatever the random draws do.
ALWAYS = ["a\x00b", str(2 ** 63), "9" * 5000, "https://[::1"]


def _data(form: Form, fuzzed: str, value: str, content: bytes) -> dict:
    """The form as rendered (one submit button pressed), with field `fuzzed` set to `value`
    (a file field gets `content`, named `value`): a form otherwise valid reaches the code
    behind its validation."""
    data: dict = {}
    for spec in form.fields:
        name = spec["name"]
        if spec["kind"] == "submit" or name == "csrf_token":
            continue
        if name == fuzzed:
            data[name] = (io.BytesIO(content), value[:300] + ".xlsx") \
                if spec["kind"] == "file" else value
        elif spec["kind"] == "file":
            data[name] = (io.BytesIO(b""), "")
        elif spec["value"] is not None:
            data[name] = spec["value"]
    submits = [f for f in form.fields if f["kind"] == "submit"]
    if submits:  # the fuzzed button when one is chosen, else the first
        pressed = next((f for f in submits if f["name"] == fuzzed), submits[0])
        data[pressed["name"]] = pressed["value"] or "1"
    return data


# --- the forms ---------------------------------------------------------------------------------

def _state() -> dict:
    """What a refused POST must leave unchanged: rows per table, versions and revisions."""
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
              for t in db.metadata.sorted_tables}
    counts["provision versions"] = db.session.scalar(select(func.sum(Provision.version)))
    counts["accord revisions"] = db.session.scalar(select(func.sum(Accord.revision)))
    return counts


@pytest.fixture
def people(demo, make_user):
    """One account per role, and a pending record for the review queue."""
    users = {role: make_user(role, None if role == "admin" else demo)
             for role in ("admin", "coordinator", "editor", "viewer")}
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "1.1.2"))
    services.submit([services.StatusChange(provision, Submission(3, demo.signed_on.replace(
        year=demo.signed_on.year + 2), None, "Report"), provision.version)], verified=False)
    return {role: user.id for role, user in users.items()}


def _log_in(client, user_id: int | None) -> None:
    with client.session_transaction() as session:
        session.clear()
        if user_id is not None:
            session["_user_id"] = db.session.get(User, user_id).session_token
            session["_fresh"] = True


def _forms(client, people) -> list[tuple[str | None, Form]]:
    found, seen = [], set()
    for role, page in PAGES:
        _log_in(client, people.get(role))
        response = client.get(page)
        assert response.status_code == 200, (role, page, response.status_code)
        parser = _FormParser(page)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form.key in seen or form.action.startswith(SKIPPED_ACTIONS):
                continue
            seen.add(form.key)
            found.append((role, form))
    return found


EXPECTED_FORMS = {"/login", "/account/password", "/update", "/priority", "/edit",
                  "/review/", "/accords/colombia-2016-demo/update", "/admin/users",
                  "/roles", "/revoke", "/admin/organizations", "/language/"}


def test_every_expected_form_is_found(client, people):
    actions = [form.action for _role, form in _forms(client, people)]
    for fragment in EXPECTED_FORMS:
        assert any(fragment in action for action in actions), (fragment, actions)
    status = next(form for _r, form in _forms(client, people) if form.action.endswith(
        f"/{PROVISION}/update"))
    assert {"corrects", "evidence_url", "note", "version"} <= {f["name"] for f in status.fields}


def _fuzz_ids():
    return [f"{role or 'anonymous'}:{page}" for role, page in PAGES]


@pytest.mark.parametrize("page_index", range(len(PAGES)), ids=_fuzz_ids())
def test_generated_values_in_every_form_never_get_a_5xx(client, people, page_index):
    """Each form of the page gets EXAMPLES generated posts."""
    role, page = PAGES[page_index]
    forms = [(r, f) for r, f in _forms(client, people) if f.page == page]
    assert forms, page
    for form_role, form in forms:
        _fuzz(client, people, form_role, form)


EXAMPLES = 30


def _fuzz(client, people, role, form: Form) -> None:
    connection = db.session().bind
    names = sorted({f["name"] for f in form.fields if f["name"] != "csrf_token"})
    examples = EXAMPLES if names else 1  # a one-button form: posting it once says enough
    names = names or ["(none)"]
    options = sorted({o for f in form.fields for o in f["options"]})
    values = st.one_of(TEXT, st.sampled_from(options)) if options else TEXT

    def post(fuzzed, value, content):
        payload = _data(form, fuzzed, value, content)
        db.session.remove()  # the session's own savepoints must open inside this one
        savepoint = connection.begin_nested()
        try:
            _log_in(client, people.get(role))
            before = _state()
            response = client.post(form.action, data=payload,
                                   content_type="multipart/form-data")
            assert response.status_code < 500, (form.action, fuzzed, value,
                                                response.status_code)
            if response.status_code in (400, 422):
                db.session.expire_all()
                assert _state() == before, (form.action, fuzzed, value)
        finally:
            db.session.remove()
            savepoint.rollback()

    test = given(fuzzed=st.sampled_from(names), value=values,
                 content=st.one_of(st.binary(max_size=600),
                                   st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b)))(
        post)
    for name in names if examples > 1 else ():
        for value in ALWAYS:
            test = example(fuzzed=name, value=value, content=b"PK\x03\x04")(test)
    settings(max_examples=examples, deadline=None, database=None,
             suppress_health_check=list(HealthCheck))(test)()
