"""In Chromium: the provision edit form saved unchanged changes nothing; an administrator
grants a role from the users page; a cookie copied before logout is refused afterwards.
Screenshots at desktop and phone widths."""
from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "partner password 1"
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def forms_server(tmp_path_factory, serve_seeded):
    """A live server with its own seeded database, an administrator and a coordinator."""
    with serve_seeded(tmp_path_factory.mktemp("forms"), "forms-test-secret",
                      (("admin@partner.test", PASSWORD, "admin", None),
                       ("coordinator@partner.test", PASSWORD, "coordinator", SLUG),
                       ("viewer@partner.test", PASSWORD, "viewer", SLUG))) as url:
        yield url


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/accords/{SLUG}{path}") as response:
        return json.load(response)


def _log_in(browser, base, email, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return context, page, errors


def _point_6(base: str) -> int:
    return _api(base, "/summary?section=6")["provisions"]


def test_the_edit_form_saved_unchanged_changes_nothing(browser, forms_server, screenshots):
    base = forms_server
    before = _point_6(base)
    provisions = _api(base, "/provisions?section=6")["provisions"]
    stored = next(p for p in provisions if p["code"] == "6.1.5")
    for width in WIDTHS:
        context, page, errors = _log_in(browser, base, "coordinator@partner.test", width)
        page.goto(f"{base}/accords/{SLUG}/provisions/6.1.5/edit")
        assert page.input_value("#section") != ""
        assert "ProvisionTag" not in page.input_value("#tags")
        page.screenshot(path=str(screenshots / f"provision-edit-{width}.png"), full_page=True)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "Nothing changed" in page.content()
        assert not errors
        context.close()
    assert _point_6(base) == before
    after = next(p for p in _api(base, "/provisions?section=6")["provisions"]
                 if p["code"] == "6.1.5")
    assert after == stored


def test_an_admin_grants_a_role(browser, forms_server, screenshots):
    base = forms_server
    for width in WIDTHS:
        context, page, errors = _log_in(browser, base, "admin@partner.test", width)
        page.goto(f"{base}/admin/users")
        assert page.locator("select[name=role] option").count() > 4
        page.screenshot(path=str(screenshots / f"admin-users-{width}.png"), full_page=True)
        context.close()
    context, page, errors = _log_in(browser, base, "admin@partner.test")
    page.goto(f"{base}/admin/users")
    row = page.locator("tr", has_text="viewer@partner.test")
    row.locator("select[name=role]").select_option("editor")
    row.locator("select[name=accord]").select_option(SLUG)
    row.locator("button", has_text="Grant").click()
    page.wait_for_load_state()
    assert "Role granted." in page.content()
    assert "editor · " + SLUG in page.locator("tr", has_text="viewer@partner.test").inner_text()
    assert not errors
    context.close()


def test_a_cookie_copied_before_logout_is_refused(browser, forms_server):
    base = forms_server
    context, page, errors = _log_in(browser, base, "coordinator@partner.test")
    copied = context.cookies()
    assert {c["name"] for c in copied} >= {"session", "remember_token"}
    page.click("text=Log out")
    page.wait_for_load_state()
    thief = browser.new_context()
    thief.add_cookies(copied)
    other = thief.new_page()
    other.goto(f"{base}/account/password")
    assert "/login" in other.url
    thief.close()
    context.close()


def test_spanish_tags_and_a_failed_upload_in_spanish(browser, forms_server, screenshots):
    """In Spanish at both widths: the edit form shows the tags by their Spanish labels and,
    sent back with labels typed in other cases and without accents, stores nothing new; a
    workbook whose rows fail lands on the error summary, focused."""
    import io

    from openpyxl import load_workbook

    base = forms_server
    for width in WIDTHS:
        context, page, errors = _log_in(browser, base, "coordinator@partner.test", width)
        context.set_extra_http_headers({"Accept-Language": "es"})
        page.goto(f"{base}/accords/{SLUG}/provisions/6.1.5/edit")
        shown = page.input_value("#tags")
        assert "gender" not in shown and "ethnic" not in shown
        typed = shown.upper().replace("É", "E")
        page.fill("#tags", typed)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "Nada cambió" in page.content(), typed
        # a workbook with a level that cannot be read
        response = context.request.get(f"{base}/accords/{SLUG}/update.xlsx")
        book = load_workbook(io.BytesIO(response.body()))
        sheet = book.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        column = next(i for i, h in enumerate(header, start=1) if h and "(0-3)" in h)
        sheet.cell(row=2, column=column, value=7)
        data = io.BytesIO()
        book.save(data)
        page.goto(f"{base}/accords/{SLUG}/update")
        page.set_input_files("#workbook", files=[{
            "name": "actualizacion.xlsx", "buffer": data.getvalue(),
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        page.click("#upload form button[type=submit]")
        page.wait_for_load_state()
        page.wait_for_function("document.activeElement && document.activeElement.id")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        assert "Fila 2" in page.locator("#error-summary").inner_text()
        page.screenshot(path=str(screenshots / f"upload-problems-es-{width}.png"))
        assert not errors
        context.close()
