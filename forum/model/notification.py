"""What a member may say about their own notifications: pure rules, no IO."""

from __future__ import annotations

from forum import commands as cmd
from forum import events as ev
from forum.errors import Forbidden, InvalidInput, NotFound

LEVELS = ("watching", "normal", "muted")
TARGETS = ("conference", "thread", "room")


def _member(member_id: str | None) -> str:
    if member_id is None:
        raise Forbidden("sign in to choose what you hear about")
    return member_id


def set_watch_level(command: cmd.SetWatchLevel, member_id: str | None, current: str,
                    readable: bool) -> list[ev.Event]:
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
    return [ev.WatchLevelSet(member, command.target, command.target_id, command.level)]


def mark_read(member_id: str | None, position: int | None, newest: int,
              unread: set[int]) -> list[ev.Event]:
    """One notification (it must be the member's and unread) or all up to ``newest``."""
    member = _member(member_id)
    if position is None:
        return [ev.NotificationsRead(member, up_to=newest)] if unread else []
    if position not in unread:
        return []
    return [ev.NotificationsRead(member, position=position)]
