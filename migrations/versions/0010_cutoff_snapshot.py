"""a published cut-off's snapshot: its figures and the structure they used, written with it
and immutable (triggers refuse UPDATE and DELETE)

Cut-offs published before this revision have no snapshot; their figures are computed as
known at their publication over the structure as loaded now.

Revision ID: 0010_cutoff_snapshot
Revises: 0009_level_summary
"""
import sqlalchemy as sa
from alembic import op

from tracker.cutoffs import triggers

revision = "0010_cutoff_snapshot"
down_revision = "0009_level_summary"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cutoff_snapshots",
        sa.Column("cutoff_id", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("structure", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["cutoff_id"], ["cutoffs.id"],
                                name=op.f("fk_cutoff_snapshots_cutoff_id_cutoffs")),
        sa.PrimaryKeyConstraint("cutoff_id", name=op.f("pk_cutoff_snapshots")),
    )
    for statement in triggers.snapshot_statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in triggers.snapshot_statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    op.drop_table("cutoff_snapshots")
