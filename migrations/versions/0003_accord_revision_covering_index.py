"""accord revision counter; covering index for each provision's history within an accord

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMELINE = ["accord_id", "effective_on", "recorded_at", "id"]
HISTORY = ["accord_id", "provision_id", "effective_on", "recorded_at", "id", "level",
           "review_state"]


# Plain operations, not batch mode: on SQLite a batch rebuild of status_records would drop
# the triggers that keep it append-only; both of these are native ALTERs there.
def upgrade():
    op.add_column("accords", sa.Column("revision", sa.Integer(), server_default="0",
                                       nullable=False))
    op.drop_index("ix_status_records_accord_timeline", table_name="status_records")
    op.create_index("ix_status_records_accord_history", "status_records", HISTORY,
                    unique=False)


def downgrade():
    op.drop_index("ix_status_records_accord_history", table_name="status_records")
    op.create_index("ix_status_records_accord_timeline", "status_records", TIMELINE,
                    unique=False)
    with op.batch_alter_table("accords", schema=None) as batch_op:
        batch_op.drop_column("revision")
