"""verified events: one row per verified event with its date, place, verification moment and
whether a link of it advances or sets back a provision, kept by triggers, so the dashboard's
event figures without a provision selection (events per month with their effects, per place,
per group) read one narrow row per event instead of every link; verified days: per accord
and day, the verified events and how many carry each flag, kept by triggers on
verified_events, so events per month as known now read a row per day; and department provisions:
each (department, provision) pair of the verified links with its first date, kept by triggers
on verified_links, so the provisions per department count pairs instead of links

Revision ID: 0019_verified_events
Revises: 0018_event_search_index
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import verified

revision = "0019_verified_events"
down_revision = "0018_event_search_index"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_verified_events_days": ["accord_id", "occurred_on", "verified_at", "advances",
                                "sets_back"],
    "ix_verified_events_places": ["accord_id", "place_id", "occurred_on", "verified_at"],
}
PAIR_INDEXES = {
    "ix_department_provisions_first": ["accord_id", "department_id", "first_on",
                                       "provision_id"],
}


def _fk(column: str, target: str, table: str = "verified_events"):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


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
    op.create_table(
        "verified_days",
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("advances", sa.Integer(), nullable=False),
        sa.Column("sets_back", sa.Integer(), nullable=False),
        _fk("accord_id", "accords", "verified_days"),
        sa.PrimaryKeyConstraint("accord_id", "occurred_on", name=op.f("pk_verified_days")),
    )
    op.create_table(
        "department_provisions",
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        *(_fk(column, target, "department_provisions") for column, target in (
            ("accord_id", "accords"), ("department_id", "places"),
            ("provision_id", "provisions"))),
        sa.PrimaryKeyConstraint("accord_id", "department_id", "provision_id",
                                name=op.f("pk_department_provisions")),
    )
    with op.batch_alter_table("department_provisions", schema=None) as batch_op:
        for name, columns in PAIR_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    for fill in (verified.FILL_EVENTS, verified.FILL_DAYS, verified.FILL_PAIRS):
        op.execute(fill)
    for statement in verified.event_statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in verified.event_statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    for table in ("department_provisions", "verified_days", "verified_events"):
        op.drop_table(table)
