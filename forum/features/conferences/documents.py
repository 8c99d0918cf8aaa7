"""Small, pure builders: conferences's read-model rows to the API's JSON documents."""

from __future__ import annotations

from typing import Any

from forum.features.conferences.queries import ConferenceSummary


def conference_document(summary: ConferenceSummary, *, may_post: bool,
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
