"""status records cite the verified events their level rests on (status_record_events),
append-only as the records themselves

Revision ID: 0014_record_events
Revises: 0013_places_events
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import citations

revision = "0014_record_events"
down_revision = "0013_places_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "status_record_events",
        sa.Column("status_record_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["status_record_id"], ["status_records.id"],
                                name=op.f("fk_status_record_events_status_record_id_"
                                          "status_records")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_status_record_events_event_id_events")),
        sa.PrimaryKeyConstraint("status_record_id", "event_id",
                                name=op.f("pk_status_record_events")),
    )
    with op.batch_alter_table("status_record_events", schema=None) as batch_op:
        batch_op.create_index("ix_status_record_events_event", ["event_id", "status_record_id"],
                              unique=False)
    for statement in citations.trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in citations.trigger_statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    with op.batch_alter_table("status_record_events", schema=None) as batch_op:
        batch_op.drop_index("ix_status_record_events_event")
    op.drop_table("status_record_events")
