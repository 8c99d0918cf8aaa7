"""Threads and posts, with each post's HTML rendered once, here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from federation.inbound.events import RemoteReplyDeleted, RemoteReplyEdited, RemoteReplyReceived
from federation.inbound.model import HELD_BY
from forum.core import markup
from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, current_batch, stamp
from forum.features.rooms.events import ThreadStartedFromChat
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
from forum.features.threads.tables import post_revisions, posts, threads

projection = Projection("threads", [threads, posts, post_revisions])


_INSERT_POST = Statement("""
    INSERT INTO posts (id, thread_id, seq, parent_id, author_id, body, html, created_at,
                       revision, position)
    VALUES (:id, :thread_id, :seq, :parent_id, :author_id, :body, :html, :at, 1, :position)""",
    deferrable=True)
_INSERT_REVISION = Statement("""
    INSERT INTO post_revisions (post_id, revision, body, editor_id, edited_at)
    VALUES (:post_id, :revision, :body, :editor_id, :at)""", deferrable=True)
_NEW_REPLY = Statement("""
    UPDATE threads SET version = :v, last_post_at = :at, post_count = post_count + :n,
                       last_seq = :seq
    WHERE id = :t""", deferrable=True)
_EDIT = Statement("""
    UPDATE posts SET body = :body, html = :html, revision = :r, edited_at = :at WHERE id = :p""",
    deferrable=True)
_VERSION = Statement("UPDATE threads SET version = :v WHERE id = :t", deferrable=True)


def _insert_post(
    conn: Connection, rec: Recorded, at: object, thread_id: str, post_id: str, seq: int,
    parent_id: str | None, author_id: str, body: str,
) -> None:
    _INSERT_POST.run(conn, {
        "id": post_id, "thread_id": thread_id, "seq": seq, "parent_id": parent_id,
        "author_id": author_id, "body": body, "html": rendering.render(conn, body),
        "at": at, "position": rec.position,
    })
    _INSERT_REVISION.run(conn, {"post_id": post_id, "revision": 1, "body": body,
                                "editor_id": author_id, "at": at})


_START = Statement("""
    INSERT INTO threads (id, conference_id, subject, author_id, created_at, last_post_at,
                         post_count, last_seq, locked, pinned, version)
    VALUES (:id, :conference_id, :subject, :author_id, :at, :at, 1, 1, :no, :no, :v)""",
    deferrable=True)
_START_FROM_CHAT = Statement("""
    INSERT INTO threads (id, conference_id, subject, author_id, created_at, last_post_at,
                         post_count, last_seq, locked, pinned, version)
    VALUES (:id, :conference_id, :subject, :author_id, :first, :last, :n, :n, :no, :no, :v)""",
    deferrable=True)
_DELETE = Statement("""
    UPDATE posts SET deleted_by = :by, body = '', html = '' WHERE id = :p""", deferrable=True)
_HIDE = Statement("""
    UPDATE posts SET hidden_by = :by, hidden_reason = :reason WHERE id = :p""", deferrable=True)
_FLAG = {
    name: Statement(f"UPDATE threads SET version = :v, {name} = :value WHERE id = :t",
                    deferrable=True)
    for name in ("locked", "pinned", "conference_id")
}


def _new_reply(conn: Connection, rec: Recorded, thread_id: str, at: object, seq: int) -> None:
    """Count a reply in its thread.

    In a rebuild, replies to a busy thread come in runs (a chunk holds
    thousands, most to a few dozen threads): while the thread's last queued
    write is its count of replies, the next reply is folded into it, so a run
    is one UPDATE with the run's last version, time and seq.
    """
    batch = current_batch(conn)
    if batch is None:
        _NEW_REPLY.run(conn, {"t": thread_id, "v": rec.stream_version, "at": at, "seq": seq,
                              "n": 1})
        return
    queued = batch.still_queued(("threads", thread_id))
    if queued is not None:
        queued.update(v=rec.stream_version, at=at, seq=seq, n=queued["n"] + 1)
        return
    batch.queued(("threads", thread_id), _NEW_REPLY,
                 {"t": thread_id, "v": rec.stream_version, "at": at, "seq": seq, "n": 1})


def _no_folding(conn: Connection, thread_id: str) -> None:
    """Another write of the thread comes next: later replies may not be folded past it."""
    batch = current_batch(conn)
    if batch is not None:
        batch.foldable.pop(("threads", thread_id), None)


def _thread(conn: Connection, rec: Recorded, thread_id: str, flag: str | None = None,
            value: object = None) -> None:
    """Bump the thread's version (its pages' cache key), setting one column if named."""
    _no_folding(conn, thread_id)
    params = {"t": thread_id, "v": rec.stream_version}
    if flag is None:
        _VERSION.run(conn, params)
    else:
        _FLAG[flag].run(conn, {**params, "value": value})


@projection.before_chunk
def _look_up_renderings(conn: Connection, chunk: Sequence[Recorded]) -> None:
    rendering.prefetch(conn, (
        rec.event.body for rec in chunk
        if isinstance(rec.event, ThreadStarted | ReplyPosted | PostEdited)))
    rendering.prefetch(conn, (
        body for rec in chunk if isinstance(rec.event, ThreadStartedFromChat)
        for _, _, body, _, _ in rec.event.posts))


@projection.on(ThreadStarted)
def _started(conn: Connection, rec: Recorded, e: ThreadStarted) -> None:
    at = stamp(conn, rec.occurred_at)
    _START.run(conn, {
        "id": e.thread_id, "conference_id": e.conference_id, "subject": e.subject,
        "author_id": e.author_id, "at": at, "no": False, "v": rec.stream_version,
    })
    _insert_post(conn, rec, at, e.thread_id, e.post_id, 1, None, e.author_id, e.body)


@projection.on(ThreadStartedFromChat)
def _from_chat(conn: Connection, rec: Recorded, e: ThreadStartedFromChat) -> None:
    # Each post keeps its author and the time it was said in the room.
    times = [datetime.fromisoformat(at) for _, _, _, at, _ in e.posts]
    _START_FROM_CHAT.run(conn, {
        "id": e.thread_id, "conference_id": e.conference_id, "subject": e.subject,
        "author_id": e.posts[0][1], "first": stamp(conn, times[0]),
        "last": stamp(conn, times[-1]), "n": len(e.posts), "no": False,
        "v": rec.stream_version,
    })
    for seq, ((post_id, author_id, body, _, parent), when) in enumerate(
            zip(e.posts, times, strict=True), start=1):
        parent_id = e.posts[parent][0] if parent >= 0 else (e.posts[0][0] if seq > 1 else None)
        _insert_post(conn, rec, stamp(conn, when), e.thread_id, post_id, seq, parent_id,
                     author_id, body)


@projection.on(ReplyPosted)
def _replied(conn: Connection, rec: Recorded, e: ReplyPosted) -> None:
    at = stamp(conn, rec.occurred_at)
    _insert_post(conn, rec, at, e.thread_id, e.post_id, e.seq, e.parent_post_id, e.author_id,
                 e.body)
    _new_reply(conn, rec, e.thread_id, at, e.seq)


_INSERT_REMOTE = Statement("""
    INSERT INTO posts (id, thread_id, seq, parent_id, author_id, body, html, created_at,
                       revision, position, hidden_by, hidden_reason)
    VALUES (:id, :thread_id, :seq, :parent_id, :author_id, :body, :html, :at, 1, :position,
            :hidden_by, :hidden_reason)""", deferrable=True)


@projection.on(RemoteReplyReceived)
def _remote_reply(conn: Connection, rec: Recorded, e: RemoteReplyReceived) -> None:
    # A reply from outside arrives as HTML, cleaned before it was recorded and again here
    # (the rules may have grown since); its text is kept for quoting and search.
    at = stamp(conn, rec.occurred_at)
    html = markup.clean_html(e.html)
    _INSERT_REMOTE.run(conn, {
        "id": e.post_id, "thread_id": e.thread_id, "seq": e.seq, "parent_id": e.parent_post_id,
        "author_id": e.author_id, "body": markup.text_of(html), "html": html, "at": at,
        "position": rec.position, "hidden_by": HELD_BY if e.held else None,
        "hidden_reason": f"waiting for a moderator: the first reply from {e.actor_handle}"
        if e.held else None,
    })
    _INSERT_REVISION.run(conn, {"post_id": e.post_id, "revision": 1, "body": html,
                                "editor_id": e.author_id, "at": at})
    _new_reply(conn, rec, e.thread_id, at, e.seq)


@projection.on(RemoteReplyEdited)
def _remote_edited(conn: Connection, rec: Recorded, e: RemoteReplyEdited) -> None:
    at = stamp(conn, rec.occurred_at)
    html = markup.clean_html(e.html)
    _EDIT.run(conn, {"p": e.post_id, "body": markup.text_of(html), "html": html,
                     "r": e.revision, "at": at})
    _INSERT_REVISION.run(conn, {"post_id": e.post_id, "revision": e.revision, "body": html,
                                "editor_id": e.author_id, "at": at})
    _thread(conn, rec, e.thread_id)


@projection.on(PostEdited)
def _edited(conn: Connection, rec: Recorded, e: PostEdited) -> None:
    at = stamp(conn, rec.occurred_at)
    _EDIT.run(conn, {"p": e.post_id, "body": e.body, "html": rendering.render(conn, e.body),
                     "r": e.revision, "at": at})
    _INSERT_REVISION.run(conn, {"post_id": e.post_id, "revision": e.revision, "body": e.body,
                                "editor_id": e.editor_id, "at": at})
    _thread(conn, rec, e.thread_id)


@projection.on(PostDeleted, RemoteReplyDeleted)
def _deleted(conn: Connection, rec: Recorded, e: PostDeleted | RemoteReplyDeleted
             ) -> None:
    # A tombstone: the words go from the page; the revisions stay for moderators.
    by = e.by if isinstance(e, PostDeleted) else e.author_id
    _DELETE.run(conn, {"p": e.post_id, "by": by})
    _thread(conn, rec, e.thread_id)


@projection.on(PostHidden, PostUnhidden)
def _hidden(conn: Connection, rec: Recorded, e: PostHidden | PostUnhidden) -> None:
    if isinstance(e, PostHidden):
        _HIDE.run(conn, {"p": e.post_id, "by": e.by, "reason": e.reason})
    else:
        _HIDE.run(conn, {"p": e.post_id, "by": None, "reason": None})
    _thread(conn, rec, e.thread_id)


@projection.on(ThreadLocked, ThreadUnlocked)
def _locked(conn: Connection, rec: Recorded, e: ThreadLocked | ThreadUnlocked) -> None:
    _thread(conn, rec, e.thread_id, "locked", isinstance(e, ThreadLocked))


@projection.on(ThreadPinned, ThreadUnpinned)
def _pinned(conn: Connection, rec: Recorded, e: ThreadPinned | ThreadUnpinned) -> None:
    _thread(conn, rec, e.thread_id, "pinned", isinstance(e, ThreadPinned))


@projection.on(ThreadMoved)
def _moved(conn: Connection, rec: Recorded, e: ThreadMoved) -> None:
    _thread(conn, rec, e.thread_id, "conference_id", e.to_conference_id)
