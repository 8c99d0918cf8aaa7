"""The study circles' read-model tables (dropped and rebuilt from the log like the rest)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, Text

from forum.core.db import metadata

circles = Table(
    "circles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, unique=True),
    Column("slug", String(60), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("description_html", Text, nullable=False),
    Column("cadence", String(200), nullable=False),
    Column("visibility", String(10), nullable=False),
    Column("join_policy", String(12), nullable=False),
    Column("started_by", String(40), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=True),
    Column("reading_revision", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

circle_members = Table(
    "circle_members",
    metadata,
    Column("circle_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True, index=True),
    Column("organiser", Integer, nullable=False),  # 0 or 1
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

circle_requests = Table(
    "circle_requests",
    metadata,
    Column("circle_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("note", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
)

circle_reading = Table(
    "circle_reading",
    metadata,
    Column("circle_id", String(40), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("title", String(150), nullable=False),
    Column("link", String(500), nullable=False),
)

circle_sessions = Table(
    "circle_sessions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("circle_id", String(40), nullable=False, index=True),
    Column("held_on", String(10), nullable=False),
    Column("title", String(150), nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("recorded_by", String(40), nullable=False),
    Column("position", BigInteger, nullable=False),
)
