"""The schema: accords, their structure, provisions and append-only status history.

Rules that matter are database constraints (CHECKs, UNIQUEs, foreign keys and, in the
migration, triggers that keep status records append-only), not only Python checks.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

ACCORD_KINDS = ("monitored", "reference")
ROLES = ("admin", "coordinator", "editor", "viewer")
REVIEW_STATES = ("pending", "verified", "rejected")
TIME_FRAMES = ("short", "medium", "long")
#: The languages an accord's content (name, description, section titles, provision texts) is
#: held in: its original language in the plain columns, the other one in *_translated.
CONTENT_LANGUAGES = ("en", "es")
RECORD_SOURCES = ("web", "excel", "import", "seed", "api", "restore")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
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


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_nonnegative"),
        CheckConstraint("locale IS NULL OR locale IN ('en', 'es')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="users")
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login: the session holds a token that a password change rotates, so changing
    # the password logs out every other session of the user.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token


class RoleGrant(db.Model):
    """A role held by a user, over everything (no scope), one accord, or one section."""

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint(
            "section_id IS NULL OR accord_id IS NOT NULL", name="section_scope_has_accord"
        ),
        UniqueConstraint("user_id", "role", "accord_id", "section_id", name="uq_role_grant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    accord_id: Mapped[int | None] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    accord: Mapped[Accord | None] = relationship()
    section: Mapped[Section | None] = relationship()


class Accord(db.Model):
    __tablename__ = "accords"
    __table_args__ = (
        CheckConstraint(_in("kind", ACCORD_KINDS), name="kind_known"),
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
        CheckConstraint(_in("original_language", CONTENT_LANGUAGES),
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
            "time_frame IS NULL OR " + _in("time_frame", TIME_FRAMES), name="time_frame_known"
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


class StatusRecord(db.Model):
    """One coding of a provision's level, holding from `effective_on` until a later one.

    Append-only: the migration installs triggers that refuse DELETE and any UPDATE except
    the single review decision of a pending record. A correction is a new record.
    """

    __tablename__ = "status_records"
    __table_args__ = (
        CheckConstraint("level >= 0 AND level <= 3", name="level_range"),
        CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state_known"),
        CheckConstraint(_in("source", RECORD_SOURCES), name="source_known"),
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
    """A verified status record that changes its provision's verified level: the rows every
    figure "as known now" needs (`queries.level_changes` without pending or `known_at`),
    kept in the same transaction as each write (`tracker.summary`), so reading an accord's
    figures costs in proportion to its level changes, not to every record it ever had.
    Derived data: `flask figures rebuild-summary` makes it again from the history."""

    __tablename__ = "level_changes"
    __table_args__ = (
        Index("ix_level_changes_accord_order", "accord_id", "effective_on", "recorded_at",
              "record_id", "provision_id", "level"),
        Index("ix_level_changes_provision", "provision_id"),
    )

    # Derived rows go with their accord or provision (which can only be deleted while they
    # hold no history, e.g. a reference set's accords).
    record_id: Mapped[int] = mapped_column(ForeignKey("status_records.id"), primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LevelSummary(db.Model):
    """Which state of an accord its `LevelChange` rows reflect: the accord's revision they
    were kept at and the newest record id seen. Figures use the rows only when `revision`
    equals the accord's (anything else falls back to the full read over the history)."""

    __tablename__ = "level_summaries"

    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id", ondelete="CASCADE"),
                                           primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    last_record_id: Mapped[int] = mapped_column(Integer, default=0)


from sqlalchemy import LargeBinary  # noqa: E402  (kept with the class it serves)

UPLOAD_STATES = ("pending", "committed", "discarded")


class UploadBatch(db.Model):
    """An uploaded update workbook, kept in the database between its preview and its
    confirmation (any instance can confirm it; no local files)."""

    __tablename__ = "upload_batches"
    __table_args__ = (
        CheckConstraint(_in("state", UPLOAD_STATES), name="state_known"),
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


from .cutoffs.models import Cutoff  # noqa: E402,F401  (its own package; one metadata)
from .places.models import Place  # noqa: E402,F401  (its own package; one metadata)
from .events.models import Event  # noqa: E402,F401  (its own package; one metadata)
