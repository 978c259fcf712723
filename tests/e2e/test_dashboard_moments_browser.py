"""The dashboard as known at a moment and, for a coordinator, with records awaiting review, in
Chromium without JavaScript: the form carries both, every chart of the page follows, the page
says which figures it shows, at a desktop and a phone width."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from tracker.dashboard.board import CHARTS


pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "moments password 1"


@pytest.fixture(scope="module")
def moments_server(tmp_path_factory, serve_seeded):
    with serve_seeded(tmp_path_factory.mktemp("moments"), "moments-test-secret",
                      (("coordinator@moments.test", PASSWORD, "coordinator", SLUG),)) as url:
        yield url


def _charts_load(page, statuses, needle: str) -> None:
    """Every chart of the page carries `needle` and loaded (200), in the size the width
    chose (a <picture> source on a phone: the image's currentSrc)."""
    images = page.locator("main img")
    assert images.count() == len(CHARTS)
    for index in range(len(CHARTS)):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    sources = page.eval_on_selector_all("main img", "els => els.map(e => e.currentSrc || e.src)")
    for src in sources:
        assert needle in src, src
    assert all(statuses.get(src) == 200 for src in sources), statuses


@pytest.mark.parametrize("width", [1280, 390])
def test_a_coordinator_switches_pending_and_a_moment(browser, moments_server, screenshots,
                                                     width):
    context = browser.new_context(locale="en", java_script_enabled=False,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    try:
        page.goto(f"{moments_server}/login")
        page.fill("#email", "coordinator@moments.test")
        page.fill("#password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"{moments_server}/accords/{SLUG}/dashboard")
        page.check("input[name=include_pending]")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        assert parse_qs(urlsplit(page.url).query)["include_pending"] == ["true"]
        assert page.locator(".note.pending").is_visible()
        _charts_load(page, statuses, "include_pending=true")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshots / f"dashboard-pending-{width}.png"))

        time.sleep(1.1)  # a moment after the accord was entered, not in the future
        moment = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        page.uncheck("input[name=include_pending]")
        page.fill("input[name=known_at]", moment)
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        query = parse_qs(urlsplit(page.url).query)
        assert query["known_at"] == [moment] and "include_pending" not in query
        note = page.locator(".note.known-at")
        shown = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%S")  # as the page writes moments
        assert note.is_visible()
        assert f"{shown:%b} {shown.day}, {shown:%Y %H:%M} UTC" in note.inner_text()
        typed = shown.strftime("%Y-%m-%d %H:%M:%S" if shown.second else "%Y-%m-%d %H:%M")
        assert page.input_value("input[name=known_at]") == typed  # as the field asks for it
        _charts_load(page, statuses, "known_at=")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshots / f"dashboard-known-at-{width}.png"))
        page.locator("#pace").screenshot(path=str(screenshots / f"pace-known-at-{width}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
    finally:
        context.close()
