"""Read markers per member and thread, and the log of who read what when."""

from __future__ import annotations

from sqlalchemy import Connection, update

from forum import events as ev
from forum.eventstore import Recorded
from forum.projections.registry import Projection
from forum.projections.tables import read_log, read_markers

projection = Projection("reading", [read_markers, read_log])


@projection.on(ev.ThreadRead)
def _read(conn: Connection, rec: Recorded, e: ev.ThreadRead) -> None:
    changed = conn.execute(
        update(read_markers)
        .where(read_markers.c.member_id == e.member_id, read_markers.c.thread_id == e.thread_id)
        .values(up_to_seq=e.up_to_seq, read_at=rec.occurred_at)
    ).rowcount
    if not changed:
        conn.execute(
            read_markers.insert().values(
                member_id=e.member_id, thread_id=e.thread_id, up_to_seq=e.up_to_seq,
                read_at=rec.occurred_at,
            )
        )
    if e.up_to_seq > e.from_seq:
        conn.execute(
            read_log.insert().values(
                position=rec.position, member_id=e.member_id, thread_id=e.thread_id,
                from_seq=e.from_seq, to_seq=e.up_to_seq, read_at=rec.occurred_at,
            )
        )
