"""Small, pure builders: read-model rows to the API's JSON documents.

The visibility of a post's text is decided here, once, as the thread page
decides it: removed posts are tombstones for everybody, hidden ones keep
their text for moderators only.
"""

from __future__ import annotations

from typing import Any

from forum.core.rows import DbRow
from forum.features.conferences.queries import ConferenceSummary, tags


def person(member_id: str, handle: str, display_name: str) -> dict[str, Any]:
    return {"id": member_id, "handle": handle, "display_name": display_name}


def post(row: DbRow, *, moderator: bool) -> dict[str, Any]:
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


def thread(row: DbRow, conference: DbRow, author: dict[str, Any], unread: int) -> dict[str, Any]:
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


def conference(summary: ConferenceSummary, *, may_post: bool,
               may_moderate: bool) -> dict[str, Any]:
    row = summary.row
    return {
        "id": row.id, "slug": row.slug, "name": row.name, "resume": row.resume,
        "resume_html": row.resume_html, "visibility": row.visibility,
        "parent_id": row.parent_id, "depth": summary.depth, "threads": summary.threads,
        "posts": summary.posts, "unread": summary.unread,
        "last_post_at": summary.last_post_at, "may_post": may_post,
        "may_moderate": may_moderate,
    }


def _resume(row: DbRow) -> dict[str, Any]:
    return {"bio": row.bio, "skills": tags(row.skills),
            "interests": tags(row.interests), "can_teach": tags(row.can_teach)}


def profile(row: DbRow, recent: Any) -> dict[str, Any]:
    return {
        **person(row.id, row.handle, row.display_name), "active": bool(row.active),
        **_resume(row),
        "recent_posts": [{"id": r.id, "thread_id": r.thread_id, "subject": r.subject,
                          "seq": r.seq, "created_at": r.created_at} for r in recent],
    }


def me(row: DbRow) -> dict[str, Any]:
    return {
        **person(row.id, row.handle, row.display_name), "email": row.email, "role": row.role,
        **_resume(row), "share_read_history": bool(row.share_read_history),
        "joined_at": row.joined_at,
    }


def marker(thread_row: DbRow, up_to_seq: int, unread: int) -> dict[str, Any]:
    return {"thread_id": thread_row.id, "up_to_seq": up_to_seq,
            "last_seq": thread_row.last_seq, "unread": unread}
