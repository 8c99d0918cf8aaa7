"""Read markers per member and thread, and the log of who read what when."""

from __future__ import annotations

from sqlalchemy import Connection

from forum import events as ev
from forum.eventstore import Recorded
from forum.projections.registry import Projection
from forum.projections.sql import Statement, stamp
from forum.projections.tables import read_log, read_markers

projection = Projection("reading", [read_markers, read_log])


_MOVE = Statement("""
    UPDATE read_markers SET up_to_seq = :seq, read_at = :at
    WHERE member_id = :m AND thread_id = :t""")
_FIRST = Statement("""
    INSERT INTO read_markers (member_id, thread_id, up_to_seq, read_at)
    VALUES (:m, :t, :seq, :at)""")
_LOG = Statement("""
    INSERT INTO read_log (position, member_id, thread_id, from_seq, to_seq, read_at)
    VALUES (:position, :m, :t, :from_seq, :seq, :at)""", deferrable=True)


@projection.on(ev.ThreadRead)
def _read(conn: Connection, rec: Recorded, e: ev.ThreadRead) -> None:
    params = {"m": e.member_id, "t": e.thread_id, "seq": e.up_to_seq,
              "at": stamp(conn, rec.occurred_at)}
    if not _MOVE.run(conn, params).rowcount:
        _FIRST.run(conn, params)
    if e.up_to_seq > e.from_seq:
        _LOG.run(conn, {**params, "position": rec.position, "from_seq": e.from_seq})
