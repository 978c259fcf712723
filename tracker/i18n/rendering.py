"""The reader's language resolved once per rendered page, not once per translated string.

Flask-Babel installs `gettext` / `ngettext` in Jinja as functions that find the request's
translations through Flask's context proxies on every call: a page of tables calls them
thousands of times with the same few strings. `render_context` (a context processor that
`web` registers) resolves the translations once when `render_template` starts and gives the
page (and the templates it includes or imports `with context`) its own `_`, `gettext` and
`ngettext` bound to them, each text kept after its first use in that page;
`level_label` / `review_state` kept the same way; and the figure formatters bound to the
request's language (`formatting.bound_formatters`). The text out is the same as Jinja's
new-style gettext gives (`jinja2.ext`): translated, marked safe when the template
autoescapes, then formatted with its variables (`%%` becomes `%` even without variables).
Templates rendered without a request, or imported without context, use the globals
Flask-Babel installed, with the same result.
"""
from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup


def bound_gettext(translations):
    """(gettext, ngettext) for templates, bound to `translations` (a gettext translations
    object, as Flask-Babel's `get_translations()`: `ugettext(message)`,
    `ungettext(singular, plural, n)`); a text without variables
    is kept per autoescape mode after its first call."""
    kept: dict = {}

    @pass_context
    def gettext(__context, __string: str, **variables) -> str:
        autoescape = __context.eval_ctx.autoescape
        if not variables:
            try:
                return kept[__string, autoescape]
            except KeyError:
                pass
        text = translations.ugettext(__string)
        if autoescape:
            text = Markup(text)
        text = text % variables
        if not variables:
            kept[__string, autoescape] = text
        return text

    @pass_context
    def ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
        variables.setdefault("num", __num)
        text = translations.ungettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext, ngettext


def kept_per_page(function):
    """`function` (a pure function of hashable arguments in the reader's language) with its
    answers kept for one page."""
    kept: dict = {}

    def call(*args):
        try:
            return kept[args]
        except KeyError:
            kept[args] = answer = function(*args)
            return answer
        except TypeError:  # an unhashable argument: not kept
            return function(*args)

    return call


def render_context() -> dict:
    """What every page rendered through `render_template` gets in its context: `_`,
    `gettext` and `ngettext` bound to the request's translations; `level_label` and
    `review_state` kept per page; the figure formatters (`fixed`, `score_figure`,
    `share_figure`, `percent`, `signed`) bound to the request's language."""
    from flask_babel import get_locale, get_translations

    from .formatting import bound_formatters
    from .vocabulary import level_label, review_state

    gettext, ngettext = bound_gettext(get_translations())
    return {"_": gettext, "gettext": gettext, "ngettext": ngettext,
            "level_label": kept_per_page(level_label),
            "review_state": kept_per_page(review_state),
            **bound_formatters(get_locale())}
