"""publishing: articles for the public blog and their tags; fediverse opt-in and actor keys

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('articles',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=40), nullable=False),
    sa.Column('thread_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('author_id', sa.String(length=40), nullable=False),
    sa.Column('proposed_by', sa.String(length=40), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.String(length=40), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('slug', sa.String(length=80), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unpublished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unpublish_reason', sa.Text(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_published', ['status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_thread_id'), ['thread_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fediverse', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('actor_keys',
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('actor')
    )

    op.create_table('article_tags',
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('article_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('tag', 'article_id')
    )


def downgrade() -> None:
    op.drop_table('actor_keys')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('fediverse')
    op.drop_table('article_tags')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_thread_id'))
        batch_op.drop_index('ix_articles_published')
    op.drop_table('articles')
