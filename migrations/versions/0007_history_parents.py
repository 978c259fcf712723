"""an accord or provision holding status records cannot be deleted, even with foreign keys off

On SQLite a plain shell leaves foreign keys off, so deleting an accord or a provision would
orphan its append-only history; BEFORE DELETE triggers refuse it. PostgreSQL always enforces
the foreign keys (no cascade), so it needs nothing.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

from tracker import triggers

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    for statement in triggers.history_parents(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in triggers.history_parents(op.get_bind().dialect.name, create=False):
        op.execute(statement)
