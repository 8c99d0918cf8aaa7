"""The database: one SQLAlchemy engine, the log's tables, and connection setup.

SQLite runs in WAL mode with ``BEGIN IMMEDIATE`` transactions, so writers
queue instead of failing half-way with "database is locked".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)

from forum.core.events import MODERATION_EVENTS

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("meta", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)
# On PostgreSQL the migration adds ``txid xid8 DEFAULT pg_current_xact_id()``;
# it is read with raw SQL in forum.eventstore, so it is not declared here.
# The audit log reads moderation events newest first. A partial index keeps
# that fast without charging every other append an index update.
MODERATION_FILTER = events.c.type.in_(sorted(MODERATION_EVENTS))
Index("ix_events_moderation", events.c.position,
      sqlite_where=MODERATION_FILTER, postgresql_where=MODERATION_FILTER)

projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False, default=0),
)

subscriber_checkpoints = Table(
    "subscriber_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False, default=0),
    Column("txid", BigInteger, nullable=False, default=0),
    Column("state", JSON, nullable=True),
)


# A memo of markup.render, keyed by the renderer's version and the source's
# digest. Not a read model: it is a pure function's cache, so rebuilds keep it
# and only re-render what they have never seen (or what a new renderer changes).
rendered_markup = Table(
    "rendered_markup",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("html", Text, nullable=False),
)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Writers take the lock up front; readers never block anyone in WAL mode.
        # Straight to the driver: SQLAlchemy's statement machinery would cost more
        # than the BEGIN itself, on every transaction.
        write = conn.get_execution_options().get("commonroom_write", False)
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with Commonroom's connection settings."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def write_connection(engine: Engine) -> Connection:
    """A connection whose transactions take the write lock at BEGIN (on SQLite)."""
    return engine.connect().execution_options(commonroom_write=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
