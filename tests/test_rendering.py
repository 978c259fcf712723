"""Pages render with the reader's language resolved once a page (i18n.rendering) and figures,
dates and moments kept once written (i18n.formatting): the same text as Flask-Babel's
template globals and Babel's formatters write, in both languages."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from flask import render_template_string
from flask_babel import format_date, format_datetime, format_time, get_locale, refresh

from tracker.i18n import formatting, rendering

#: Translated texts with and without variables (escaped or not), plural forms, "%%", the
#: level and review-state helpers, every figure formatter and a {% trans %} block.
TEMPLATE = (
    '{{ _("Share (%%)") }}|{{ _("Year %(n)s", n=3) }}|{{ _("by %(who)s", who="<b>x</b>") }}|'
    '{{ _("Score") }}|{{ _("Score") }}|'
    '{{ ngettext("%(num)s provision overdue", "%(num)s provisions overdue", 1) }}|'
    '{{ ngettext("%(num)s provision overdue", "%(num)s provisions overdue", 7) }}|'
    '{% for n in range(4) %}{{ level_label(n) }},{% endfor %}|{{ review_state("pending") }}|'
    '{{ score_figure(61.255) }}|{{ share_figure(-0.0) }}|{{ share_figure(None) }}|'
    '{{ percent(31.25) }}|{{ signed(-2) }}|{{ signed(1.605, 1) }}|{{ signed(0) }}|'
    '{{ fixed(2.675, 2) }}|{{ fixed(None, 2) }}|{{ 3.14159 | score_figure }}|'
    '{% autoescape false %}{{ _("by %(who)s", who="<i>") }}{{ _("Share (%%)") }}'
    '{% endautoescape %}|{% trans %}Score{% endtrans %}|'
    '{% trans num=2 %}{{ num }} provision{% pluralize %}{{ num }} provisions{% endtrans %}')

FIGURES = [0, 1, -1, 7, 0.5, 1.5, 2.5, 0.125, 2.675, 1.005, -0.0, 0.0, -0.004, 99.995,
           61.255, 1e6, 123456.789, 1e-7, Decimal("1.005"), Decimal("-0"), Decimal("2.50"),
           float("nan"), float("inf"), float("-inf")]


@pytest.fixture(params=["en", "es"])
def reader(app, request):
    """A request in English or Spanish (the language's name)."""
    with app.test_request_context(headers={"Accept-Language": request.param}):
        refresh()
        yield request.param
    refresh()


def test_a_page_reads_the_same_as_through_flask_babel_globals(app, reader):
    """`render_template_string` goes through the context processor; the environment's own
    render sees only the globals Flask-Babel and `web` installed (the former path)."""
    per_page = render_template_string(TEMPLATE)
    through_globals = app.jinja_env.from_string(TEMPLATE).render()
    assert per_page == through_globals
    assert "&lt;b&gt;x&lt;/b&gt;" in per_page and "<i>" in per_page
    assert ("Share (%)" if reader == "en" else "Proporción (%)") in per_page


def test_the_page_gets_its_own_translations_and_formatters(app, reader):
    context = rendering.render_context()
    for name in ("_", "gettext", "ngettext", "level_label", "review_state", "fixed",
                 "score_figure", "share_figure", "percent", "signed"):
        assert context[name] is not app.jinja_env.globals.get(name), name


def test_a_text_kept_in_one_page_is_not_another_languages(app):
    """Each page binds its own translations: a Spanish page after an English one (same
    process, same texts) reads in Spanish."""
    pages = {}
    for language in ("en", "es", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()
            pages.setdefault(language, set()).add(
                render_template_string('{{ _("Score") }} {{ score_figure(1.5) }} '
                                       '{{ level_label(3) }}'))
    refresh()
    assert len(pages["en"]) == 1 and len(pages["es"]) == 1
    assert pages["en"] != pages["es"]
    assert pages["en"] == {render_in(app, "en")} and pages["es"] == {render_in(app, "es")}


def render_in(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()
        text = app.jinja_env.from_string('{{ _("Score") }} {{ score_figure(1.5) }} '
                                         '{{ level_label(3) }}').render()
    refresh()
    return text


@pytest.mark.parametrize("places", [0, 1, 2, 3])
def test_fixed_writes_what_babel_writes(app, reader, places):
    bound = formatting.bound_formatters(get_locale())
    pattern = "0." + "0" * places if places else "0"
    for _ in range(2):  # written, then kept
        for value in FIGURES:
            expected = format_decimal(value, format=pattern, locale=get_locale())
            assert formatting.fixed(value, places) == expected, (value, places)
            assert bound["fixed"](value, places) == expected, (value, places)


def test_bound_formatters_write_what_the_formatters_write(app, reader):
    bound = formatting.bound_formatters(get_locale())
    for value in FIGURES + [None]:
        assert bound["score_figure"](value) == formatting.score_figure(value)
        assert bound["share_figure"](value) == formatting.share_figure(value)
        assert bound["percent"](value) == formatting.percent(value)
        assert bound["signed"](value) == formatting.signed(value)
        assert bound["signed"](value, 1) == formatting.signed(value, 1)


def test_fixed_outside_a_request_writes_babels_default(app):
    with app.app_context():
        assert formatting.fixed(2.5, 1) == format_decimal(2.5, format="0.0", locale=None)


def test_negative_zero_is_not_kept_as_zero(app, reader):
    assert formatting.fixed(0.0, 1) == format_decimal(0.0, format="0.0", locale=get_locale())
    assert formatting.fixed(-0.0, 1) == format_decimal(-0.0, format="0.0",
                                                       locale=get_locale())
    assert formatting.fixed(0.0, 1) != formatting.fixed(-0.0, 1)


def test_dates_and_moments_kept_read_as_written(app, reader):
    """local_date and local_datetime keep what they wrote per language and value: the kept
    text is Flask-Babel's, and another language's never comes back."""
    day = date(2016, 11, 24)
    moment = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    for _ in range(2):
        assert formatting.local_date(day) == format_date(day, "medium")
        assert formatting.local_date("2016-11-24") == format_date(day, "medium")
        assert formatting.local_date(moment) == format_date(moment, "medium")
        zone = format_datetime(moment, "ZZZZ")
        zone = "UTC" if zone in ("GMT", "GMT+00:00") else zone
        expected = f'{format_date(moment, "medium")} {format_time(moment, "HH:mm")} {zone}'
        assert formatting.local_datetime(moment) == expected
        assert formatting.local_datetime(moment.isoformat()) == expected
    assert ("Nov" if reader == "en" else "nov") in formatting.local_date(day)


def test_a_date_that_is_not_one_is_still_refused(app, reader):
    with pytest.raises(ValueError):
        formatting.local_date("24/11/2016")
