"""The read side of reading: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, literal, select

from forum.core.permissions import (
    Viewer,
)
from forum.core.rows import DbRow
from forum.features.conferences.queries import ConferenceSummary, readable_ids
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.reading.tables import read_log, read_markers
from forum.features.rooms.tables import (
    room_read_markers,
)
from forum.features.threads.tables import posts, threads


def _unread_filter(viewer: Viewer) -> Any:
    return and_(
        posts.c.seq > func.coalesce(read_markers.c.up_to_seq, 0),
        posts.c.author_id != viewer.member_id,
        posts.c.deleted_by.is_(None),
        posts.c.hidden_by.is_(None),
    )


def _marker_join(viewer: Viewer) -> Any:
    return posts.outerjoin(
        read_markers,
        and_(read_markers.c.thread_id == posts.c.thread_id,
             read_markers.c.member_id == viewer.member_id),
    )


def unread_by_conference(conn: Connection, viewer: Viewer, ids: Iterable[str]
                         ) -> dict[str, int]:
    """Exact unread counts: every post after the marker, not the viewer's own."""
    if not viewer.signed_in:
        return {}
    query = (
        select(threads.c.conference_id, func.count())
        .select_from(_marker_join(viewer).join(threads, threads.c.id == posts.c.thread_id))
        .where(threads.c.conference_id.in_(list(ids)), _unread_filter(viewer))
        .group_by(threads.c.conference_id)
    )
    return {cid: int(n) for cid, n in conn.execute(query)}


def unread_by_thread(conn: Connection, viewer: Viewer, thread_ids: Iterable[str]
                     ) -> dict[str, int]:
    if not viewer.signed_in:
        return {}
    query = (
        select(posts.c.thread_id, func.count())
        .select_from(_marker_join(viewer))
        .where(posts.c.thread_id.in_(list(thread_ids)), _unread_filter(viewer))
        .group_by(posts.c.thread_id)
    )
    return {tid: int(n) for tid, n in conn.execute(query)}


def list_conferences(conn: Connection, viewer: Viewer) -> list[ConferenceSummary]:
    """Readable conferences as a tree (parents before children), with counts."""
    ids = readable_ids(conn, viewer)
    rows = conn.execute(
        select(conferences).where(conferences.c.id.in_(ids)).order_by(conferences.c.name)
    ).all()
    stats = {
        cid: (int(t), int(p or 0), last)
        for cid, t, p, last in conn.execute(
            select(threads.c.conference_id, func.count(), func.sum(threads.c.post_count),
                   func.max(threads.c.last_post_at))
            .where(threads.c.conference_id.in_(ids))
            .group_by(threads.c.conference_id)
        )
    }
    unread = unread_by_conference(conn, viewer, ids)
    children: dict[str | None, list[DbRow]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    result: list[ConferenceSummary] = []

    def walk(parent: str | None, depth: int) -> None:
        for row in children.get(parent, []):
            t, p, last = stats.get(row.id, (0, 0, None))
            result.append(ConferenceSummary(row, t, p, unread.get(row.id, 0), last, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return result


def marker_in(conn: Connection, column: Any, member_id: str | None, place_id: str) -> int:
    """A member's read marker (a thread's or a room's), 0 when none or anonymous."""
    if member_id is None:
        return 0
    table = column.table
    value = conn.execute(select(table.c.up_to_seq).where(
        table.c.member_id == member_id, column == place_id)).scalar()
    return int(value or 0)


def get_read_marker(conn: Connection, member_id: str | None, thread_id: str) -> int:
    return marker_in(conn, read_markers.c.thread_id, member_id, thread_id)


def list_readers(conn: Connection, thread_id: str, seq: int) -> Sequence[DbRow]:
    """Who first read post ``seq`` and when, for members who share their reading."""
    return conn.execute(
        select(members.c.handle, members.c.display_name,
               func.min(read_log.c.read_at).label("read_at"))
        .join(members, members.c.id == read_log.c.member_id)
        .where(read_log.c.thread_id == thread_id, read_log.c.from_seq < seq,
               read_log.c.to_seq >= seq, members.c.share_read_history.is_(True))
        .group_by(members.c.handle, members.c.display_name)
        .order_by(func.min(read_log.c.read_at))
    ).all()


def get_next_unread(conn: Connection, viewer: Viewer) -> DbRow | None:
    """The oldest unread post across every readable conference (by log position)."""
    if not viewer.signed_in:
        return None
    ids = readable_ids(conn, viewer)
    return conn.execute(
        select(posts.c.thread_id, posts.c.seq, posts.c.id, posts.c.position)
        .select_from(_marker_join(viewer).join(threads, threads.c.id == posts.c.thread_id))
        .where(threads.c.conference_id.in_(ids), _unread_filter(viewer))
        .order_by(posts.c.position)
        .limit(1)
    ).first()


def list_thread_markers(conn: Connection, member_id: str, conference_id: str
                        ) -> list[tuple[str, int, int]]:
    """(thread id, marker, last seq) of every thread in a conference, for mark-all-read."""
    rows = conn.execute(
        select(threads.c.id, func.coalesce(read_markers.c.up_to_seq, literal(0)),
               threads.c.last_seq)
        .outerjoin(read_markers, and_(read_markers.c.thread_id == threads.c.id,
                                      read_markers.c.member_id == member_id))
        .where(threads.c.conference_id == conference_id)
    )
    return [(tid, int(marker), int(last)) for tid, marker, last in rows]


def list_read_marks(conn: Connection, member_id: str) -> list[tuple[str, int]]:
    """(thread or room id, last seq read) for every place the member has read in."""
    threads_read = conn.execute(select(read_markers.c.thread_id, read_markers.c.up_to_seq)
                                .where(read_markers.c.member_id == member_id))
    rooms_read = conn.execute(select(room_read_markers.c.room_id, room_read_markers.c.up_to_seq)
                              .where(room_read_markers.c.member_id == member_id))
    return [(str(place), int(seq)) for place, seq in [*threads_read, *rooms_read]]
