"""Reasons in the reader's language: a `domain.messages.Message` (its template translated,
then filled with values shown as the reader reads them) or an N_-marked string, and a
reason kept as JSON."""
import re
from datetime import date, datetime

from flask_babel import gettext as _

from ..domain.messages import N_, Message
from .formatting import ISO_DATE, local_date, local_datetime, number

_DECIMAL = re.compile(r"-?\d+\.\d+")

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
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return number(float(value))
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return local_date(value)
    return value


def _filled(value):
    """A Message's value as shown: a Message translated, a moment in the one format of
    moments (`formatting.local_datetime`: "29 nov 2026 16:25 UTC"), a date in the reader's
    format."""
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
