"""The writes: audit events, and (later) status records and reviews, each in one transaction."""
from __future__ import annotations

from flask import g, has_request_context
from flask_login import current_user

from .extensions import db
from .models import AuditEvent


def _actor() -> tuple[int | None, str]:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.email
    return None, "system"


def audit(action: str, object_type: str, object_id: int | None, *, accord_id: int | None = None,
          before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change it records)."""
    user_id, actor = _actor()
    event = AuditEvent(
        user_id=user_id, actor=actor, action=action, object_type=object_type,
        object_id=object_id, accord_id=accord_id, before=before, after=after,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event
