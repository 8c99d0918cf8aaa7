"""Threads and posts as the JSON API shows them: builders from read-model rows, and a
thread as one reader sees it, with their marker and what they may do.

The visibility of a post's text is decided here, once, as the thread page
decides it: removed posts are tombstones for everybody, hidden ones keep
their text for moderators only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from forum.core.permissions import ConferenceAccess, Viewer, can_moderate, can_post
from forum.core.rows import DbRow
from forum.features.members.queries import get_member
from forum.features.reading.queries import get_read_marker, unread_by_thread
from forum.web.api.documents import person


def thread_detail(conn: Connection, viewer: Viewer, thread: DbRow, conference: DbRow,
                  access: ConferenceAccess) -> dict[str, Any]:
    """A thread as its own page sees it: with the caller's marker and what they may do."""
    author = get_member(conn, thread.author_id)
    assert author is not None, "members are deactivated, never removed"
    unread = unread_by_thread(conn, viewer, [thread.id]).get(thread.id, 0)
    return {
        **thread_document(thread, conference,
                           person(author.id, author.handle, author.display_name),
                           unread),
        "read_up_to": get_read_marker(conn, viewer.member_id, thread.id),
        "may_reply": can_post(viewer, access, locked=thread.locked),
        "may_moderate": can_moderate(viewer, access),
    }


def post_document(row: DbRow, *, moderator: bool) -> dict[str, Any]:
    deleted = row.deleted_by is not None
    hidden = row.hidden_by is not None and not deleted
    shown = not deleted and (moderator or not hidden)
    return {
        "id": row.id, "thread_id": row.thread_id, "seq": row.seq, "parent_id": row.parent_id,
        "author": listed_author(row),
        "created_at": row.created_at, "edited_at": row.edited_at, "revision": row.revision,
        "deleted": deleted, "hidden": hidden,
        "hidden_reason": row.hidden_reason if hidden else None,
        "body": row.body if shown else None,
        "html": row.html if shown else None,
    }


def thread_document(row: DbRow, conference: DbRow, author: dict[str, Any], unread: int
                    ) -> dict[str, Any]:
    return {
        "id": row.id, "conference_id": conference.id, "conference_slug": conference.slug,
        "subject": row.subject, "author": author, "created_at": row.created_at,
        "last_post_at": row.last_post_at, "post_count": row.post_count,
        "last_seq": row.last_seq, "locked": bool(row.locked), "pinned": bool(row.pinned),
        "unread": unread,
    }


def listed_author(row: DbRow) -> dict[str, Any]:
    """The author of a post or of a ``list_threads`` row, which carry name and handle."""
    return person(row.author_id, row.author_handle, row.author_name)
