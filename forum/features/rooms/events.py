"""The events of rooms and messages: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class RoomCreated(Event):
    """A chat room. ``visibility`` is ``internal`` (every staff member may
    join), ``private`` (its members only), ``direct`` (a conversation between
    ``members``; nobody else, admins included) or ``conference`` (the
    conference's access list, ``conference_id``)."""

    room_id: str
    slug: str
    name: str
    topic: str
    visibility: str
    conference_id: str | None
    created_by: str
    members: tuple[str, ...]


@event
@dataclass(frozen=True)
class RoomRenamed(Event):
    room_id: str
    name: str
    by: str


@event
@dataclass(frozen=True)
class RoomTopicChanged(Event):
    room_id: str
    topic: str
    by: str


@event
@dataclass(frozen=True)
class RoomArchived(Event):
    room_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomUnarchived(Event):
    room_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomJoined(Event):
    room_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomLeft(Event):
    room_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class MessagePosted(Event):
    room_id: str
    message_id: str
    seq: int
    author_id: str
    body: str
    reply_to: str | None = None


@event
@dataclass(frozen=True)
class MessageEdited(Event):
    room_id: str
    message_id: str
    body: str
    revision: int
    editor_id: str


@event
@dataclass(frozen=True)
class MessageDeleted(Event):
    room_id: str
    message_id: str
    by: str


@event
@dataclass(frozen=True)
class ReactionAdded(Event):
    room_id: str
    message_id: str
    member_id: str
    emoji: str


@event
@dataclass(frozen=True)
class ReactionRemoved(Event):
    room_id: str
    message_id: str
    member_id: str
    emoji: str


@event
@dataclass(frozen=True)
class RoomRead(Event):
    """The member's read marker in a room moved from ``from_seq`` to ``up_to_seq``."""

    member_id: str
    room_id: str
    from_seq: int
    up_to_seq: int


@event
@dataclass(frozen=True)
class ThreadStartedFromChat(Event):
    """A stretch of a room's messages became a thread, keeping authors and times.

    ``posts`` holds, per message in order: (post id, author id, body, the
    time it was said as ISO 8601, the index of the post it replies to or -1).
    """

    thread_id: str
    conference_id: str
    subject: str
    room_id: str
    moved_by: str
    posts: tuple[tuple[str, str, str, str, int], ...]


@event
@dataclass(frozen=True)
class MessagesMoved(Event):
    """These messages left the room for a thread (the room shows where they went)."""

    room_id: str
    message_ids: tuple[str, ...]
    thread_id: str
    by: str
