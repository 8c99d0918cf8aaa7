"""A thread as the JSON API shows it to one reader: with their marker and what they may do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from forum.core.permissions import ConferenceAccess, Viewer, can_moderate, can_post
from forum.core.rows import DbRow
from forum.features.members.queries import get_member
from forum.features.reading.queries import get_read_marker, unread_by_thread
from forum.web.api import documents


def thread_detail(conn: Connection, viewer: Viewer, thread: DbRow, conference: DbRow,
                  access: ConferenceAccess) -> dict[str, Any]:
    """A thread as its own page sees it: with the caller's marker and what they may do."""
    author = get_member(conn, thread.author_id)
    assert author is not None, "members are deactivated, never removed"
    unread = unread_by_thread(conn, viewer, [thread.id]).get(thread.id, 0)
    return {
        **documents.thread(thread, conference,
                           documents.person(author.id, author.handle, author.display_name),
                           unread),
        "read_up_to": get_read_marker(conn, viewer.member_id, thread.id),
        "may_reply": can_post(viewer, access, locked=thread.locked),
        "may_moderate": can_moderate(viewer, access),
    }
