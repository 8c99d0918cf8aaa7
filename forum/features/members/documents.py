"""Small, pure builders: members's read-model rows to the API's JSON documents."""

from __future__ import annotations

from typing import Any

from forum.core.rows import DbRow
from forum.features.conferences.queries import tags
from forum.web.api.documents import person


def _resume(row: DbRow) -> dict[str, Any]:
    return {"bio": row.bio, "skills": tags(row.skills),
            "interests": tags(row.interests), "can_teach": tags(row.can_teach)}


def profile_document(row: DbRow, recent: Any) -> dict[str, Any]:
    return {
        **person(row.id, row.handle, row.display_name), "active": bool(row.active),
        **_resume(row),
        "recent_posts": [{"id": r.id, "thread_id": r.thread_id, "subject": r.subject,
                          "seq": r.seq, "created_at": r.created_at} for r in recent],
    }


def me_document(row: DbRow) -> dict[str, Any]:
    return {
        **person(row.id, row.handle, row.display_name), "email": row.email, "role": row.role,
        **_resume(row), "share_read_history": bool(row.share_read_history),
        "joined_at": row.joined_at,
    }
