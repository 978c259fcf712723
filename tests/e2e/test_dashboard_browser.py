"""The dashboard in a real browser: every chart loads, no console error (CSP included), the
filter form works without JavaScript, and the page is in the visitor's language."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tracker.dashboard.board import CHARTS

from .checks import wait_until_shown

pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
CHART_COUNT = len(CHARTS)  # every chart the dashboard shows


def _open(browser, locale: str, javascript: bool = True):
    context = browser.new_context(locale=locale, java_script_enabled=javascript,
                                  extra_http_headers={"Accept-Language": locale},
                                  viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    return context, page, problems, statuses


TABLES_AS_TABLES = """() => [...document.querySelectorAll('main table')].flatMap((t, i) => {
  const found = [];
  const show = getComputedStyle(t).display, head = t.tHead && getComputedStyle(t.tHead).display;
  if (show !== 'table' || (t.tHead && head !== 'table-header-group'))
    found.push(`table ${t.id || i}: display ${show}, head ${head}`);
  const header = t.tHead ? [...t.tHead.rows[0].cells] : [];
  const first = t.tBodies.length && t.tBodies[0].rows.length ? [...t.tBodies[0].rows[0].cells] : [];
  if (header.length && header.length === first.length)
    header.forEach((h, k) => {
      const a = h.getBoundingClientRect().left, b = first[k].getBoundingClientRect().left;
      if (Math.abs(a - b) > 1) found.push(`table ${t.id || i}: column ${k} head at ${a}, cell at ${b}`);
    });
  return found;
})"""


def _tables_line_up(page) -> None:
    """On a wide screen every table is laid out as a table: its header row above its body,
    each column's header over its cells (phone cards are for narrow screens only)."""
    assert page.evaluate(TABLES_AS_TABLES) == []


@pytest.mark.parametrize("locale", ["en", "es"])
def test_dashboard_shows_every_chart(browser, live_server, screenshots, locale):
    context, page, problems, statuses = _open(browser, locale)
    try:
        page.goto(f"{live_server}/accords/{SLUG}/dashboard", wait_until="networkidle")
        assert page.locator("html").get_attribute("lang") == locale
        images = page.locator("main img")
        assert images.count() == CHART_COUNT
        for index in range(CHART_COUNT):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            wait_until_shown(page, image)  # a lazy chart arrives once scrolled near
            src = image.evaluate("img => img.currentSrc")
            assert statuses.get(src) == 200, src
            assert ".svg?" in src and "size=narrow" not in src
            assert image.evaluate("img => img.complete && img.naturalWidth") >= 800
            assert len(image.get_attribute("alt")) > 40
        _tables_line_up(page)
        page.screenshot(path=str(screenshots / f"dashboard-{locale}.png"), full_page=True)
        page.locator("#groups").screenshot(path=str(screenshots / f"dashboard-groups-{locale}.png"))
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_phone_gets_charts_drawn_for_its_width(browser, live_server, screenshots, locale):
    """At 390 px each chart is the narrow SVG, shown near its drawn size: axis text stays
    about as large as the page's small print (a 900 px PNG shrunk to 370 px put it at 4 px)."""
    context, page, problems, statuses = _open(browser, locale)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server}/accords/{SLUG}/dashboard", wait_until="networkidle")
        images = page.locator("main img")
        assert images.count() == CHART_COUNT
        for index in range(CHART_COUNT):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            wait_until_shown(page, image)
            src = image.evaluate("img => img.currentSrc")
            assert ".svg?" in src and "size=narrow" in src and statuses.get(src) == 200, src
            natural, shown = image.evaluate("img => [img.naturalWidth, img.clientWidth]")
            assert 300 <= shown <= 390 and shown / natural >= 0.9  # 9.5 pt ticks: >= 12 px
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshots / f"dashboard-phone-{locale}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def _charts_fetched(statuses) -> set[str]:
    return {urlsplit(url).path.rsplit("/", 1)[-1].split(".")[0] for url in statuses
            if "/charts/" in url}


#: The farthest below the screen Chromium starts fetching a lazy image (its margin is 1,250 px
#: on a fast connection, 2,500 px on a slow one, by its own estimate of the network).
LAZY_MARGIN = 2500
CHART_TOPS = """() => Object.fromEntries([...document.querySelectorAll('figure.chart')]
  .map(f => [f.id.slice(6), f.getBoundingClientRect().top + window.scrollY]))"""


