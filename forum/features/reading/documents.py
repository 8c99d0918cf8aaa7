"""Small, pure builders: reading's read-model rows to the API's JSON documents."""

from __future__ import annotations

from typing import Any

from forum.core.rows import DbRow


def marker_document(thread_row: DbRow, up_to_seq: int, unread: int) -> dict[str, Any]:
    return {"thread_id": thread_row.id, "up_to_seq": up_to_seq,
            "last_seq": thread_row.last_seq, "unread": unread}
