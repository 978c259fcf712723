"""Figures, dates and moments in the reader's format: the one place that says how a date
(Babel's medium format), a moment, a score (two decimals), a share (one decimal, "%") or a
change (a true minus sign) is written, and a reason's sentence style. `web` registers them
as template filters and globals."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import get_locale

from ..cache import Recent

#: An ISO date (2016-11-24), as figures' dicts and stored values hold dates.
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def isodate(value) -> str:
    return value.isoformat() if value else ""


def local_date(value) -> str:
    """A date in the reader's language, Babel's medium format everywhere a person reads a
    date (24 nov 2016 in Spanish, Nov 24, 2016 in English). `value`: a date, a datetime
    (its date) or an ISO string (2016-11-24, as the figures' dicts hold dates); "" for none.
    Raises ValueError for a string that is not an ISO date."""
    from flask_babel import format_date

    if not value:
        return ""
    if isinstance(value, datetime):  # its date in TRACKER_TIMEZONE
        return format_date(value, "medium")
    key = (_language(get_locale()), value)
    text = _DATES.get(key)
    if text is None:
        text = format_date(date.fromisoformat(value[:10]) if isinstance(value, str) else value,
                           "medium")
        _DATES.put(key, text)
    return text


def local_datetime(value) -> str:
    """A moment in the reader's language and TRACKER_TIMEZONE, in the one format of moments
    (`utc_moment`'s): the date as `local_date`, hour and minute, and the zone ("29 nov 2026
    10:05 UTC"; "29 nov 2026 05:05 GMT-05:00" in Bogotá). `value`: an aware datetime or an
    ISO string (2026-11-29T10:00:00+00:00)."""
    from flask_babel import format_datetime, format_time, get_timezone

    if not value:
        return ""
    key = (_language(get_locale()), get_timezone(), value)
    text = _MOMENTS.get(key)
    if text is None:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        # times are stored in UTC and shown in TRACKER_TIMEZONE, which is named
        zone = format_datetime(moment, "ZZZZ")
        zone = "UTC" if zone in ("GMT", "GMT+00:00") else zone
        text = f'{local_date(moment)} {format_time(moment, "HH:mm")} {zone}'
        _MOMENTS.put(key, text)
    return text


def _language(locale) -> tuple | None:
    """A Babel Locale as a key of the caches here: its parts (comparing two Locale objects
    costs more than the formatting a cache saves)."""
    if locale is None:
        return None
    return (locale.language, locale.territory, locale.script, locale.variant, locale.modifier)


#: Dates and moments as `local_date` and `local_datetime` wrote them, by language (and
#: time zone) and value: no write changes them. Kept in this process.
_DATES = Recent(5_000, "formatting.dates", follows_data=False)
_MOMENTS = Recent(5_000, "formatting.moments", follows_data=False)


def utc_moment(value) -> str:
    """A UTC moment kept as an ISO string (2026-11-29T10:05:00+00:00, as cut-offs record
    their publication) as its date in the reader's format and its hour and minute
    ("29 nov 2026 10:05"); the page says UTC beside it."""
    if not value:
        return ""
    text = value if isinstance(value, str) else value.isoformat()
    return f"{local_date(text)} {text[11:16]}".rstrip()


def number(value) -> str:
    """A figure as computed (its decimals kept), with the reader's decimal sign: 61.25 in
    English, 61,25 in Spanish; no grouping, so tables read the same as the API."""
    from babel.numbers import format_decimal

    if value is None:
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value, format="0.##########", locale=get_locale())
    return str(value)


def decimal_sign() -> str:
    """The reader's decimal sign ("," in Spanish), for figures drawn on charts."""
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(get_locale())


def percent(value) -> str:
    """A share in percent as every table and sentence shows it: one decimal, the reader's
    decimal sign, a no-break space before the sign ("32.0 %", "31,3 %"); "—" for None."""
    if value is None:
        return "—"
    return fixed(value, SHARE_PLACES) + "\u00a0%"


def fixed(value, places: int) -> str:
    """A figure with exactly `places` decimals in the reader's format ("3.0", "3,0"), as
    Babel's `format_decimal(value, "0.00", locale)` writes it (its rounding: half to even
    of the figure's shortest decimal form); "—" for None. Babel's pattern is built once per
    number of places, and each text is kept per language, places and figure (`_FIXED`),
    as figures repeat down a page's tables."""
    if value is None:
        return "—"
    return _fixed(value, places, get_locale())


def _fixed(value, places: int, locale) -> str:
    """`fixed` for a figure (not None) in `locale` (a Babel Locale; None outside a request:
    Babel's default, as format_decimal takes it)."""
    if locale is None:
        from babel.numbers import format_decimal

        return format_decimal(value, format=_decimal_format(places), locale=locale)
    key = (_language(locale), places, value.__class__, repr(value))  # -0.0 is not 0.0
    text = _FIXED.get(key)
    if text is None:
        text = _decimal_pattern(places).apply(value, locale)
        _FIXED.put(key, text)
    return text


def bound_formatters(locale) -> dict:
    """`fixed`, `score_figure`, `share_figure`, `percent` and `signed` writing in `locale`
    (a Babel Locale, or None as `_fixed` takes it) found once, for a page whose language
    does not change while it renders (`i18n.rendering`); same texts as those functions."""
    def fixed_in(value, places: int) -> str:
        return "—" if value is None else _fixed(value, places, locale)

    def score_figure_in(value) -> str:
        return "—" if value is None else _fixed(value, SCORE_PLACES, locale)

    def share_figure_in(value) -> str:
        return "—" if value is None else _fixed(value, SHARE_PLACES, locale)

    def percent_in(value) -> str:
        return "—" if value is None else _fixed(value, SHARE_PLACES, locale) + "\u00a0%"

    def signed_in(value, places: int = SCORE_PLACES) -> str:
        return _signed(value, places, fixed_in)

    return {"fixed": fixed_in, "score_figure": score_figure_in,
            "share_figure": share_figure_in, "percent": percent_in, "signed": signed_in}


#: Texts `fixed` wrote, by (locale, places, type, repr of the figure): no write changes them.
_FIXED = Recent(20_000, "formatting.fixed", follows_data=False)


def _decimal_format(places: int) -> str:
    """Babel's pattern text for exactly `places` decimals ("0", "0.0", "0.00")."""
    return "0." + "0" * places if places else "0"


def _decimal_pattern(places: int):
    """Babel's parsed pattern (babel.numbers.NumberPattern) for `places` decimals, parsed
    once."""
    pattern = _PATTERNS.get(places)
    if pattern is None:
        from babel.numbers import parse_pattern

        pattern = parse_pattern(_decimal_format(places))
        _PATTERNS.put(places, pattern)
    return pattern


_PATTERNS = Recent(16, "formatting.decimal_patterns", follows_data=False)


#: Bytes in the megabyte sizes are shown in (the limits are set as multiples of it).
MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    """A size in bytes as every message shows it, in the reader's format with a no-break
    space before the unit: a whole number of MB without decimals ("5 MB"), any other size
    from 0.1 MB with one decimal ("6,0 MB", "0,3 MB"), a smaller one in whole KB, at least
    1 ("1 KB"; "0 KB" only for nothing)."""
    if size >= MEGABYTE // 10:
        return fixed(size / MEGABYTE, 0 if size % MEGABYTE == 0 else 1) + "\u00a0MB"
    kilobytes = -(-size // 1024)  # rounded up: a file over a limit never shows under it
    return fixed(kilobytes, 0) + "\u00a0KB"


#: Decimals every computed figure is shown with: scores (0-100) and level means (0-3) two,
#: shares (percent) one. The one rule behind score_figure, share_figure and percent.
SCORE_PLACES = 2
SHARE_PLACES = 1


def score_figure(value) -> str:
    """A computed score (0-100), level mean (0-3), difference or ratio, always with two
    decimals in the reader's format ("61.30", "61,30"); "—" for None. Whole counts
    (provisions, accords) are not scores: show them as they are."""
    return fixed(value, SCORE_PLACES)


def share_figure(value) -> str:
    """A share in percent without the sign (the column says "%"), always one decimal in
    the reader's format ("36.0", "36,0"); "—" for None."""
    return fixed(value, SHARE_PLACES)


def published_score(value, precision: str | None = None) -> str:
    """A score as its source published it: a whole percent (`precision` "percent") or a
    score's two decimals, in the reader's format; "—" for None."""
    return fixed(value, 0 if precision == "percent" else SCORE_PLACES)


def signed(value, places: int = SCORE_PLACES) -> str:
    """A change with its sign, in the reader's format with exactly `places` decimals: a
    score's two by default (+1.60, −2.00, 0.00), one (`SHARE_PLACES`) for percentage points
    beside shares; a true minus sign (U+2212); "—" for None. The one signed formatter of
    pages, briefs (page and PDF) and templates (global `signed`)."""
    return _signed(value, places, fixed)


def _signed(value, places: int, fixed_in) -> str:
    """`signed` with the `fixed` given (`fixed_in(value, places)`)."""
    if value is None:
        return "—"
    if value > 0:
        return "+" + fixed_in(value, places)
    if value < 0:
        return "\u2212" + fixed_in(-value, places)
    return fixed_in(value, places)


def day_of_year(month: int, day: int) -> str:
    """A day of the year in the reader's language: "November 17", "17 de noviembre"."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMMd", date(2000, month, day), locale=get_locale())


def sentence(text, capital: bool = True) -> str:
    """A reason shown on its own, in the one style of messages (`domain.text.as_sentence`):
    capital first (unless `capital` is False: after a label and a colon), final stop.
    Markup stays markup."""
    from markupsafe import Markup

    from ..domain.text import as_sentence

    if isinstance(text, Markup):
        return Markup(as_sentence(str(text), capital)) \
            if not str(text).lstrip().startswith("<") else text
    return as_sentence(str(text), capital) if text is not None else ""
