"""The append-only history: status records, audit events, the level-change summary kept with
every write, and uploaded workbooks between preview and confirmation."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, JSON,
                        LargeBinary, String, Text, true)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import REVIEW_STATES, RECORD_SOURCES, utcnow, one_of, UTCDateTime


class StatusRecord(db.Model):
    """One coding of a provision's level, holding from `effective_on` until a later one.

    Append-only: the migration installs triggers that refuse DELETE and any UPDATE except
    the single review decision of a pending record. A correction is a new record.
    """

    __tablename__ = "status_records"
    __table_args__ = (
        CheckConstraint("level >= 0 AND level <= 3", name="level_range"),
        CheckConstraint(one_of("review_state", REVIEW_STATES), name="review_state_known"),
        CheckConstraint(one_of("source", RECORD_SOURCES), name="source_known"),
        # Covers the hot read (each provision's history of one accord, in effect order, for
        # the level-change window, also as known at a moment) without table lookups.
        Index(
            "ix_status_records_accord_history",
            "accord_id",
            "provision_id",
            "effective_on",
            "recorded_at",
            "id",
            "level",
            "review_state",
            "reviewed_at",
        ),
        Index("ix_status_records_provision", "provision_id", "effective_on", "recorded_at"),
        Index("ix_status_records_pending", "accord_id", "review_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # accord_id repeats provision.accord_id so one accord's history is one index range.
    # No cascades: history outlives nothing, and the triggers refuse deletes anyway.
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"))
    level: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    evidence_text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="web")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("status_records.id"))
    review_state: Mapped[str] = mapped_column(String(10), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)

    provision: Mapped[Provision] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class AuditEvent(db.Model):
    """Who did what to which object, with the values before and after (append-only)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    accord_id: Mapped[int | None] = mapped_column(
        ForeignKey("accords.id", ondelete="SET NULL"), index=True
    )
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()


class LevelChange(db.Model):
    """A verified status record that changes its provision's verified level at some moment of
    knowledge: the rows every figure needs, as known now (`is_change`) or as known at a moment
    (`queries.level_changes` without pending records), kept in the same transaction as each
    write (`tracker.summary`), so reading an accord's figures costs in proportion to its level
    changes, not to every record it ever had.

    A verified record is left out only when it repeats the level of the record just before it
    (in effect order) and that record entered the figures no later than it did: then it changes
    nothing however much is known. `is_change` marks the rows that change the level as known
    now; the others change it as known at some earlier moment (their predecessor was verified
    later). Derived data: `flask figures rebuild-summary` makes it again from the history."""

    __tablename__ = "level_changes"
    __table_args__ = (
        Index("ix_level_changes_accord_order", "accord_id", "effective_on", "recorded_at",
              "record_id", "provision_id", "level", "is_change"),
        Index("ix_level_changes_provision", "provision_id"),
        Index("ix_level_changes_known", "accord_id", "known_since"),
    )

    # Derived rows go with their accord or provision (which can only be deleted while they
    # hold no history, e.g. a reference set's accords).
    record_id: Mapped[int] = mapped_column(ForeignKey("status_records.id"), primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_change: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # When the record entered the official figures (reviewed, or recorded when verified on
    # entry): `queries.known_clause`'s moment, so figures as known at a moment need no join.
    known_since: Mapped[datetime] = mapped_column(UTCDateTime)


class LevelSummary(db.Model):
    """Which state of an accord its `LevelChange` rows reflect: the accord's revision they
    were kept at and the newest record id seen. Figures use the rows only when `revision`
    equals the accord's (anything else falls back to the full read over the history)."""

    __tablename__ = "level_summaries"

    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"),
                                           primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    last_record_id: Mapped[int] = mapped_column(Integer, default=0)


UPLOAD_STATES = ("pending", "committed", "discarded")


class UploadBatch(db.Model):
    """An uploaded update workbook, kept in the database between its preview and its
    confirmation (any instance can confirm it; no local files)."""

    __tablename__ = "upload_batches"
    __table_args__ = (
        CheckConstraint(one_of("state", UPLOAD_STATES), name="state_known"),
        Index("ix_upload_batches_user_accord", "user_id", "accord_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(10), default="pending")

    user: Mapped[User] = relationship()
    accord: Mapped[Accord] = relationship()
