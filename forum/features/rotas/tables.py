"""The read-model tables of the talk rota.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from forum.core.db import metadata

rotas = Table(
    "rotas",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("description_html", Text, nullable=False, default=""),
    Column("timezone", String(64), nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

rota_slots = Table(
    "rota_slots",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("talk_id", String(40), nullable=True),
)
Index("ix_rota_slots_rota_start", rota_slots.c.rota_id, rota_slots.c.starts_at)

talks = Table(
    "talks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False, index=True),
    Column("slot_id", String(40), nullable=False),
    Column("speaker_id", String(40), nullable=False, index=True),
    Column("title", String(150), nullable=False),
    Column("abstract", Text, nullable=False),
    Column("abstract_html", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("post_id", String(40), nullable=False),
    Column("signed_up_by", String(40), nullable=False),
    Column("signed_up_at", DateTime(timezone=True), nullable=False),
    Column("swap_with", String(40), nullable=True),
    Column("writeup_status", String(20), nullable=False, default="none"),
    Column("writeup_title", String(200), nullable=False, default=""),
    Column("writeup_body", Text, nullable=False, default=""),
    Column("writeup_html", Text, nullable=False, default=""),
    Column("writeup_revision", Integer, nullable=False, default=0),
    Column("writeup_by", String(40), nullable=True),
    Column("writeup_at", DateTime(timezone=True), nullable=True),
    Column("review_comment", Text, nullable=False, default=""),
    Column("reviewed_by", String(40), nullable=True),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
)

rota_waitlist = Table(
    "rota_waitlist",
    metadata,
    Column("slot_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False),
    Column("title", String(150), nullable=False),
    Column("abstract", Text, nullable=False),
    Column("position", BigInteger, nullable=False),  # the log's order is the queue's
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

talk_reminders = Table(
    "talk_reminders",
    metadata,
    Column("talk_id", String(40), primary_key=True),
    Column("slot_id", String(40), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("speaker_id", String(40), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)
