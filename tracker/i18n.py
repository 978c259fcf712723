"""The reader's language for what pages, charts and workbooks show: the domain's fixed
vocabularies (levels, review states, time frames, kinds), the PAM provision types, country
names, reasons given as `Message`s, and bilingual accord content (`domain.bilingual`)."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .domain import bilingual
from .domain.messages import Message, N_
from .reference import dataset

_DECIMAL = re.compile(r"-?\d+\.\d+")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")

LEVEL_LABELS = (_l("Not initiated"), _l("Minimal"), _l("Intermediate"), _l("Complete"))
REVIEW_STATES = {"pending": _l("pending review"), "verified": _l("verified"),
                 "rejected": _l("rejected")}
#: The cross-cutting tags the tracker knows; any other tag is shown as typed.
TAGS = {"gender": _l("gender"), "ethnic": _l("ethnic"), "territorial": _l("territorial")}
KINDS = {"monitored": _l("monitored"), "reference": _l("reference")}
TIME_FRAMES = {"short": _l("short term"), "medium": _l("medium term"), "long": _l("long term")}
#: The Summary sheet's groups, as a workbook reader sees them (CSV files keep the codes).
SUMMARY_GROUPS = {"all": _l("all"), "priority": _l("priority"),
                  "non_priority": _l("non-priority"), "point": _l("point")}


def level_labels() -> list[str]:
    return [str(label) for label in LEVEL_LABELS]


def level_label(level: int) -> str:
    return str(LEVEL_LABELS[level])


def tag_label(tag: str) -> str:
    """A stored tag key as the reader sees it: a known tag's label, a free tag as typed."""
    return str(TAGS.get(tag, tag))


def known_tags_text() -> str:
    """The known tags in the reader's language as a tags field takes them
    ("gender; ethnic; territorial", "género; étnico; territorial")."""
    return "; ".join(tag_label(key) for key in TAGS)


def known_tag_names() -> dict[str, set[str]]:
    """Each known tag's key -> the names it displays: the key itself and its label in every
    interface language (`config.LANGUAGES`), for `domain.tags.TagVocabulary`."""
    from flask_babel import force_locale

    from .config import LANGUAGES

    names: dict[str, set[str]] = {key: {key} for key in TAGS}
    for language in LANGUAGES:
        with force_locale(language):
            for key, label in TAGS.items():
                names[key].add(str(label))
    return names


def review_state(state: str) -> str:
    return str(REVIEW_STATES.get(state, state))


def yes_no(value: bool) -> str:
    """yes / no in the reader's language."""
    return _("yes") if value else _("no")


#: Words stored in records and exported as they are in English (time frames, review states).
STORED_WORDS = {"short": _l("short"), "medium": _l("medium"), "long": _l("long"),
                "pending": _l("pending"), "verified": _l("verified"),
                "rejected": _l("rejected"), "committed": _l("recorded"),
                "discarded": _l("discarded"),
                "recorded by a reviewer": _l("recorded by a reviewer")}
#: Where an event or a source came from (`events.models.ORIGINS`).
ORIGIN_LABELS = {"web": _l("web form"), "import": _l("file import"), "seed": _l("seed data"),
                 "api": _l("API"), "restore": _l("restored backup")}
#: The formats a reference set is read from (`ReferenceSet.source_format`).
SOURCE_FORMATS = {"long": _l("long format"), "pam_id": _l("PAM_ID file, wide format")}


def stored_word(word: str | None) -> str | None:
    """A stored vocabulary word (short, pending, ...) in the reader's language; the word
    itself in English, None and unknown words as they are."""
    return str(STORED_WORDS[word]) if word in STORED_WORDS else word


def upload_state(state: str) -> str:
    """An offline update's state (pending, committed, discarded) in the reader's language."""
    return str(REVIEW_STATES["pending"]) if state == "pending" else str(stored_word(state))


def source_format(fmt: str | None) -> str:
    """A reference set's source format (long, wide) in the reader's language."""
    return str(SOURCE_FORMATS.get(fmt, fmt)) if fmt else "—"


def accord_kind(kind: str) -> str:
    """An accord's kind (monitored, reference) in the reader's language."""
    return str(KINDS.get(kind, kind))


def summary_group(group: str) -> str:
    return str(SUMMARY_GROUPS.get(group, group))


