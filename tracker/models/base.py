"""What every model shares: the vocabularies checked by CHECK constraints, the UTC clock and the
aware-UTC datetime column type."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, TypeDecorator

from ..domain.messages import N_

ACCORD_KINDS = ("monitored", "reference")
ROLES = ("admin", "coordinator", "editor", "viewer")
#: Each role as a person reads it (N_-marked: `i18n.role_name` and messages translate it).
ROLE_WORDS = {"viewer": N_("viewer"), "editor": N_("editor"),
              "coordinator": N_("coordinator"), "admin": N_("administrator")}
REVIEW_STATES = ("pending", "verified", "rejected")
TIME_FRAMES = ("short", "medium", "long")
#: The languages an accord's content (name, description, section titles, provision texts) is
#: held in: its original language in the plain columns, the other one in *_translated.
CONTENT_LANGUAGES = ("en", "es")
RECORD_SOURCES = ("web", "excel", "import", "seed", "api", "restore")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that `column` holds one of `values`."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
