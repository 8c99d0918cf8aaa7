"""The read-model tables of team-together days.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
)

from forum.core.db import metadata

team_days = Table(
    "team_days",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("description_html", Text, nullable=False),
    Column("day", String(10), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

team_sessions = Table(
    "team_sessions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("day_id", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("description_html", Text, nullable=False),
    Column("host_id", String(40), nullable=False),
    Column("room", String(80), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("level", String(20), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("taken", Integer, nullable=False),
    Column("thread_id", String(40), nullable=False),
)

session_attendees = Table(
    "session_attendees",
    metadata,
    Column("session_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("day_id", String(40), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

session_follow_ups = Table(
    "session_follow_ups",
    metadata,
    Column("session_id", String(40), primary_key=True),
    Column("next_session_id", String(40), primary_key=True),
    Column("next_day_id", String(40), nullable=False),
    Column("planned_by", String(40), nullable=False),
)
