"""The event log: append with an optimistic version check, read a stream, read all.

This module is the only writer of the ``events`` table. Inline projections
run inside the appending transaction, so a member sees their own write on the
very next page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from forum.core import serialization
from forum.core.db import is_postgres, write_connection
from forum.core.errors import ConcurrencyConflict, Conflict
from forum.core.events import Event

if TYPE_CHECKING:
    from forum.core.projections.registry import Projections


class Recorded(NamedTuple):
    """An event as stored in the log (a tuple: replays build millions of them)."""

    position: int
    stream_id: str
    stream_version: int
    event: Event
    occurred_at: datetime
    meta: dict[str, Any] = {}  # noqa: RUF012  (shared, never mutated)
    txid: int = 0


@dataclass(frozen=True)
class StreamWrite:
    """Events for one stream; ``expected_version`` None appends whatever the version.

    ``meta`` (acting member, request) overrides the append's own, for a write
    made on someone else's behalf in a shared transaction (a room's group commit).
    """

    stream_id: str
    events: Sequence[Event]
    expected_version: int | None
    meta: dict[str, Any] | None = None


def utcnow() -> datetime:
    return datetime.now(UTC)


_SELECT = "position, stream_id, stream_version, type, schema_version, data, meta, occurred_at"
_INSERT = ("INSERT INTO events (stream_id, stream_version, type, schema_version, data, meta, "
           "occurred_at)")
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # the format SQLAlchemy uses, so both read it


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _when(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands back the stored text
        return _parse_time(value)
    return _aware(value)


# The text each recently read time was stored as (SQLite), by the time: a
# replay's projections store an event's time again, and formatting an aware
# time costs seven times this look-up (forum.projections.sql.stamp).
_READ_AS: dict[datetime, str] = {}
_READ_AS_MAX = 65_536  # more than a replay's chunk of events


def _parse_time(text: str) -> datetime:
    if len(text) == 26 and text[10] == " " and text[19] == ".":  # our own _SQLITE_TIME
        # With the offset in the text, one call makes the aware time
        # (.replace(tzinfo=UTC) cost twice the parse).
        moment = datetime.fromisoformat(text + "+00:00")
        if len(_READ_AS) >= _READ_AS_MAX:
            _READ_AS.clear()
        _READ_AS[moment] = text
        return moment
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def stored_text(moment: datetime) -> str | None:
    """The SQLite text ``moment`` was recently read from, if it was."""
    return _READ_AS.get(moment)


@lru_cache(maxsize=4096)
def _meta(text: str) -> dict[str, Any]:
    # Many events share a request's meta; parse each distinct text once.
    result: dict[str, Any] = serialization.loads(text)
    return result


def row_to_recorded(row: Any, txid: int = 0) -> Recorded:
    return Recorded(row[0], row[1], row[2], serialization.decode(row[3], row[4], row[5]),
                    _when(row[7]), _meta(row[6]), txid)


def _decode_rows(rows: Any, with_meta: bool) -> list[Recorded]:
    """Rows of the log as ``Recorded``, in order.

    The events of one append share their time and their meta, and appends
    come in runs: each distinct text is parsed once per run rather than once
    per event (a third of a replay's decoding before).
    """
    decode = serialization.decode
    out: list[Recorded] = []
    append = out.append
    last_when: Any = None
    moment = _EPOCH
    last_meta: Any = None
    meta: dict[str, Any] = {}
    for position, stream_id, version, kind, schema_version, data, meta_text, when in rows:
        if when != last_when:
            moment, last_when = _when(when), when
        if with_meta and meta_text != last_meta:
            meta, last_meta = _meta(meta_text), meta_text
        append(Recorded(position, stream_id, version, decode(kind, schema_version, data),
                        moment, meta))
    return out


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class EventStore:
    """Append-only store of events on SQLite or PostgreSQL."""

    def __init__(
        self,
        engine: Engine,
        projections: Projections | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.projections = projections
        self.clock = clock
        self.postgres = is_postgres(engine)
        # Called after every commit (live followers wake at once instead of polling).
        self.on_commit: list[Callable[[], None]] = []

    # --- writing -----------------------------------------------------------

    def append(
        self,
        stream_id: str,
        new_events: Sequence[Event],
        *,
        expected_version: int | None,
        meta: dict[str, Any] | None = None,
    ) -> list[Recorded]:
        """Append to one stream; raise ConcurrencyConflict if it moved meanwhile."""
        return self.append_streams([StreamWrite(stream_id, new_events, expected_version)], meta)

    def append_streams(
        self, writes: Sequence[StreamWrite], meta: dict[str, Any] | None = None
    ) -> list[Recorded]:
        """Append to several streams in one transaction, all or nothing."""
        with write_connection(self.engine) as conn:
            try:
                with conn.begin():
                    recorded = self._insert(conn, writes, meta or {})
                    if self.projections is not None:
                        self.projections.apply(conn, recorded)
            except IntegrityError as exc:
                if not _is_version_clash(exc):
                    # A read model's unique key (a handle, a slug) was taken by a
                    # writer that committed between our check and our append.
                    raise Conflict(
                        "that name was taken a moment ago by someone else; try another"
                    ) from None
                # Name the stream that moved (PostgreSQL: a rival committed first).
                versions = {w.stream_id: self.stream_version(w.stream_id) for w in writes}
                write = next((w for w in writes if w.expected_version is not None
                              and w.expected_version != versions[w.stream_id]), writes[0])
                raise ConcurrencyConflict(
                    write.stream_id,
                    write.expected_version or 0,
                    versions[write.stream_id],
                ) from None
        if recorded:
            for wake in self.on_commit:
                wake()
        return recorded

    def _insert(
        self, conn: Connection, writes: Sequence[StreamWrite], meta: dict[str, Any]
    ) -> list[Recorded]:
        # Stored as UTC: SQLite keeps no offset, and reads treat a bare time as UTC.
        now = _aware(self.clock()).astimezone(UTC)
        meta_json = serialization.dumps(meta)
        stored_at: Any = now if self.postgres else now.strftime(_SQLITE_TIME)
        current = _versions(conn, [w.stream_id for w in writes], self.postgres)
        rows: list[tuple[Any, ...]] = []
        pending: list[tuple[str, int, Event, dict[str, Any]]] = []
        for write in writes:
            version = current.get(write.stream_id, 0)
            if write.expected_version is not None and write.expected_version != version:
                raise ConcurrencyConflict(write.stream_id, write.expected_version, version)
            own_meta = meta if write.meta is None else write.meta
            own_json = meta_json if write.meta is None else serialization.dumps(write.meta)
            for new_event in write.events:
                version += 1
                event_type, schema_version, data = serialization.encode(new_event)
                rows.append((write.stream_id, version, event_type, schema_version, data,
                             own_json, stored_at))
                pending.append((write.stream_id, version, new_event, own_meta))
            current[write.stream_id] = version
        if not rows:
            return []
        positions = self._insert_rows(conn, rows)
        return [
            Recorded(pos, stream_id, version, new_event, now, event_meta)
            for pos, (stream_id, version, new_event, event_meta)
            in zip(positions, pending, strict=True)
        ]

    def _insert_rows(self, conn: Connection, rows: list[tuple[Any, ...]]) -> list[int]:
        """Insert at the driver level: this is the hottest path, so no SQL is built."""
        if self.postgres:
            values = ",".join(["(%s,%s,%s,%s,%s,%s,%s)"] * len(rows))
            params = [value for row in rows for value in row]
            result = conn.exec_driver_sql(f"{_INSERT} VALUES {values} RETURNING position",
                                          tuple(params))
            return sorted(r[0] for r in result)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(f"{_INSERT} VALUES (?,?,?,?,?,?,?)", rows)
            # We hold SQLite's write lock, so the rows took the next consecutive rowids.
            last = int(cursor.execute("SELECT last_insert_rowid()").fetchone()[0])
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(_INSERT, None, exc) from exc
        finally:
            cursor.close()
        return list(range(last - len(rows) + 1, last + 1))

    # --- reading -----------------------------------------------------------

    def stream_version(self, stream_id: str) -> int:
        with self.engine.connect() as conn:
            return _versions(conn, [stream_id], self.postgres).get(stream_id, 0)

    def read_stream(self, stream_id: str, after_version: int = 0) -> list[Recorded]:
        """Every event of one stream, oldest first."""
        p = "%s" if self.postgres else "?"
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {_SELECT} FROM events WHERE stream_id = {p} AND stream_version > {p} "
                "ORDER BY stream_version", (stream_id, after_version))
            return _decode_rows(rows, True)

    def read_stream_after(self, stream_id: str, after_position: int,
                          limit: int = 500) -> list[Recorded] | None:
        """Events of one stream after one of its positions, oldest first (a live
        client's catch-up); None when ``after_position`` is not in that stream.

        Within one stream, positions grow in commit order on both databases:
        writers of a stream are serialised by its expected version.
        """
        p = "%s" if self.postgres else "?"
        with self.engine.connect() as conn:
            version: Any = 0
            if after_position:
                version = conn.exec_driver_sql(
                    f"SELECT stream_version FROM events WHERE position = {p} AND stream_id = {p}",
                    (after_position, stream_id)).scalar()
                if version is None:
                    return None
            rows = conn.exec_driver_sql(
                f"SELECT {_SELECT} FROM events WHERE stream_id = {p} AND stream_version > {p} "
                f"ORDER BY stream_version LIMIT {p}", (stream_id, version, limit))
            return _decode_rows(rows, True)

    def stream_head(self, stream_id: str) -> int:
        """The position of a stream's newest event (0 for an empty stream)."""
        p = "%s" if self.postgres else "?"
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql(
                f"SELECT position FROM events WHERE stream_id = {p} "
                "ORDER BY stream_version DESC LIMIT 1", (stream_id,)).scalar() or 0)

    def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Recorded]:
        """Events in position order, for replays of a quiet log."""
        with self.engine.connect() as conn:
            return read_batch(conn, after_position, limit)

    def iter_all(self, after_position: int = 0, batch: int = 5000) -> Iterator[Recorded]:
        position = after_position
        while True:
            chunk = self.read_all(position, batch)
            if not chunk:
                return
            yield from chunk
            position = chunk[-1].position

    def head(self) -> int:
        """The highest position in the log (0 when empty)."""
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT MAX(position) FROM events").scalar() or 0)

    def committed_head(self) -> tuple[int, int]:
        """The checkpoint of a follower that has consumed everything committed so far."""
        with self.engine.connect() as conn:
            if not self.postgres:
                return (0, int(conn.exec_driver_sql(
                    "SELECT MAX(position) FROM events").scalar() or 0))
            row = conn.exec_driver_sql(
                "SELECT txid::text::bigint, position FROM events "
                "WHERE txid < pg_snapshot_xmin(pg_current_snapshot()) "
                "ORDER BY txid DESC, position DESC LIMIT 1").first()
            return (int(row[0]), int(row[1])) if row else (0, 0)

    def read_committed(
        self, after: tuple[int, int], limit: int = 500
    ) -> list[Recorded]:
        """Events safe for a follower to consume after checkpoint ``(txid, position)``.

        SQLite serialises writers, so position order is commit order there. On
        PostgreSQL a later transaction can commit a lower position, so we read
        only rows of transactions older than every one still running
        (``pg_snapshot_xmin``), in (txid, position) order: a row that commits
        later always sorts after what we have already consumed.
        """
        txid, position = after
        with self.engine.connect() as conn:
            if not self.postgres:
                return read_batch(conn, position, limit)
            rows = conn.execute(
                text(
                    "SELECT position, stream_id, stream_version, type, schema_version, data, "
                    "meta, occurred_at, txid::text::bigint FROM events "
                    "WHERE (txid, position) > (CAST(:txid AS xid8), :position) "
                    "AND txid < pg_snapshot_xmin(pg_current_snapshot()) "
                    "ORDER BY txid, position LIMIT :limit"
                ),
                {"txid": str(txid), "position": position, "limit": limit},
            )
            return [row_to_recorded(row, txid=row[8]) for row in rows]


