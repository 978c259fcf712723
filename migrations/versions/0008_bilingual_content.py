"""accord content in English and Spanish: the original language per accord, a translation
column beside each name, description, section title and provision text

The existing columns keep their meaning (the text in the accord's original language); every
accord held so far was entered in English (the PAM_ID names, the demo's stand-in texts), so
original_language starts as "en" and no translation is invented.

Revision ID: 0008_bilingual_content
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_bilingual_content"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases (the check inline): SQLite's batch mode would copy
    # the accords table and drop the history triggers of 0007 with it.
    op.execute("ALTER TABLE accords ADD COLUMN original_language VARCHAR(2) DEFAULT 'en' "
               "NOT NULL CONSTRAINT ck_accords_original_language_known "
               "CHECK (original_language IN ('en', 'es'))")
    op.add_column("accords", sa.Column("name_translated", sa.String(length=300)))
    op.add_column("accords", sa.Column("description_translated", sa.Text()))
    op.add_column("sections", sa.Column("title_translated", sa.String(length=300)))
    op.add_column("provisions", sa.Column("text_translated", sa.Text()))


def downgrade():
    op.drop_column("provisions", "text_translated")
    op.drop_column("sections", "title_translated")
    op.drop_column("accords", "description_translated")
    op.drop_column("accords", "name_translated")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ck_accords_original_language_known", "accords", type_="check")
    op.drop_column("accords", "original_language")
