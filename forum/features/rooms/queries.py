"""The read side of rooms and messages: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from forum.core.permissions import (
    ConferenceAccess,
    Viewer,
    can_moderate,
    can_read,
    room_access,
)
from forum.core.rows import PAGE_SIZE, DbRow
from forum.features.conferences.queries import conference_access, list_conference_access
from forum.features.members.tables import members
from forum.features.reading.queries import marker_in
from forum.features.rooms.model import MessageState, RoomState, Said
from forum.features.rooms.tables import (
    message_revisions,
    messages,
    reactions,
    room_members,
    room_read_markers,
    rooms,
)


def get_room(conn: Connection, room_id: str) -> DbRow | None:
    return conn.execute(select(rooms).where(rooms.c.id == room_id)).first()


def room_slug(conn: Connection, room_id: str) -> str:
    """The address of a room that exists (its id came from the log or a read model)."""
    return str(conn.execute(select(rooms.c.slug).where(rooms.c.id == room_id)).scalar_one())


def get_room_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(rooms).where(rooms.c.slug == slug)).first()


def room_member_ids(conn: Connection, room_id: str) -> list[str]:
    return list(conn.execute(
        select(room_members.c.member_id).where(room_members.c.room_id == room_id)
        .order_by(room_members.c.joined_at, room_members.c.member_id)
    ).scalars())


def _room_access(conn: Connection, row: DbRow, member_ids: Iterable[str],
                 conferences_by_id: dict[str, ConferenceAccess] | None = None
                 ) -> ConferenceAccess:
    conference = None
    if row.conference_id is not None:
        conference = (conferences_by_id.get(row.conference_id) if conferences_by_id is not None
                      else conference_access(conn, row.conference_id))
    return room_access(row.id, row.visibility, row.created_by, member_ids, conference)


def room_access_of(conn: Connection, room_id: str) -> ConferenceAccess | None:
    """A room under the one visibility rule (None if there is no such room)."""
    row = get_room(conn, room_id)
    return None if row is None else room_access_of_row(conn, row)


def room_access_of_row(conn: Connection, row: DbRow) -> ConferenceAccess:
    """The same, for a room row already at hand."""
    return _room_access(conn, row, room_member_ids(conn, row.id))


def room_state(conn: Connection, room_id: str, message_ids: Iterable[str] = ()
               ) -> tuple[RoomState, ConferenceAccess | None]:
    """What the room's decisions need, from the read model, and its conference."""
    state = RoomState(room_id)
    row = get_room(conn, room_id)
    if row is None:
        return state, None
    state.visibility, state.conference_id = row.visibility, row.conference_id
    state.created_by, state.archived = row.created_by, bool(row.archived)
    state.last_seq, state.version = int(row.last_seq), int(row.version)
    state.members = set(room_member_ids(conn, room_id))
    wanted = [m for m in message_ids if m]
    if wanted:
        for m in conn.execute(
            select(messages.c.id, messages.c.author_id, messages.c.revision,
                   messages.c.deleted_by, messages.c.moved_to)
            .where(messages.c.room_id == room_id, messages.c.id.in_(wanted))
        ):
            state.messages[m.id] = MessageState(m.author_id, int(m.revision),
                                                m.deleted_by is not None,
                                                moved=m.moved_to is not None)
        for r in conn.execute(
            select(reactions.c.message_id, reactions.c.member_id, reactions.c.emoji)
            .where(reactions.c.message_id.in_(list(state.messages)))
        ):
            state.messages[r.message_id].reactions.add((r.member_id, r.emoji))
    conference = (conference_access(conn, row.conference_id)
                  if row.conference_id is not None else None)
    return state, conference


@dataclass
class RoomSummary:
    row: DbRow
    title: str
    joined: bool
    unread: int
    access: ConferenceAccess


def _titles(conn: Connection, rows: Sequence[DbRow], viewer: Viewer) -> dict[str, str]:
    """Room names; a direct conversation is called after its other people."""
    direct = [r.id for r in rows if r.visibility == "direct"]
    titles = {r.id: r.name for r in rows if r.visibility != "direct"}
    people: dict[str, list[str]] = {}
    if direct:
        for room_id, name, member_id in conn.execute(
            select(room_members.c.room_id, members.c.display_name, members.c.id)
            .join(members, members.c.id == room_members.c.member_id)
            .where(room_members.c.room_id.in_(direct))
            .order_by(members.c.display_name)
        ):
            if member_id != viewer.member_id:
                people.setdefault(room_id, []).append(name)
    for room_id in direct:
        titles[room_id] = ", ".join(people.get(room_id, [])) or "Just you"
    return titles


