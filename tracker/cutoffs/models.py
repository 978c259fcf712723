"""A published cut-off: an accord's figures as of a date, as known at the moment of
publication. Immutable: the migration installs triggers that refuse UPDATE and DELETE; a
cut-off is superseded by publishing a new one that names it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Accord, UTCDateTime, utcnow

MAX_LABEL = 80
MAX_NOTE = 2000


class Cutoff(db.Model):
    """One published cut-off of an accord (Kroc: a report's cut-off date)."""

    __tablename__ = "cutoffs"
    __table_args__ = (
        UniqueConstraint("accord_id", "label", name="uq_cutoffs_accord_label"),
        UniqueConstraint("supersedes_id", name="uq_cutoffs_supersedes"),
        CheckConstraint("label <> ''", name="label_not_empty"),
        Index("ix_cutoffs_accord_published", "accord_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    label: Mapped[str] = mapped_column(String(MAX_LABEL))
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # The moment of publication: the cut-off's figures are those as known at this moment.
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who published (an e-mail address, or "system"); text, so no later change of the
    # users table has to touch an immutable row.
    published_by: Mapped[str] = mapped_column(String(254), default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("cutoffs.id"))

    accord: Mapped[Accord] = relationship()
    supersedes: Mapped[Cutoff | None] = relationship(remote_side=[id])


class CutoffSnapshot(db.Model):
    """What a cut-off showed when published, written in the same transaction and never
    changed (the migration installs the same refusing triggers as on cut-offs): the
    figures (`report.figures_json`, JSON text) and the structure they used (JSON text:
    each provision's code, section path, provision type, priority, tags, deadline, time
    frame and responsible actor, and the points' titles). Edits of the accord after
    publication (deadlines, tags, section titles, a replaced reference set) therefore never
    move a cut-off's figures; the cut-off's page lists them as revisions."""

    __tablename__ = "cutoff_snapshots"

    cutoff_id: Mapped[int] = mapped_column(ForeignKey("cutoffs.id"), primary_key=True)
    figures: Mapped[str] = mapped_column(Text)
    structure: Mapped[str] = mapped_column(Text)
