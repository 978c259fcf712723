"""Reference sets: PAM_ID-style codings of the reference accords, by provision type and year."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Integer, JSON, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow, UTCDateTime


class ReferenceSet(db.Model):
    """A reference set: accords loaded from one data set file, with its provenance.

    Its accords are the accords whose `reference_set` holds this label; their yearly codings
    are ReferenceYear rows. Labels never change; a set is replaced or deleted as a whole.
    """

    __tablename__ = "reference_sets"
    __table_args__ = (CheckConstraint("label <> ''", name="label_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80), unique=True)
    version: Mapped[str] = mapped_column(String(40), default="")
    citation: Mapped[str] = mapped_column(Text, default="")
    short_citation: Mapped[str] = mapped_column(String(200), default="")  # charts' source lines
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    source_format: Mapped[str] = mapped_column(String(20), default="")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # tracker.domain.alignment.AlignmentRule.as_dict(), inferred from the set's accords
    alignment: Mapped[dict | None] = mapped_column(JSON)
    # What the importer found and did: [{"row": n, "message": "..."}]
    quirks: Mapped[list | None] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(254), default="")


class ReferenceYear(db.Model):
    """One coded year of a reference accord (a row of PAM_ID): calendar year, PAM's year
    since signing (`year_count`, None where the file has none) and the file's own totals."""

    __tablename__ = "reference_years"
    __table_args__ = (
        UniqueConstraint("accord_id", "year_count", name="uq_reference_years_accord_count"),
        CheckConstraint("year_count IS NULL OR year_count >= 1", name="year_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int] = mapped_column(
        ForeignKey("accords.id", ondelete="CASCADE"), index=True)
    calendar_year: Mapped[int] = mapped_column(Integer)
    year_count: Mapped[int | None] = mapped_column(Integer)
    source_row: Mapped[int | None] = mapped_column(Integer)
    published_provisions: Mapped[int | None] = mapped_column(Integer)
    published_points: Mapped[int | None] = mapped_column(Integer)
    published_score: Mapped[str | None] = mapped_column(String(20))  # as written in the file

    codings: Mapped[list[ReferenceCoding]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)


class ReferenceCoding(db.Model):
    """A provision type in one coded year of a reference accord: whether the accord contains
    it that year (`in_accord`, PAM `_prov`), its level (`_implem`), initiation and reversal."""

    __tablename__ = "reference_codings"
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 3)", name="level_range"),
    )

    year_id: Mapped[int] = mapped_column(
        ForeignKey("reference_years.id", ondelete="CASCADE"), primary_key=True)
    provision_type_id: Mapped[int] = mapped_column(
        ForeignKey("provision_types.id", ondelete="RESTRICT"), primary_key=True)
    in_accord: Mapped[bool] = mapped_column(Boolean, default=True)
    level: Mapped[int | None] = mapped_column(Integer)
    initiated: Mapped[int | None] = mapped_column(Integer)
    reversal: Mapped[int | None] = mapped_column(Integer)
