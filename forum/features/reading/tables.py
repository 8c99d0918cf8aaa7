"""The read-model tables of reading.

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
)

from forum.core.db import metadata
from forum.core.projections.bulk import BULK_LOAD_DROP

read_markers = Table(
    "read_markers",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("thread_id", String(40), primary_key=True),
    Column("up_to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)

read_log = Table(
    "read_log",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", String(40), nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("from_seq", Integer, nullable=False),
    Column("to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)
Index("ix_read_log_thread", read_log.c.thread_id, read_log.c.to_seq, info=BULK_LOAD_DROP)
