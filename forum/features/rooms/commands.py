"""The commands of rooms and messages: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class CreateRoom(Command):
    """A room: ``internal`` or ``private`` standalone, or attached to a conference."""

    name: str
    slug: str
    topic: str = ""
    visibility: str = "internal"
    conference_id: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenDirectRoom(Command):
    """A direct conversation with these members (the actor is always in it)."""

    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class RenameRoom(Command):
    room_id: str
    name: str


@dataclass(frozen=True)
class SetRoomTopic(Command):
    room_id: str
    topic: str


@dataclass(frozen=True)
class ArchiveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class UnarchiveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class JoinRoom(Command):
    room_id: str


@dataclass(frozen=True)
class LeaveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class AddRoomMember(Command):
    room_id: str
    member_id: str


@dataclass(frozen=True)
class RemoveRoomMember(Command):
    room_id: str
    member_id: str


@dataclass(frozen=True)
class PostMessage(Command):
    room_id: str
    body: str
    reply_to: str | None = None


@dataclass(frozen=True)
class EditMessage(Command):
    room_id: str
    message_id: str
    body: str


@dataclass(frozen=True)
class DeleteMessage(Command):
    room_id: str
    message_id: str


@dataclass(frozen=True)
class React(Command):
    """Add the reaction, or take it back if the actor already gave it."""

    room_id: str
    message_id: str
    emoji: str


@dataclass(frozen=True)
class MarkRoomRead(Command):
    room_id: str
    up_to_seq: int | None = None


@dataclass(frozen=True)
class MoveMessagesToThread(Command):
    """Messages ``first_seq``..``last_seq`` of a room become a new thread."""

    room_id: str
    first_seq: int
    last_seq: int
    conference_id: str
    subject: str
