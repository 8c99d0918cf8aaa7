"""The whole log out as JSON Lines and back in: moving between SQLite and PostgreSQL.

Both directions stream, one batch at a time, so memory stays flat however long
the log. An import goes into an empty log only, keeps every event's position,
stream, version, time and meta, checks each line before it is written, and
runs in one transaction: a bad line leaves the database as it was. The read
models are then rebuilt from the imported log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import Connection, text

from forum.backend import Backend
from forum.core import serialization
from forum.core.db import write_connection
from forum.core.errors import InvalidInput
from forum.core.eventstore import EventStore

BATCH = 2_000
FIELDS = ("position", "stream_id", "stream_version", "type", "schema_version", "data",
          "meta", "occurred_at")


def export_log(store: EventStore, out: IO[str]) -> int:
    """Write every event, oldest first, one JSON object a line; returns how many."""
    count = 0
    for rec in store.iter_all():
        out.write(serialization.dumps({
            "position": rec.position, "stream_id": rec.stream_id,
            "stream_version": rec.stream_version, "type": rec.event.type,
            "schema_version": rec.event.schema_version, "data": rec.event.to_data(),
            "meta": rec.meta, "occurred_at": rec.occurred_at.isoformat(),
        }) + "\n")
        count += 1
    return count


def import_log(backend: Backend, lines: Iterable[str],
               progress: Callable[[int], None] | None = None) -> int:
    """Load an exported log into this (empty) database; returns how many events.

    The read models are not touched: rebuild them afterwards (the CLI does)."""
    store = backend.store
    postgres = store.postgres
    count = 0
    with write_connection(backend.engine) as conn, conn.begin():
        held = int(conn.exec_driver_sql("SELECT COUNT(*) FROM events").scalar() or 0)
        if held:
            raise InvalidInput(f"this database's log already holds {held:,} events; "
                               "import into a new, empty database")
        last_position = 0
        for batch in _batches(_parse(lines)):
            _check_versions(conn, batch, count, postgres)
            _insert(conn, batch, postgres)
            last_position = batch[-1][0]
            count += len(batch)
            if progress is not None:
                progress(len(batch))
        if postgres and count:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('events', 'position'), %s)",
                (last_position,))
    return count


Row = tuple[int, str, int, str, int, str, str, Any]


def _parse(lines: Iterable[str]) -> Iterator[Row]:
    """Each line as the row to store, checked: a clear message names the bad line."""
    previous = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = serialization.loads(line)
        except ValueError:
            raise InvalidInput(f"line {number}: not JSON") from None
        if not isinstance(record, dict) or set(record) != set(FIELDS):
            raise InvalidInput(f"line {number}: expected exactly the fields "
                               f"{', '.join(FIELDS)}")
        try:
            position, version = int(record["position"]), int(record["stream_version"])
            stream_id, meta = str(record["stream_id"]), record["meta"]
            event = serialization.decode(record["type"], int(record["schema_version"]),
                                         record["data"])
            occurred_at = datetime.fromisoformat(record["occurred_at"])
        except (LookupError, TypeError, ValueError) as exc:
            raise InvalidInput(f"line {number}: not an event this version of Commonroom "
                               f"knows ({exc})") from None
        if position <= previous or version < 1 or not isinstance(meta, dict):
            raise InvalidInput(f"line {number}: a position, stream version or meta "
                               "out of order or of the wrong kind")
        previous = position
        event_type, schema_version, data = serialization.encode(event)
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
        yield (position, stream_id, version, event_type, schema_version, data,
               serialization.dumps(meta), occurred_at.astimezone(UTC))


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _check_versions(conn: Connection, batch: list[Row], before: int, postgres: bool) -> None:
    """Each stream's versions go on from where the log has it, one by one."""
    streams = sorted({row[1] for row in batch})
    marks = ",".join(["%s" if postgres else "?"] * len(streams))
    current: dict[str, int] = dict(conn.exec_driver_sql(
        f"SELECT stream_id, MAX(stream_version) FROM events WHERE stream_id IN ({marks}) "
        "GROUP BY stream_id", tuple(streams)).all())
    for offset, row in enumerate(batch):
        expected = int(current.get(row[1], 0)) + 1
        if row[2] != expected:
            raise InvalidInput(f"line {before + offset + 1}: stream {row[1]} goes from "
                               f"version {expected - 1} to {row[2]}")
        current[row[1]] = row[2]


def _insert(conn: Connection, batch: list[Row], postgres: bool) -> None:
    if postgres:
        conn.execute(text(
            "INSERT INTO events (position, stream_id, stream_version, type, schema_version, "
            "data, meta, occurred_at) VALUES (:p, :s, :v, :t, :sv, :d, :m, :o)"),
            [{"p": r[0], "s": r[1], "v": r[2], "t": r[3], "sv": r[4], "d": r[5], "m": r[6],
              "o": r[7]} for r in batch])
        return
    when = "%Y-%m-%d %H:%M:%S.%f"  # as EventStore stores it on SQLite
    conn.exec_driver_sql(
        "INSERT INTO events (position, stream_id, stream_version, type, schema_version, "
        "data, meta, occurred_at) VALUES (?,?,?,?,?,?,?,?)",
        [(*r[:7], r[7].strftime(when)) for r in batch])
