"""Who may read a thread or a post: found and readable, or not found (never 403)."""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.errors import NotFound
from forum.core.permissions import ConferenceAccess, Viewer, can_read
from forum.core.rows import DbRow
from forum.features.conferences.queries import access_from_row
from forum.features.threads.queries import get_post, get_thread_in_conference


def readable_thread(conn: Connection, viewer: Viewer, thread_id: str
                    ) -> tuple[DbRow, DbRow, ConferenceAccess]:
    """The thread, its conference and that conference's access."""
    found = get_thread_in_conference(conn, thread_id)
    if found is None:
        raise NotFound()
    thread, conference = found
    access = access_from_row(conference)
    if not can_read(viewer, access):
        raise NotFound()
    return thread, conference, access


def readable_post(conn: Connection, viewer: Viewer, post_id: str
                  ) -> tuple[DbRow, DbRow, DbRow, ConferenceAccess]:
    """The post, its thread, their conference and its access."""
    post = get_post(conn, post_id)
    if post is None:
        raise NotFound()
    thread, conference, access = readable_thread(conn, viewer, post.thread_id)
    return post, thread, conference, access
