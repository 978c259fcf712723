"""Bilingual content in the reader's language (`domain.bilingual`): an accord's name and
description, a section's title, a provision's text, an event's title, shown in the reader's
language when held, else in the language it exists in and marked "[EN]" / "[ES]"; as plain
text, as page markup, and as select options."""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..domain import bilingual
from .formatting import local_date
from .vocabulary import provision_type_text

#: The plain column of each bilingual content field; its translation is `<column>_translated`.
CONTENT_FIELDS = {"name", "description", "title", "text"}
LANGUAGE_NAMES = {"en": _l("English"), "es": _l("Spanish")}
LANGUAGE_ONLY = {"en": _l("Only in English: no Spanish text has been entered."),
                 "es": _l("Only in Spanish: no English text has been entered.")}


def content(item, field: str) -> bilingual.Shown:
    """An accord's name or description, a section's title, a provision's text or an
    event's title or description in the reader's language when held, else in the language
    it exists in (`Shown.foreign`). `item`: an Accord, Section, Provision or Event;
    `field`: one of CONTENT_FIELDS. The plain column is in the accord's original language,
    an event's in its own (`Event.written_in`)."""
    from flask_babel import get_locale

    if field not in CONTENT_FIELDS:
        raise ValueError(f"{field!r} is not a bilingual content field")
    if hasattr(item, "written_in"):
        language = item.written_in
    else:
        accord = item if hasattr(item, "original_language") else item.accord
        language = accord.original_language or "en"
    return bilingual.for_reader(getattr(item, field), getattr(item, f"{field}_translated"),
                                language, str(get_locale()))


def typing_language(accord) -> str:
    """The content language (ISO 639-1) a reader is taken to type an accord's content in
    when they do not say: their interface language when it is one, else the accord's
    original language."""
    from flask_babel import get_locale

    reader = str(get_locale())
    return reader if reader in bilingual.LANGUAGES else accord.original_language or "en"


def local(item, field: str) -> str:
    """`content` as plain text: for page titles, charts, workbooks and briefs."""
    return content(item, field).text


def content_html(item, field: str, truncate: int | None = None, marker: bool = True) -> Markup:
    """`content` for a page: the text (cut to `truncate` characters) in an element carrying
    its language, followed, when only the other language exists, by a visible marker
    (`language_marker`; `marker=False` leaves it to the caller, e.g. outside a link)."""
    return shown_html(content(item, field), truncate, marker)


def shown_html(shown: bilingual.Shown, truncate: int | None = None,
               marker: bool = True) -> Markup:
    """Shown content for a page, as `content_html` shows a model's field (the events feed
    shows a title held as text by language through `shown_texts`)."""
    text = shown.text
    if truncate and len(text) > truncate:
        text = text[:truncate - 1].rstrip() + "…"
    if not shown.foreign:
        return Markup("{}").format(text)
    html = Markup('<span lang="{}">{}</span>').format(shown.language, text)
    return html + Markup(" ") + _marker(shown.language) if marker else html


def language_marker(item, field: str) -> Markup:
    """The "[ES]" / "[EN]" marker of `content(item, field)` when only the other language
    exists (its title and hidden text say so); empty otherwise."""
    shown = content(item, field)
    return _marker(shown.language) if shown.foreign else Markup("")


def language_badge(language: str) -> Markup:
    """The "[ES]" / "[EN]" marker of text written in `language`, for a page."""
    return _marker(language)


def _marker(language: str) -> Markup:
    return Markup('<span class="badge lang" title="{why}"><span aria-hidden="true">[{code}]'
                  '</span><span class="visually-hidden">({why})</span></span>').format(
        why=str(LANGUAGE_ONLY[language]), code=language.upper())


def _title_shown(accord, code: str, stored: str | None) -> bilingual.Shown:
    """A point's (top-level section's) title for the reader: the section's title in the
    reader's language when `stored` is its current title (or None), else `stored` (a title as
    a cut-off recorded it) in the accord's original language."""
    from flask_babel import get_locale

    section = next((s for s in accord.sections if s.code == code), None)
    if section is not None and stored in (None, section.title):
        return content(section, "title")
    return bilingual.for_reader(stored, None, accord.original_language or "en",
                                str(get_locale()))


