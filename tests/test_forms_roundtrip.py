"""Every form of the app, submitted exactly as a browser shows it, changes nothing; every page
that holds a form gives each select real options and each control a label.

Pages are found from the app's URL map (every GET page, as an administrator, a coordinator,
an editor and a visitor), so a new page or form is covered without being listed here. A
form that only carries buttons (log out, language, revoke, verify/reject, confirm/discard
an upload) is an action, not an edit: it is named in ACTIONS and never submitted blindly.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, update

from tracker import services
from tracker.domain.rules import Submission
from tracker.excel.update import update_workbook
from tracker.extensions import db
from tracker.models import Accord, Provision, UploadBatch

from htmlforms import has_label, parse

SLUG = "colombia-2016-demo"
#: Forms whose whole content is a button that performs an action.
ACTIONS = (r"/logout$", r"/language/\w+$", r"/review/\d+$", r"/review/(events|sources)/\d+$",
           r"/admin/roles/\d+/revoke$", r"/update/\d+/(confirm|discard)$")
#: Endpoints whose forms show stored values or defaults: each must be submitted at least once.
EDIT_ENDPOINTS = {"provisions.edit", "provisions.update", "provisions.priority",
                  "auth.change_password", "admin.users", "admin.grant", "admin.organizations",
                  "reports.upload", "auth.login", "events.new"}
#: GET pages that answer with a file, JSON or a probe rather than a page.
NOT_PAGES = re.compile(r"^(api\.|static$|ops\.)|\.(chart|reference_chart|history_csv|"
                       r"provisions_csv|report|update_workbook|reference_csv|source_file)$")


def snapshot() -> dict[str, list]:
    """Every row of every table, as text, in a stable order."""
    db.session.flush()
    return {table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables}


def _provisions(demo) -> list[Provision]:
    """6.1.5 (a section, a type and a territorial tag, as 6.6.2 had when testers found the
    fault) and provisions that fill every field in other ways."""
    rows = list(db.session.scalars(select(Provision).where(Provision.accord_id == demo.id)
                                   .order_by(Provision.id)))
    chosen = {p.code: p for p in rows if p.code == "6.1.5"}
    for test in (lambda p: p.priority, lambda p: len(p.tags) > 1,
                 lambda p: p.deadline and p.time_frame and p.responsible_actor,
                 lambda p: p.provision_type is None, lambda p: p.section_id is None):
        found = next((p for p in rows if test(p)), None)
        if found is not None:
            chosen.setdefault(found.code, found)
    return list(chosen.values())


@pytest.fixture
def pages_ready(demo, make_user):
    """A pending record (the review queue shows its form), a pending upload (its preview),
    and a provision whose text has several lines and trailing spaces."""
    editor = make_user("editor", demo)
    provision = next(p for p in _provisions(demo) if p.code == "6.1.5")
    db.session.execute(update(Provision).where(Provision.id == provision.id).values(
        text="First line\nSecond line  \n\nThird paragraph ", version=Provision.version + 1))
    db.session.commit()
    db.session.refresh(provision)
    level = services.current_level(provision, date.today())
    services.submit([services.StatusChange(provision, Submission(
        3 if level < 3 else 2, date.today(), None, "Decree of this year"),
        provision.version)], verified=False)
    batch = UploadBatch(user_id=editor.id, accord_id=demo.id, filename="update.xlsx",
                        sha256="0" * 64, content=update_workbook(demo), state="pending")
    db.session.add(batch)
    db.session.commit()
    from tracker.cutoffs.services import publish

    publish(demo, "Report 1", date(2019, 2, 28), "as published")  # its pages hold forms too
    from event_helpers import event_input
    from tracker.events.services import submit_event

    pending = submit_event(event_input(demo))  # a pending event and source: the queue's forms
    verified = submit_event(event_input(demo, title="Verified event"), verified=True)
    return {"editor": editor, "batch": batch, "events": (pending, verified)}


def _urls(app, demo, pages_ready) -> list[str]:
    reference = db.session.scalar(select(Accord).where(Accord.kind == "reference"))
    values = {"slug": [demo.slug], "code": [p.code for p in _provisions(demo)],
              "batch_id": [str(pages_ready["batch"].id)], "label": ["Report 1"],
              "event_id": [str(e.id) for e in pages_ready["events"]]}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or NOT_PAGES.search(rule.endpoint):
            continue
        if rule.endpoint == "dashboard.reference":
            urls.append(f"/reference/{reference.slug}")
            continue
        paths = [rule.rule]
        for arg in rule.arguments:
            paths = [re.sub(rf"<(\w+:)?{arg}>", value, path) for path in paths
                     for value in values[arg]]
        urls.extend(paths)
    return sorted(set(urls))


def _is_action(target: str) -> bool:
    return any(re.search(pattern, target) for pattern in ACTIONS)


def _endpoint(app, target: str, method: str = "POST") -> str:
    return app.url_map.bind("localhost").match(target.split("?")[0], method=method)[0]


@pytest.mark.parametrize("role", ["admin", "coordinator", "editor", None])
def test_every_form_submitted_as_shown_changes_nothing(app, client, demo, make_user, login,
                                                       pages_ready, role):
    if role is not None:
        login(pages_ready["editor"] if role == "editor" else make_user(role, demo
                                                                        if role != "admin"
                                                                        else None))
    submitted = set()
    for url in _urls(app, demo, pages_ready):
        page = client.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        for form in parse(page.get_data(as_text=True)).forms:
            target = form.action or url
            if form.method != "post" or _is_action(target):
                continue
            before = snapshot()
            response = client.post(target, data=form.submission(),
                                   content_type="multipart/form-data"
                                   if form.attrs.get("enctype") == "multipart/form-data"
                                   else None)
            assert response.status_code < 500, (url, target)
            assert snapshot() == before, f"{target} (on {url}, as {role}) changed the database"
            submitted.add(_endpoint(app, target))
    expected = {"admin": EDIT_ENDPOINTS - {"auth.login"},
                "coordinator": {"provisions.edit", "provisions.update", "provisions.priority",
                                "auth.change_password", "reports.upload", "events.new"},
                "editor": {"provisions.update", "auth.change_password", "reports.upload",
                           "events.new"},
                None: {"auth.login"}}[role]
    assert expected <= submitted, expected - submitted


def _edit_form(forms):
    return next(f for f in forms if any(c.name == "section" for c in f.controls))


def test_the_edit_form_opens_with_the_stored_values(client, demo, make_user, login):
    login(make_user("coordinator", demo))
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "6.1.5"))
    page = parse(client.get(f"/accords/{SLUG}/provisions/6.1.5/edit").get_data(as_text=True))
    sent = _edit_form(page.forms).submission()
    assert sent["section"] == [str(provision.section_id)]
    assert sent["provision_type"] == [provision.provision_type.code]
    assert sent["tags"] == ["; ".join(provision.tag_names)] and "ProvisionTag" not in sent["tags"][0]
    assert sent["text"] == [provision.text.replace("\n", "\r\n")]


def test_an_edit_is_saved_once_and_its_unchanged_resubmission_records_nothing(
        client, demo, make_user, login, row_counts):
    login(make_user("coordinator", demo))
    url = f"/accords/{SLUG}/provisions/6.1.5/edit"
    form = _edit_form(parse(client.get(url).get_data(as_text=True)).forms)
    data = form.submission()
    data["responsible_actor"] = ["Agencia de Renovación del Territorio"]
    data["tags"] = [data["tags"][0] + "; gender"]
    counts = row_counts()
    response = client.post(url, data=data, follow_redirects=True)
    assert "Provision saved." in response.get_data(as_text=True)
    assert row_counts()["audit_events"] == counts["audit_events"] + 1
    provision = db.session.scalar(select(Provision).where(Provision.accord_id == demo.id,
                                                          Provision.code == "6.1.5"))
    assert provision.responsible_actor == "Agencia de Renovación del Territorio"
    assert "gender" in provision.tag_names and provision.section_id is not None
    before = snapshot()
    response = client.post(url, data=data, follow_redirects=True)  # resent, old version
    assert response.status_code == 200
    assert "Nothing changed" in response.get_data(as_text=True)
    assert snapshot() == before


def _real_options(control) -> list:
    return [o for o in control.options if o[0] != ""]


@pytest.mark.parametrize("role", ["admin", "coordinator", "editor", None])
def test_every_select_has_options_and_every_control_a_label(app, client, demo, make_user,
                                                            login, pages_ready, role):
    if role is not None:
        login(pages_ready["editor"] if role == "editor" else make_user(role, demo
                                                                        if role != "admin"
                                                                        else None))
    checked = 0
    for url in _urls(app, demo, pages_ready):
        page = client.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        parsed = parse(page.get_data(as_text=True))
        for control in parsed.controls:
            if control.tag == "select":
                assert _real_options(control), f"empty select {control.attrs} on {url}"
            if control.tag in ("select", "textarea") or (
                    control.tag == "input" and control.type not in ("hidden", "submit")):
                assert has_label(control, parsed.labels_for), f"no label: {control.attrs} on {url}"
                checked += 1
    assert checked > 10
