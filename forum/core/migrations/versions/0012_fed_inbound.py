"""replies from the fediverse: remote authors and posts, policies, blocked domains, dedup

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('remote_authors',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('actor_uri', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('avatar', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('remote_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_authors_domain'), ['domain'], unique=False)

    op.create_table('remote_posts',
    sa.Column('post_id', sa.String(length=40), nullable=False),
    sa.Column('object_digest', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('thread_id', sa.String(length=40), nullable=False),
    sa.Column('author_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('post_id'),
    sa.UniqueConstraint('object_digest')
    )
    op.create_table('federation_policies',
    sa.Column('conference_id', sa.String(length=40), nullable=False),
    sa.Column('policy', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('conference_id')
    )
    op.create_table('blocked_domains',
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('blocked_by', sa.String(length=40), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('domain')
    )
    op.create_table('inbound_activities',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('activity_id', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )


def downgrade() -> None:
    op.drop_table('inbound_activities')
    op.drop_table('blocked_domains')
    op.drop_table('federation_policies')
    op.drop_table('remote_posts')
    with op.batch_alter_table('remote_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_authors_domain'))
    op.drop_table('remote_authors')
