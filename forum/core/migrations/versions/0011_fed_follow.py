"""fediverse following and delivery: followers, follow policies, remote actors, deliveries

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('followers',
    sa.Column('local_actor', sa.String(length=60), nullable=False),
    sa.Column('remote_actor', sa.String(length=500), nullable=False),
    sa.Column('follow_id', sa.String(length=500), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('inbox', sa.String(length=500), nullable=False),
    sa.Column('shared_inbox', sa.String(length=500), nullable=True),
    sa.Column('acct', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=40), nullable=True),
    sa.Column('accepted_position', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('local_actor', 'remote_actor')
    )
    op.create_table('follow_policies',
    sa.Column('local_actor', sa.String(length=60), nullable=False),
    sa.Column('policy', sa.String(length=20), nullable=False),
    sa.Column('set_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('local_actor')
    )
    op.create_table('remote_actors',
    sa.Column('id', sa.String(length=500), nullable=False),
    sa.Column('key_id', sa.String(length=500), nullable=False),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('inbox', sa.String(length=500), nullable=False),
    sa.Column('shared_inbox', sa.String(length=500), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('icon', sa.String(length=500), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('remote_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_actors_key_id'), ['key_id'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('activity_id', sa.String(length=500), nullable=False),
    sa.Column('inbox', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('object_id', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sign_as', sa.String(length=60), nullable=False),
    sa.Column('key_id', sa.String(length=500), nullable=False),
    sa.Column('owner_key', sa.String(length=60), nullable=False),
    sa.Column('owner_key_id', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'inbox', name='uq_deliveries_activity_inbox')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_due', ['status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_object_id'), ['object_id'],
                              unique=False)
    op.create_table('delivery_hosts',
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('open_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('host')
    )


def downgrade() -> None:
    op.drop_table('delivery_hosts')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_object_id'))
        batch_op.drop_index('ix_deliveries_due')
    op.drop_table('deliveries')
    with op.batch_alter_table('remote_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_actors_key_id'))
    op.drop_table('remote_actors')
    op.drop_table('follow_policies')
    op.drop_table('followers')
