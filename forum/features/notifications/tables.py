"""The read-model tables of notifications.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    String,
    Table,
)

from forum.core.db import metadata

notifications = Table(
    "notifications",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),  # mention, reply, thread, post, message, direct
    Column("actor_id", String(40), nullable=False),
    Column("conference_id", String(40), nullable=True),
    Column("thread_id", String(40), nullable=True),
    Column("post_id", String(40), nullable=True),
    Column("room_id", String(40), nullable=True),
    Column("message_id", String(40), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read", Boolean, nullable=False, default=False),
)
Index("ix_notifications_unread", notifications.c.member_id, notifications.c.read)

watch_levels = Table(
    "watch_levels",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("target", String(20), primary_key=True),
    Column("target_id", String(40), primary_key=True),
    Column("level", String(20), nullable=False),
)
