"""What a member may say about their own notifications: pure rules, no IO."""

from __future__ import annotations

from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.features.notifications.commands import SetWatchLevel
from forum.features.notifications.events import NotificationsRead, WatchLevelSet

LEVELS = ("watching", "normal", "muted")
TARGETS = ("conference", "thread", "room")


def _member(member_id: str | None) -> str:
    if member_id is None:
        raise Forbidden("sign in to choose what you hear about")
    return member_id


def set_watch_level(command: SetWatchLevel, member_id: str | None, current: str,
                    readable: bool) -> list[Event]:
    """``current`` is the member's level now; ``readable``: may they read the place."""
    member = _member(member_id)
    if command.target not in TARGETS:
        raise InvalidInput("target must be one of " + ", ".join(TARGETS), field="target")
    if command.level not in LEVELS:
        raise InvalidInput("level must be one of " + ", ".join(LEVELS), field="level")
    if not readable:
        raise NotFound(f"no such {command.target}")
    if command.level == current:
        return []
    return [WatchLevelSet(member, command.target, command.target_id, command.level)]


def mark_read(member_id: str | None, position: int | None, newest: int,
              unread: set[int]) -> list[Event]:
    """One notification (it must be the member's and unread) or all up to ``newest``."""
    member = _member(member_id)
    if position is None:
        return [NotificationsRead(member, up_to=newest)] if unread else []
    if position not in unread:
        return []
    return [NotificationsRead(member, position=position)]
