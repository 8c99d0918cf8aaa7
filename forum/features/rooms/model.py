"""The room aggregate: a live chat room or a direct conversation, and its messages.

A room's stream grows by one event per message, so long rooms are not
replayed to decide: handlers fill :class:`RoomState` from the read model
(:func:`forum.queries.room_state`) and append at the version it shows; a
concurrent writer makes that a conflict, and the handler decides again.
:func:`evolve` builds the same state from events, for the tests and as the
definition the read model must agree with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import (
    ROOM_VISIBILITIES,
    ConferenceAccess,
    Viewer,
    can_edit_post,
    can_moderate,
    can_post,
    can_read,
    room_access,
)
from forum.core.text import NAME_MAX, SUBJECT_MAX, clean_text
from forum.features.rooms.commands import (
    AddRoomMember,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
)
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
    ThreadStartedFromChat,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
TOPIC_MAX = 500
MESSAGE_MAX = 10_000
DIRECT_MAX = 20  # people in one direct conversation, the actor included
# The reactions on offer: a small palette keeps them legible and comparable.
REACTIONS = ("👍", "❤️", "🎉", "😄", "🤔", "👀", "🙏", "✅")


MOVE_MAX = 500  # messages moved to a thread at once


@dataclass
class MessageState:
    author_id: str
    revision: int = 1
    deleted: bool = False
    reactions: set[tuple[str, str]] = field(default_factory=set)  # (member, emoji)
    moved: bool = False


@dataclass(frozen=True)
class Said:
    """A message as it stands, for moving it: who said what, and when (ISO 8601)."""

    message_id: str
    author_id: str
    body: str
    at: str
    reply_to: str | None
    gone: bool  # deleted, or moved already


@dataclass
class RoomState:
    room_id: str
    visibility: str = ""
    conference_id: str | None = None
    created_by: str = ""
    archived: bool = False
    members: set[str] = field(default_factory=set)
    last_seq: int = 0
    version: int = 0
    messages: dict[str, MessageState] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.version > 0

    def access(self, conference: ConferenceAccess | None) -> ConferenceAccess:
        return room_access(self.room_id, self.visibility, self.created_by,
                           sorted(self.members), conference)


def evolve(state: RoomState, event: Event) -> RoomState:
    state.version += 1
    match event:
        case RoomCreated():
            state.visibility = event.visibility
            state.conference_id = event.conference_id
            state.created_by = event.created_by
            state.members = set(event.members)
        case RoomArchived() | RoomUnarchived():
            state.archived = isinstance(event, RoomArchived)
        case RoomJoined():
            state.members.add(event.member_id)
        case RoomLeft():
            state.members.discard(event.member_id)
        case MessagePosted():
            state.last_seq = event.seq
            state.messages[event.message_id] = MessageState(event.author_id)
        case MessageEdited():
            state.messages[event.message_id].revision = event.revision
        case MessageDeleted():
            state.messages[event.message_id].deleted = True
        case ReactionAdded():
            state.messages[event.message_id].reactions.add((event.member_id, event.emoji))
        case ReactionRemoved():
            state.messages[event.message_id].reactions.discard((event.member_id, event.emoji))
        case MessagesMoved():
            for message_id in event.message_ids:
                state.messages[message_id].moved = True
    return state


def load(room_id: str, history: Iterable[Event]) -> RoomState:
    state = RoomState(room_id)
    for event in history:
        evolve(state, event)
    return state


def _member_id(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to take part in rooms")
    return actor.member_id


def _readable(state: RoomState, actor: Viewer, conference: ConferenceAccess | None) -> None:
    if not state.exists or not can_read(actor, state.access(conference)):
        raise NotFound("no such room")


def _open(state: RoomState) -> None:
    if state.archived:
        raise Conflict("this room is archived; unarchive it to talk here")


def _moderator(state: RoomState, actor: Viewer, conference: ConferenceAccess | None) -> None:
    _readable(state, actor, conference)
    if not can_moderate(actor, state.access(conference)):
        raise Forbidden("only the room's moderators may do that")


def _message(state: RoomState, message_id: str) -> MessageState:
    message = state.messages.get(message_id)
    if message is None:
        raise NotFound("no such message in this room", message_id=message_id)
    if message.moved:
        raise Conflict("that message was moved to a thread; carry on there")
    return message


def create_room(
    command: CreateRoom, actor: Viewer, conference: ConferenceAccess | None,
    room_id: str, slug_taken: bool,
) -> list[Event]:
    creator = _member_id(actor)
    name = clean_text(command.name, "name", maximum=NAME_MAX)
    topic = clean_text(command.topic, "topic", maximum=TOPIC_MAX, required=False)
    if command.visibility not in ROOM_VISIBILITIES:
        raise InvalidInput("visibility must be one of " + ", ".join(ROOM_VISIBILITIES),
                           field="visibility")
    if not SLUG.match(command.slug):
        raise InvalidInput("the address may use lower-case letters, digits and dashes "
                           "(up to 60, not starting or ending with a dash)", field="slug")
    if slug_taken:
        raise Conflict(f"the address {command.slug!r} is taken by another room", field="slug")
    if command.visibility == "conference":
        if conference is None or not can_read(actor, conference):
            raise NotFound("no such conference")
        if not can_moderate(actor, conference):
            raise Forbidden("only the conference's moderators may attach a room to it")
        members: tuple[str, ...] = (creator,)
    else:
        if command.conference_id is not None:
            raise InvalidInput("only a room of visibility 'conference' belongs to a conference")
        if actor.role == "guest":
            raise Forbidden("guests may not create rooms")
        members = tuple(dict.fromkeys((creator, *command.members)))
    return [RoomCreated(room_id, command.slug, name, topic, command.visibility,
                           command.conference_id if command.visibility == "conference" else None,
                           creator, members)]


def open_direct_room(
    command: OpenDirectRoom, actor: Viewer, room_id: str, known: set[str],
) -> list[Event]:
    """``known`` holds which of ``command.member_ids`` are active members."""
    creator = _member_id(actor)
    others = tuple(dict.fromkeys(m for m in command.member_ids if m != creator))
    if not others:
        raise InvalidInput("name at least one other member", field="members")
    unknown = [m for m in others if m not in known]
    if unknown:
        raise InvalidInput("no such member: " + ", ".join(unknown), field="members")
    if len(others) + 1 > DIRECT_MAX:
        raise InvalidInput(f"a direct conversation holds at most {DIRECT_MAX} people",
                           field="members")
    members = (creator, *others)
    return [RoomCreated(room_id, f"dm-{room_id}", "", "", "direct", None, creator, members)]


def rename_room(state: RoomState, command: RenameRoom, actor: Viewer,
                conference: ConferenceAccess | None) -> list[Event]:
    _readable(state, actor, conference)
    if state.visibility == "direct":
        raise Conflict("a direct conversation is named after its people")
    _moderator(state, actor, conference)
    name = clean_text(command.name, "name", maximum=NAME_MAX)
    return [RoomRenamed(state.room_id, name, _member_id(actor))]


def set_topic(state: RoomState, command: SetRoomTopic, actor: Viewer,
              conference: ConferenceAccess | None) -> list[Event]:
    _readable(state, actor, conference)
    _open(state)
    # As in most chat tools, anyone who may talk may set the topic.
    if not can_post(actor, state.access(conference)):
        raise Forbidden("you may read this room but not talk in it")
    topic = clean_text(command.topic, "topic", maximum=TOPIC_MAX, required=False)
    return [RoomTopicChanged(state.room_id, topic, _member_id(actor))]


def archive_room(state: RoomState, actor: Viewer, conference: ConferenceAccess | None,
                 *, archived: bool) -> list[Event]:
    _moderator(state, actor, conference)
    if state.archived == archived:
        return []
    by = _member_id(actor)
    return [RoomArchived(state.room_id, by) if archived
            else RoomUnarchived(state.room_id, by)]


def join_room(state: RoomState, actor: Viewer,
              conference: ConferenceAccess | None) -> list[Event]:
    member = _member_id(actor)
    _readable(state, actor, conference)
    if member in state.members:
        return []
    return [RoomJoined(state.room_id, member, member)]


def leave_room(state: RoomState, actor: Viewer,
               conference: ConferenceAccess | None) -> list[Event]:
    member = _member_id(actor)
    _readable(state, actor, conference)
    if member not in state.members:
        return []
    if state.visibility == "direct" and len(state.members) <= 2:
        raise Conflict("a conversation between two people cannot be left; archive is "
                       "not needed either, just stop writing")
    return [RoomLeft(state.room_id, member, member)]


def add_member(state: RoomState, command: AddRoomMember, actor: Viewer,
               conference: ConferenceAccess | None, *, known: bool) -> list[Event]:
    _readable(state, actor, conference)
    _open(state)
    if state.visibility == "direct":
        # Adding someone would show them the whole conversation: start a new one.
        raise Conflict("start a new conversation to include more people")
    if not can_moderate(actor, state.access(conference)):
        raise Forbidden("only the room's moderators may add members")
    if not known:
        raise InvalidInput("no such member", field="member")
    if command.member_id in state.members:
        return []
    return [RoomJoined(state.room_id, command.member_id, _member_id(actor))]


def remove_member(state: RoomState, command: RemoveRoomMember, actor: Viewer,
                  conference: ConferenceAccess | None) -> list[Event]:
    _moderator(state, actor, conference)
    if command.member_id not in state.members:
        return []
    return [RoomLeft(state.room_id, command.member_id, _member_id(actor))]


def post_message(state: RoomState, command: PostMessage, actor: Viewer,
                 conference: ConferenceAccess | None, message_id: str) -> list[Event]:
    _readable(state, actor, conference)
    _open(state)
    if not can_post(actor, state.access(conference)):
        raise Forbidden("you may read this room but not talk in it")
    body = clean_text(command.body, "message", maximum=MESSAGE_MAX)
    if command.reply_to is not None and _message(state, command.reply_to).deleted:
        raise Conflict("that message was deleted; reply to the room instead")
    return [MessagePosted(state.room_id, message_id, state.last_seq + 1,
                             _member_id(actor), body, command.reply_to)]


def edit_message(state: RoomState, command: EditMessage, actor: Viewer,
                 conference: ConferenceAccess | None) -> list[Event]:
    _readable(state, actor, conference)
    _open(state)
    message = _message(state, command.message_id)
    if message.deleted:
        raise Conflict("this message was deleted")
    if not can_edit_post(actor, state.access(conference), message.author_id):
        raise Forbidden("only its author or a moderator may edit a message")
    body = clean_text(command.body, "message", maximum=MESSAGE_MAX)
    return [MessageEdited(state.room_id, command.message_id, body, message.revision + 1,
                             _member_id(actor))]


def delete_message(state: RoomState, command: DeleteMessage, actor: Viewer,
                   conference: ConferenceAccess | None) -> list[Event]:
    _readable(state, actor, conference)
    message = _message(state, command.message_id)
    if message.deleted:
        return []
    if not can_edit_post(actor, state.access(conference), message.author_id):
        raise Forbidden("only its author or a moderator may delete a message")
    return [MessageDeleted(state.room_id, command.message_id, _member_id(actor))]


def react(state: RoomState, command: React, actor: Viewer,
          conference: ConferenceAccess | None) -> list[Event]:
    _readable(state, actor, conference)
    _open(state)
    member = _member_id(actor)
    if not can_post(actor, state.access(conference)):
        raise Forbidden("you may read this room but not react in it")
    if command.emoji not in REACTIONS:
        raise InvalidInput("pick one of the offered reactions: " + " ".join(REACTIONS),
                           field="emoji")
    message = _message(state, command.message_id)
    if message.deleted:
        raise Conflict("this message was deleted")
    if (member, command.emoji) in message.reactions:
        return [ReactionRemoved(state.room_id, command.message_id, member, command.emoji)]
    return [ReactionAdded(state.room_id, command.message_id, member, command.emoji)]


def mark_read(room_id: str, last_seq: int, member_id: str, marker: int,
              up_to: int | None) -> list[Event]:
    """Advance the member's marker; never backwards, never past the last message."""
    target = last_seq if up_to is None else max(0, min(up_to, last_seq))
    if target <= marker:
        return []
    return [RoomRead(member_id, room_id, marker, target)]


