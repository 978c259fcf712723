"""Writes to a provision itself: its priority flag (kept in its history) and its structure
fields and tags; audited and version-checked, a form resent unchanged writing nothing."""
from __future__ import annotations

from datetime import date

from ..domain.messages import N_
from ..domain.rules import deadline_problem
from ..extensions import db
from ..models import PriorityChange, Provision
from .status import newest_record
from .transaction import Conflict, Invalid, acting_user, audit, committing, lock_accord


def set_priority(provision: Provision, priority: bool, effective_on: date, reason: str,
                 expected_version: int) -> PriorityChange | None:
    """Set or clear a provision's priority flag, keeping the change in its history.

    Returns the new `PriorityChange`, or None when the flag already has that value: nothing
    is then recorded (no history row, no audit event, no version or revision bump). Raises
    Conflict (the provision changed since `expected_version`) or Invalid (field -> reason).
    """
    if bool(provision.priority) == bool(priority):
        return None  # also a resent form whose change already went through: not a conflict
    if expected_version != provision.version:
        raise Conflict(provision, newest_record(provision))
    found = {}
    if not (reason or "").strip():
        found["reason"] = N_("a reason is required")
    if effective_on is None:
        found["effective_on"] = N_("the date is required")
    elif effective_on > date.today():
        found["effective_on"] = N_("the date is in the future")
    elif effective_on < provision.accord.signed_on:
        found["effective_on"] = N_("the date is before the accord was signed")
    if found:
        raise Invalid(found)
    user_id, _ = acting_user()
    with committing(lambda: Conflict(provision, None)):
        lock_accord(provision.accord_id, provision)
        if expected_version != provision.version:
            raise Conflict(provision, newest_record(provision))
        before = {"priority": provision.priority}
        change = PriorityChange(provision=provision, priority=priority, effective_on=effective_on,
                                reason=reason.strip(), author_id=user_id)
        provision.priority = priority
        provision.version += 1
        db.session.add(change)
        db.session.flush()
        audit("priority.set" if priority else "priority.clear", "provision", provision.id,
              accord_id=provision.accord_id, before=before,
              after={"priority": priority, "effective_on": effective_on.isoformat(),
                     "reason": change.reason})
    return change


STRUCTURE_FIELDS = ("text", "text_translated", "section_id", "provision_type_id",
                    "responsible_actor", "deadline", "time_frame")


def _structure_json(provision: Provision) -> dict:
    data = {name: getattr(provision, name) for name in STRUCTURE_FIELDS}
    data["deadline"] = data["deadline"].isoformat() if data["deadline"] else None
    data["tags"] = provision.tag_names
    return data


def _blank(value):
    """An empty text stored by an older path counts as no value."""
    return None if value == "" else value


def edit_provision(provision: Provision, values: dict, tags: list[str],
                   expected_version: int) -> bool:
    """Change a provision's structure fields (`values`: name in STRUCTURE_FIELDS -> value)
    and tags; audited, version-checked. Returns False, writing nothing (no audit event, no
    version or revision bump), when the values and tags are those already stored, whatever
    the version; raises Conflict when they differ and the provision changed since
    `expected_version`, and Invalid ({"deadline": reason}) for a deadline before the
    accord's signing (`domain.rules.deadline_problem`)."""
    from ..models import ProvisionTag

    wanted = {name: values.get(name) if values.get(name) != "" else None
              for name in STRUCTURE_FIELDS}
    problem = deadline_problem(wanted["deadline"], provision.accord.signed_on)
    if problem:
        raise Invalid({"deadline": problem})
    if (all(_blank(getattr(provision, name)) == value for name, value in wanted.items())
            and sorted(provision.tag_names) == sorted(tags)):
        return False  # also a resent form whose save already went through: not a conflict
    if expected_version != provision.version:
        raise Conflict(provision, newest_record(provision))
    with committing(lambda: Conflict(provision, None)):
        lock_accord(provision.accord_id, provision)
        if expected_version != provision.version:
            raise Conflict(provision, newest_record(provision))
        before = _structure_json(provision)
        for name, value in wanted.items():
            if _blank(getattr(provision, name)) != value:
                setattr(provision, name, value)
        held = set(provision.tag_names)
        provision.tags = ([t for t in provision.tags if t.tag in tags]
                          + [ProvisionTag(tag=t) for t in sorted(set(tags) - held)])
        provision.version += 1
        db.session.flush()
        audit("provision.edit", "provision", provision.id, accord_id=provision.accord_id,
              before=before, after=_structure_json(provision))
    return True
