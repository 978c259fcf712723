"""The domain's fixed vocabularies in the reader's language: levels, review states, tags,
kinds, time frames, stored words, origins, source formats, roles, the Summary sheet's
groups, and the PAM provision types (their own catalogue per language)."""
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_babel import lazy_gettext as _l

from ..domain.events import EFFECT_NAMES, SOURCE_KIND_NAMES
from ..domain.rules import REVIEWER_REASON
from ..models.base import ROLE_WORDS
from ..reference import dataset

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

    from ..config import LANGUAGES

    names: dict[str, set[str]] = {key: {key} for key in TAGS}
    for language in LANGUAGES:
        with force_locale(language):
            for key, label in TAGS.items():
                names[key].add(str(label))
    return names


def review_state(state: str) -> str:
    return str(REVIEW_STATES.get(state, state))


def source_state(state: str) -> str:
    """A source's review state (pending, verified, rejected) in the reader's language, in
    the gender of "source" (Spanish "fuente": verificada, rechazada); an event's or a
    record's is `review_state`. Unknown states as they are."""
    labels = {"pending": pgettext("source", "pending"),
              "verified": pgettext("source", "verified"),
              "rejected": pgettext("source", "rejected")}
    return labels.get(state, state)


def yes_no(value: bool) -> str:
    """yes / no in the reader's language."""
    return _("yes") if value else _("no")


#: Words stored in records and exported as they are in English (time frames, review states).
STORED_WORDS = {"short": _l("short"), "medium": _l("medium"), "long": _l("long"),
                "pending": _l("pending"), "verified": _l("verified"),
                "rejected": _l("rejected"), "committed": _l("recorded"),
                "discarded": _l("discarded"),
                REVIEWER_REASON: _l("recorded by a reviewer")}
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


#: Roles from least to most power (`permissions.ROLE_RANK`), as a person reads them.
ROLE_NAMES = {role: _l(word) for role, word in ROLE_WORDS.items()}


def role_name(role: str) -> str:
    """A role (viewer, editor, coordinator, admin) in the reader's language; unknown roles
    as they are."""
    return str(ROLE_NAMES[role]) if role in ROLE_NAMES else role


#: How an implementation event bears on a provision, and the kinds of source, as a person
#: reads them (the codes and English names are `domain.events`').
EFFECT_LABELS = {code: _l(name) for code, name in EFFECT_NAMES.items()}
SOURCE_KIND_LABELS = {code: _l(name) for code, name in SOURCE_KIND_NAMES.items()}
