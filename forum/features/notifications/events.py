"""The events of notifications: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class WatchLevelSet(Event):
    """How much a member hears of a conference, thread or room:
    ``watching`` (everything new), ``normal`` (mentions, replies to them,
    direct messages) or ``muted`` (nothing)."""

    member_id: str
    target: str
    target_id: str
    level: str


@event
@dataclass(frozen=True)
class NotificationsRead(Event):
    """The member read one notification (``position``) or all up to ``up_to``."""

    member_id: str
    position: int | None = None
    up_to: int | None = None
