"""The read-model tables of conferences.

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

conferences = Table(
    "conferences",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("resume", Text, nullable=False, default=""),
    Column("resume_html", Text, nullable=False, default=""),
    Column("visibility", String(20), nullable=False),
    Column("parent_id", String(40), nullable=True),
    Column("acl", Text, nullable=False, default="[]"),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)
