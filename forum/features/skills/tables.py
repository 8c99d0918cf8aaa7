"""The read-model tables of who knows what and mentoring.

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

skills = Table(
    "skills",
    metadata,
    Column("key", String(80), primary_key=True),  # forum.model.skills.skill_key
    Column("name", String(80), nullable=False),  # as first written
)

member_skills = Table(
    "member_skills",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("kind", String(10), primary_key=True),  # teach, learn
    Column("key", String(80), primary_key=True, index=True),
    Column("name", String(80), nullable=False),  # as this member wrote it
    Column("position", Integer, nullable=False),
)

skill_lists = Table(
    "skill_lists",  # members who set their skills (before that, the résumé's "can teach")
    metadata,
    Column("member_id", String(40), primary_key=True),
)

mentoring = Table(
    "mentoring",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("member_id", String(40), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # offer, ask
    Column("skill_key", String(80), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
