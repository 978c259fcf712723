"""Sources, attachments, events and their links.

History discipline (as for status records): events and sources are never deleted; the one
UPDATE they take is the single review decision of a pending row (triggers installed by
migration 0013_places_events, `events.triggers`). Attachments and links are immutable: a
correction is a new event.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String,
                        Text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import bilingual
from ..domain.events import EFFECTS, MAX_TITLE, SOURCE_KINDS
from ..domain.text import searchable
from ..extensions import db
from ..models import REVIEW_STATES, Accord, Provision, User, UTCDateTime, one_of, utcnow
from ..places.models import Place

__all__ = ["EFFECTS", "SOURCE_KINDS", "Attachment", "Event", "EventProvision", "EventSource",
           "DepartmentProvision", "Source", "StatusRecordEvent", "VerifiedDay",
           "VerifiedEvent", "VerifiedLink"]

#: Where an event or a source came from.
ORIGINS = ("web", "import", "seed", "api", "restore")


class Reviewed:
    """The columns of a row reviewed as a status record is: where it came from, who
    submitted it and when, and its one review decision (`services.decide`)."""

    origin: Mapped[str] = mapped_column(String(10), default="web")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_state: Mapped[str] = mapped_column(String(10), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)


class Attachment(db.Model):
    """A file attached to a source, addressed by the SHA-256 of its content (hex), with the
    media type found in the content itself (`events.files`) and its size in bytes."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_nonnegative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Source(Reviewed, db.Model):
    """A source of evidence: of one accord, or shared by every accord (`accord_id` None).
    Reviewed as events are: verifying an event verifies the pending sources it cites."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(one_of("kind", SOURCE_KINDS), name="kind_known"),
        CheckConstraint(one_of("review_state", REVIEW_STATES), name="review_state_known"),
        CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
        CheckConstraint("title <> ''", name="title_not_empty"),
        Index("ix_sources_accord", "accord_id", "published_on"),
        Index("ix_sources_attachment", "attachment_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int | None] = mapped_column(ForeignKey("accords.id"))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    kind: Mapped[str] = mapped_column(String(20))
    publisher: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str | None] = mapped_column(String(10))
    attachment_sha256: Mapped[str | None] = mapped_column(ForeignKey("attachments.sha256"))
    attachment_name: Mapped[str | None] = mapped_column(String(255))

    accord: Mapped[Accord | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()


#: The texts of an event a search looks in (`domain.text.searchable`), in this order.
SEARCHED = ("title", "title_translated", "description", "description_translated", "actors")


def _search_text(context) -> str:
    """`Event.search_text` from the row being inserted (every way in: the web form, imports,
    the seed, a restore without the column, a bulk insert)."""
    row = context.get_current_parameters()
    return searchable(*(row.get(name) for name in SEARCHED))


class Event(Reviewed, db.Model):
    """An implementation event of an accord: a date (or a range `occurred_on`..`ended_on`),
    title and description (in `language`, ISO 639-1 "en"/"es", the language they were typed
    in; None for events stored before it was kept: the accord's original language; see
    `written_in`), *_translated in the other content language, a place, the actors involved,
    and its review (as a status record's). `search_text`:
    its SEARCHED texts as a search compares them (`domain.text.searchable`), written once
    with the row, so a search is one LIKE on one column on SQLite and PostgreSQL alike, served
    by a trigram index over that column (`events.search`, migration 0018)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(one_of("review_state", REVIEW_STATES), name="review_state_known"),
        CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("ended_on IS NULL OR ended_on >= occurred_on", name="range_ordered"),
        Index("ix_events_accord_date", "accord_id", "occurred_on", "id"),
        Index("ix_events_accord_state", "accord_id", "review_state"),  # in id order: the
        # feed's counts probe each event's links in the order they were written
        # the dashboard's counts of verified events by day and by place, also as known at a
        # moment (`verified.VERIFIED_AT`), in index order without reading the table
        Index("ix_events_accord_state_day", "accord_id", "review_state", "occurred_on",
              "place_id", "reviewed_at", "submitted_at"),
        Index("ix_events_accord_state_place", "accord_id", "review_state", "place_id",
              "occurred_on", "reviewed_at", "submitted_at"),
        Index("ix_events_place", "place_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    title_translated: Mapped[str | None] = mapped_column(String(MAX_TITLE))
    description: Mapped[str] = mapped_column(Text, default="")
    description_translated: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    actors: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default=_search_text, server_default="")

    accord: Mapped[Accord] = relationship()
    place: Mapped[Place | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys="Event.submitted_by_id")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys="Event.reviewed_by_id")
    provision_links: Mapped[list[EventProvision]] = relationship(
        order_by="EventProvision.provision_id", viewonly=True)
    source_links: Mapped[list[EventSource]] = relationship(
        order_by="EventSource.source_id", viewonly=True)

    @property
    def written_in(self) -> str:
        """The language `title` and `description` are written in (ISO 639-1): `language`,
        else (an event stored before it was kept) the accord's original language."""
        return bilingual.written_in(self.language, self.accord.original_language)


