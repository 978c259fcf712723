"""axe-core on every main page: 1280 and 390 px wide, in English and Spanish, logged out and
as each role. Any violation fails, named by page, rule and nodes.

axe-core's script comes with the `axe-playwright-python` package (installed by the `test`
extra) and is injected from disk: nothing is fetched while the test runs.

One browser and one server for the module; one browser context per role, kept logged in
across both languages and both widths. Logged out, every public page is visited; each role
visits the pages its role changes (navigation, account menu, forms, permissions, the staff
pages), so a page is checked once for each markup it can have, not once per visitor.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "accessible password 1"
WIDTHS = (1280, 390)
LOCALES = ("en", "es")
CUTOFF = "Report 1"
USERS = (("viewer@a11y.test", "viewer", SLUG), ("editor@a11y.test", "editor", SLUG),
         ("coordinator@a11y.test", "coordinator", SLUG), ("admin@a11y.test", "admin", None))

#: Every main page, by a short name. `{ref}` is a reference accord's slug.
PUBLIC = {
    "home": "/",
    "accord": f"/accords/{SLUG}",
    "dashboard": f"/accords/{SLUG}/dashboard",
    "references": "/reference",
    "reference": "/reference/{ref}",
    "provisions": f"/accords/{SLUG}/provisions",
    "provision": f"/accords/{SLUG}/provisions/1.1.1",
    "sections": f"/accords/{SLUG}/sections",
    "events": f"/accords/{SLUG}/events",
    "event": "/accords/" + SLUG + "/events/{event}",  # the newest event of the feed
    "events-paged": f"/accords/{SLUG}/events?per_page=1&page=2",  # pagers above and below
    "error-400-events": f"/accords/{SLUG}/events?place=Bogota&effect=helps",  # the form
    "methodology": "/methodology",
    "cutoffs": f"/accords/{SLUG}/cutoffs",
    "cutoff": f"/accords/{SLUG}/cutoffs/{CUTOFF}",
    "cutoff-changes": f"/accords/{SLUG}/cutoffs/{CUTOFF}/changes",
    "changes-to-now": f"/accords/{SLUG}/changes",
    "cutoff-brief": f"/accords/{SLUG}/cutoffs/{CUTOFF}/brief",
    "brief": f"/accords/{SLUG}/brief",
    "error-404": "/accords/no-such-accord",
    "error-400": f"/accords/{SLUG}/dashboard?as_of=not-a-date",
}
SIGNED_IN = {
    "my-submissions": "/my/submissions",
    "password": "/account/password",
    "upload": f"/accords/{SLUG}/update",
    "event-new": f"/accords/{SLUG}/events/new",
}
EDIT = f"/accords/{SLUG}/provisions/1.1.1/edit"  # coordinators and administrators only
STAFF = {
    "review": "/review",
    "admin-users": "/admin/users",
    "admin-audit": "/admin/audit",
    "reference-sets": "/admin/reference-sets/",
}
#: Pages each role visits.
PAGES = {
    None: {**PUBLIC, "login": "/login", "error-login-required": "/my/submissions"},
    "viewer": {"home": "/", "my-submissions": "/my/submissions",
               "password": "/account/password", "error-403": "/admin/users"},
    "editor": {k: PUBLIC[k] for k in ("home", "provision")} | SIGNED_IN
    | {"error-403-edit": EDIT},
    "coordinator": {k: PUBLIC[k] for k in ("accord", "provision", "cutoffs", "cutoff")}
    | SIGNED_IN | {"provision-edit": EDIT, "review": "/review"},
    # Public pages whose controls follow the role (edit links, review state, forms); the
    # rest differ from the logged-out view only by the header, checked on these.
    "admin": {k: PUBLIC[k] for k in ("home", "accord", "provision", "events", "event",
                                     "dashboard")}
    | SIGNED_IN | {"provision-edit": EDIT} | STAFF,
}


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory, serve_seeded, browser):
    """A seeded server with one user per role, two published cut-offs and a pending submission
    (so the review queue shows its forms), both made through the pages as a person would."""
    users = tuple((email, PASSWORD, role, slug) for email, role, slug in USERS)
    with serve_seeded(tmp_path_factory.mktemp("a11y"), "a11y-test-secret", users) as base:
        context = browser.new_context(locale="en")
        page = context.new_page()
        _log_in(page, base, "coordinator@a11y.test")
        # Two cut-offs, so the later one's changes page has a previous one to compare with.
        for label, as_of in (("Report 0", "2019-02-28"), (CUTOFF, date.today().isoformat())):
            page.goto(f"{base}/accords/{SLUG}/cutoffs")
            page.fill("#label", label)
            page.fill("#as_of", as_of)
            page.click("main form[method=post] button[type=submit]")
            page.wait_for_load_state()
            assert page.url.endswith(f"/cutoffs/{label.replace(' ', '%20')}"), page.url
        # A coordinator's event (verified at once) on 1.1.1: its page then offers it to cite
        # and shows it in the timeline.
        _enter_event(page, base, "2019-02-01", "Decree published", "1.1.1",
                     "Official gazette", "gazette")
        context.close()
        context = browser.new_context(locale="en")
        page = context.new_page()
        _log_in(page, base, "editor@a11y.test")
        page.goto(f"{base}/accords/{SLUG}/provisions/1.1.2")
        page.select_option("#level", "2")
        page.fill("#effective_on", date.today().isoformat())
        page.fill("#evidence_text", "Decree published in the official gazette")
        page.click("form[action$='/update'] button[type=submit]")
        page.wait_for_load_state()
        assert "pending review" in page.content()
        # A pending event with a new source, so the queue shows their forms too.
        _enter_event(page, base, "2019-03-03", "Land delivered in Tibú", "1.1.2",
                     "Follow-up report", "report", place="54810")
        context.close()
        yield base


def _enter_event(page, base: str, day: str, title: str, code: str, source: str, kind: str,
                 place: str | None = None) -> None:
    """Submit the new-event form: one provision, one new source; it must be recorded."""
    page.goto(f"{base}/accords/{SLUG}/events/new")
    page.fill("#occurred_on", day)
    page.fill("#title", title)
    if place:
        page.fill("#place", place)
    page.fill("#provision_1", code)
    page.fill("#source_title", source)
    page.select_option("#source_kind", kind)
    page.click("form.event-form button[type=submit]")
    page.wait_for_load_state()
    assert "/events/new" not in page.url, page.content()[:2000]


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"


def _set_language(page, code: str) -> None:
    """Switch with the page's own language button (kept on the account when logged in)."""
    if page.locator("html").get_attribute("lang") != code:
        page.click(f"header.site form button[lang={code}]")
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def _describe(violation: dict) -> str:
    nodes = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:6])
    more = len(violation["nodes"]) - 6
    return (f"{violation['id']} ({violation['impact']}) x{len(violation['nodes'])}: "
            f"{violation['help']} -> {nodes}{f' (+{more} more)' if more > 0 else ''}")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("role", [None, "viewer", "editor", "coordinator", "admin"],
                         ids=["logged-out", "viewer", "editor", "coordinator", "admin"])
