"""per-conference ActivityPub style of a thread's first post: Article or Note

Revision ID: 0014
Revises: 0013
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('federation_styles',
    sa.Column('conference_id', sa.String(length=40), nullable=False),
    sa.Column('style', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('conference_id')
    )


def downgrade() -> None:
    op.drop_table('federation_styles')
