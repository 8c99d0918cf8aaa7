"""The read-model tables of threads and posts.

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

threads = Table(
    "threads",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("subject", String(200), nullable=False),
    Column("author_id", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_post_at", DateTime(timezone=True), nullable=False),
    Column("post_count", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("locked", Boolean, nullable=False, default=False),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
)

posts = Table(
    "posts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("thread_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("parent_id", String(40), nullable=True),
    Column("author_id", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=True),
    Column("revision", Integer, nullable=False, default=1),
    Column("deleted_by", String(40), nullable=True),
    Column("hidden_by", String(40), nullable=True),
    Column("hidden_reason", Text, nullable=True),
    Column("position", BigInteger, nullable=False),
)
# Pages read posts by these; projections find a post by its id.
Index("ix_posts_thread_seq", posts.c.thread_id, posts.c.seq, unique=True, info=BULK_LOAD_DROP)
Index("ix_posts_position", posts.c.position, info=BULK_LOAD_DROP)

post_revisions = Table(
    "post_revisions",
    metadata,
    Column("post_id", String(40), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("editor_id", String(40), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=False),
)
