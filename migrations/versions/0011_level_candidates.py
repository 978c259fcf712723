"""level-change summary serves figures as known at a moment: it keeps every verified record
that changes its provision's level at some moment of knowledge, and marks those that do now

Adds `level_changes.is_change` and `known_since` (when the record entered the official
figures: reviewed, or recorded when verified on entry) and fills the table again under the new rule (the window of
`tracker.summary._changes_select`): a verified record is left out only when it repeats the
level of the record just before it and that record entered the figures no later than it did.

Revision ID: 0011_level_candidates
Revises: 0010_cutoff_snapshot
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_level_candidates"
down_revision = "0010_cutoff_snapshot"
branch_labels = None
depends_on = None

ORDER = "PARTITION BY provision_id ORDER BY effective_on, recorded_at, id"
FILL = f"""
INSERT INTO level_changes (record_id, accord_id, provision_id, level, effective_on, recorded_at,
                           is_change, known_since)
SELECT id, accord_id, provision_id, level, effective_on, recorded_at,
       CASE WHEN previous IS NULL OR previous <> level THEN {{true}} ELSE {{false}} END, known
FROM (
  SELECT id, accord_id, provision_id, level, effective_on, recorded_at,
         COALESCE(reviewed_at, recorded_at) AS known,
         LAG(level) OVER ({ORDER}) AS previous,
         LAG(COALESCE(reviewed_at, recorded_at)) OVER ({ORDER}) AS previous_known
  FROM status_records WHERE review_state = 'verified'
) AS counted
WHERE previous IS NULL OR previous <> level OR previous_known > known
"""
OLD_FILL = f"""
INSERT INTO level_changes (record_id, accord_id, provision_id, level, effective_on, recorded_at)
SELECT id, accord_id, provision_id, level, effective_on, recorded_at FROM (
  SELECT id, accord_id, provision_id, level, effective_on, recorded_at,
         LAG(level) OVER ({ORDER}) AS previous
  FROM status_records WHERE review_state = 'verified'
) AS counted
WHERE previous IS NULL OR previous <> level
"""
OLD_INDEX = ["accord_id", "effective_on", "recorded_at", "record_id", "provision_id", "level"]


def _booleans():
    if op.get_bind().dialect.name == "postgresql":
        return {"true": "TRUE", "false": "FALSE"}
    return {"true": "1", "false": "0"}


def upgrade():
    op.drop_index("ix_level_changes_accord_order", table_name="level_changes")
    op.execute("DELETE FROM level_changes")
    with op.batch_alter_table("level_changes") as batch:
        batch.add_column(sa.Column("is_change", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column("known_since", sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL.format(**_booleans()))
    with op.batch_alter_table("level_changes") as batch:
        batch.alter_column("known_since", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
    op.create_index("ix_level_changes_accord_order", "level_changes",
                    OLD_INDEX + ["is_change"], unique=False)
    op.create_index("ix_level_changes_known", "level_changes", ["accord_id", "known_since"],
                    unique=False)


def downgrade():
    op.drop_index("ix_level_changes_known", table_name="level_changes")
    op.drop_index("ix_level_changes_accord_order", table_name="level_changes")
    op.execute("DELETE FROM level_changes")
    with op.batch_alter_table("level_changes") as batch:
        batch.drop_column("known_since")
        batch.drop_column("is_change")
    op.create_index("ix_level_changes_accord_order", "level_changes", OLD_INDEX, unique=False)
    op.execute(OLD_FILL)