def move_to_thread(
    state: RoomState, command: MoveMessagesToThread, actor: Viewer,
    conference: ConferenceAccess | None, target: ConferenceAccess | None,
    said: list[Said], thread_id: str, post_ids: list[str],
) -> list[Event]:
    """A stretch of chat becomes a thread in ``target``: room moderators, who may
    start threads there. ``said``: the room's messages ``first_seq``..``last_seq``."""
    _moderator(state, actor, conference)
    if target is None or not can_read(actor, target):
        raise NotFound("no such conference")
    if not can_post(actor, target):
        raise Forbidden("you may not start threads in that conference")
    subject = clean_text(command.subject, "subject", maximum=SUBJECT_MAX)
    if not 1 <= command.first_seq <= command.last_seq <= state.last_seq:
        raise InvalidInput(f"pick messages between 1 and {state.last_seq}, first to last",
                           field="first_seq")
    if command.last_seq - command.first_seq + 1 > MOVE_MAX:
        raise InvalidInput(f"move at most {MOVE_MAX} messages at once", field="last_seq")
    kept = [m for m in said if not m.gone]
    if not kept:
        raise InvalidInput("those messages were all deleted or moved already",
                           field="first_seq")
    index = {m.message_id: i for i, m in enumerate(kept)}
    posts = tuple(
        (post_ids[i], m.author_id, m.body, m.at,
         index[m.reply_to] if m.reply_to in index and index[m.reply_to] < i else -1)
        for i, m in enumerate(kept))
    by = _member_id(actor)
    assert target.conference_id == command.conference_id
    return [ThreadStartedFromChat(thread_id, command.conference_id, subject, state.room_id,
                                     by, posts),
            MessagesMoved(state.room_id, tuple(m.message_id for m in kept), thread_id, by)]
