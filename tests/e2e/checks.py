"""Checks the browser tests share."""

#: Lays out every section of a page now, for a check of the whole page's width: sections
#: laid out only as the reader nears them (content-visibility: auto) contain their paint,
#: so content wider than the screen there would be clipped, not counted in scrollWidth.
EVERY_SECTION_LAID_OUT = ("document.querySelectorAll('section').forEach("
                          "s => { s.style.contentVisibility = 'visible'; })")


def wait_until_shown(page, image) -> None:
    """Wait (Playwright's timeout, not forever as `img.decode()` would for an image never
    fetched) until the `image` locator's picture has loaded."""
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
