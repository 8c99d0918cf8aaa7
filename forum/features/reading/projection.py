"""Read markers per member and thread, and the log of who read what when."""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, stamp
from forum.features.reading.events import ThreadRead
from forum.features.reading.tables import read_log, read_markers

projection = Projection("reading", [read_markers, read_log])


# A marker moves either way (MarkUnreadFrom moves it back), so the last read wins.
_MARK = Statement("""
    INSERT INTO read_markers (member_id, thread_id, up_to_seq, read_at)
    VALUES (:m, :t, :seq, :at)
    ON CONFLICT (member_id, thread_id)
    DO UPDATE SET up_to_seq = excluded.up_to_seq, read_at = excluded.read_at""",
    deferrable=True)
_LOG = Statement("""
    INSERT INTO read_log (position, member_id, thread_id, from_seq, to_seq, read_at)
    VALUES (:position, :m, :t, :from_seq, :seq, :at)""", deferrable=True)


@projection.on(ThreadRead)
def _read(conn: Connection, rec: Recorded, e: ThreadRead) -> None:
    params = {"m": e.member_id, "t": e.thread_id, "seq": e.up_to_seq,
              "at": stamp(conn, rec.occurred_at)}
    _MARK.run(conn, params)
    if e.up_to_seq > e.from_seq:
        _LOG.run(conn, {**params, "position": rec.position, "from_seq": e.from_seq})