def tag_list(tags) -> str:
    """Tags in the reader's language, `;`-separated as the CSV writes them."""
    return ";".join(tag_label(t) for t in sorted(tags))


def time_frame(frame: str | None) -> str:
    return str(TIME_FRAMES.get(frame, frame or "")) if frame else _("none")


#: The reason the structure importer records for a provision's initial priority flag
#: (`importers.import_accord`): written by the application, stored in English and shown in
#: the reader's language (`priority_reason`), as stored rows already hold it.
IMPORTED_PRIORITY_REASON = N_("Initial priority flag from the imported structure")


def priority_reason(text: str) -> str:
    """A priority change's reason for a page: the importer's own (`IMPORTED_PRIORITY_REASON`)
    in the reader's language, a person's as typed."""
    return _(text) if text == IMPORTED_PRIORITY_REASON else text


def stored_reason(entry: dict) -> str:
    """A reason kept as JSON (`tracker.reference.sets.stored_reason`) in the reader's
    language; the English text where no template was kept."""
    if entry.get("text"):
        params = {key: _localised(value) for key, value in entry.get("params", {}).items()}
        return translate(Message(entry["text"], **params))
    return str(entry.get("message", ""))


def _localised(value: str) -> str:
    """A stored value that is a decimal number ("38.09524") in the reader's decimal sign, an
    ISO date ("1991-01-06") in the reader's date format; any other value as stored."""
    from .web import local_date, number

    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return number(float(value))
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return local_date(value)
    return value


def _filled(value):
    """A Message's value as shown: a Message translated, a moment in the one format of
    moments (`web.local_datetime`: "29 nov 2026 16:25 UTC"), a date in the reader's format."""
    from datetime import date, datetime

    from .web import local_date, local_datetime

    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    return value


def translate(reason) -> str:
    """A reason in the reader's language: a `Message` (template translated, then filled,
    its Message values translated too) or a plain N_-marked string."""
    if isinstance(reason, Message):
        values = {key: _filled(value) for key, value in reason.params.items()}
        return _(reason.text, **values) if values else _(reason.text)
    return _(reason) if isinstance(reason, str) and reason else str(reason or "")


def provision_type_text(ptype, field: str = "name") -> str:
    """A PAM provision type's name (or "group", "description") in the reader's language:
    the type's own catalogue (tracker/reference/provision_types_<language>.csv) where the
    language has one, else the stored English text. `ptype`: a ProvisionType or a code."""
    from flask_babel import get_locale

    code = ptype if isinstance(ptype, str) else ptype.code
    translated = dataset.translated_vocabulary(str(get_locale())).get(code)
    if translated:
        return translated[field]
    return code if isinstance(ptype, str) else str(getattr(ptype, field))


def provision_type_names(stored: dict[str, str]) -> dict[str, str]:
    """`stored` (type code -> English name) with each name in the reader's language."""
    from flask_babel import get_locale

    translated = dataset.translated_vocabulary(str(get_locale()))
    return {code: translated.get(code, {}).get("name", name) for code, name in stored.items()}


#: Country names as data sets write them that differ from the CLDR English name (PAM_ID).
COUNTRY_ALIASES = {"bosnia": "BA", "congo-brazzaville": "CG", "ivory coast": "CI",
                   "macedonia": "MK", "east timor": "TL", "drc": "CD",
                   "democratic republic of the congo": "CD", "burma": "MM"}


_COUNTRY_CODES: dict[str, str | None] = {}  # static data (CLDR): never changed by a write
_TERRITORIES: dict[str, str] = {}


def country_code(name: str) -> str | None:
    """The ISO 3166 code of a country as an accord stores it (its English name as the data
    set writes it: "Colombia", "Ivory Coast", "Timor-Leste (East Timor)"), through CLDR's
    English territory names and COUNTRY_ALIASES; None when not recognised."""
    if name in _COUNTRY_CODES:
        return _COUNTRY_CODES[name]
    key = re.sub(r"\s+", " ", name.strip().lower())
    english = _english_territories()
    found = None
    for candidate in (key, re.sub(r"\s*\(.*\)$", "", key), *re.findall(r"\((.*)\)", key)):
        found = english.get(candidate) or COUNTRY_ALIASES.get(candidate)
        if found:
            break
    _COUNTRY_CODES[name] = found
    return found