def room_title(conn: Connection, row: DbRow, viewer: Viewer) -> str:
    return _titles(conn, [row], viewer)[row.id]


def _room_marker_join(viewer: Viewer) -> Any:
    return messages.outerjoin(
        room_read_markers,
        and_(room_read_markers.c.room_id == messages.c.room_id,
             room_read_markers.c.member_id == viewer.member_id))


def _room_unread_filter(viewer: Viewer) -> Any:
    """After the marker, not the viewer's own, still in the room (not deleted or moved)."""
    return and_(messages.c.seq > func.coalesce(room_read_markers.c.up_to_seq, 0),
                messages.c.author_id != viewer.member_id,
                messages.c.deleted_by.is_(None), messages.c.moved_to.is_(None))


def unread_by_room(conn: Connection, viewer: Viewer, room_ids: Iterable[str]) -> dict[str, int]:
    """Exact unread counts: messages after the marker, not the viewer's own, not deleted."""
    if not viewer.signed_in:
        return {}
    query = (
        select(messages.c.room_id, func.count())
        .select_from(_room_marker_join(viewer))
        .where(messages.c.room_id.in_(list(room_ids)), _room_unread_filter(viewer))
        .group_by(messages.c.room_id)
    )
    return {rid: int(n) for rid, n in conn.execute(query)}


def list_rooms(conn: Connection, viewer: Viewer, *, include_archived: bool = False
               ) -> list[RoomSummary]:
    """Every room the viewer may read; unread counts for the rooms they are in."""
    if not viewer.signed_in:
        return []
    mine = set(conn.execute(select(room_members.c.room_id)
                            .where(room_members.c.member_id == viewer.member_id)).scalars())
    by_conference = {c.conference_id: c for c in list_conference_access(conn)}
    query = select(rooms).order_by(rooms.c.name, rooms.c.id)
    if not include_archived:
        query = query.where(rooms.c.archived.is_(False))
    readable: list[tuple[DbRow, ConferenceAccess]] = []
    me = [viewer.member_id or ""]
    for row in conn.execute(query):
        # Only the viewer's own membership matters to what the viewer may do.
        access = _room_access(conn, row, me if row.id in mine else [], by_conference)
        if can_read(viewer, access):
            readable.append((row, access))
    rows = [row for row, _ in readable]
    titles = _titles(conn, rows, viewer)
    unread = unread_by_room(conn, viewer, [r.id for r in rows if r.id in mine])
    return [RoomSummary(row, titles[row.id], row.id in mine, unread.get(row.id, 0), access)
            for row, access in readable]


def get_room_marker(conn: Connection, member_id: str | None, room_id: str) -> int:
    return marker_in(conn, room_read_markers.c.room_id, member_id, room_id)


_REPLIED = messages.alias("replied")
_REPLIED_AUTHOR = members.alias("replied_author")


# Built once: constructing this select costs more than running it on a hot path.
_MESSAGES = (
    select(messages, members.c.display_name.label("author_name"),
           members.c.handle.label("author_handle"),
           _REPLIED.c.seq.label("reply_seq"),
           _REPLIED_AUTHOR.c.display_name.label("reply_author_name"))
    .join(members, members.c.id == messages.c.author_id)
    .outerjoin(_REPLIED, _REPLIED.c.id == messages.c.reply_to)
    .outerjoin(_REPLIED_AUTHOR, _REPLIED_AUTHOR.c.id == _REPLIED.c.author_id)
)


def _message_query() -> Any:
    return _MESSAGES


def list_messages(conn: Connection, room_id: str, *, before_seq: int | None = None,
                  after_seq: int | None = None, limit: int = PAGE_SIZE) -> list[DbRow]:
    """A page of messages in order: the newest ``limit`` before ``before_seq`` (or
    after ``after_seq``, oldest first)."""
    query = _message_query().where(messages.c.room_id == room_id)
    if after_seq is not None:
        return list(conn.execute(
            query.where(messages.c.seq > after_seq).order_by(messages.c.seq).limit(limit)))
    if before_seq is not None:
        query = query.where(messages.c.seq < before_seq)
    rows = conn.execute(query.order_by(messages.c.seq.desc()).limit(limit)).all()
    return list(reversed(rows))


