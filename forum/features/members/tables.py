"""The read-model tables of members.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
)

from forum.core.db import metadata

members = Table(
    "members",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("handle", String(40), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("bio", Text, nullable=False, default=""),
    Column("skills", Text, nullable=False, default="[]"),
    Column("interests", Text, nullable=False, default="[]"),
    Column("can_teach", Text, nullable=False, default="[]"),
    Column("share_read_history", Boolean, nullable=False, default=True),
    # Opted in to a fediverse Person actor (acct:handle@host); off until they choose.
    Column("fediverse", Boolean, nullable=False, default=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("member_id", String(40), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("invited_by", String(40), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("accepted_by", String(40), nullable=True),
    Column("accepted_at", DateTime(timezone=True), nullable=True),
)
