"""events name the language their title and description are written in (language, ISO 639-1;
None for the events stored before: the accord's original language, as they were read), set
once with the event and never changed

Revision ID: 0017_event_language
Revises: 0016_event_search
"""
import sqlalchemy as sa
from alembic import op

from tracker.events import triggers, verified

revision = "0017_event_language"
down_revision = "0016_event_search"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("language", sa.String(length=2), nullable=True))
    for statement in triggers.language_statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    # SQLite rebuilds the table to drop a column: its triggers would be lost, and the
    # verified-link triggers (0015) that name it would fail; all are lifted and put back.
    dialect = op.get_bind().dialect.name
    for statement in triggers.language_statements(dialect, create=False):
        op.execute(statement)
    for module in (triggers, verified):
        for statement in module.statements(dialect, create=False):
            op.execute(statement)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("language")
    for module in (triggers, verified):
        for statement in module.statements(dialect, create=True):
            op.execute(statement)