def get_message(conn: Connection, message_id: str) -> DbRow | None:
    return conn.execute(_message_query().where(messages.c.id == message_id)).first()


def get_messages(conn: Connection, message_ids: Iterable[str]) -> dict[str, DbRow]:
    """Messages by id in one query (unknown ids left out)."""
    ids = list(message_ids)
    if not ids:
        return {}
    return {row.id: row for row in conn.execute(
        _message_query().where(messages.c.id.in_(ids)))}


def reactions_for(conn: Connection, message_ids: Iterable[str]
                  ) -> dict[str, list[tuple[str, list[str]]]]:
    """Per message, each reaction with the handles who gave it, in the order first given."""
    result: dict[str, dict[str, list[str]]] = {}
    ids = list(message_ids)
    if not ids:
        return {}
    for message_id, emoji, handle in conn.execute(
        select(reactions.c.message_id, reactions.c.emoji, members.c.handle)
        .join(members, members.c.id == reactions.c.member_id)
        .where(reactions.c.message_id.in_(ids))
        .order_by(reactions.c.reacted_at, members.c.handle)
    ):
        result.setdefault(message_id, {}).setdefault(emoji, []).append(handle)
    return {m: list(by_emoji.items()) for m, by_emoji in result.items()}


def list_message_revisions(conn: Connection, message_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(message_revisions, members.c.display_name.label("editor_name"))
        .join(members, members.c.id == message_revisions.c.editor_id)
        .where(message_revisions.c.message_id == message_id)
        .order_by(message_revisions.c.revision)
    ).all()


def find_direct_room(conn: Connection, member_ids: Iterable[str]) -> str | None:
    """The direct conversation between exactly these people, if there is one."""
    wanted = sorted(set(member_ids))
    candidates = select(room_members.c.room_id).join(
        rooms, rooms.c.id == room_members.c.room_id
    ).where(rooms.c.visibility == "direct", room_members.c.member_id == wanted[0])
    for room_id in conn.execute(candidates).scalars():
        if sorted(room_member_ids(conn, room_id)) == wanted:
            return str(room_id)
    return None


def get_next_unread_message(conn: Connection, viewer: Viewer) -> DbRow | None:
    """The oldest unread message in the rooms the viewer is in (by log position)."""
    if not viewer.signed_in:
        return None
    joined = [s.row.id for s in list_rooms(conn, viewer) if s.joined]
    if not joined:
        return None
    return conn.execute(
        select(messages.c.room_id, messages.c.seq, messages.c.position)
        .select_from(_room_marker_join(viewer))
        .where(messages.c.room_id.in_(joined), _room_unread_filter(viewer))
        .order_by(messages.c.position).limit(1)
    ).first()


def messages_said(conn: Connection, room_id: str, first_seq: int, last_seq: int) -> list[Said]:
    """A room's messages ``first_seq``..``last_seq`` as they stand, for moving them."""
    rows = conn.execute(
        select(messages.c.id, messages.c.author_id, messages.c.body, messages.c.created_at,
               messages.c.reply_to, messages.c.deleted_by, messages.c.moved_to)
        .where(messages.c.room_id == room_id, messages.c.seq >= first_seq,
               messages.c.seq <= last_seq)
        .order_by(messages.c.seq)
    )
    return [Said(r.id, r.author_id, r.body, _aware(r.created_at).isoformat(), r.reply_to,
                 r.deleted_by is not None or r.moved_to is not None) for r in rows]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back times without their zone; they are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def moderated_room_ids(conn: Connection, viewer: Viewer) -> set[str]:
    """The rooms the viewer moderates (never a direct conversation: nobody does)."""
    if not viewer.signed_in:
        return set()
    result = set()
    for row in conn.execute(select(rooms).where(rooms.c.visibility != "direct")):
        access = room_access_of(conn, row.id)
        if access is not None and can_moderate(viewer, access):
            result.add(row.id)
    return result


def readable_room_ids(conn: Connection, viewer: Viewer) -> set[str]:
    """Every room, archived ones included, the viewer may read (the one rule)."""
    if not viewer.signed_in:
        return set()
    mine = set(conn.execute(select(room_members.c.room_id)
                            .where(room_members.c.member_id == viewer.member_id)).scalars())
    by_conference = {c.conference_id: c for c in list_conference_access(conn)}
    me = [viewer.member_id or ""]
    return {row.id for row in conn.execute(select(rooms))
            if can_read(viewer, _room_access(conn, row, me if row.id in mine else [],
                                             by_conference))}
