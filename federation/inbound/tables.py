"""The read-model tables of replies from the fediverse.

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

# Replies from the fediverse: who wrote them (as each reply last described its
# author), which fediverse object each post is, each public conference's policy
# and the domains an admin blocked.
remote_authors = Table(
    "remote_authors",
    metadata,
    Column("id", String(40), primary_key=True),  # remote-<digest>, the posts' author_id
    Column("actor_uri", Text, nullable=False),
    Column("name", String(120), nullable=False),
    Column("handle", String(200), nullable=False),
    Column("avatar", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("domain", String(253), nullable=False, index=True),
)

remote_posts = Table(
    "remote_posts",
    metadata,
    Column("post_id", String(40), primary_key=True),
    Column("object_digest", String(64), nullable=False, unique=True),
    Column("object_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("author_id", String(40), nullable=False),
)

federation_policies = Table(
    "federation_policies",
    metadata,
    Column("conference_id", String(40), primary_key=True),
    Column("policy", String(20), nullable=False),
)

# Article (the default, no row) or Note for a public conference's thread starters.
federation_styles = Table(
    "federation_styles",
    metadata,
    Column("conference_id", String(40), primary_key=True),
    Column("style", String(20), nullable=False),
)

blocked_domains = Table(
    "blocked_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("blocked_by", String(40), nullable=False),
    Column("blocked_at", DateTime(timezone=True), nullable=False),
)
