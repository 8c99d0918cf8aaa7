"""Handlers for what a member hears: watch levels and reading notifications.

Both are the member's own business, kept in their ``notify-<member>`` stream
and decided from the read models (the last writer wins).
"""

from __future__ import annotations

from forum.core.errors import Forbidden
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services
from forum.core.permissions import Viewer
from forum.features.notifications import model as notification
from forum.features.notifications.commands import MarkNotificationsRead, SetWatchLevel
from forum.features.notifications.queries import (
    get_watch_level,
    notification_positions,
    place_readable,
)


def _append(svc: Services, actor: Viewer, member_id: str, new_events: list[Event]) -> None:
    if new_events:
        svc.store.append_streams([StreamWrite(f"notify-{member_id}", new_events, None)],
                                 svc.meta(actor))


def set_watch_level(svc: Services, actor: Viewer, command: SetWatchLevel) -> None:
    member_id = actor.member_id if actor.signed_in else None
    with svc.engine.connect() as conn:
        current = get_watch_level(conn, member_id, command.target, command.target_id)
        readable = place_readable(conn, actor, command.target, command.target_id)
    new_events = notification.set_watch_level(command, member_id, current, readable)
    _append(svc, actor, member_id or "", list(new_events))


def mark_notifications_read(svc: Services, actor: Viewer,
                            command: MarkNotificationsRead) -> None:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to read your notifications")
    with svc.engine.connect() as conn:
        unread, newest = notification_positions(conn, actor.member_id)
    new_events = notification.mark_read(actor.member_id, command.position, newest, unread)
    _append(svc, actor, actor.member_id, list(new_events))
