"""The read side of notifications: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from forum.core.permissions import (
    Viewer,
    can_read,
)
from forum.core.rows import PAGE_SIZE, DbRow
from forum.features.conferences.queries import conference_access
from forum.features.members.queries import get_member
from forum.features.notifications.tables import notifications, watch_levels
from forum.features.rooms.queries import get_message, get_room, room_access_of, room_title
from forum.features.threads.queries import get_post, get_thread


def get_watch_level(conn: Connection, member_id: str | None, target: str, target_id: str
                    ) -> str:
    if member_id is None:
        return "normal"
    value = conn.execute(select(watch_levels.c.level).where(
        watch_levels.c.member_id == member_id, watch_levels.c.target == target,
        watch_levels.c.target_id == target_id)).scalar()
    return str(value or "normal")


def place_readable(conn: Connection, viewer: Viewer, target: str, target_id: str) -> bool:
    """May the viewer read this conference, thread or room (the one rule)?"""
    if target == "conference":
        access = conference_access(conn, target_id)
    elif target == "thread":
        thread = get_thread(conn, target_id)
        access = conference_access(conn, thread.conference_id) if thread else None
    elif target == "room":
        access = room_access_of(conn, target_id)
    else:
        return False
    return access is not None and can_read(viewer, access)


@dataclass
class Notice:
    row: DbRow
    actor_name: str
    where: str  # the thread's subject or the room's name
    seq: int | None
    slug: str | None  # the room's address


def list_notifications(conn: Connection, viewer: Viewer, *, unread_only: bool = False,
                       limit: int = PAGE_SIZE) -> list[Notice]:
    """The member's notifications, newest first, for places they may still read."""
    result: list[Notice] = []
    for row in _readable_notices(conn, viewer, unread_only=unread_only):
        actor = get_member(conn, row.actor_id)
        name = actor.display_name if actor else ""
        if row.thread_id:
            thread, post = get_thread(conn, row.thread_id), get_post(conn, row.post_id)
            if thread is not None and post is not None:
                result.append(Notice(row, name, thread.subject, post.seq, None))
        else:
            room, message = get_room(conn, row.room_id), get_message(conn, row.message_id)
            if room is not None and message is not None:
                result.append(Notice(row, name, room_title(conn, room, viewer), message.seq,
                                     room.slug))
        if len(result) >= limit:
            break
    return result


def _readable_notices(conn: Connection, viewer: Viewer, *, unread_only: bool
                      ) -> Iterator[DbRow]:
    """The member's notification rows, newest first, whose place they may still read
    (each place asked of the rule once)."""
    if not viewer.signed_in:
        return
    query = select(notifications).where(notifications.c.member_id == viewer.member_id)
    if unread_only:
        query = query.where(notifications.c.read.is_(False))
    readable: dict[tuple[str, str], bool] = {}
    for row in conn.execute(query.order_by(notifications.c.position.desc())).all():
        place = ("thread", row.thread_id) if row.thread_id else ("room", row.room_id)
        if place not in readable:
            readable[place] = place_readable(conn, viewer, *place)
        if readable[place]:
            yield row


def count_unread_notifications(conn: Connection, viewer: Viewer) -> int:
    """For the badge on every page: the rule per place, none of the details per notice."""
    return sum(1 for _ in _readable_notices(conn, viewer, unread_only=True))


def notification_positions(conn: Connection, member_id: str) -> tuple[set[int], int]:
    """The member's unread notification positions, and their newest position."""
    rows = conn.execute(select(notifications.c.position, notifications.c.read)
                        .where(notifications.c.member_id == member_id)).all()
    return ({int(p) for p, read in rows if not read},
            max((int(p) for p, _ in rows), default=0))


def notified_at(conn: Connection, position: int) -> list[str]:
    """The members notified of the event at ``position``."""
    return notified_in(conn, [position]).get(position, [])


def notified_in(conn: Connection, positions: Iterable[int]) -> dict[int, list[str]]:
    """The members notified of each event at ``positions``, in one query."""
    wanted = list(positions)
    if not wanted:
        return {}
    found: dict[int, list[str]] = {}
    for position, member_id in conn.execute(
            select(notifications.c.position, notifications.c.member_id)
            .where(notifications.c.position.in_(wanted))):
        found.setdefault(int(position), []).append(member_id)
    return found
