"""The read-model tables of the fediverse's followers.

All of them can be dropped and rebuilt from the log.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    String,
    Table,
)

from forum.core.db import metadata

# Fediverse followers of our actors (``conference:<id>``, ``member:<id>``), from the
# follows streams; a pending row waits for a moderator when the policy says so.
followers = Table(
    "followers",
    metadata,
    Column("local_actor", String(60), primary_key=True),
    Column("remote_actor", String(500), primary_key=True),
    Column("follow_id", String(500), nullable=False),
    Column("state", String(20), nullable=False),  # pending, accepted
    Column("inbox", String(500), nullable=False),
    Column("shared_inbox", String(500), nullable=True),
    Column("acct", String(300), nullable=False),
    Column("name", String(200), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(40), nullable=True),
    # The log position of the acceptance: only what happened after it is delivered.
    Column("accepted_position", BigInteger, nullable=True),
)

follow_policies = Table(
    "follow_policies",
    metadata,
    Column("local_actor", String(60), primary_key=True),
    Column("policy", String(20), nullable=False),  # automatic, moderated
    Column("set_by", String(40), nullable=False),
)