def _english_territories() -> dict[str, str]:
    """CLDR's English territory names (lower case, also with "and" for "&") -> code."""
    if _TERRITORIES:
        return _TERRITORIES
    from babel import Locale

    names = {}
    for code, territory in Locale("en").territories.items():
        if code.isalpha() and len(code) == 2:
            names[territory.lower()] = code
            names[territory.lower().replace(" & ", " and ")] = code
    _TERRITORIES.update(names)  # whole at once: a reader never sees half of it
    return _TERRITORIES


def country_name(name: str | None) -> str:
    """A country in the reader's language through Babel's territory names ("Ivory Coast"
    -> "Côte d’Ivoire" in Spanish); the stored text when it names no known country."""
    from flask_babel import get_locale

    if not name:
        return ""
    code = country_code(name)
    locale = get_locale()
    return locale.territories.get(code, name) if code and locale else name


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
    reader's format (`web.local_date`), the title in the reader's language when held, cut
    to `width` characters (`text.option_label`), followed by "[EN]" / "[ES]" when only the
    other language exists (kept when the title is cut)."""
    from .domain.text import option_label
    from .web import local_date

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
    from .domain.text import option_label

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


#: Audit action codes (services.audit) as a person reads them.
AUDIT_ACTIONS = {
    "status.record": _l("Status recorded"), "status.verified": _l("Status verified"),
    "status.rejected": _l("Status rejected"), "priority.set": _l("Priority set"),
    "priority.clear": _l("Priority cleared"), "provision.edit": _l("Provision edited"),
    "import.accord": _l("Accord imported again"), "import.statuses": _l("Statuses imported"),
    "reference_set.import": _l("Reference set imported"),
    "reference_set.replace": _l("Reference set replaced"),
    "reference_set.delete": _l("Reference set deleted"),
    "reference_set.default": _l("Default reference set changed"),
    "excel.upload": _l("Offline update uploaded"), "excel.discard": _l("Offline update discarded"),
    "cutoff.publish": _l("Cut-off published"), "organization.create": _l("Organization created"),
    "user.create": _l("User created"), "user.locked": _l("Sign-in locked"),
    "user.logout": _l("Signed out"), "user.password": _l("Password changed"),
    "role.grant": _l("Role granted"), "role.revoke": _l("Role revoked"),
    "login.failure": _l("Failed login of an email without an account"),
    "login.locked": _l("Email without an account locked out"),
    "event.submit": _l("Event submitted"), "event.verified": _l("Event verified"),
    "event.rejected": _l("Event rejected"), "source.submit": _l("Source submitted"),
    "source.verified": _l("Source verified"), "source.rejected": _l("Source rejected"),
    "import.events": _l("Events imported"), "places.import": _l("Places imported"),
}
#: Kinds of audited object (AuditEvent.object_type).
AUDIT_OBJECTS = {
    "status_record": _l("status record"), "provision": _l("provision"), "accord": _l("accord"),
    "reference_set": _l("reference set"), "upload_batch": _l("offline update"),
    "cutoff": _l("cut-off"), "organization": _l("organization"), "user": _l("user"),
    "section": _l("section"), "provision_type": _l("provision type"), "login": _l("login"),
    "event": _l("event"), "source": _l("source"), "place": _l("place"),
}
#: Fields stored in audit events' before/after objects.
AUDIT_FIELDS = {
    "provision": _l("Provision"), "level": _l("Level"), "effective_on": _l("Effective on"),
    "review_state": _l("Review state"), "evidence_url": _l("Evidence link"),
    "evidence_text": _l("Evidence"), "note": _l("Note"), "corrects": _l("Corrects record"),
    "priority": _l("Priority"), "reason": _l("Reason"), "text": _l("Text"),
    "text_translated": _l("Translated text"), "section_id": _l("Section"),
    "provision_type_id": _l("Provision type"), "deadline": _l("Deadline"),
    "time_frame": _l("Time frame"), "tags": _l("Tags"), "label": _l("Label"),
    "name": _l("Name"), "until": _l("Until"), "role": _l("Role"), "accord": _l("Accord"),
    "section": _l("Section"), "email": _l("Email"), "as_of": _l("Cut-off date"),
    "value": _l("Value"), "organization": _l("Organization"),
    "published_at": _l("Published at"), "supersedes": _l("Supersedes"), "user": _l("User"),
    "responsible_actor": _l("Responsible actor"), "seconds": _l("Seconds"),
    "file": _l("File"), "filename": _l("File"), "sha256": _l("SHA-256"),
    "accords": _l("Accords"), "sections": _l("Sections"), "provisions": _l("Provisions"),
    "years": _l("Coded years"), "records": _l("Records"), "skipped": _l("Skipped"),
    "unchanged": _l("Unchanged"), "state": _l("Review state"),
    "occurred_on": _l("Occurred on"), "ended_on": _l("Ended on"), "title": _l("Title"),
    "place": _l("Place"), "actors": _l("Actors"),
    "sources": _l("Sources"), "origin": _l("Origin"), "review_reason": _l("Review reason"),
    "kind": _l("Kind"), "publisher": _l("Publisher"), "published_on": _l("Published on"),
    "url": _l("Link"), "language": _l("Language"), "attachment": _l("Attached file"),
    "description": _l("Description"),
}
#: Roles from least to most power (`permissions.ROLE_RANK`), as a person reads them.
ROLE_NAMES = {"viewer": _l("viewer"), "editor": _l("editor"),
              "coordinator": _l("coordinator"), "admin": _l("administrator")}


def role_name(role: str) -> str:
    """A role (viewer, editor, coordinator, admin) in the reader's language; unknown roles
    as they are."""
    return str(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def audit_action(code: str) -> str:
    """An audit action code (status.verified) in the reader's language; unknown codes as
    they are."""
    return str(AUDIT_ACTIONS[code]) if code in AUDIT_ACTIONS else code


def audit_object(kind: str) -> str:
    """An audited object's kind (status_record) in the reader's language."""
    return str(AUDIT_OBJECTS[kind]) if kind in AUDIT_OBJECTS else kind.replace("_", " ")


def audit_field(name: str) -> str:
    """A field name of an audit event's before/after in the reader's language."""
    return str(AUDIT_FIELDS[name]) if name in AUDIT_FIELDS else name.replace("_", " ")


_ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def audit_value(field: str, value, codes: dict | None = None):
    """One stored value of an audit event as the reader reads it: a level as its label, a
    review state, time frame or other stored word in the reader's language, a tag list as
    tag names, an ISO date or moment in the one date format (`local_date`, `utc_moment`),
    a provision, section or provision type id as its code (`codes`: (field, id) -> code,
    the id itself where unknown). Anything else (bool, list, text) is returned as is for
    `changes.plain`."""
    codes = codes or {}
    if value is None or isinstance(value, bool):
        return value
    if field == "level" and isinstance(value, int) and 0 <= value < len(LEVEL_LABELS):
        return f"{value} {level_label(value)}"
    if field in ("provision", "section_id", "provision_type_id", "corrects") \
            and isinstance(value, int):
        return codes.get((field, value), value)
    if field == "tags" and isinstance(value, list):
        return [tag_label(t) for t in value]
    if field == "role" and isinstance(value, str):
        return role_name(value)
    if field in ("review_state", "state") and isinstance(value, str):
        return review_state(value)
    if field == "time_frame" and isinstance(value, str):
        return time_frame(value)
    return _event_value(field, value, codes)


def _event_value(field: str, value, codes: dict):
    """`audit_value` for the fields of events and sources: links as "code (effect)", a
    source's kind, an origin, a place as its code, sources by number."""
    from .events.routes import EFFECT_LABELS, SOURCE_KIND_LABELS
    from .web import local_date, utc_moment

    if field == "provisions" and isinstance(value, list) and all(
            isinstance(v, list) and len(v) == 2 for v in value):
        return [f"{codes.get(('provision', p), p)} ({EFFECT_LABELS.get(e, e)})" for p, e in value]
    if field == "sources" and isinstance(value, list):
        return [_("#%(id)d", id=v) if isinstance(v, int) else v for v in value]
    if field == "place" and isinstance(value, int):
        return codes.get(("place", value), value)
    if field == "kind" and isinstance(value, str) and value in SOURCE_KIND_LABELS:
        return str(SOURCE_KIND_LABELS[value])
    if field == "origin" and isinstance(value, str):
        return str(ORIGIN_LABELS.get(value, value))
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            return utc_moment(value) + " UTC"
        if _ISO_DATE.fullmatch(value):
            return local_date(value)
        return stored_word(value)
    return value
