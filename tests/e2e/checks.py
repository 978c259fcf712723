"""Checks the browser tests share."""


def wait_until_shown(page, image) -> None:
    """Wait (Playwright's timeout, not forever as `img.decode()` would for an image never
    fetched) until the `image` locator's picture has loaded."""
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
