"""In Chromium at 390 px (a phone), in English and Spanish: no main page scrolls sideways for
any role, and what a partner needs (each record card's cells, outcomes, scores, the dashboard's
headline figures, the error summary) lies inside the viewport. A failed submission opens on its
error summary; a rejected submission shows its outcome and reason on the phone."""
from __future__ import annotations

from datetime import date

import pytest


pytestmark = pytest.mark.browser

SLUG = "colombia-2016-demo"
PASSWORD = "phone test password 1"
WIDTH = 390
USERS = (("editor@phone.test", PASSWORD, "editor", SLUG),
         ("coordinator@phone.test", PASSWORD, "coordinator", SLUG),
         ("admin@phone.test", PASSWORD, "admin", None))
#: What must be inside the viewport on every page that has it.
KEY = ("main h1, main table.list td, main table.cards td, main table.cards th[scope=row], main .outcome, "
       "main td.score, main .error-summary, #headline .big, #table-headline td, "
       "main table.figures td, main table.figures th[scope=row]")
MEASURE = """(selector) => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  let seen = 0;
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not displayed
    seen += 1;
    if (box.left < -1 || box.right > width + 1) outside.push(el.outerHTML.slice(0, 160));
  }
  return {scroll: document.documentElement.scrollWidth, width, seen, outside};
}"""

#: A cut-off label of the field's maximum length with no break point, and a later cut-off whose
#: page links to "Changes since <that label>".
LONG_LABEL = "X" * 80
LONG_CUTOFFS = [f"/accords/{SLUG}/cutoffs/{LONG_LABEL}", f"/accords/{SLUG}/cutoffs/after-long"]
PUBLIC = ["/", f"/accords/{SLUG}", f"/accords/{SLUG}/provisions",
          f"/accords/{SLUG}/provisions/1.1.1", f"/accords/{SLUG}/sections",
          f"/accords/{SLUG}/dashboard", f"/accords/{SLUG}/cutoffs", *LONG_CUTOFFS,
          f"/accords/{SLUG}/events",
          "/reference",
          "/reference/lusaka-protocol", "/methodology", "/login"]
SIGNED_IN = ["/my/submissions", "/account/password", f"/accords/{SLUG}/update",
             f"/accords/{SLUG}/events/new"]
PAGES = {None: PUBLIC,
         "editor@phone.test": PUBLIC + SIGNED_IN,
         "coordinator@phone.test": PUBLIC + SIGNED_IN + ["/review"],
         "admin@phone.test": PUBLIC + SIGNED_IN + ["/review", "/admin/users", "/admin/audit",
                                                   "/admin/reference-sets/"]}


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory, serve_seeded):
    with serve_seeded(tmp_path_factory.mktemp("phone"), "phone-test-secret", USERS,
                      _publish_long_cutoffs) as url:
        yield url


def _publish_long_cutoffs():
    from tracker.cutoffs import services
    from tracker.extensions import db
    from tracker.models import Accord

    accord = db.session.query(Accord).filter_by(slug=SLUG).one()
    services.publish(accord, LONG_LABEL, date(2019, 12, 31), "long label " + LONG_LABEL)
    services.publish(accord, "after-long", date(2023, 12, 31))


