"""The audit log: moderation and administration, read straight from the event log."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text

from forum.core import serialization
from forum.core.db import events
from forum.core.events import MODERATION_EVENTS
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.rooms.tables import messages, rooms
from forum.features.threads.tables import threads

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
        "RoomRenamed": ("renamed a room", f"to {getattr(event, 'name', '')}"),
        "RoomArchived": ("archived a room", ""),
        "RoomUnarchived": ("unarchived a room", ""),
        "RoomLeft": ("removed someone from a room", ""),
        "MessageDeleted": ("deleted a message", ""),
        "MessagesMoved": ("moved messages to a thread",
                          f"{len(getattr(event, 'message_ids', ()))} messages"),
    }
    return words.get(name, (name, ""))


def list_audit_entries(
    conn: Connection, moderated: Collection[str], *, admin: bool = False,
    before: int | None = None, moderated_rooms: Collection[str] = (),
) -> tuple[list[AuditEntry], int | None]:
    """Newest first: what the viewer moderates (and member changes, for admins).

    Room entries show for the rooms in ``moderated_rooms``; leaving a room of
    one's own accord, or deleting one's own message, is not moderation.

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
    room_names = dict(conn.execute(select(rooms.c.id, rooms.c.name)).all())
    entries: list[AuditEntry] = []
    for position, type_, version, data, meta, occurred_at in rows:
        event = serialization.decode(type_, version, data)
        actor_id = json.loads(meta).get("actor")
        room_id = getattr(event, "room_id", None)
        if room_id is not None:
            if room_id not in moderated_rooms or _own_doing(conn, event, actor_id):
                continue
            action, detail = _describe(event)
            entries.append(AuditEntry(
                position, occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC),
                handles.get(actor_id, "system"), action, detail,
                getattr(event, "thread_id", None), room_names.get(room_id)))
            if len(entries) == PAGE:
                return entries, position
            continue
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


def _own_doing(conn: Connection, event: Any, actor_id: str | None) -> bool:
    """A member leaving by themselves, or deleting what they wrote."""
    if type(event).__name__ == "RoomLeft":
        return bool(event.member_id == actor_id)
    if type(event).__name__ == "MessageDeleted":
        author = conn.execute(select(messages.c.author_id)
                              .where(messages.c.id == event.message_id)).scalar()
        return bool(author == actor_id)
    return False
