"""places (official codes, hierarchy, groups), sources with attachments, implementation
events and their links to provisions and sources

Events and sources take only their one review decision as an UPDATE and are never deleted;
attachments and links are immutable (triggers: tracker.events.triggers).

Revision ID: 0011_places_events
Revises: 0010_cutoff_snapshot
"""
import sqlalchemy as sa
from alembic import op

import tracker.models
from tracker.events import triggers

revision = '0011_places_events'
down_revision = '0010_cutoff_snapshot'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', tracker.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_attachments_size_nonnegative')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_attachments'))
    )
    op.create_table('place_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.CheckConstraint("name <> ''", name=op.f('ck_place_groups_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_groups')),
    sa.UniqueConstraint('country', 'kind', 'name', name='uq_place_groups_country_kind_name')
    )
    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True),
    sa.CheckConstraint("code <> ''", name=op.f('ck_places_code_not_empty')),
    sa.CheckConstraint('latitude IS NULL OR (latitude >= -90 AND latitude <= 90)', name=op.f('ck_places_latitude_range')),
    sa.CheckConstraint('longitude IS NULL OR (longitude >= -180 AND longitude <= 180)', name=op.f('ck_places_longitude_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['places.id'], name=op.f('fk_places_parent_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('country', 'code', name='uq_places_country_code')
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index('ix_places_parent', ['parent_id'], unique=False)

    op.create_table('place_group_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['place_groups.id'], name=op.f('fk_place_group_members_group_id_place_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_place_group_members_place_id_places')),
    sa.PrimaryKeyConstraint('group_id', 'place_id', name=op.f('pk_place_group_members'))
    )
    with op.batch_alter_table('place_group_members', schema=None) as batch_op:
        batch_op.create_index('ix_place_group_members_place', ['place_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('accord_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_translated', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_translated', sa.Text(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('actors', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', tracker.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_state', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', tracker.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("origin IN ('web', 'import', 'seed', 'api', 'restore')", name=op.f('ck_events_origin_known')),
    sa.CheckConstraint("review_state IN ('pending', 'verified', 'rejected')", name=op.f('ck_events_review_state_known')),
    sa.CheckConstraint("title <> ''", name=op.f('ck_events_title_not_empty')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= occurred_on', name=op.f('ck_events_range_ordered')),
    sa.ForeignKeyConstraint(['accord_id'], ['accords.id'], name=op.f('fk_events_accord_id_accords')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_events_place_id_places')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_events_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_events_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_accord_date', ['accord_id', 'occurred_on', 'id'], unique=False)
        batch_op.create_index('ix_events_accord_state', ['accord_id', 'review_state'], unique=False)
        batch_op.create_index('ix_events_place', ['place_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('accord_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', tracker.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_state', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', tracker.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('official_document', 'gazette', 'news', 'field_observation', 'interview', 'report')", name=op.f('ck_sources_kind_known')),
    sa.CheckConstraint("origin IN ('web', 'import', 'seed', 'api', 'restore')", name=op.f('ck_sources_origin_known')),
    sa.CheckConstraint("review_state IN ('pending', 'verified', 'rejected')", name=op.f('ck_sources_review_state_known')),
    sa.CheckConstraint("title <> ''", name=op.f('ck_sources_title_not_empty')),
    sa.ForeignKeyConstraint(['accord_id'], ['accords.id'], name=op.f('fk_sources_accord_id_accords')),
    sa.ForeignKeyConstraint(['attachment_sha256'], ['attachments.sha256'], name=op.f('fk_sources_attachment_sha256_attachments')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_sources_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_sources_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index('ix_sources_accord', ['accord_id', 'published_on'], unique=False)
        batch_op.create_index('ix_sources_attachment', ['attachment_sha256'], unique=False)

    op.create_table('event_provisions',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('accord_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('effect', sa.String(length=10), nullable=False),
    sa.CheckConstraint("effect IN ('advances', 'sets_back', 'no_effect', 'context')", name=op.f('ck_event_provisions_effect_known')),
    sa.ForeignKeyConstraint(['accord_id'], ['accords.id'], name=op.f('fk_event_provisions_accord_id_accords')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_provisions_event_id_events')),
    sa.ForeignKeyConstraint(['provision_id'], ['provisions.id'], name=op.f('fk_event_provisions_provision_id_provisions')),
    sa.PrimaryKeyConstraint('event_id', 'provision_id', name=op.f('pk_event_provisions'))
    )
    with op.batch_alter_table('event_provisions', schema=None) as batch_op:
        batch_op.create_index('ix_event_provisions_accord', ['accord_id', 'effect', 'occurred_on'], unique=False)
        batch_op.create_index('ix_event_provisions_provision', ['provision_id', 'occurred_on', 'event_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sources_event_id_events')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_event_sources_source_id_sources')),
    sa.PrimaryKeyConstraint('event_id', 'source_id', name=op.f('pk_event_sources'))
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index('ix_event_sources_source', ['source_id', 'event_id'], unique=False)

    for statement in triggers.statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade():
    for statement in triggers.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_event_sources_source')

    op.drop_table('event_sources')
    with op.batch_alter_table('event_provisions', schema=None) as batch_op:
        batch_op.drop_index('ix_event_provisions_provision')
        batch_op.drop_index('ix_event_provisions_accord')

    op.drop_table('event_provisions')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index('ix_sources_attachment')
        batch_op.drop_index('ix_sources_accord')

    op.drop_table('sources')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_place')
        batch_op.drop_index('ix_events_accord_state')
        batch_op.drop_index('ix_events_accord_date')

    op.drop_table('events')
    with op.batch_alter_table('place_group_members', schema=None) as batch_op:
        batch_op.drop_index('ix_place_group_members_place')

    op.drop_table('place_group_members')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_parent')

    op.drop_table('places')
    op.drop_table('place_groups')
    op.drop_table('attachments')
