"""study circles: circles, their members, join requests, reading lists and sessions

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('circles',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('conference_id', sa.String(length=40), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('cadence', sa.String(length=200), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('join_policy', sa.String(length=12), nullable=False),
    sa.Column('started_by', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reading_revision', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conference_id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('circle_members',
    sa.Column('circle_id', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('organiser', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('circle_id', 'member_id')
    )
    with op.batch_alter_table('circle_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_members_member_id'), ['member_id'],
                              unique=False)
    op.create_table('circle_requests',
    sa.Column('circle_id', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('circle_id', 'member_id')
    )
    op.create_table('circle_reading',
    sa.Column('circle_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('circle_id', 'position')
    )
    op.create_table('circle_sessions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('circle_id', sa.String(length=40), nullable=False),
    sa.Column('held_on', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('thread_id', sa.String(length=40), nullable=False),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('circle_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_sessions_circle_id'), ['circle_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('circle_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circle_sessions_circle_id'))
    op.drop_table('circle_sessions')
    op.drop_table('circle_reading')
    op.drop_table('circle_requests')
    with op.batch_alter_table('circle_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circle_members_member_id'))
    op.drop_table('circle_members')
    op.drop_table('circles')