def _is_version_clash(exc: IntegrityError) -> bool:
    """True when the events table's (stream_id, stream_version) key was violated."""
    message = str(exc.orig)
    return ("uq_events_stream_version" in message  # PostgreSQL names the constraint
            or "events.stream_id, events.stream_version" in message)  # SQLite the columns


def read_batch(conn: Connection, after_position: int, limit: int, *,
               with_meta: bool = True) -> list[Recorded]:
    """Events after a position, oldest first; ``with_meta=False`` leaves ``meta`` empty.

    A replay into the read models reads no meta (who acted, the request): its
    decoding was a tenth of a rebuild, the texts being as many as the events.
    """
    if conn.dialect.name == "postgresql":
        rows: Any = conn.exec_driver_sql(
            f"SELECT {_SELECT} FROM events WHERE position > %s ORDER BY position LIMIT %s",
            (after_position, limit))
        return _decode_rows(rows, with_meta)
    # Replays read millions of rows: on SQLite, skip the wrapping of each row.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(
            f"SELECT {_SELECT} FROM events WHERE position > ? ORDER BY position LIMIT ?",
            (after_position, limit)).fetchall()
    finally:
        cursor.close()
    return _decode_rows(rows, with_meta)


def _versions(conn: Connection, stream_ids: Sequence[str], postgres: bool) -> dict[str, int]:
    """The current version of each stream (absent when it has no events yet)."""
    marks = ",".join(["%s" if postgres else "?"] * len(stream_ids))
    sql = (f"SELECT stream_id, MAX(stream_version) FROM events WHERE stream_id IN ({marks}) "
           "GROUP BY stream_id")
    if postgres:
        rows: Any = conn.exec_driver_sql(sql, tuple(stream_ids))
    else:  # every append asks this: skip SQLAlchemy's statement machinery
        rows = conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            sql, tuple(stream_ids)).fetchall()
    return {stream_id: int(version) for stream_id, version in rows}
