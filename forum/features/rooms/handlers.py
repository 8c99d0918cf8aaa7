"""Handlers for chat rooms, direct conversations and their messages.

A room is decided from its read model (see :mod:`forum.model.room`) and
appended at the version the read model shows; when someone else wrote first,
the handler reads again and decides again.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from forum.core.errors import CommonroomError, ConcurrencyConflict, NotFound
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services, append_marker, member_of
from forum.core.permissions import ConferenceAccess, Viewer, can_read
from forum.features.conferences.queries import conference_access
from forum.features.members.queries import get_member
from forum.features.rooms import model as room
from forum.features.rooms.commands import (
    AddRoomMember,
    ArchiveRoom,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    JoinRoom,
    LeaveRoom,
    MarkRoomRead,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
    UnarchiveRoom,
)
from forum.features.rooms.model import RoomState
from forum.features.rooms.queries import (
    find_direct_room,
    get_room,
    get_room_by_slug,
    get_room_marker,
    messages_said,
    room_access_of,
    room_state,
)
from forum.features.threads import handlers as threads

Decide = Callable[[RoomState, ConferenceAccess | None], Sequence[Event]]
# A busy room has many writers at once. Within a process they take turns (a
# striped lock per room), so only writers in other processes ever conflict;
# those retry after a short random pause.
_TURNS = [threading.Lock() for _ in range(64)]
RETRIES = 20


def stream(room_id: str) -> str:
    return f"room-{room_id}"


def _on_room(svc: Services, actor: Viewer, room_id: str, decide: Decide,
             message_ids: Sequence[str | None] = ()) -> None:
    with _TURNS[hash(room_id) % len(_TURNS)]:
        _decide_and_append(svc, actor, room_id, decide, message_ids)


def _decide_and_append(svc: Services, actor: Viewer, room_id: str, decide: Decide,
                       message_ids: Sequence[str | None]) -> None:
    for attempt in range(RETRIES):
        with svc.engine.connect() as conn:
            state, conference = room_state(
                conn, room_id, [m for m in message_ids if m is not None])
        if not state.exists:
            raise NotFound("no such room")
        new_events = decide(state, conference)
        if not new_events:
            return
        try:
            svc.store.append_streams([StreamWrite(stream(room_id), new_events, state.version)],
                                     svc.meta(actor))
            return
        except ConcurrencyConflict:
            if attempt == RETRIES - 1:
                raise
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))


def create_room(svc: Services, actor: Viewer, command: CreateRoom) -> str:
    """Returns the new room's id."""
    with svc.engine.connect() as conn:
        taken = get_room_by_slug(conn, command.slug) is not None
        conference = (conference_access(conn, command.conference_id)
                      if command.conference_id else None)
        known = {m for m in command.members if get_member(conn, m) is not None}
    if set(command.members) - known:
        raise NotFound("no such member")
    room_id = svc.new_id()
    new_events = room.create_room(command, actor, conference, room_id, taken)
    svc.store.append(stream(room_id), new_events, expected_version=0, meta=svc.meta(actor))
    return room_id


def open_direct_room(svc: Services, actor: Viewer, command: OpenDirectRoom) -> str:
    """The conversation between the actor and these members: found, or started now."""
    with svc.engine.connect() as conn:
        known = {m for m in command.member_ids
                 if (row := get_member(conn, m)) is not None and row.active}
        everyone = {*command.member_ids, actor.member_id or ""}
        existing = find_direct_room(conn, everyone) if actor.signed_in else None
    room_id = existing or svc.new_id()
    new_events = room.open_direct_room(command, actor, room_id, known)
    if existing is None:
        svc.store.append(stream(room_id), new_events, expected_version=0, meta=svc.meta(actor))
    return room_id


def rename_room(svc: Services, actor: Viewer, command: RenameRoom) -> None:
    _on_room(svc, actor, command.room_id, lambda s, c: room.rename_room(s, command, actor, c))


def set_room_topic(svc: Services, actor: Viewer, command: SetRoomTopic) -> None:
    _on_room(svc, actor, command.room_id, lambda s, c: room.set_topic(s, command, actor, c))


def archive_room(svc: Services, actor: Viewer, command: ArchiveRoom) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.archive_room(s, actor, c, archived=True))


def unarchive_room(svc: Services, actor: Viewer, command: UnarchiveRoom) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.archive_room(s, actor, c, archived=False))


def join_room(svc: Services, actor: Viewer, command: JoinRoom) -> None:
    _on_room(svc, actor, command.room_id, lambda s, c: room.join_room(s, actor, c))


def leave_room(svc: Services, actor: Viewer, command: LeaveRoom) -> None:
    _on_room(svc, actor, command.room_id, lambda s, c: room.leave_room(s, actor, c))


def add_room_member(svc: Services, actor: Viewer, command: AddRoomMember) -> None:
    with svc.engine.connect() as conn:
        row = get_member(conn, command.member_id)
    known = row is not None and bool(row.active)
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.add_member(s, command, actor, c, known=known))


