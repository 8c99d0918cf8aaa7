"""The read-model tables of rooms and messages.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from forum.core.db import metadata
from forum.core.projections.bulk import BULK_LOAD_DROP

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("topic", Text, nullable=False, default=""),
    Column("visibility", String(20), nullable=False),
    Column("conference_id", String(40), nullable=True, index=True),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("last_message_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
)

room_members = Table(
    "room_members",
    metadata,
    Column("room_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)
Index("ix_room_members_member", room_members.c.member_id, info=BULK_LOAD_DROP)

messages = Table(
    "messages",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("room_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("author_id", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("reply_to", String(40), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=True),
    Column("revision", Integer, nullable=False, default=1),
    Column("deleted_by", String(40), nullable=True),
    Column("moved_to", String(40), nullable=True),  # the thread it became part of
    Column("position", BigInteger, nullable=False),
)
Index("ix_messages_room_seq", messages.c.room_id, messages.c.seq, unique=True,
      info=BULK_LOAD_DROP)

message_revisions = Table(
    "message_revisions",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("editor_id", String(40), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=False),
)

reactions = Table(
    "reactions",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("emoji", String(16), primary_key=True),
    Column("room_id", String(40), nullable=False),
    Column("reacted_at", DateTime(timezone=True), nullable=False),
)

room_read_markers = Table(
    "room_read_markers",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("room_id", String(40), primary_key=True),
    Column("up_to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)
