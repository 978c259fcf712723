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
