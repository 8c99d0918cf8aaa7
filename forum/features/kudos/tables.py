"""The read-model tables of kudos and "today I learned".

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    String,
    Table,
    Text,
)

from forum.core.db import metadata

kudos = Table(
    "kudos",
    metadata,
    Column("target", String(10), primary_key=True),
    Column("target_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("to_member_id", String(40), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("post_id", String(40), nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
)

learning_settings = Table(
    "learning_settings",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)
