"""published cut-offs: immutable rows (triggers refuse UPDATE and DELETE); the history index
also covers reviewed_at (figures as known at a moment)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from tracker.cutoffs import triggers

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HISTORY = ["accord_id", "provision_id", "effective_on", "recorded_at", "id", "level",
           "review_state"]


def upgrade():
    op.create_table(
        "cutoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=254), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("label <> ''", name=op.f("ck_cutoffs_label_not_empty")),
        sa.ForeignKeyConstraint(["accord_id"], ["accords.id"],
                                name=op.f("fk_cutoffs_accord_id_accords")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["cutoffs.id"],
                                name=op.f("fk_cutoffs_supersedes_id_cutoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cutoffs")),
        sa.UniqueConstraint("accord_id", "label", name="uq_cutoffs_accord_label"),
        sa.UniqueConstraint("supersedes_id", name="uq_cutoffs_supersedes"),
    )
    op.create_index("ix_cutoffs_accord_published", "cutoffs", ["accord_id", "published_at"],
                    unique=False)
    for statement in triggers.statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)
    op.drop_index("ix_status_records_accord_history", table_name="status_records")
    op.create_index("ix_status_records_accord_history", "status_records",
                    HISTORY + ["reviewed_at"], unique=False)


def downgrade():
    op.drop_index("ix_status_records_accord_history", table_name="status_records")
    op.create_index("ix_status_records_accord_history", "status_records", HISTORY,
                    unique=False)
    for statement in triggers.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    op.drop_index("ix_cutoffs_accord_published", table_name="cutoffs")
    op.drop_table("cutoffs")
