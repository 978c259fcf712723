"""Accords and their structure: sections, provisions, provision types, tags and priority flags."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, JSON, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import ACCORD_KINDS, TIME_FRAMES, CONTENT_LANGUAGES, utcnow, one_of, UTCDateTime


class Accord(db.Model):
    __tablename__ = "accords"
    __table_args__ = (
        CheckConstraint(one_of("kind", ACCORD_KINDS), name="kind_known"),
        CheckConstraint(
            "horizon_years IS NULL OR (horizon_years >= 0 AND horizon_years <= 50)",
            name="horizon_range",
        ),
        CheckConstraint(
            "published_score IS NULL OR (published_score >= 0 AND published_score <= 100)",
            name="published_score_range",
        ),
        CheckConstraint(
            "score_precision IS NULL OR score_precision IN ('2dp', 'percent')",
            name="score_precision_known",
        ),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        CheckConstraint(one_of("original_language", CONTENT_LANGUAGES),
                        name="original_language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    # name, description and the texts of its sections and provisions are in this language;
    # each *_translated column holds the same text in the other content language, or None.
    original_language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    name: Mapped[str] = mapped_column(String(300))
    name_translated: Mapped[str | None] = mapped_column(String(300))
    description_translated: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(120))
    signed_on: Mapped[date] = mapped_column(Date)
    signed_on_verified: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="monitored")
    reference_set: Mapped[str | None] = mapped_column(String(80), index=True)
    horizon_years: Mapped[int | None] = mapped_column(Integer)
    target_date: Mapped[date | None] = mapped_column(Date)
    published_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    score_precision: Mapped[str | None] = mapped_column(String(10))
    source_url: Mapped[str | None] = mapped_column(String(500))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised in the same transaction as every write to the accord's data (records, reviews,
    # priority flags, structure), so caches and ETags on every instance read one number.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Identifiers researchers join on: {"pam_caseid": 24, "cowcode": 625, "pax_agtid": ...}.
    external_ids: Mapped[dict | None] = mapped_column(JSON)
    # Calendar year of year 1 since signing, where the accord sets its own (else the
    # reference set's alignment rule decides; see tracker.domain.alignment).
    first_implementation_year: Mapped[int | None] = mapped_column(Integer)

    sections: Mapped[list[Section]] = relationship(
        back_populates="accord", cascade="all, delete-orphan", order_by="Section.position"
    )
    provisions: Mapped[list[Provision]] = relationship(
        back_populates="accord", cascade="all, delete-orphan", order_by="Provision.id"
    )


class Section(db.Model):
    """A node of an accord's structure tree (point > theme > subtheme)."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("accord_id", "code", name="uq_sections_accord_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    title_translated: Mapped[str | None] = mapped_column(String(300))  # see Accord
    position: Mapped[int] = mapped_column(Integer, default=0)

    accord: Mapped[Accord] = relationship(back_populates="sections")
    parent: Mapped[Section | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Section]] = relationship(
        back_populates="parent", order_by="Section.position"
    )


class ProvisionType(db.Model):
    """One of the Peace Accords Matrix provision types."""

    __tablename__ = "provision_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    group: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    pam_stem: Mapped[str | None] = mapped_column(String(20), unique=True)  # PAM_ID column stem


class Provision(db.Model):
    """A provision (Kroc: stipulation) of an accord."""

    __tablename__ = "provisions"
    __table_args__ = (
        UniqueConstraint("accord_id", "code", name="uq_provisions_accord_code"),
        CheckConstraint(
            "time_frame IS NULL OR " + one_of("time_frame", TIME_FRAMES), name="time_frame_known"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("code <> ''", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int] = mapped_column(
        ForeignKey("accords.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")
    text_translated: Mapped[str | None] = mapped_column(Text)  # see Accord.original_language
    provision_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("provision_types.id", ondelete="RESTRICT"), index=True
    )
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_actor: Mapped[str | None] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    time_frame: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Bumped by services on every write that concerns the provision (a new status record, a
    # priority change); the UPDATE then carries "WHERE version = old" and a race fails loudly.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    accord: Mapped[Accord] = relationship(back_populates="provisions")
    section: Mapped[Section | None] = relationship()
    provision_type: Mapped[ProvisionType | None] = relationship()
    tags: Mapped[list[ProvisionTag]] = relationship(
        cascade="all, delete-orphan", order_by="ProvisionTag.tag"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class ProvisionTag(db.Model):
    """A cross-cutting tag: gender, ethnic, territorial, or a free tag."""

    __tablename__ = "provision_tags"
    __table_args__ = (CheckConstraint("tag <> ''", name="tag_not_empty"),)

    provision_id: Mapped[int] = mapped_column(
        ForeignKey("provisions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class PriorityChange(db.Model):
    """History of a provision's priority flag: when set or cleared, why, by whom (append-only)."""

    __tablename__ = "priority_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    provision_id: Mapped[int] = mapped_column(
        ForeignKey("provisions.id", ondelete="CASCADE"), index=True
    )
    priority: Mapped[bool] = mapped_column(Boolean)
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    provision: Mapped[Provision] = relationship()
    author: Mapped[User | None] = relationship()
