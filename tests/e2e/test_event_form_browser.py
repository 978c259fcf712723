"""In Chromium: the new-event form sent, then Back and sent again, is recognised as a
repeat (Back keeps every typed value: no field refuses the browser's restoring); a form
refused for another field names the chosen file it could not keep."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "partner password 1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def event_server(tmp_path_factory, serve_seeded):
    with serve_seeded(tmp_path_factory.mktemp("event-form"), "event-form-secret",
                      (("editor@partner.test", PASSWORD, "editor", SLUG),)) as url:
        yield url


def _editor_page(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es",
                                  extra_http_headers={"Accept-Language": "es"})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", "editor@partner.test")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _fill(page, base, title: str, day: str = "2019-03-03") -> None:
    page.goto(f"{base}/accords/{SLUG}/events/new")
    page.fill("#occurred_on", day)
    page.fill("#title", title)
    page.fill("#place", "54810")
    page.fill("#provision_1", "1.1.1")
    page.select_option("#effect_1", "advances")
    page.fill("#source_title", f"Acta de {title}")
    page.select_option("#source_kind", "official_document")


def _submit(page) -> None:
    page.click("form.event-form button[type=submit]")
    page.wait_for_load_state()


def test_back_keeps_the_values_and_the_resend_is_a_repeat(browser, event_server, tmp_path):
    context, page = _editor_page(browser, event_server)
    _fill(page, event_server, "Entrega de tierras, volver atrás")
    _submit(page)
    assert "/events/new" not in page.url
    page.go_back()
    page.wait_for_load_state()
    assert page.input_value("#place") == "54810"
    assert page.input_value("#provision_1") == "1.1.1"
    _submit(page)
    assert "/events/new" not in page.url, page.inner_text("main")[:500]
    assert "Nada cambió" in page.inner_text("main")
    context.close()


def test_a_refused_form_names_the_file_it_did_not_keep(browser, event_server, tmp_path):
    acta = tmp_path / "acta.pdf"
    acta.write_bytes(PDF)
    context, page = _editor_page(browser, event_server)
    _fill(page, event_server, "Entrega futura", day="2999-01-01")
    page.set_input_files("#source_file", str(acta))
    _submit(page)
    words = "El archivo acta.pdf no se conservó: elíjalo de nuevo."
    assert words in page.inner_text(".error-summary")
    assert words in page.inner_text("#source_file-error")
    context.close()
