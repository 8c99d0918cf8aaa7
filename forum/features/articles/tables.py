"""The read-model tables of publishing.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from forum.core.db import metadata

# The public blog's articles, drafts included (their words are shown through the
# article rules in forum.permissions only).
articles = Table(
    "articles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("status", String(20), nullable=False),  # proposed, sent_back, published, unpublished
    Column("source_kind", String(20), nullable=False),  # thread, post, talk
    Column("source_id", String(40), nullable=False),
    Column("thread_id", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("tags", Text, nullable=False, default="[]"),
    Column("author_id", String(40), nullable=False),
    Column("proposed_by", String(40), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_by", String(40), nullable=True),
    Column("comment", Text, nullable=True),  # the last send-back comment
    Column("slug", String(80), nullable=True, unique=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("unpublished_at", DateTime(timezone=True), nullable=True),
    Column("unpublish_reason", Text, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_articles_published", articles.c.status, articles.c.published_at)

article_tags = Table(
    "article_tags",
    metadata,
    Column("tag", String(40), primary_key=True),
    Column("article_id", String(40), primary_key=True),
)
