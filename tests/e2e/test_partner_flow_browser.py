"""In Chromium: an editor logs in and submits an update, sees it pending; a coordinator
verifies it; the accord's official figures change. Pages work in Spanish too."""
from __future__ import annotations

import json
import urllib.request
from datetime import date

import pytest

pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "partner password 1"


@pytest.fixture(scope="module")
def partner_server(tmp_path_factory, serve_seeded):
    """A live server with its own seeded database and an editor and a coordinator."""
    with serve_seeded(tmp_path_factory.mktemp("partner"), "partner-test-secret",
                      (("editor@partner.test", PASSWORD, "editor", SLUG),
                       ("coordinator@partner.test", PASSWORD, "coordinator", SLUG))) as url:
        yield url


def _summary(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/accords/{SLUG}/summary") as response:
        return json.load(response)


def _page(browser, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _log_in(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_update_review_and_figures(browser, partner_server, screenshots):
    base = partner_server
    before = _summary(base)
    context, page, errors = _page(browser)
    _log_in(page, base, "editor@partner.test")
    page.goto(f"{base}/accords/{SLUG}/provisions/1.1.1")
    page.select_option("#level", "3")
    page.fill("#effective_on", date.today().isoformat())
    page.fill("#evidence_text", "Decree published in the official gazette")
    page.screenshot(path=str(screenshots / "update-form.png"), full_page=True)
    page.click("form[action$='/update'] button[type=submit]")
    assert "pending review" in page.content()
    page.goto(f"{base}/my/submissions")
    assert "pending review" in page.inner_text("main")
    assert _summary(base) == before  # not official until verified
    context.close()

    context, page, more_errors = _page(browser)
    _log_in(page, base, "coordinator@partner.test")
    page.goto(f"{base}/review")
    assert "Decree published in the official gazette" in page.inner_text("main")
    page.screenshot(path=str(screenshots / "review-queue.png"), full_page=True)
    page.click("section.card input[name=verify]")
    assert "Nothing awaits review." in page.inner_text("main")
    after = _summary(base)
    assert after["counts"]["complete"] >= before["counts"]["complete"]
    assert after["score"] > before["score"]
    page.goto(f"{base}/accords/{SLUG}")
    assert f"{after['score']:.2f}" in page.inner_text("main")
    context.close()
    assert errors == [] and more_errors == []


def test_pages_in_spanish(browser, partner_server, screenshots):
    context, page, errors = _page(browser, locale="es-CO")
    _log_in(page, partner_server, "editor@partner.test")
    page.goto(f"{partner_server}/accords/{SLUG}/provisions/1.1.1")
    assert page.get_attribute("html", "lang") == "es"
    assert "Registrar una actualización" in page.inner_text("main")
    page.screenshot(path=str(screenshots / "provision-es.png"), full_page=True)
    page.goto(f"{partner_server}/accords/{SLUG}/provisions?tag=gender")
    assert "disposiciones" in page.inner_text("main")
    context.close()
    assert errors == []