def test_no_axe_violation_on_any_main_page(browser, a11y_server, axe, role):
    base = a11y_server
    context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"},
                                  viewport={"width": WIDTHS[0], "height": 900})
    # Charts are drawn by the server on request and axe reads only the <img> elements (their
    # alt text), not the pictures: they are not fetched, which keeps the run short.
    context.route(re.compile(r"/charts/[a-z]+\.(svg|png)"), lambda route: route.abort())
    page = context.new_page()
    found: list[str] = []
    try:
        if role is not None:
            _log_in(page, base, next(e for e, r, _ in USERS if r == role))
        page.goto(f"{base}/reference")
        reference = page.locator("main a[href^='/reference/']").first.get_attribute("href")
        page.goto(f"{base}/accords/{SLUG}/events")
        event = page.locator("main td.what strong a").first.get_attribute("href")
        assert re.fullmatch(rf"/accords/{SLUG}/events/\d+", event), event
        pages = {name: path.replace("/reference/{ref}", reference)
                 .replace(f"/accords/{SLUG}/events/{{event}}", event)
                 for name, path in PAGES[role].items()}
        for locale in LOCALES:
            page.goto(f"{base}/")
            _set_language(page, locale)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for name, path in pages.items():
                    response = page.goto(base + path, wait_until="load")
                    expected = int(name[6:9]) if name.startswith("error-4") else 200
                    if name == "error-login-required":
                        expected = 200  # the login page it leads to
                    assert response.status == expected, (name, response.status)
                    if name == "review":  # its verify and reject forms are checked too
                        assert page.locator("main form [name=reason]").count()
                    assert page.locator("html").get_attribute("lang") == locale, name
                    result = axe.run(page, options={"resultTypes": ["violations"]})
                    for violation in result.response["violations"]:
                        found.append(f"{name} {path} [{role or 'logged out'}, {locale}, "
                                     f"{width} px]: {_describe(violation)}")
    finally:
        context.close()
    assert not found, f"{len(found)} axe-core violations:\n" + "\n".join(found)


def test_the_axe_script_is_read_from_the_installed_package():
    """Never fetched at run time: the injected script is a file of the package."""
    from pathlib import Path

    import axe_playwright_python

    scripts = list(Path(axe_playwright_python.__file__).parent.rglob("axe*.js"))
    assert scripts, "axe-core's script is missing from axe-playwright-python"
    assert re.search(rb"axe v?\d+\.\d+", scripts[0].read_bytes()[:2000])
