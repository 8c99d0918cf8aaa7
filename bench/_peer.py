"""The peer: the ``eventsourcing`` library's SQLite application recorder.

Not a benchmark itself. By default the peer's connections use the same
durability as ours (WAL, ``synchronous=NORMAL``, see forum/db.py): the library
leaves SQLite's default ``synchronous=FULL``, which fsyncs on every commit,
and comparing that to our NORMAL would measure the disk rather than the code.
"""

from __future__ import annotations

from pathlib import Path

from eventsourcing.persistence import JSONTranscoder, Notification, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)
from eventsourcing.utils import get_topic, resolve_topic

__all__ = [
    "JSONTranscoder", "Notification", "StoredEvent", "get_topic", "open_peer", "resolve_topic",
]


class _NormalSyncPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        conn = super()._create_connection()
        conn._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def open_peer(path: Path, *, sync: str = "normal") -> SQLiteApplicationRecorder:
    """A file database with the library's application recorder and its table."""
    datastore = SQLiteDatastore(str(path), originator_id_type="text")
    if sync == "normal":
        datastore.pool.close()
        datastore.pool = _NormalSyncPool(db_name=str(path))
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    return recorder


def close_peer(recorder: SQLiteApplicationRecorder) -> None:
    recorder.datastore.close()
