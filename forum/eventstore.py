"""The event log: append with an optimistic version check, read a stream, read all.

This module is the only writer of the ``events`` table. Inline projections
run inside the appending transaction, so a member sees their own write on the
very next page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from forum import serialization
from forum.db import events, is_postgres, write_connection
from forum.errors import ConcurrencyConflict, Conflict
from forum.events import Event

if TYPE_CHECKING:
    from forum.projections.registry import Projections


@dataclass(frozen=True)
class Recorded:
    """An event as stored in the log."""

    position: int
    stream_id: str
    stream_version: int
    event: Event
    occurred_at: datetime
    meta: dict[str, Any] = field(default_factory=dict)
    txid: int = 0


@dataclass(frozen=True)
class StreamWrite:
    """Events for one stream; ``expected_version`` None appends whatever the version."""

    stream_id: str
    events: Sequence[Event]
    expected_version: int | None


def utcnow() -> datetime:
    return datetime.now(UTC)


_COLUMNS = (
    events.c.position,
    events.c.stream_id,
    events.c.stream_version,
    events.c.type,
    events.c.schema_version,
    events.c.data,
    events.c.meta,
    events.c.occurred_at,
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row_to_recorded(row: Any, txid: int = 0) -> Recorded:
    return Recorded(
        position=row[0],
        stream_id=row[1],
        stream_version=row[2],
        event=serialization.decode(row[3], row[4], row[5]),
        meta=json.loads(row[6]),
        occurred_at=_aware(row[7]),
        txid=txid,
    )


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
        return recorded

    def _insert(
        self, conn: Connection, writes: Sequence[StreamWrite], meta: dict[str, Any]
    ) -> list[Recorded]:
        # Stored as UTC: SQLite keeps no offset, and reads treat a bare time as UTC.
        now = _aware(self.clock()).astimezone(UTC)
        meta_json = serialization.dumps(meta)
        rows: list[dict[str, Any]] = []
        pending: list[tuple[str, int, Event]] = []
        for write in writes:
            current = self._version(conn, write.stream_id)
            if write.expected_version is not None and write.expected_version != current:
                raise ConcurrencyConflict(write.stream_id, write.expected_version, current)
            for offset, new_event in enumerate(write.events, start=1):
                event_type, schema_version, data = serialization.encode(new_event)
                rows.append(
                    {
                        "stream_id": write.stream_id,
                        "stream_version": current + offset,
                        "type": event_type,
                        "schema_version": schema_version,
                        "data": data,
                        "meta": meta_json,
                        "occurred_at": now,
                    }
                )
                pending.append((write.stream_id, current + offset, new_event))
        if not rows:
            return []
        result = conn.execute(
            events.insert().returning(events.c.position, sort_by_parameter_order=True), rows
        )
        positions = [r[0] for r in result]
        return [
            Recorded(pos, stream_id, version, new_event, now, meta)
            for pos, (stream_id, version, new_event) in zip(positions, pending, strict=True)
        ]

    # --- reading -----------------------------------------------------------

    @staticmethod
    def _version(conn: Connection, stream_id: str) -> int:
        value = conn.execute(
            select(func.max(events.c.stream_version)).where(events.c.stream_id == stream_id)
        ).scalar()
        return int(value or 0)

    def stream_version(self, stream_id: str) -> int:
        with self.engine.connect() as conn:
            return self._version(conn, stream_id)

    def read_stream(self, stream_id: str, after_version: int = 0) -> list[Recorded]:
        """Every event of one stream, oldest first."""
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c.stream_version > after_version)
            .order_by(events.c.stream_version)
        )
        with self.engine.connect() as conn:
            return [row_to_recorded(row) for row in conn.execute(query)]

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
            return int(conn.execute(select(func.max(events.c.position))).scalar() or 0)

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


def read_batch(conn: Connection, after_position: int, limit: int) -> list[Recorded]:
    query = (
        select(*_COLUMNS)
        .where(events.c.position > after_position)
        .order_by(events.c.position)
        .limit(limit)
    )
    return [row_to_recorded(row) for row in conn.execute(query)]
