"""The audit trail as a person reads it: action codes, kinds of object, field names and
stored values (levels, states, tags, dates, ids as codes) in the reader's language."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .formatting import ISO_DATE, local_date, utc_moment
from .vocabulary import (EFFECT_LABELS, LEVEL_LABELS, ORIGIN_LABELS, SOURCE_KIND_LABELS,
                         level_label, review_state, role_name, stored_word, tag_label,
                         time_frame)

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
        if ISO_DATE.fullmatch(value):
            return local_date(value)
        return stored_word(value)
    return value
