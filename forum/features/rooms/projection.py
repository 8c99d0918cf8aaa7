"""Chat rooms, their members, messages (rendered once), reactions and read markers.

Every event of a room's stream moves ``rooms.version``: the room handlers
decide from these rows and append at that version. Every write is deferrable:
during a rebuild it waits in its table's queue, which is flushed before any
statement reads that table (the notifications projection reads rooms,
room_members and messages).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, stamp
from forum.features.rooms.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessagesMoved,
    ReactionAdded,
    ReactionRemoved,
    RoomArchived,
    RoomCreated,
    RoomJoined,
    RoomLeft,
    RoomRead,
    RoomRenamed,
    RoomTopicChanged,
    RoomUnarchived,
)
from forum.features.rooms.tables import (
    message_revisions,
    messages,
    reactions,
    room_members,
    room_read_markers,
    rooms,
)

projection = Projection(
    "rooms", [rooms, room_members, messages, message_revisions, reactions, room_read_markers])

_CREATE = Statement("""
    INSERT INTO rooms (id, slug, name, topic, visibility, conference_id, created_by, created_at,
                       archived, last_seq, version)
    VALUES (:id, :slug, :name, :topic, :visibility, :conference_id, :created_by, :at,
            :no, 0, :v)""", deferrable=True)
_JOIN = Statement("""
    INSERT INTO room_members (room_id, member_id, joined_at) VALUES (:r, :m, :at)""",
    deferrable=True)
_LEAVE = Statement("DELETE FROM room_members WHERE room_id = :r AND member_id = :m",
                   deferrable=True)
_SET = {
    name: Statement(f"UPDATE rooms SET version = :v, {name} = :value WHERE id = :r",
                    deferrable=True)
    for name in ("name", "topic", "archived")
}
_VERSION = Statement("UPDATE rooms SET version = :v WHERE id = :r", deferrable=True)
_POSTED = Statement("""
    UPDATE rooms SET version = :v, last_seq = :seq, last_message_at = :at WHERE id = :r""",
    deferrable=True)
_INSERT_MESSAGE = Statement("""
    INSERT INTO messages (id, room_id, seq, author_id, body, html, reply_to, created_at,
                          revision, position)
    VALUES (:id, :r, :seq, :author_id, :body, :html, :reply_to, :at, 1, :position)""",
    deferrable=True)
_INSERT_REVISION = Statement("""
    INSERT INTO message_revisions (message_id, revision, body, editor_id, edited_at)
    VALUES (:id, :revision, :body, :editor_id, :at)""", deferrable=True)
_EDIT = Statement("""
    UPDATE messages SET body = :body, html = :html, revision = :revision, edited_at = :at
    WHERE id = :id""", deferrable=True)
_DELETE = Statement("UPDATE messages SET deleted_by = :by, body = '', html = '' WHERE id = :id",
                    deferrable=True)
_MOVED = Statement("UPDATE messages SET moved_to = :thread WHERE id = :id", deferrable=True)
_REACT = Statement("""
    INSERT INTO reactions (message_id, member_id, emoji, room_id, reacted_at)
    VALUES (:id, :m, :emoji, :r, :at)""", deferrable=True)
_UNREACT = Statement("""
    DELETE FROM reactions WHERE message_id = :id AND member_id = :m AND emoji = :emoji""",
    deferrable=True)
# A marker moves either way, so the last read wins (as reading's read_markers).
_MARK = Statement("""
    INSERT INTO room_read_markers (member_id, room_id, up_to_seq, read_at)
    VALUES (:m, :r, :seq, :at)
    ON CONFLICT (member_id, room_id)
    DO UPDATE SET up_to_seq = excluded.up_to_seq, read_at = excluded.read_at""", deferrable=True)


@projection.before_chunk
def _look_up_renderings(conn: Connection, chunk: Sequence[Recorded]) -> None:
    rendering.prefetch(conn, (rec.event.body for rec in chunk
                              if isinstance(rec.event, MessagePosted | MessageEdited)))


@projection.on(RoomCreated)
def _created(conn: Connection, rec: Recorded, e: RoomCreated) -> None:
    at = stamp(conn, rec.occurred_at)
    _CREATE.run(conn, {
        "id": e.room_id, "slug": e.slug, "name": e.name, "topic": e.topic,
        "visibility": e.visibility, "conference_id": e.conference_id,
        "created_by": e.created_by, "at": at, "no": False, "v": rec.stream_version,
    })
    for member_id in e.members:
        _JOIN.run(conn, {"r": e.room_id, "m": member_id, "at": at})


@projection.on(RoomRenamed)
def _renamed(conn: Connection, rec: Recorded, e: RoomRenamed) -> None:
    _SET["name"].run(conn, {"r": e.room_id, "v": rec.stream_version, "value": e.name})


@projection.on(RoomTopicChanged)
def _topic(conn: Connection, rec: Recorded, e: RoomTopicChanged) -> None:
    _SET["topic"].run(conn, {"r": e.room_id, "v": rec.stream_version, "value": e.topic})


@projection.on(RoomArchived, RoomUnarchived)
def _archived(conn: Connection, rec: Recorded, e: RoomArchived | RoomUnarchived) -> None:
    _SET["archived"].run(conn, {"r": e.room_id, "v": rec.stream_version,
                                "value": isinstance(e, RoomArchived)})


@projection.on(RoomJoined)
def _joined(conn: Connection, rec: Recorded, e: RoomJoined) -> None:
    _JOIN.run(conn, {"r": e.room_id, "m": e.member_id, "at": stamp(conn, rec.occurred_at)})
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(RoomLeft)
def _left(conn: Connection, rec: Recorded, e: RoomLeft) -> None:
    _LEAVE.run(conn, {"r": e.room_id, "m": e.member_id})
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(MessagePosted)
def _posted(conn: Connection, rec: Recorded, e: MessagePosted) -> None:
    at = stamp(conn, rec.occurred_at)
    _INSERT_MESSAGE.run(conn, {
        "id": e.message_id, "r": e.room_id, "seq": e.seq, "author_id": e.author_id,
        "body": e.body, "html": rendering.render(conn, e.body), "reply_to": e.reply_to,
        "at": at, "position": rec.position,
    })
    _INSERT_REVISION.run(conn, {"id": e.message_id, "revision": 1, "body": e.body,
                                "editor_id": e.author_id, "at": at})
    _POSTED.run(conn, {"r": e.room_id, "v": rec.stream_version, "seq": e.seq, "at": at})


@projection.on(MessageEdited)
def _edited(conn: Connection, rec: Recorded, e: MessageEdited) -> None:
    at = stamp(conn, rec.occurred_at)
    _EDIT.run(conn, {"id": e.message_id, "body": e.body, "html": rendering.render(conn, e.body),
                     "revision": e.revision, "at": at})
    _INSERT_REVISION.run(conn, {"id": e.message_id, "revision": e.revision, "body": e.body,
                                "editor_id": e.editor_id, "at": at})
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(MessageDeleted)
def _deleted(conn: Connection, rec: Recorded, e: MessageDeleted) -> None:
    # A tombstone: the words leave the room; the revisions stay for moderators.
    _DELETE.run(conn, {"id": e.message_id, "by": e.by})
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(MessagesMoved)
def _moved(conn: Connection, rec: Recorded, e: MessagesMoved) -> None:
    for message_id in e.message_ids:
        _MOVED.run(conn, {"id": message_id, "thread": e.thread_id})
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(ReactionAdded, ReactionRemoved)
def _reacted(conn: Connection, rec: Recorded, e: ReactionAdded | ReactionRemoved) -> None:
    params = {"id": e.message_id, "m": e.member_id, "emoji": e.emoji, "r": e.room_id,
              "at": stamp(conn, rec.occurred_at)}
    (_REACT if isinstance(e, ReactionAdded) else _UNREACT).run(conn, params)
    _VERSION.run(conn, {"r": e.room_id, "v": rec.stream_version})


@projection.on(RoomRead)
def _read(conn: Connection, rec: Recorded, e: RoomRead) -> None:
    params = {"m": e.member_id, "r": e.room_id, "seq": e.up_to_seq,
              "at": stamp(conn, rec.occurred_at)}
    _MARK.run(conn, params)
