"""events' search texts get a trigram index (PostgreSQL: pg_trgm GIN; SQLite: an FTS5
trigram table kept by triggers), so a search for a rare word reads the events holding it,
not every event

Revision ID: 0018_event_search_index
Revises: 0017_event_language
"""
from alembic import op

from tracker.events import search

revision = "0018_event_search_index"
down_revision = "0017_event_language"
branch_labels = None
depends_on = None


def upgrade():
    for statement in search.statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in search.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
