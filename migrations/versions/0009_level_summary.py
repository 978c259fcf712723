"""level-change summary kept with every write: figures as known now read an accord's level
changes instead of every record it ever had

Creates `level_changes` (the verified records that change their provision's level) and
`level_summaries` (the accord revision they reflect), and fills both from the history in
the migration itself (the same window `queries.level_changes` runs).

Revision ID: 0009_level_summary
Revises: 0008_bilingual_content
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_level_summary"
down_revision = "0008_bilingual_content"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO level_changes (record_id, accord_id, provision_id, level, effective_on, recorded_at)
SELECT id, accord_id, provision_id, level, effective_on, recorded_at FROM (
  SELECT id, accord_id, provision_id, level, effective_on, recorded_at,
         LAG(level) OVER (PARTITION BY provision_id
                          ORDER BY effective_on, recorded_at, id) AS previous
  FROM status_records WHERE review_state = 'verified'
) AS counted
WHERE previous IS NULL OR previous <> level
"""
STATES = """
INSERT INTO level_summaries (accord_id, revision, last_record_id)
SELECT accords.id, accords.revision,
       COALESCE((SELECT MAX(status_records.id) FROM status_records
                 WHERE status_records.accord_id = accords.id), 0)
FROM accords
"""


def upgrade():
    op.create_table(
        "level_changes",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["status_records.id"],
                                name=op.f("fk_level_changes_record_id_status_records")),
        sa.ForeignKeyConstraint(["accord_id"], ["accords.id"], ondelete="CASCADE",
                                name=op.f("fk_level_changes_accord_id_accords")),
        sa.ForeignKeyConstraint(["provision_id"], ["provisions.id"], ondelete="CASCADE",
                                name=op.f("fk_level_changes_provision_id_provisions")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_level_changes")),
    )
    op.create_index("ix_level_changes_accord_order", "level_changes",
                    ["accord_id", "effective_on", "recorded_at", "record_id", "provision_id",
                     "level"], unique=False)
    op.create_index("ix_level_changes_provision", "level_changes", ["provision_id"],
                    unique=False)
    op.create_table(
        "level_summaries",
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("last_record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["accord_id"], ["accords.id"], ondelete="CASCADE",
                                name=op.f("fk_level_summaries_accord_id_accords")),
        sa.PrimaryKeyConstraint("accord_id", name=op.f("pk_level_summaries")),
    )
    op.execute(FILL)
    op.execute(STATES)


def downgrade():
    op.drop_table("level_summaries")
    op.drop_index("ix_level_changes_provision", table_name="level_changes")
    op.drop_index("ix_level_changes_accord_order", table_name="level_changes")
    op.drop_table("level_changes")