def _phone(browser, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": WIDTH, "height": 800},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    return context, context.new_page()


def _log_in(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _switch_to_spanish(page):
    if page.locator("header.site button[lang=es]").count():  # else Spanish already
        page.click("header.site button[lang=es]")
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "es"


def _check(page, url) -> dict:
    measured = page.evaluate(MEASURE, KEY)
    assert measured["scroll"] <= measured["width"], f"{url} scrolls sideways: {measured}"
    assert not measured["outside"], f"{url}: off-screen {measured['outside'][:3]}"
    return measured


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("email", list(PAGES))
def test_no_page_scrolls_sideways_and_key_figures_are_on_screen(browser, phone_server, email,
                                                                language, screenshots):
    base = phone_server
    context, page = _phone(browser)
    if email:
        _log_in(page, base, email)
    page.goto(f"{base}/")
    if language == "es":
        _switch_to_spanish(page)
    for url in PAGES[email]:
        response = page.goto(base + url)
        assert response.status == 200, url
        measured = _check(page, url)
        assert measured["seen"] > 0, url
    page.goto(f"{base}/accords/{SLUG}")
    assert page.locator("main td.score").count() >= 1  # the accord page's score, on screen
    page.screenshot(path=str(screenshots / f"phone-accord-{language}-{email}.png"),
                    full_page=True)
    context.close()


def test_a_partner_on_a_phone_sees_a_failed_form_and_a_rejection(browser, phone_server,
                                                                 screenshots):
    base = phone_server
    context, page = _phone(browser)
    _log_in(page, base, "editor@phone.test")
    page.goto(f"{base}/accords/{SLUG}/provisions/1.1.2")
    page.select_option("#level", "3")
    page.fill("#effective_on", date.today().isoformat())
    page.click("form[action$='/update'] button[type=submit]")  # a rise without evidence
    page.wait_for_load_state()
    summary = page.locator("main .error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement && document.activeElement.id") == \
        "error-summary"
    box = summary.bounding_box()
    assert box and 0 <= box["y"] < 800 and box["x"] + box["width"] <= WIDTH + 1
    _check(page, "failed update")
    page.screenshot(path=str(screenshots / "phone-failed-update.png"))
    page.click("main .error-summary a >> nth=0")
    assert page.evaluate("document.activeElement && document.activeElement.id") in (
        "evidence_text", "evidence_url", "level")
    page.fill("#evidence_text", "Decree of this year")
    page.click("form[action$='/update'] button[type=submit]")
    page.wait_for_load_state()
    context.close()

    context, page = _phone(browser)
    _log_in(page, base, "coordinator@phone.test")
    page.goto(f"{base}/review")
    page.click("section.card form.stacked input[name=reject]")  # no reason: refused
    page.wait_for_load_state()
    assert page.locator("main .error-summary").count() == 1
    _check(page, "refused reject")
    page.fill("section.card input[name=reason]", "The decree was not published")
    page.click("section.card form.stacked input[name=reject]")
    page.wait_for_load_state()
    context.close()

    context, page = _phone(browser, locale="es-ES")
    _log_in(page, base, "editor@phone.test")
    page.goto(f"{base}/")
    _switch_to_spanish(page)
    page.goto(f"{base}/my/submissions")
    outcome = page.locator("main td.outcome").first
    assert "The decree was not published" in outcome.inner_text()
    box = outcome.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1
    _check(page, "my submissions")
    page.screenshot(path=str(screenshots / "phone-my-submissions-es.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("query", ["", "?section=1"])
def test_every_dashboard_figure_is_on_screen_in_spanish(browser, phone_server, query,
                                                        screenshots):
    """Every cell of every dashboard table (the monthly tables opened too) lies inside the
    390 px viewport: a figure hidden in a table that scrolls inside its box fails."""
    context, page = _phone(browser, "es-ES")
    page.goto(f"{phone_server}/")
    _switch_to_spanish(page)
    page.goto(f"{phone_server}/accords/{SLUG}/dashboard{query}")
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
    measured = _check(page, "dashboard" + query)
    cells = page.evaluate("() => document.querySelectorAll('main table.figures td').length")
    assert measured["seen"] >= cells > 50
    for table in ("priority", "groups", "tags", "comparison", "curve", "status",
                  "priority-timeline", "pace"):
        assert page.locator(f"#table-{table} td").count() > 0, table
    page.screenshot(path=str(screenshots / f"phone-dashboard-es{query.replace('?', '-')}.png"),
                    full_page=True)
    context.close()


def test_a_long_label_breaks_on_a_wide_screen_too(browser, phone_server):
    """At 1280 px the 80-character label breaks inside its cell and link: no page of the
    cut-offs scrolls sideways (a hidden caption inside a scrolling table included)."""
    context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{phone_server}/")
    _switch_to_spanish(page)
    for url in [f"/accords/{SLUG}/cutoffs", *LONG_CUTOFFS]:
        assert page.goto(phone_server + url).status == 200
        width = page.evaluate("[document.documentElement.scrollWidth, "
                              "document.documentElement.clientWidth]")
        assert width[0] <= width[1], (url, width)
    context.close()


#: Words of `selector`'s elements that a line break cuts in two (each word's text range
#: should lie on one line): a figure or a heading cut mid-word is unreadable.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s-]+/g)) {  // a hyphen may end a line
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_the_printable_brief_never_breaks_a_figure_or_a_heading_on_a_phone(
        browser, phone_server, locale, screenshots):
    context, page = _phone(browser, locale)
    for url in (f"/accords/{SLUG}/brief", f"/accords/{SLUG}/cutoffs/after-long/brief"):
        assert page.goto(phone_server + url).status == 200
        broken = page.evaluate(BROKEN_WORDS, "table.figures th, table.figures td, h1, h2")
        assert broken == [], (url, broken[:10])
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, url
        hints = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .filter(region => region.scrollWidth > region.clientWidth + 1)
            .map(region => getComputedStyle(region).backgroundImage.includes('radial-gradient'))""")
        assert hints and all(hints), (url, hints)  # a table that scrolls shows it does
    page.screenshot(path=str(screenshots / f"phone-brief-{locale}.png"), full_page=True)
    context.close()


CHECKBOX_BESIDE_TEXT = """() => [...document.querySelectorAll('main label.check')].map(label => {
  const box = label.querySelector('input[type=checkbox]').getBoundingClientRect();
  const range = document.createRange();
  const text = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
  range.selectNodeContents(text);
  const words = range.getClientRects()[0];
  return {label: label.textContent.trim(), beside: box.right <= words.left + 1
          && box.bottom > words.top && box.top < words.bottom};
})"""


@pytest.mark.parametrize("width", [WIDTH, 1280])
def test_every_filter_checkbox_sits_beside_its_words(browser, phone_server, width):
    """The provisions list's "overdue only" and "count pending records" stood above their
    words: a filter form laid its labels out as columns, checkboxes' included."""
    context = browser.new_context(locale="es-ES", viewport={"width": width, "height": 800})
    page = context.new_page()
    _log_in(page, phone_server, "coordinator@phone.test")
    for url in (f"/accords/{SLUG}/provisions", f"/accords/{SLUG}/dashboard"):
        page.goto(phone_server + url)
        found = page.evaluate(CHECKBOX_BESIDE_TEXT)
        assert found and all(f["beside"] for f in found), (url, width, found)
    context.close()


#: Each header link's words, computed font size and height on the page: the menu's links,
#: the language switch and the account's links and buttons (the site's name, bold, is the
#: header's title).
HEADER_LINKS = """() => [...document.querySelectorAll(
    'header.site nav a, header.site .account a, header.site .account button.link')]
  .map(el => [el.textContent.trim(), getComputedStyle(el).fontSize,
              el.getBoundingClientRect().height])"""


@pytest.mark.parametrize("width", [WIDTH, 1280])
def test_every_header_link_has_one_size(browser, phone_server, width):
    """At 390 px the language switch ("Español") was a 16 px button beside 14.4 px menu
    links and 13.6 px account links: every header link, signed out and signed in, in
    either language, is one size; on a phone each is a finger-sized target (44 px tall,
    where the links were 22 px beside 44 px buttons)."""
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{phone_server}/")
    seen = [page.evaluate(HEADER_LINKS)]
    _log_in(page, phone_server, "coordinator@phone.test")
    seen.append(page.evaluate(HEADER_LINKS))
    _switch_to_spanish(page)
    seen.append(page.evaluate(HEADER_LINKS))
    for links in seen:
        assert any(text in ("English", "Español") for text, _size, _h in links), links
        assert len({size for _text, size, _h in links}) == 1, (width, links)
        if width == WIDTH:
            assert all(height >= 44 for _text, _size, height in links), links
    context.close()


#: The cells of phone cards whose value does not keep to one column: a line of the value
#: (wrapped) starts left of where its first line starts, under its label.
UNDER_THE_LABEL = """() => [...document.querySelectorAll(
    'table.cards > tbody > tr > td[data-label]:not([data-label=""]):not(.long)')]
  .filter(td => getComputedStyle(td).display !== 'none' && td.textContent.trim())
  .filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const lines = [...range.getClientRects()].filter(r => r.width > 0);
    return lines.some(r => r.left < lines[0].left - 1);
  }).map(td => td.dataset.label + ': ' + td.textContent.trim().slice(0, 40))"""


def test_a_card_value_that_wraps_stays_in_its_column(browser, phone_server):
    """On a phone a card's wrapped value fell under its label ("Tibú #455" under "Evento" in
    My submissions; department names on the dashboard): every labelled value keeps to its
    column (one rule for every card table: tracker.css)."""
    context, page = _phone(browser, "es-ES")
    url = f"/accords/{SLUG}/dashboard"
    assert page.goto(phone_server + url).status == 200
    wrapped = page.evaluate("""() => [...document.querySelectorAll(
        'table.cards > tbody > tr > td[data-label]:not(.long)')].filter(td =>
        td.getBoundingClientRect().height > 40).length""")
    assert wrapped > 0, url  # values that wrap are there to check
    assert page.evaluate(UNDER_THE_LABEL) == [], url
    context.close()
