"""partial index for the audit log instead of an index on every event's type

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The moderation events of this revision (0006 adds the rooms').
_TYPES = ", ".join(f"'{name}'" for name in sorted({
    "PostHidden", "PostUnhidden", "ThreadLocked", "ThreadUnlocked", "ThreadPinned",
    "ThreadUnpinned", "ThreadMoved", "PostDeleted", "ConferenceAclChanged", "ConferenceUpdated",
    "MemberRoleChanged", "MemberDeactivated", "MemberReactivated"}))


def upgrade() -> None:
    op.execute("DROP INDEX ix_events_type")
    op.execute(f"CREATE INDEX ix_events_moderation ON events (position) WHERE type IN ({_TYPES})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_events_moderation")
    op.execute("CREATE INDEX ix_events_type ON events (type)")
