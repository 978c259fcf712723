"""append-only all the way down: no INSERT OR REPLACE, TRUNCATE, edit or delete of history

Status records, audit events and priority changes keep every row they were given. SQLite:
BEFORE INSERT triggers refuse a row whose id exists (INSERT OR REPLACE would delete the old
one without firing DELETE triggers), and audit events and priority changes refuse DELETE and
UPDATE. PostgreSQL: statement-level BEFORE TRUNCATE triggers on the three tables (row triggers
do not fire on TRUNCATE), and row triggers on audit events and priority changes. The one
UPDATE the latter two take is a foreign key clearing a link to a deleted user or accord.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from tracker import triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    for statement in triggers.everywhere(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in triggers.everywhere(op.get_bind().dialect.name, create=False):
        op.execute(statement)
