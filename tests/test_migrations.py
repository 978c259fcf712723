"""Models and migrations agree, and the history has one head."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Config

from tracker import MIGRATIONS_DIR
from tracker.events.search import outside_models
from tracker.extensions import db


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    return ScriptDirectory.from_config(config)


def test_one_head():
    assert len(_script().get_heads()) == 1


def test_every_revision_has_a_message():
    for revision in _script().walk_revisions():
        assert revision.doc and revision.doc.strip()


def test_database_is_at_head(app):
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(_script().get_heads())


def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": outside_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
