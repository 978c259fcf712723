"""reference sets with provenance; reference accords' yearly codings; external identifiers

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "reference_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("short_citation", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("source_filename", sa.String(length=255), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("alignment", sa.JSON(), nullable=True),
        sa.Column("quirks", sa.JSON(), nullable=True),
        sa.Column("imported_at", UTC_DATETIME, nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.CheckConstraint("label <> ''", name=op.f("ck_reference_sets_label_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_sets")),
        sa.UniqueConstraint("label", name=op.f("uq_reference_sets_label")),
    )
    op.create_index(op.f("ix_reference_sets_source_sha256"), "reference_sets",
                    ["source_sha256"], unique=False)
    op.create_table(
        "reference_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("accord_id", sa.Integer(), nullable=False),
        sa.Column("calendar_year", sa.Integer(), nullable=False),
        sa.Column("year_count", sa.Integer(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("published_provisions", sa.Integer(), nullable=True),
        sa.Column("published_points", sa.Integer(), nullable=True),
        sa.Column("published_score", sa.String(length=20), nullable=True),
        sa.CheckConstraint("year_count IS NULL OR year_count >= 1",
                           name=op.f("ck_reference_years_year_count_positive")),
        sa.ForeignKeyConstraint(["accord_id"], ["accords.id"], ondelete="CASCADE",
                                name=op.f("fk_reference_years_accord_id_accords")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_years")),
        sa.UniqueConstraint("accord_id", "year_count", name="uq_reference_years_accord_count"),
    )
    op.create_index(op.f("ix_reference_years_accord_id"), "reference_years", ["accord_id"],
                    unique=False)
    op.create_table(
        "reference_codings",
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("provision_type_id", sa.Integer(), nullable=False),
        sa.Column("in_accord", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("initiated", sa.Integer(), nullable=True),
        sa.Column("reversal", sa.Integer(), nullable=True),
        sa.CheckConstraint("level IS NULL OR (level >= 0 AND level <= 3)",
                           name=op.f("ck_reference_codings_level_range")),
        sa.ForeignKeyConstraint(["provision_type_id"], ["provision_types.id"],
                                ondelete="RESTRICT",
                                name=op.f("fk_reference_codings_provision_type_id_provision_types")),
        sa.ForeignKeyConstraint(["year_id"], ["reference_years.id"], ondelete="CASCADE",
                                name=op.f("fk_reference_codings_year_id_reference_years")),
        sa.PrimaryKeyConstraint("year_id", "provision_type_id", name=op.f("pk_reference_codings")),
    )
    op.add_column("accords", sa.Column("external_ids", sa.JSON(), nullable=True))
    op.add_column("accords", sa.Column("first_implementation_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("provision_types") as batch_op:
        batch_op.add_column(sa.Column("pam_stem", sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_provision_types_pam_stem"), ["pam_stem"])
    # Sets that existed before: one row each, marked illustrative (the earlier seed's
    # stand-in matrix), so they can be listed and deleted like any other.
    op.execute(
        "INSERT INTO reference_sets (label, version, citation, short_citation, source_filename,"
        " source_sha256, source_format, rows_read, illustrative, is_default, imported_at,"
        " imported_by)"
        " SELECT DISTINCT reference_set, '', '', '', '', '', 'legacy', 0, true, false,"
        " CURRENT_TIMESTAMP, '' FROM accords WHERE kind = 'reference'"
        " AND reference_set IS NOT NULL")


def downgrade():
    with op.batch_alter_table("provision_types") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_provision_types_pam_stem"), type_="unique")
        batch_op.drop_column("pam_stem")
    with op.batch_alter_table("accords") as batch_op:
        batch_op.drop_column("first_implementation_year")
        batch_op.drop_column("external_ids")
    op.drop_table("reference_codings")
    op.drop_index(op.f("ix_reference_years_accord_id"), table_name="reference_years")
    op.drop_table("reference_years")
    op.drop_index(op.f("ix_reference_sets_source_sha256"), table_name="reference_sets")
    op.drop_table("reference_sets")
