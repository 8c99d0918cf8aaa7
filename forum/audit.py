"""The audit log: moderation and administration, read straight from the event log."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text

from forum import serialization
from forum.db import events
from forum.events import MODERATION_EVENTS
from forum.projections.tables import conferences, members, threads

PAGE = 50
SCAN = 2000
# Spelled with literal values, exactly as the partial index ix_events_moderation
# is, so the database can use that index.
MODERATION_ONLY = text(
    "type IN (" + ", ".join(f"'{name}'" for name in sorted(MODERATION_EVENTS)) + ")")


@dataclass(frozen=True)
class AuditEntry:
    position: int
    occurred_at: datetime
    actor: str
    action: str
    detail: str
    thread_id: str | None
    conference_name: str | None


def _describe(event: Any) -> tuple[str, str]:
    name = type(event).__name__
    words = {
        "PostHidden": ("hid a post", f"reason: {getattr(event, 'reason', '')}"),
        "PostUnhidden": ("showed a hidden post again", ""),
        "PostDeleted": ("removed a post", ""),
        "ThreadLocked": ("locked a thread", getattr(event, "reason", "")),
        "ThreadUnlocked": ("unlocked a thread", ""),
        "ThreadPinned": ("pinned a thread", ""),
        "ThreadUnpinned": ("unpinned a thread", ""),
        "ThreadMoved": ("moved a thread", ""),
        "ConferenceAclChanged": ("changed the access list", ", ".join(
            f"{p} → {a}" for p, a in getattr(event, "entries", ()))),
        "ConferenceUpdated": ("changed the conference", getattr(event, "visibility", "")),
        "MemberRoleChanged": ("changed a member's role", f"to {getattr(event, 'role', '')}"),
        "MemberDeactivated": ("deactivated a member", ""),
        "MemberReactivated": ("reactivated a member", ""),
    }
    return words.get(name, (name, ""))


def list_audit_entries(
    conn: Connection, moderated: Collection[str], *, admin: bool = False,
    before: int | None = None,
) -> tuple[list[AuditEntry], int | None]:
    """Newest first: what the viewer moderates (and member changes, for admins).

    Returns the entries and the position to continue from (None at the start of the log).
    """
    query = (select(events.c.position, events.c.type, events.c.schema_version, events.c.data,
                    events.c.meta, events.c.occurred_at)
             .where(MODERATION_ONLY)
             .order_by(events.c.position.desc()).limit(SCAN))
    if before is not None:
        query = query.where(events.c.position < before)
    rows = conn.execute(query).all()
    thread_conf = dict(conn.execute(select(threads.c.id, threads.c.conference_id)).all())
    conf_names = dict(conn.execute(select(conferences.c.id, conferences.c.name)).all())
    handles = dict(conn.execute(select(members.c.id, members.c.handle)).all())
    entries: list[AuditEntry] = []
    for position, type_, version, data, meta, occurred_at in rows:
        event = serialization.decode(type_, version, data)
        thread_id = getattr(event, "thread_id", None)
        conference_id = getattr(event, "conference_id", None) or thread_conf.get(thread_id)
        if conference_id is None and not admin:
            continue
        if conference_id is not None and conference_id not in moderated:
            continue
        action, detail = _describe(event)
        actor = handles.get(json.loads(meta).get("actor"), "system")
        entries.append(AuditEntry(
            position, occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC),
            actor, action, detail, thread_id, conf_names.get(conference_id),
        ))
        if len(entries) == PAGE:
            return entries, position
    older = rows[-1][0] if len(rows) == SCAN else None
    return entries, older
