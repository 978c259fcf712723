"""places (official codes, hierarchy, groups), sources with attachments, implementation
events and their links to provisions and sources

Events and sources take only their one review decision as an UPDATE and are never deleted;
attachments and links are immutable (triggers: tracker.events.triggers).

Revision ID: 0013_places_events
Revises: 0012_tag_keys
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import triggers

revision = "0013_places_events"
down_revision = "0012_tag_keys"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)
REVIEW = "review_state IN ('pending', 'verified', 'rejected')"
ORIGIN = "origin IN ('web', 'import', 'seed', 'api', 'restore')"
SOURCE_KINDS = ("kind IN ('official_document', 'gazette', 'news', 'field_observation', "
                "'interview', 'report')")
EFFECTS = "effect IN ('advances', 'sets_back', 'no_effect', 'context')"


def _fk(table: str, column: str, target: str, key: str = "id", **options):
    return sa.ForeignKeyConstraint([column], [f"{target}.{key}"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), **options)


def _index(table: str, name: str, columns: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(name, columns, unique=False)


def _places() -> None:
    op.create_table(
        "place_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_place_groups_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_groups")),
        sa.UniqueConstraint("country", "kind", "name", name="uq_place_groups_country_kind_name"),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_places_code_not_empty")),
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                           name=op.f("ck_places_latitude_range")),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                           name=op.f("ck_places_longitude_range")),
        _fk("places", "parent_id", "places"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("country", "code", name="uq_places_country_code"),
    )
    _index("places", "ix_places_parent", ["parent_id"])
    op.create_table(
        "place_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        _fk("place_group_members", "group_id", "place_groups", ondelete="CASCADE"),
        _fk("place_group_members", "place_id", "places"),
        sa.PrimaryKeyConstraint("group_id", "place_id", name=op.f("pk_place_group_members")),
    )
    _index("place_group_members", "ix_place_group_members_place", ["place_id"])


def _review_columns() -> list:
    """Who submitted a row, from where, and its one review decision."""
    return [sa.Column("origin", sa.String(length=10), nullable=False),
            sa.Column("submitted_by_id", sa.Integer(), nullable=True),
            sa.Column("submitted_at", MOMENT, nullable=False),
            sa.Column("review_state", sa.String(length=10), nullable=False),
            sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
            sa.Column("reviewed_at", MOMENT, nullable=True),
            sa.Column("review_reason", sa.Text(), nullable=True)]


def _sources() -> None:
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", MOMENT, nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_attachments_sha256_length")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_attachments_size_nonnegative")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachments")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("attachment_sha256", sa.String(length=64), nullable=True),
        sa.Column("attachment_name", sa.String(length=255), nullable=True),
        *_review_columns(),
        sa.CheckConstraint(SOURCE_KINDS, name=op.f("ck_sources_kind_known")),
        sa.CheckConstraint(ORIGIN, name=op.f("ck_sources_origin_known")),
        sa.CheckConstraint(REVIEW, name=op.f("ck_sources_review_state_known")),
        sa.CheckConstraint("title <> ''", name=op.f("ck_sources_title_not_empty")),
        _fk("sources", "accord_id", "accords"),
        _fk("sources", "attachment_sha256", "attachments", key="sha256"),
        _fk("sources", "reviewed_by_id", "users"),
        _fk("sources", "submitted_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    _index("sources", "ix_sources_accord", ["accord_id", "published_on"])
    _index("sources", "ix_sources_attachment", ["attachment_sha256"])


def _events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_translated", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_translated", sa.Text(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("actors", sa.Text(), nullable=False),
        *_review_columns(),
        sa.CheckConstraint(ORIGIN, name=op.f("ck_events_origin_known")),
        sa.CheckConstraint(REVIEW, name=op.f("ck_events_review_state_known")),
        sa.CheckConstraint("title <> ''", name=op.f("ck_events_title_not_empty")),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= occurred_on",
                           name=op.f("ck_events_range_ordered")),
        _fk("events", "accord_id", "accords"),
        _fk("events", "place_id", "places"),
        _fk("events", "reviewed_by_id", "users"),
        _fk("events", "submitted_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    _index("events", "ix_events_accord_date", ["accord_id", "occurred_on", "id"])
    _index("events", "ix_events_accord_state", ["accord_id", "review_state"])
    _index("events", "ix_events_place", ["place_id"])
    op.create_table(
        "event_provisions",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("effect", sa.String(length=10), nullable=False),
        sa.CheckConstraint(EFFECTS, name=op.f("ck_event_provisions_effect_known")),
        _fk("event_provisions", "accord_id", "accords"),
        _fk("event_provisions", "event_id", "events"),
        _fk("event_provisions", "provision_id", "provisions"),
        sa.PrimaryKeyConstraint("event_id", "provision_id", name=op.f("pk_event_provisions")),
    )
    _index("event_provisions", "ix_event_provisions_accord",
           ["accord_id", "effect", "occurred_on"])
    _index("event_provisions", "ix_event_provisions_provision",
           ["provision_id", "occurred_on", "event_id"])
    op.create_table(
        "event_sources",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        _fk("event_sources", "event_id", "events"),
        _fk("event_sources", "source_id", "sources"),
        sa.PrimaryKeyConstraint("event_id", "source_id", name=op.f("pk_event_sources")),
    )
    _index("event_sources", "ix_event_sources_source", ["source_id", "event_id"])


def upgrade():
    _places()
    _sources()
    _events()
    for statement in triggers.statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in triggers.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    for table in ("event_sources", "event_provisions", "events", "sources", "attachments",
                  "place_group_members", "places", "place_groups"):
        op.drop_table(table)
