"""verified events: one row per verified event with its date, place, verification moment and
whether a link of it advances or sets back a provision, kept by triggers, so the dashboard's
event figures without a provision selection (events per month with their effects, per place,
per group) read one narrow row per event instead of every link

Revision ID: 0018_verified_events
Revises: 0017_event_language
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import verified

revision = "0018_verified_events"
down_revision = "0017_event_language"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_verified_events_days": ["accord_id", "occurred_on", "verified_at", "advances",
                                "sets_back"],
    "ix_verified_events_places": ["accord_id", "place_id", "occurred_on", "verified_at"],
}


def _fk(column: str, target: str):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_verified_events_{column}_{target}"))


def upgrade():
    op.create_table(
        "verified_events",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("advances", sa.Integer(), nullable=False),
        sa.Column("sets_back", sa.Integer(), nullable=False),
        _fk("accord_id", "accords"), _fk("event_id", "events"), _fk("place_id", "places"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_verified_events")),
    )
    with op.batch_alter_table("verified_events", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.execute(verified.FILL_EVENTS)
    for statement in verified.event_statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in verified.event_statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    op.drop_table("verified_events")
