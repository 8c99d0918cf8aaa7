"""who knows what: the skills directory, members' skills and mentoring

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skills',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('member_skills',
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('member_id', 'kind', 'key')
    )
    with op.batch_alter_table('member_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_skills_key'), ['key'], unique=False)

    op.create_table('skill_lists',
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('member_id')
    )
    op.create_table('mentoring',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('skill_key', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mentoring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_skill_key'), ['skill_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mentoring', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentoring_skill_key'))
        batch_op.drop_index(batch_op.f('ix_mentoring_member_id'))
    op.drop_table('mentoring')
    op.drop_table('skill_lists')
    with op.batch_alter_table('member_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_skills_key'))
    op.drop_table('member_skills')
    op.drop_table('skills')
