"""The commands of notifications: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class SetWatchLevel(Command):
    target: str  # conference, thread or room
    target_id: str
    level: str  # watching, normal or muted


@dataclass(frozen=True)
class MarkNotificationsRead(Command):
    """One notification (its ``position``), or all of them (None)."""

    position: int | None = None
