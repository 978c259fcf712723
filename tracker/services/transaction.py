"""What every write shares: the one commit-or-rollback (`committing`), the accord taken
first (`lock_accord`), the acting user, the audit event written with the change, the
accord's revision raised (`touch`), and the refusals a caller turns into an HTTP answer
(`Invalid` 400, `Conflict` 409, `NotPending` 409; `storage.Unavailable` 503)."""
from __future__ import annotations

from contextlib import contextmanager

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from .. import storage
from ..extensions import db
from ..models import Accord, AuditEvent, Provision, StatusRecord


class Conflict(Exception):
    """The provision changed since the form or workbook was made (HTTP 409)."""

    def __init__(self, provision: Provision, newer: StatusRecord | None):
        self.provision = provision
        self.newer = newer
        super().__init__(f"provision {provision.code} changed since version was read")


class Invalid(Exception):
    """The submission breaks rules; `errors` maps field names to reasons (HTTP 400)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotPending(Exception):
    """The record was already reviewed (HTTP 409)."""


@contextmanager
def committing(on_race):
    """Commit what the block adds, or roll all of it back: the one commit-or-rollback of
    every write (these services, `events.services`, `cutoffs.services`).

    A concurrent writer caught by the provision's version column, or by the append-only
    triggers (a record reviewed meanwhile), becomes the exception `on_race()` returns; a
    database that is busy past the wait, or cannot take writes, becomes `Unavailable`.
    """
    try:
        yield
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise on_race() from None
    except (DBAPIError, PoolTimeout) as exc:
        db.session.rollback()
        if storage.classify(exc) == storage.APPEND_ONLY:
            raise on_race() from exc
        found = storage.unavailable(exc)
        if found is not None:
            raise found from exc
        raise
    except Exception:
        db.session.rollback()
        raise
    storage.note_success()


def lock_accord(accord_id: int, *provisions: Provision) -> None:
    """Begin a write: raise the accord's revision first, then re-read the provisions'
    versions. Every writer of an accord takes its row first, so two writers of one accord
    take their turns and never deadlock (PostgreSQL), and the versions compared afterwards
    are the committed ones, not those read before waiting."""
    touch(accord_id)
    for provision in provisions:
        db.session.refresh(provision, ["version"])


def acting_user() -> tuple[int | None, str]:
    """(user id, email) of the signed-in user of the current request; (None, "system")
    outside a request or for an anonymous one (the command line, a background job)."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.email
    return None, "system"


def audit(action: str, object_type: str, object_id: int | None, *, accord_id: int | None = None,
          before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change it records)."""
    user_id, actor = acting_user()
    event = AuditEvent(
        user_id=user_id, actor=actor, action=action, object_type=object_type,
        object_id=object_id, accord_id=accord_id, before=before, after=after,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(event)
    return event


#: `Session.info` key of the accords the transaction touched (ids): read after the commit by
#: whoever follows writes (the dashboard's draw-ahead listens for commits and takes them).
TOUCHED = "tracker.touched_accords"


def touch(accord_id: int) -> None:
    """Raise the accord's revision in the current transaction: its figures changed. Before
    the commit its level-change summary follows (`tracker.summary`); the accord is noted in
    the session (`TOUCHED`), so once committed its dashboard is drawn ahead
    (`dashboard.drawahead` listens)."""
    from .. import summary

    db.session.execute(update(Accord).where(Accord.id == accord_id)
                       .values(revision=Accord.revision + 1),
                       execution_options={"synchronize_session": False})
    summary.note_accord(db.session, accord_id)  # its level changes kept before the commit
    db.session.info.setdefault(TOUCHED, set()).add(accord_id)
