"""Every command: one frozen dataclass per thing a person means to do.

``StartThread`` is handled by ``handlers.start_thread`` and, if allowed,
produces ``ThreadStarted``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    pass


# --- members ---------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMember(Command):
    handle: str
    display_name: str
    email: str
    password: str
    role: str = "staff"


@dataclass(frozen=True)
class IssueInvitation(Command):
    role: str = "staff"
    note: str = ""


@dataclass(frozen=True)
class AcceptInvitation(Command):
    token: str
    handle: str
    display_name: str
    email: str
    password: str


@dataclass(frozen=True)
class ChangeMemberRole(Command):
    member_id: str
    role: str


@dataclass(frozen=True)
class DeactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class ReactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class UpdateProfile(Command):
    display_name: str
    bio: str = ""
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    can_teach: tuple[str, ...] = ()
    share_read_history: bool = True


@dataclass(frozen=True)
class SetFediverseProfile(Command):
    enabled: bool


@dataclass(frozen=True)
class ChangePassword(Command):
    current_password: str
    new_password: str


@dataclass(frozen=True)
class IssueApiToken(Command):
    name: str


@dataclass(frozen=True)
class RevokeApiToken(Command):
    token_id: str


# --- conferences -----------------------------------------------------------


@dataclass(frozen=True)
class CreateConference(Command):
    slug: str
    name: str
    visibility: str
    resume: str = ""
    parent_id: str | None = None


@dataclass(frozen=True)
class UpdateConference(Command):
    conference_id: str
    name: str
    resume: str
    visibility: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SetConferenceAcl(Command):
    conference_id: str
    entries: tuple[tuple[str, str], ...]
    expected_version: int | None = None


# --- threads and posts -----------------------------------------------------


@dataclass(frozen=True)
class StartThread(Command):
    conference_id: str
    subject: str
    body: str


@dataclass(frozen=True)
class PostReply(Command):
    thread_id: str
    parent_post_id: str
    body: str


@dataclass(frozen=True)
class EditPost(Command):
    thread_id: str
    post_id: str
    body: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class DeletePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class HidePost(Command):
    thread_id: str
    post_id: str
    reason: str


@dataclass(frozen=True)
class UnhidePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class LockThread(Command):
    thread_id: str
    reason: str = ""


@dataclass(frozen=True)
class UnlockThread(Command):
    thread_id: str


@dataclass(frozen=True)
class PinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class UnpinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class MoveThread(Command):
    thread_id: str
    to_conference_id: str


# --- publishing --------------------------------------------------------------


@dataclass(frozen=True)
class ProposeArticle(Command):
    """Propose a ``thread`` or one ``post`` (its id in ``source_id``) for the blog.

    The title defaults to the thread's subject; the body is taken from the source."""

    source_kind: str
    source_id: str
    title: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviseArticle(Command):
    article_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...] = ()
    expected_revision: int | None = None


@dataclass(frozen=True)
class SendBackArticle(Command):
    article_id: str
    comment: str


@dataclass(frozen=True)
class ResubmitArticle(Command):
    article_id: str


@dataclass(frozen=True)
class ApproveArticle(Command):
    article_id: str


@dataclass(frozen=True)
class UnpublishArticle(Command):
    article_id: str
    reason: str


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class MarkThreadRead(Command):
    """Advance the read marker to ``up_to_seq`` (the whole thread when None)."""

    thread_id: str
    up_to_seq: int | None = None


@dataclass(frozen=True)
class MarkUnreadFrom(Command):
    thread_id: str
    seq: int


@dataclass(frozen=True)
class MarkConferenceRead(Command):
    conference_id: str


# --- rooms -----------------------------------------------------------------


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


# --- notifications -----------------------------------------------------------


@dataclass(frozen=True)
class SetWatchLevel(Command):
    target: str  # conference, thread or room
    target_id: str
    level: str  # watching, normal or muted


@dataclass(frozen=True)
class MarkNotificationsRead(Command):
    """One notification (its ``position``), or all of them (None)."""

    position: int | None = None


@dataclass(frozen=True)
class MoveMessagesToThread(Command):
    """Messages ``first_seq``..``last_seq`` of a room become a new thread."""

    room_id: str
    first_seq: int
    last_seq: int
    conference_id: str
    subject: str