def remove_room_member(svc: Services, actor: Viewer, command: RemoveRoomMember) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.remove_member(s, command, actor, c))


@dataclass
class _Post:
    """One message waiting for its room's turn; the writer whose turn it is sends it."""

    actor: Viewer
    command: PostMessage
    message_id: str
    meta: dict[str, Any]  # taken in the sender's own thread (its request)
    seq: int = 0
    error: BaseException | None = None
    done: bool = False


_WAITING: dict[str, list[_Post]] = {}
_WAITING_LOCK = threading.Lock()


def post_message(svc: Services, actor: Viewer, command: PostMessage) -> tuple[str, int]:
    """Returns the message's id and its number in the room.

    Group commit: when a room is busy, messages queue for its turn and whoever
    gets the turn decides them one after another on the room's state and
    appends them all in one transaction (each with its own sender in the log's
    meta), so a burst costs a few transactions instead of one per message. A
    message refused by the rules fails alone; the others go ahead.
    """
    post = _Post(actor, command, svc.new_id(), svc.meta(actor))
    with _WAITING_LOCK:
        _WAITING.setdefault(command.room_id, []).append(post)
    with _TURNS[hash(command.room_id) % len(_TURNS)]:
        if not post.done:  # else a writer before us sent it with its own group
            with _WAITING_LOCK:
                group = _WAITING.pop(command.room_id, [])
            _post_together(svc, command.room_id, group)
    if post.error is not None:
        raise post.error
    return post.message_id, post.seq


def _post_together(svc: Services, room_id: str, group: list[_Post]) -> None:
    try:
        for attempt in range(RETRIES):
            with svc.engine.connect() as conn:
                state, conference = room_state(
                    conn, room_id, [p.command.reply_to for p in group if p.command.reply_to])
            writes: list[StreamWrite] = []
            for post in group:
                post.error = None
                try:
                    if not state.exists:
                        raise NotFound("no such room")
                    new_events = room.post_message(state, post.command, post.actor, conference,
                                                   post.message_id)
                except CommonroomError as error:
                    post.error = error
                    continue
                writes.append(StreamWrite(stream(room_id), new_events,
                                          state.version if not writes else None, post.meta))
                for event in new_events:
                    room.evolve(state, event)
                post.seq = state.last_seq
            if not writes:
                return
            try:
                svc.store.append_streams(writes)
                return
            except ConcurrencyConflict:  # another process wrote to the room first
                if attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    except BaseException as error:
        for post in group:
            post.error = post.error or error
        raise
    finally:
        for post in group:
            post.done = True


def edit_message(svc: Services, actor: Viewer, command: EditMessage) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.edit_message(s, command, actor, c), [command.message_id])


def delete_message(svc: Services, actor: Viewer, command: DeleteMessage) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.delete_message(s, command, actor, c), [command.message_id])


def react(svc: Services, actor: Viewer, command: React) -> None:
    _on_room(svc, actor, command.room_id,
             lambda s, c: room.react(s, command, actor, c), [command.message_id])


def mark_room_read(svc: Services, actor: Viewer, command: MarkRoomRead) -> None:
    member_id = member_of(actor)
    with svc.engine.connect() as conn:
        row = get_room(conn, command.room_id)
        access = room_access_of(conn, command.room_id)
        if row is None or access is None or not can_read(actor, access):
            raise NotFound("no such room")
        marker = get_room_marker(conn, member_id, command.room_id)
    append_marker(svc, actor, member_id,
                  room.mark_read(command.room_id, int(row.last_seq), member_id, marker,
                                 command.up_to_seq))


def move_messages_to_thread(svc: Services, actor: Viewer,
                            command: MoveMessagesToThread) -> str:
    """A stretch of chat becomes a thread; returns the thread's id.

    Both streams change in one transaction: the thread is created and the
    room notes where its messages went, or neither.
    """
    thread_id = svc.new_id()
    with _TURNS[hash(command.room_id) % len(_TURNS)]:
        for attempt in range(RETRIES):
            with svc.engine.connect() as conn:
                state, conference = room_state(conn, command.room_id)
                target = conference_access(conn, command.conference_id)
                said = messages_said(conn, command.room_id, command.first_seq,
                                             command.last_seq)
            if not state.exists:
                raise NotFound("no such room")
            post_ids = [svc.new_id() for _ in said]
            started, moved = room.move_to_thread(state, command, actor, conference, target,
                                                 said, thread_id, post_ids)
            try:
                svc.store.append_streams([
                    StreamWrite(threads.stream(thread_id), [started], 0),
                    StreamWrite(stream(command.room_id), [moved], state.version),
                ], svc.meta(actor))
                return thread_id
            except ConcurrencyConflict:
                if attempt == RETRIES - 1:
                    raise
    raise AssertionError("unreachable")
