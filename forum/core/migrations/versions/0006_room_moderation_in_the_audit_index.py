"""room moderation in the audit log's partial index

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from alembic import op

from forum.core.events import MODERATION_EVENTS

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TYPES = ", ".join(f"'{name}'" for name in sorted(MODERATION_EVENTS))


def upgrade() -> None:
    op.execute("DROP INDEX ix_events_moderation")
    op.execute(f"CREATE INDEX ix_events_moderation ON events (position) WHERE type IN ({_TYPES})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_events_moderation")
    op.execute("CREATE INDEX ix_events_moderation ON events (position) WHERE type IN ("
               "'ConferenceAclChanged', 'ConferenceUpdated', 'MemberDeactivated', "
               "'MemberReactivated', 'MemberRoleChanged', 'PostDeleted', 'PostHidden', "
               "'PostUnhidden', 'ThreadLocked', 'ThreadMoved', 'ThreadPinned', "
               "'ThreadUnlocked', 'ThreadUnpinned')")