def test_a_phone_fetches_the_charts_it_reaches_and_a_print_has_them_all(browser, live_server,
                                                                        tmp_path):
    """At 1280 x 720 and on a phone the first screen holds no chart. On a phone that reads
    the top of the page, no chart beyond Chromium's lazy-load margin is fetched (all are
    loading="lazy"); scrolling to a chart fetches it, with room kept for it beforehand (no
    jump); printing the page fetches every chart."""
    context, page, problems, _ = _open(browser, "es")
    try:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"{live_server}/accords/{SLUG}/dashboard", wait_until="load")
        assert min(page.evaluate(CHART_TOPS).values()) > 720
    finally:
        context.close()
    context, page, problems, statuses = _open(browser, "es")  # nothing fetched yet
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server}/accords/{SLUG}/dashboard", wait_until="networkidle")
        tops = page.evaluate(CHART_TOPS)
        assert min(tops.values()) > 844
        far = {name for name, top in tops.items() if top > 844 + LAZY_MARGIN}
        assert len(far) >= 5 and "pace" in far, tops
        assert not _charts_fetched(statuses) & far, (_charts_fetched(statuses), tops)
        pace = page.locator("#chart-pace img")
        height_before = pace.evaluate("img => img.getBoundingClientRect().height")
        assert height_before > 300  # the room kept before the chart arrived
        pace.evaluate("img => img.scrollIntoView()")  # as a link to it would
        wait_until_shown(page, pace)
        assert "pace" in _charts_fetched(statuses)
        assert abs(pace.evaluate("img => img.getBoundingClientRect().height")
                   - height_before) < 2  # the box kept was the chart's drawn size
        page.pdf(path=str(tmp_path / "dashboard.pdf"))
        page.wait_for_load_state("networkidle")
        assert _charts_fetched(statuses) == set(CHARTS)
        assert all(status == 200 for url, status in statuses.items() if "/charts/" in url)
        assert problems == []
    finally:
        context.close()


def test_a_chart_opened_on_its_own_is_drawn_in_colour(browser, live_server, screenshots):
    """The SVG styles its elements inline: its response must allow that (and nothing else)."""
    context, page, problems, _ = _open(browser, "en")
    try:
        page.set_viewport_size({"width": 920, "height": 480})
        page.goto(f"{live_server}/accords/{SLUG}/charts/status.svg?as_of=2019-02-28")
        page.screenshot(path=str(screenshots / "status-chart.svg.png"))
        fills = page.eval_on_selector_all(
            "path", "els => els.map(e => getComputedStyle(e).fill).filter(f => f !== 'none')")
        assert "rgb(0, 114, 178)" in fills  # the "complete" blue, not CSS-blocked black
        assert problems == []
    finally:
        context.close()


def test_filters_work_without_javascript(browser, live_server, screenshots):
    context, page, problems, _ = _open(browser, "en", javascript=False)
    try:
        page.goto(f"{live_server}/accords/{SLUG}/dashboard")
        page.select_option("select[name=section]", "3")
        page.select_option("select[name=tag]", "gender")
        page.fill("input[name=as_of]", "2019-02-28")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state("networkidle")
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"as_of": ["2019-02-28"], "section": ["3"], "tag": ["gender"]}
        first_group = page.locator("#table-groups tbody tr").first.get_attribute("data-key")
        assert first_group == "3.1"
        for src in page.eval_on_selector_all("main img", "els => els.map(e => e.src)"):
            assert "section=3" in src and "tag=gender" in src
        page.screenshot(path=str(screenshots / "dashboard-filtered.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_reference_pages(browser, live_server, screenshots):
    context, page, problems, statuses = _open(browser, "en")
    try:
        page.goto(f"{live_server}/reference", wait_until="networkidle")
        assert page.locator("#table-references-1 tbody tr").count() == 34
        _tables_line_up(page)
        page.get_by_role("link", name="Taif Accord").click()
        page.wait_for_load_state("networkidle")
        _tables_line_up(page)
        heatmap = page.locator("main img")
        assert heatmap.count() == 1
        assert statuses.get(heatmap.evaluate("img => img.src")) == 200
        page.screenshot(path=str(screenshots / "reference-taif.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
