"""verified links: each link of a verified event with its event's date, place, department and
verification moment, kept by triggers, so the dashboard's event figures (also as known at a
moment) are index scans of one table; two new indexes on events' state cover date, place
and review moments

Revision ID: 0015_verified_links
Revises: 0014_record_events
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import verified

revision = "0015_verified_links"
down_revision = "0014_record_events"
branch_labels = None
depends_on = None

EVENT_INDEXES = {
    "ix_events_accord_state_day": ["accord_id", "review_state", "occurred_on", "place_id",
                                   "reviewed_at", "submitted_at"],
    "ix_events_accord_state_place": ["accord_id", "review_state", "place_id", "occurred_on",
                                     "reviewed_at", "submitted_at"],
}
INDEXES = {
    "ix_verified_links_effects": ["accord_id", "effect", "occurred_on", "event_id",
                                  "verified_at"],
    "ix_verified_links_departments": ["accord_id", "department_id", "provision_id",
                                      "occurred_on", "verified_at"],
    "ix_verified_links_places": ["accord_id", "place_id", "provision_id", "occurred_on",
                                 "verified_at"],
    "ix_verified_links_dates": ["accord_id", "occurred_on", "provision_id", "verified_at"],
}


def _fk(column: str, target: str):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_verified_links_{column}_{target}"))


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        for name, columns in EVENT_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.create_table(
        "verified_links",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("effect", sa.String(length=10), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        _fk("accord_id", "accords"), _fk("event_id", "events"),
        _fk("provision_id", "provisions"), _fk("place_id", "places"),
        _fk("department_id", "places"),
        sa.PrimaryKeyConstraint("event_id", "provision_id", name=op.f("pk_verified_links")),
    )
    with op.batch_alter_table("verified_links", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.execute(verified.FILL)
    for statement in verified.statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in verified.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    op.drop_table("verified_links")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for name in EVENT_INDEXES:
            batch_op.drop_index(name)