class EventSource(db.Model):
    """An event cites a source."""

    __tablename__ = "event_sources"
    __table_args__ = (Index("ix_event_sources_source", "source_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)

    source: Mapped[Source] = relationship()


class EventProvision(db.Model):
    """An event bears on a provision, with an effect on its level (EFFECTS). `accord_id`
    and `occurred_on` repeat the event's, so a provision's or an accord's events by date are
    one index range."""

    __tablename__ = "event_provisions"
    __table_args__ = (
        CheckConstraint(one_of("effect", EFFECTS), name="effect_known"),
        Index("ix_event_provisions_provision", "provision_id", "occurred_on", "event_id"),
        Index("ix_event_provisions_accord", "accord_id", "effect", "occurred_on"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    effect: Mapped[str] = mapped_column(String(10))

    provision: Mapped[Provision] = relationship()


class StatusRecordEvent(db.Model):
    """A status record cites a verified event bearing on its provision (the events its level
    rests on). Written with the record, never changed nor removed (triggers of migration
    0014_record_events), as the record itself."""

    __tablename__ = "status_record_events"
    __table_args__ = (Index("ix_status_record_events_event", "event_id", "status_record_id"),)

    status_record_id: Mapped[int] = mapped_column(ForeignKey("status_records.id"),
                                                  primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)

    event: Mapped[Event] = relationship()


class VerifiedLink(db.Model):
    """A link of a verified event, as the dashboard's event figures count it: the link's
    provision and effect, and its event's accord, date, place, department (`verified.
    department_of`, as the place hierarchy is now) and the moment it was verified
    (`verified.VERIFIED_AT`). Derived data kept by database triggers (`events.verified`,
    migration 0015_verified_links) and never written by the application; left out of dumps
    (`info["derived"]`): a restore fills it again through the same triggers."""

    __tablename__ = "verified_links"
    __table_args__ = (
        Index("ix_verified_links_effects", "accord_id", "effect", "occurred_on", "event_id",
              "verified_at"),
        Index("ix_verified_links_departments", "accord_id", "department_id", "provision_id",
              "occurred_on", "verified_at"),
        Index("ix_verified_links_places", "accord_id", "place_id", "provision_id",
              "occurred_on", "verified_at"),
        Index("ix_verified_links_dates", "accord_id", "occurred_on", "provision_id",
              "verified_at"),
        {"info": {"derived": True}},
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), primary_key=True)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    effect: Mapped[str] = mapped_column(String(10))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VerifiedEvent(db.Model):
    """A verified event, as the dashboard's unselected event figures count it: its accord,
    date, place, the moment it was verified (`verified.VERIFIED_AT`), and whether at least
    one of its links advances (`advances`, 1 or 0) or sets back (`sets_back`) a provision.
    One narrow row per event, so events per day with their effects (one GROUP BY) and per
    place need no link at all. Derived data kept by database triggers (`events.verified`,
    migration 0019_verified_events) and never written by the application; left out of dumps
    (`info["derived"]`): a restore fills it again through the same triggers."""

    __tablename__ = "verified_events"
    __table_args__ = (
        Index("ix_verified_events_days", "accord_id", "occurred_on", "verified_at",
              "advances", "sets_back"),
        Index("ix_verified_events_places", "accord_id", "place_id", "occurred_on",
              "verified_at"),
        {"info": {"derived": True}},
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True,
                                          autoincrement=False)
    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    advances: Mapped[int] = mapped_column(Integer)
    sets_back: Mapped[int] = mapped_column(Integer)


class VerifiedDay(db.Model):
    """An accord's day with verified events: how many are dated that day (`events`), and
    how many of them have a link that advances (`advances`) or sets back (`sets_back`) a
    provision: the `VerifiedEvent` rows of that day counted, so events per month as known now
    read one row per day. Derived data kept by database triggers on `verified_events`
    (`events.verified`, migration 0019_verified_events) and never written by the
    application; left out of dumps (`info["derived"]`)."""

    __tablename__ = "verified_days"
    __table_args__ = ({"info": {"derived": True}},)

    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"), primary_key=True)
    occurred_on: Mapped[date] = mapped_column(Date, primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    advances: Mapped[int] = mapped_column(Integer)
    sets_back: Mapped[int] = mapped_column(Integer)


class DepartmentProvision(db.Model):
    """A department and a provision that a verified event at one of the department's places
    bears on (`VerifiedLink` rows with that department and provision), with the date of the
    first such event (`first_on`): the provisions per department, as of any date, as known
    now, count these few pairs instead of every link. Derived data kept by database triggers
    on `verified_links` (`events.verified`, migration 0019_verified_events) and never written
    by the application; left out of dumps (`info["derived"]`)."""

    __tablename__ = "department_provisions"
    __table_args__ = (
        Index("ix_department_provisions_first", "accord_id", "department_id", "first_on",
              "provision_id"),
        {"info": {"derived": True}},
    )

    accord_id: Mapped[int] = mapped_column(ForeignKey("accords.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("places.id"), primary_key=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), primary_key=True)
    first_on: Mapped[date] = mapped_column(Date)
