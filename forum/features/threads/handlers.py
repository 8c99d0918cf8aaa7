"""Handlers for threads and posts, including moderation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forum.core.errors import NotFound
from forum.core.events import Event
from forum.core.handlers import Services, run
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.conferences.queries import conference_access
from forum.features.threads import model as thread
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
from forum.features.threads.model import ThreadState


def stream(thread_id: str) -> str:
    return f"thread-{thread_id}"


def _access(svc: Services, conference_id: str) -> ConferenceAccess:
    with svc.engine.connect() as conn:
        access = conference_access(conn, conference_id)
    if access is None:
        raise NotFound("no such conference")
    return access


def _on_thread(
    svc: Services, actor: Viewer, thread_id: str,
    decide: Callable[[ThreadState, ConferenceAccess], Sequence[Event]],
) -> None:
    def decide_with_access(state: ThreadState) -> Sequence[Event]:
        if not state.exists:
            raise NotFound("no such thread")
        return decide(state, _access(svc, state.conference_id))

    run(svc, actor, stream(thread_id), lambda h: thread.load(thread_id, h), decide_with_access)


def start_thread(svc: Services, actor: Viewer, command: StartThread) -> tuple[str, str]:
    """Returns the new thread's id and its first post's id."""
    access = _access(svc, command.conference_id)
    thread_id, post_id = svc.new_id(), svc.new_id()
    new_events = thread.start_thread(command, actor, access, thread_id, post_id)
    svc.store.append(stream(thread_id), new_events, expected_version=0, meta=svc.meta(actor))
    return thread_id, post_id


def post_reply(svc: Services, actor: Viewer, command: PostReply) -> tuple[str, int]:
    """Returns the reply's post id and its number in the thread."""
    post_id = svc.new_id()
    recorded: list[int] = []

    def decide(state: ThreadState, access: ConferenceAccess) -> Sequence[Event]:
        new_events = thread.post_reply(state, command, actor, access, post_id)
        recorded.append(state.last_seq + 1)
        return new_events

    _on_thread(svc, actor, command.thread_id, decide)
    return post_id, recorded[-1]


def edit_post(svc: Services, actor: Viewer, command: EditPost) -> None:
    _on_thread(svc, actor, command.thread_id,
               lambda s, a: thread.edit_post(s, command, actor, a))


def delete_post(svc: Services, actor: Viewer, command: DeletePost) -> None:
    _on_thread(svc, actor, command.thread_id,
               lambda s, a: thread.delete_post(s, command, actor, a))


def hide_post(svc: Services, actor: Viewer, command: HidePost) -> None:
    _on_thread(svc, actor, command.thread_id,
               lambda s, a: thread.hide_post(s, command, actor, a))


def unhide_post(svc: Services, actor: Viewer, command: UnhidePost) -> None:
    _on_thread(svc, actor, command.thread_id,
               lambda s, a: thread.unhide_post(s, command, actor, a))


def _flag(svc: Services, actor: Viewer, command: LockThread | UnlockThread
          | PinThread | UnpinThread) -> None:
    _on_thread(svc, actor, command.thread_id, lambda s, a: thread.set_flag(s, command, actor, a))


lock_thread = unlock_thread = pin_thread = unpin_thread = _flag


def move_thread(svc: Services, actor: Viewer, command: MoveThread) -> None:
    target = _access(svc, command.to_conference_id)
    _on_thread(svc, actor, command.thread_id,
               lambda s, a: thread.move_thread(s, command, actor, a, target))
