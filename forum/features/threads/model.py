"""The thread aggregate: a subject and a tree of posts in one conference."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from federation.inbound.events import RemoteReplyDeleted, RemoteReplyEdited, RemoteReplyReceived
from forum.core.commands import Command
from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import (
    ConferenceAccess,
    Viewer,
    can_edit_post,
    can_moderate,
    can_post,
    can_read,
)
from forum.core.text import BODY_MAX, REASON_MAX, SUBJECT_MAX, clean_text
from forum.features.reading.events import ThreadRead
from forum.features.rooms.events import ThreadStartedFromChat
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    LockThread,
    MoveThread,
    PinThread,
    PostReply,
    StartThread,
    UnhidePost,
    UnlockThread,
    UnpinThread,
)
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    PostUnhidden,
    ReplyPosted,
    ThreadLocked,
    ThreadMoved,
    ThreadPinned,
    ThreadStarted,
    ThreadUnlocked,
    ThreadUnpinned,
)


@dataclass
class PostState:
    author_id: str
    seq: int
    revision: int = 1
    deleted: bool = False
    hidden: bool = False


@dataclass
class ThreadState:
    thread_id: str
    conference_id: str = ""
    subject: str = ""
    author_id: str = ""
    locked: bool = False
    pinned: bool = False
    last_seq: int = 0
    version: int = 0
    posts: dict[str, PostState] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)  # fediverse object id → post id

    @property
    def exists(self) -> bool:
        return self.version > 0


def evolve(state: ThreadState, event: Event) -> ThreadState:
    """Apply one event to the state (in place, for speed on long threads)."""
    state.version += 1
    match event:
        case ThreadStarted():
            state.conference_id = event.conference_id
            state.subject = event.subject
            state.author_id = event.author_id
            state.last_seq = 1
            state.posts[event.post_id] = PostState(event.author_id, 1)
        case ThreadStartedFromChat():
            state.conference_id = event.conference_id
            state.subject = event.subject
            state.author_id = event.posts[0][1]
            state.last_seq = len(event.posts)
            for seq, (post_id, author_id, *_rest) in enumerate(event.posts, start=1):
                state.posts[post_id] = PostState(author_id, seq)
        case ReplyPosted():
            state.last_seq = event.seq
            state.posts[event.post_id] = PostState(event.author_id, event.seq)
        case RemoteReplyReceived():
            state.last_seq = event.seq
            state.posts[event.post_id] = PostState(event.author_id, event.seq,
                                                   hidden=event.held)
            state.objects[event.object_id] = event.post_id
        case PostEdited() | RemoteReplyEdited():
            state.posts[event.post_id].revision = event.revision
        case PostDeleted() | RemoteReplyDeleted():
            state.posts[event.post_id].deleted = True
        case PostHidden() | PostUnhidden():
            state.posts[event.post_id].hidden = isinstance(event, PostHidden)
        case ThreadLocked() | ThreadUnlocked():
            state.locked = isinstance(event, ThreadLocked)
        case ThreadPinned() | ThreadUnpinned():
            state.pinned = isinstance(event, ThreadPinned)
        case ThreadMoved():
            state.conference_id = event.to_conference_id
    return state


def load(thread_id: str, history: Iterable[Event]) -> ThreadState:
    state = ThreadState(thread_id)
    for event in history:
        evolve(state, event)
    return state


def _require_read(state: ThreadState, actor: Viewer, conference: ConferenceAccess) -> None:
    if not state.exists or not can_read(actor, conference):
        raise NotFound("no such thread")


def _post(state: ThreadState, post_id: str) -> PostState:
    post = state.posts.get(post_id)
    if post is None:
        raise NotFound("no such post in this thread", post_id=post_id)
    return post


def start_thread(
    command: StartThread, actor: Viewer, conference: ConferenceAccess,
    thread_id: str, post_id: str,
) -> list[Event]:
    if not can_read(actor, conference):
        raise NotFound("no such conference")
    if not can_post(actor, conference):
        raise Forbidden("you may read this conference but not start threads in it")
    subject = clean_text(command.subject, "subject", maximum=SUBJECT_MAX)
    body = clean_text(command.body, "body", maximum=BODY_MAX)
    assert actor.member_id is not None
    return [ThreadStarted(thread_id, conference.conference_id, subject, post_id,
                             actor.member_id, body)]


def post_reply(
    state: ThreadState, command: PostReply, actor: Viewer,
    conference: ConferenceAccess, post_id: str,
) -> list[Event]:
    _require_read(state, actor, conference)
    if state.locked and not can_moderate(actor, conference):
        raise Forbidden("this thread is locked; only moderators may reply")
    if not can_post(actor, conference, locked=state.locked):
        raise Forbidden("you may read this conference but not post in it")
    parent = _post(state, command.parent_post_id)
    if parent.deleted:
        raise Conflict("that post was removed; reply to another post")
    body = clean_text(command.body, "body", maximum=BODY_MAX)
    assert actor.member_id is not None
    return [ReplyPosted(state.thread_id, post_id, state.last_seq + 1,
                           command.parent_post_id, actor.member_id, body)]


def edit_post(
    state: ThreadState, command: EditPost, actor: Viewer, conference: ConferenceAccess
) -> list[Event]:
    _require_read(state, actor, conference)
    post = _post(state, command.post_id)
    if post.deleted:
        raise Conflict("that post was removed and cannot be edited")
    if not can_edit_post(actor, conference, post.author_id, locked=state.locked):
        raise Forbidden("only the author or a moderator may edit this post")
    if command.expected_revision is not None and command.expected_revision != post.revision:
        raise Conflict(
            f"the post was edited meanwhile (you edited revision {command.expected_revision}, "
            f"it is now at {post.revision}); reload and try again",
            current_revision=post.revision,
        )
    body = clean_text(command.body, "body", maximum=BODY_MAX)
    assert actor.member_id is not None
    return [PostEdited(state.thread_id, command.post_id, post.revision + 1, body,
                          actor.member_id)]


def delete_post(
    state: ThreadState, command: DeletePost, actor: Viewer, conference: ConferenceAccess
) -> list[Event]:
    _require_read(state, actor, conference)
    post = _post(state, command.post_id)
    if post.deleted:
        raise Conflict("that post was already removed")
    if not can_edit_post(actor, conference, post.author_id, locked=state.locked):
        raise Forbidden("only the author or a moderator may remove this post")
    assert actor.member_id is not None
    return [PostDeleted(state.thread_id, command.post_id, actor.member_id)]


def _moderator(state: ThreadState, actor: Viewer, conference: ConferenceAccess) -> str:
    _require_read(state, actor, conference)
    if not can_moderate(actor, conference) or actor.member_id is None:
        raise Forbidden("only moderators of this conference may do that")
    return actor.member_id


def hide_post(
    state: ThreadState, command: HidePost, actor: Viewer, conference: ConferenceAccess
) -> list[Event]:
    by = _moderator(state, actor, conference)
    post = _post(state, command.post_id)
    if post.deleted:
        raise Conflict("that post was removed; there is nothing to hide")
    if post.hidden:
        raise Conflict("that post is already hidden")
    reason = clean_text(command.reason, "reason", maximum=REASON_MAX)
    return [PostHidden(state.thread_id, command.post_id, reason, by)]


def unhide_post(
    state: ThreadState, command: UnhidePost, actor: Viewer, conference: ConferenceAccess
) -> list[Event]:
    by = _moderator(state, actor, conference)
    if not _post(state, command.post_id).hidden:
        raise Conflict("that post is not hidden")
    return [PostUnhidden(state.thread_id, command.post_id, by)]


def set_flag(
    state: ThreadState, command: Command, actor: Viewer, conference: ConferenceAccess
) -> list[Event]:
    """Lock, unlock, pin or unpin; doing what is already so changes nothing."""
    by = _moderator(state, actor, conference)
    match command:
        case LockThread():
            reason = clean_text(command.reason, "reason", maximum=REASON_MAX, required=False)
            return [] if state.locked else [ThreadLocked(state.thread_id, by, reason)]
        case UnlockThread():
            return [ThreadUnlocked(state.thread_id, by)] if state.locked else []
        case PinThread():
            return [] if state.pinned else [ThreadPinned(state.thread_id, by)]
        case UnpinThread():
            return [ThreadUnpinned(state.thread_id, by)] if state.pinned else []
    raise InvalidInput(f"not a thread flag command: {type(command).__name__}")


def move_thread(
    state: ThreadState, command: MoveThread, actor: Viewer,
    source: ConferenceAccess, target: ConferenceAccess,
) -> list[Event]:
    by = _moderator(state, actor, source)
    if not can_moderate(actor, target):
        raise Forbidden("you must moderate the target conference too")
    if target.conference_id == state.conference_id:
        raise Conflict("the thread is already in that conference")
    return [ThreadMoved(state.thread_id, state.conference_id, target.conference_id, by)]


def mark_read(thread_id: str, last_seq: int, member_id: str, marker: int,
              up_to: int | None) -> list[Event]:
    """Advance the read marker; nothing happens unless it moves forward."""
    target = last_seq if up_to is None else min(max(up_to, 0), last_seq)
    if target <= marker:
        return []
    return [ThreadRead(member_id, thread_id, marker, target)]


def mark_unread_from(thread_id: str, last_seq: int, member_id: str, marker: int,
                     seq: int) -> list[Event]:
    """Move the marker back so post ``seq`` and everything after it count as unread."""
    if seq < 1 or seq > last_seq:
        raise InvalidInput(f"post number {seq} is not in this thread")
    target = seq - 1
    if target >= marker:
        return []
    return [ThreadRead(member_id, thread_id, marker, target)]
