"""Driver-level statements for the projections that every post and read goes through.

SQLAlchemy Core spends about 60 µs preparing each statement; SQLite runs a
small insert in under 10 µs. Rebuilds replay millions of events, so the hot
projections write with plain SQL on the driver's cursor, inside the same
transaction as everything else. Parameters are named (``:name``), which
becomes ``%(name)s`` for psycopg; on SQLite they are sent by position (``?``,
in the order they appear): sqlite3 binds a dict by asking SQLite each
parameter's name and making a Python string of it to look up, per row, which
cost a rebuild more than some of its inserts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, event

from forum.core.eventstore import stored_text

_NAMED = re.compile(r"(?<!:):(\w+)")
_PARAMS = itemgetter(1)
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime


_TABLE = re.compile(r"\b(?:INTO|UPDATE|FROM)\s+(\w+)", re.I)

# A rebuild's batch and scope, by the connection replaying. Not ``conn.info``:
# its property chain costs about a microsecond, and a rebuild asks millions of
# times. Other connections (other threads' appends) are simply not in here.
_BATCHES: dict[Connection, Batch] = {}
_SCOPES: dict[Connection, dict[str, Any]] = {}


class Statement:
    """One SQL statement with named parameters, for either database.

    A ``deferrable`` write changes rows nobody reads back until its table is
    next touched; during a rebuild (``batched``) such writes wait in their
    table's queue and go to the database in ``executemany`` runs, which cost a
    fraction of one execute per row.
    """

    def __init__(self, sql: str, *, deferrable: bool = False) -> None:
        self.sqlite = " ".join(sql.split())
        self.postgres = _NAMED.sub(r"%(\1)s", self.sqlite)
        self.positional = _NAMED.sub("?", self.sqlite)
        self.values = _values_of(_NAMED.findall(self.sqlite))
        found = _TABLE.search(self.sqlite)
        self.table = found.group(1) if found else ""
        self.deferrable = deferrable

    def run(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Execute (or, batched and deferrable, queue); returns the driver cursor."""
        batch = _BATCHES.get(conn)
        if batch is not None:
            if self.deferrable:
                batch.add(self, params)
                return None
            batch.flush(conn, self.table)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if conn.dialect.name == "postgresql":
            cursor.execute(self.postgres, params)
        else:
            cursor.execute(self.positional, self.values(params))
        return cursor


def _values_of(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """Named parameters as SQLite's positional ones (a name used twice is sent twice)."""
    if len(names) > 1:
        getter: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*names)
        return getter
    return lambda params: tuple(params[name] for name in names)


class Batch:
    """Deferred writes of one rebuild, flushed per table before anything touches it."""

    def __init__(self) -> None:
        # Per table, its writes in the order they were made: an edit must reach
        # a post after the post's insert. Consecutive writes of one statement
        # become one executemany.
        self.pending: dict[str, list[tuple[Statement, dict[str, Any]]]] = {}
        self.found: dict[str, Any] = {}  # what a projection looked up for the whole chunk
        # Queued writes a projection may still fold later ones into, by its own key:
        # their table, the queue they went into and their parameters. Foldable only
        # while that queue is still waiting, not flushed (``still_queued``).
        self.foldable: dict[Any, tuple[str, list[Any], dict[str, Any]]] = {}

    def still_queued(self, key: Any) -> dict[str, Any] | None:
        """The parameters of the foldable write under ``key``, if it is not sent yet."""
        found = self.foldable.get(key)
        if found is None:
            return None
        table, queue, params = found
        return params if self.pending.get(table) is queue else None

    def queued(self, key: Any, statement: Statement, params: dict[str, Any]) -> None:
        """Queue a write and keep it foldable under ``key``."""
        self.add(statement, params)
        self.foldable[key] = (statement.table, self.pending[statement.table], params)

    def add(self, statement: Statement, params: dict[str, Any]) -> None:
        writes = self.pending.get(statement.table)
        if writes is None:
            writes = self.pending[statement.table] = []
        writes.append((statement, params))

    def flush(self, conn: Connection, table: str | None = None) -> None:
        """Write the queued rows of ``table`` (of every table when None)."""
        for name in [t for t in self.pending if table is None or t == table]:
            writes = self.pending.pop(name)
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            postgres = conn.dialect.name == "postgresql"
            for statement, run in groupby(writes, key=itemgetter(0)):
                if postgres:
                    cursor.executemany(statement.postgres, [params for _, params in run])
                else:
                    cursor.executemany(statement.positional,
                                       map(statement.values, map(_PARAMS, run)))


@contextmanager
def batched(conn: Connection) -> Iterator[Batch]:
    """Queue deferrable writes on ``conn`` until the block ends.

    Any SQLAlchemy statement on the connection flushes everything first, so
    the Core-built statements of the rarer events always see every row.
    """
    batch = Batch()

    def flush_first(*_args: Any) -> None:
        batch.flush(conn)

    _BATCHES[conn] = batch
    event.listen(conn, "before_execute", flush_first)
    try:
        yield batch
        batch.flush(conn)
    finally:
        event.remove(conn, "before_execute", flush_first)
        del _BATCHES[conn]


def current_batch(conn: Connection) -> Batch | None:
    return _BATCHES.get(conn)


def stamp(conn: Connection, moment: datetime) -> datetime | str:
    """A time as the database stores it: aware on PostgreSQL, SQLAlchemy's text on SQLite."""
    if conn.dialect.name == "postgresql":
        return moment
    # A replayed event's time was read from that very text a moment ago.
    return stored_text(moment) or _sqlite_text(moment)


@lru_cache(maxsize=256)
def _sqlite_text(moment: datetime) -> str:
    # One event's statements, and one append's events, share a time. The same
    # text as strftime(SQLITE_TIME), in half the time.
    return moment.isoformat(" ", "microseconds")[:26]  # without the UTC offset


@contextmanager
def replaying(conn: Connection) -> Iterator[dict[str, Any]]:
    """Within the block, ``rebuild_scope(conn)`` is one dict for the whole replay."""
    scope: dict[str, Any] = {}
    _SCOPES[conn] = scope
    try:
        yield scope
    finally:
        del _SCOPES[conn]


def rebuild_scope(conn: Connection) -> dict[str, Any] | None:
    """During a rebuild, a dict that lives for the whole replay (None otherwise).

    A projection may remember there what it learned from earlier events
    (who wrote a post) instead of asking its tables again; whatever can
    change must be forgotten by the projection when the event that changes
    it goes by.
    """
    return _SCOPES.get(conn)
