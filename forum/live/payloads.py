"""What live clients receive: rooms' and threads' events as payloads.

Each payload is built from the read models as they stand when it is pushed
(a message deleted since shows no words) and carries the event's log
``position``. A batch of the log's events is looked up together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from federation.inbound.events import RemoteReplyReceived
from forum.core.events import Event
from forum.core.eventstore import Recorded
from forum.features.members.queries import get_member
from forum.features.rooms.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessagesMoved,
    ReactionAdded,
    ReactionRemoved,
    RoomJoined,
    RoomLeft,
)
from forum.features.rooms.queries import get_messages, get_room, reactions_for
from forum.features.threads.events import ReplyPosted, ThreadStarted
from forum.features.threads.queries import get_post, get_thread

MESSAGE_EVENTS = (MessagePosted, MessageEdited, MessageDeleted, ReactionAdded,
                  ReactionRemoved)


def _iso(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def attr_of(event: Event, name: str) -> str:
    """The room or thread an event of a room's or thread's stream belongs to."""
    return str(getattr(event, name))


Messages = Mapping[str, dict[str, Any] | None]  # message id -> payload (None: not found)


def message_payloads(conn: Connection, message_ids: Iterable[str]) -> dict[str, Any]:
    """Messages as the room shows them now (a deleted one keeps no words), in two
    queries however many: a burst of chat is pushed in batches."""
    return _payloads(conn, list(dict.fromkeys(message_ids)), set())


def batch_messages(conn: Connection, batch: Iterable[Recorded]) -> dict[str, Any]:
    """The messages a batch of the log's events concerns, looked up together.

    A message only posted in this batch is sent without looking up its
    reactions: any it has by now were added by later events, which follow
    with them (live, or in the same catch-up).
    """
    ids: dict[str, bool] = {}  # message id -> only posted in this batch
    for recorded in batch:
        e = recorded.event
        if isinstance(e, MESSAGE_EVENTS):
            posted = isinstance(e, MessagePosted)
            ids[e.message_id] = ids.get(e.message_id, True) and posted
    return _payloads(conn, list(ids), {m for m, new in ids.items() if new})


def _payloads(conn: Connection, ids: list[str], new: set[str]) -> dict[str, Any]:
    rows = get_messages(conn, ids)
    reactions = reactions_for(conn, [i for i, r in rows.items()
                                             if r.deleted_by is None and i not in new])
    result: dict[str, Any] = dict.fromkeys(ids)
    for row in rows.values():
        deleted = row.deleted_by is not None
        result[row.id] = {
            "id": row.id, "seq": row.seq, "room_id": row.room_id, "author_id": row.author_id,
            "author_name": row.author_name, "author_handle": row.author_handle,
            "html": "" if deleted else row.html, "deleted": deleted,
            "revision": row.revision, "created_at": _iso(row.created_at),
            "reply_to": row.reply_to, "reply_seq": row.reply_seq,
            "reply_author_name": row.reply_author_name,
            "reactions": reactions.get(row.id, []),
        }
    return result


def message_payload(conn: Connection, message_id: str) -> dict[str, Any] | None:
    """One message as the room shows it now."""
    found: dict[str, Any] | None = message_payloads(conn, [message_id])[message_id]
    return found


def post_payload(conn: Connection, post_id: str) -> dict[str, Any] | None:
    """A post as anyone who may read its thread sees it (hidden or removed: no words)."""
    row = get_post(conn, post_id)
    if row is None:
        return None
    withheld = row.deleted_by is not None or row.hidden_by is not None
    return {
        "id": row.id, "seq": row.seq, "thread_id": row.thread_id,
        "author_id": row.author_id, "author_name": row.author_name,
        "author_handle": row.author_handle, "html": "" if withheld else row.html,
        "deleted": row.deleted_by is not None, "hidden": row.hidden_by is not None,
        "revision": row.revision, "created_at": _iso(row.created_at),
    }


def room_event(conn: Connection, recorded: Recorded, known: Messages | None = None
               ) -> dict[str, Any] | None:
    """What a room's clients receive for one event of its stream (``known``: the
    messages of its batch, already looked up)."""
    e = recorded.event
    base: dict[str, Any] = {"position": recorded.position, "room_id": attr_of(e, "room_id")}
    match e:
        case MessagePosted() | MessageEdited() | MessageDeleted() | \
                ReactionAdded() | ReactionRemoved():
            message = (known[e.message_id] if known is not None and e.message_id in known
                       else message_payload(conn, e.message_id))
            if message is None:
                return None
            kind = "message" if isinstance(e, MessagePosted) else "message_changed"
            return {**base, "kind": kind, "message": message}
        case MessagesMoved():
            return {**base, "kind": "moved", "ids": list(e.message_ids),
                    "thread_id": e.thread_id}
        case RoomJoined() | RoomLeft():
            member = get_member(conn, e.member_id)
            return {**base, "kind": "joined" if isinstance(e, RoomJoined) else "left",
                    "member": {"id": e.member_id,
                               "name": member.display_name if member else "",
                               "handle": member.handle if member else ""}}
        case _:
            room = get_room(conn, base["room_id"])
            if room is None:
                return None
            return {**base, "kind": "room", "room": {
                "name": room.name, "topic": room.topic, "archived": bool(room.archived)}}


def thread_event(conn: Connection, recorded: Recorded) -> dict[str, Any] | None:
    e = recorded.event
    base: dict[str, Any] = {"position": recorded.position, "thread_id": attr_of(e, "thread_id")}
    post_id = getattr(e, "post_id", None)
    if post_id is not None:
        post = post_payload(conn, post_id)
        if post is None:
            return None
        kind = "post" if isinstance(e, ThreadStarted | ReplyPosted) else "post_changed"
        if isinstance(e, RemoteReplyReceived):
            # A reply from outside waiting for a moderator is not news to the thread yet.
            kind = "post_changed" if e.held else "post"
        return {**base, "kind": kind, "post": post}
    thread = get_thread(conn, base["thread_id"])
    if thread is None:
        return None
    return {**base, "kind": "thread", "thread": {"locked": bool(thread.locked)}}


def event_for(conn: Connection, channel: str, recorded: Recorded
               ) -> tuple[str, dict[str, Any]] | None:
    if channel.startswith("room:"):
        payload = room_event(conn, recorded)
        return ("room_event", payload) if payload else None
    payload = thread_event(conn, recorded)
    return ("thread_event", payload) if payload else None
