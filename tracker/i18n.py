"""Translated names of the domain's fixed vocabularies (levels, review states, time frames)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import re

from .domain.messages import Message

_DECIMAL = re.compile(r"-?\d+\.\d+")

LEVEL_LABELS = (_l("Not initiated"), _l("Minimal"), _l("Intermediate"), _l("Complete"))
REVIEW_STATES = {"pending": _l("pending review"), "verified": _l("verified"),
                 "rejected": _l("rejected")}
#: The cross-cutting tags the tracker knows; any other tag is shown as typed.
TAGS = {"gender": _l("gender"), "ethnic": _l("ethnic"), "territorial": _l("territorial")}
TIME_FRAMES = {"short": _l("short term"), "medium": _l("medium term"), "long": _l("long term")}
#: The Summary sheet's groups, as a workbook reader sees them (CSV files keep the codes).
SUMMARY_GROUPS = {"all": _l("all"), "priority": _l("priority"),
                  "non_priority": _l("non-priority"), "point": _l("point")}


def level_labels() -> list[str]:
    return [str(label) for label in LEVEL_LABELS]


def level_label(level: int) -> str:
    return str(LEVEL_LABELS[level])


def tag_label(tag: str) -> str:
    return str(TAGS.get(tag, tag))


def review_state(state: str) -> str:
    return str(REVIEW_STATES.get(state, state))


def yes_no(value: bool) -> str:
    """A yes/no cell in the reader's language."""
    return _("yes") if value else _("no")


def summary_group(group: str) -> str:
    return str(SUMMARY_GROUPS.get(group, group))


def tag_list(tags) -> str:
    """Tags in the reader's language, `;`-separated as the CSV writes them."""
    return ";".join(tag_label(t) for t in sorted(tags))


def time_frame(frame: str | None) -> str:
    return str(TIME_FRAMES.get(frame, frame or "")) if frame else _("none")


def stored_reason(entry: dict) -> str:
    """A reason kept as JSON (`tracker.reference.sets.stored_reason`) in the reader's
    language; the English text where no template was kept."""
    if entry.get("text"):
        params = {key: _decimal(value) for key, value in entry.get("params", {}).items()}
        return translate(Message(entry["text"], **params))
    return str(entry.get("message", ""))


def _decimal(value: str) -> str:
    """A stored value that is a decimal number ("38.09524") in the reader's decimal sign."""
    from .web import number

    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return number(float(value))
    return value


def translate(reason) -> str:
    """A reason in the reader's language: a `Message` (template translated, then filled,
    its Message values translated too) or a plain N_-marked string."""
    if isinstance(reason, Message):
        values = {key: translate(value) if isinstance(value, Message) else value
                  for key, value in reason.params.items()}
        return _(reason.text, **values) if values else _(reason.text)
    return _(reason) if isinstance(reason, str) and reason else str(reason or "")