def point_title(accord, code: str, stored: str | None = None) -> str:
    """ "<code> <title>" as plain text (workbooks, PDF, sentences, select options), the title
    followed by "[EN]" / "[ES]" when only the other language exists, as on pages
    (`point_title_html`). `stored`: the title as a cut-off recorded it (None: as now)."""
    return f"{code} {marked_text(_title_shown(accord, code, stored))}".strip()


def marked_text(shown: bilingual.Shown) -> str:
    """Shown content as plain text: followed by "[EN]" / "[ES]" when only the other
    language exists (the marker pages show, `language_marker`)."""
    return f"{shown.text} [{shown.language.upper()}]" if shown.foreign else shown.text


def shown_texts(texts: dict[str, str | None], original_language: str) -> bilingual.Shown:
    """Content held as text by language (`{"en": ..., "es": ...}`, as the events feed and
    exports hold an event's title) for the reader, as `content` shows a model's field."""
    from flask_babel import get_locale

    other = bilingual.other(original_language)
    return bilingual.for_reader(texts.get(original_language), texts.get(other),
                                original_language, str(get_locale()))


def source_shown(title: str, language: str | None) -> bilingual.Shown:
    """A source's title (held in one language only: the source's own, `language`, ISO
    639-1 or None) for the reader: foreign when that is the other content language, so pages
    (`shown_html`) and plain text (`marked_text`) mark it "[EN]" / "[ES]"."""
    from flask_babel import get_locale

    reader = str(get_locale())
    language = (language or "").lower()
    foreign = language in bilingual.LANGUAGES and reader in bilingual.LANGUAGES \
        and language != reader
    return bilingual.Shown(title, language or reader, foreign)


def event_option(event, width: int = 120) -> str:
    """An event as a checkbox's or option's text: "<date> · <title>", the date in the
    reader's format (`formatting.local_date`), the title in the reader's language when held, cut
    to `width` characters (`text.option_label`), followed by "[EN]" / "[ES]" when only the
    other language exists (kept when the title is cut)."""
    from ..domain.text import option_label

    shown = content(event, "title")
    text = option_label(f"{local_date(event.occurred_on)} · {shown.text}", width)
    return f"{text} [{shown.language.upper()}]" if shown.foreign else text


def section_title(section) -> str:
    """A section's title in the reader's language, marked as `marked_text` when only the
    other language exists: for labels, select options and charts."""
    return marked_text(content(section, "title"))


def section_option(section, width: int = 90) -> str:
    """A section as a select's option (every select listing sections): "<code> <title>", the
    title in the reader's language cut to `width` characters (`text.option_label`), followed by
    "[EN]" / "[ES]" when only the other language exists (kept when the title is cut)."""
    from ..domain.text import option_label

    shown = content(section, "title")
    text = option_label(f"{section.code} {shown.text}".strip(), width)
    return f"{text} [{shown.language.upper()}]" if shown.foreign else text


def section_options(accord, codes) -> list[tuple[str, str]]:
    """(code, option text) for a select of an accord's sections, in the order of `codes`:
    each as `section_option`, indented with one "– " per level below a point; a code that
    names no section of the accord is shown as it is."""
    sections = {s.id: s for s in accord.sections}
    by_code = {s.code: s for s in sections.values()}

    def depth(section) -> int:
        found = 0
        while section.parent_id in sections and found < 20:
            section, found = sections[section.parent_id], found + 1
        return found

    return [(code, "– " * depth(by_code[code]) + section_option(by_code[code])
             if code in by_code else code) for code in codes]


def type_option(ptype) -> str:
    """A PAM provision type as a select's option (every select listing types): "<code> ·
    <name>" with the name in the reader's language (`provision_type_text`). `ptype`: a
    ProvisionType."""
    return f"{ptype.code} · {provision_type_text(ptype)}"


def point_title_html(accord, code: str, stored: str | None = None) -> Markup:
    """`point_title` for a page: the title in an element carrying its language and the
    visible marker (`language_marker`) when only the other language exists."""
    shown = _title_shown(accord, code, stored)
    if not shown.foreign:
        return Markup("{} {}").format(code, shown.text).strip()
    return Markup('{} <span lang="{}">{}</span> ').format(
        code, shown.language, shown.text) + _marker(shown.language)
