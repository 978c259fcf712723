"""The place hierarchy and named groups of places.

A place is identified by its official code within its country (`country` is an ISO 3166-1
alpha-2 code such as "CO"; `code` is the code as the publisher writes it, leading zeros
kept: DIVIPOLA "05" Antioquia, "05001" Medellín). Places are reference data: an import adds
what is missing and brings names, kinds, parents and points up to date; nothing is deleted.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

MAX_CODE = 20
MAX_NAME = 200
MAX_KIND = 40


class Place(db.Model):
    """One place: its official code (unique in its country), name, kind (country,
    department, municipality, non-municipalised area, island, ... as the file says), parent
    and optionally a point (WGS84 degrees)."""

    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("country", "code", name="uq_places_country_code"),
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                        name="longitude_range"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                        name="latitude_range"),
        Index("ix_places_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    code: Mapped[str] = mapped_column(String(MAX_CODE))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    kind: Mapped[str] = mapped_column(String(MAX_KIND))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))

    parent: Mapped[Place | None] = relationship(remote_side=[id])


class PlaceGroup(db.Model):
    """A named group of places of one country (e.g. kind "PDET subregion", code "4", name
    "CATATUMBO"). The name is unique within the country and kind; the code is the
    publisher's where it gives one ("" otherwise)."""

    __tablename__ = "place_groups"
    __table_args__ = (
        UniqueConstraint("country", "kind", "name", name="uq_place_groups_country_kind_name"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(MAX_KIND))
    code: Mapped[str] = mapped_column(String(MAX_CODE), default="")
    name: Mapped[str] = mapped_column(String(MAX_NAME))

    members: Mapped[list[PlaceGroupMember]] = relationship(cascade="all, delete-orphan")


class PlaceGroupMember(db.Model):
    """A place's membership of a group."""

    __tablename__ = "place_group_members"
    __table_args__ = (Index("ix_place_group_members_place", "place_id"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("place_groups.id", ondelete="CASCADE"),
                                          primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), primary_key=True)

    place: Mapped[Place] = relationship()
