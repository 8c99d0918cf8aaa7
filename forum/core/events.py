"""The base of every event and the registry of their stored type names.

Each feature declares its events in its own ``events`` module; the
``@event`` decorator records each under its class name, the name stored
in the log, which never changes when a class moves."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base of all events; ``type`` is the stable name stored in the log."""

    type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


EVENT_TYPES: dict[str, type[Event]] = {}


def event(cls: type[Event]) -> type[Event]:
    """Register an event class under its class name."""
    cls.type = cls.__name__
    EVENT_TYPES[cls.type] = cls
    return cls


MODERATION_EVENTS = frozenset(
    {
        "PostHidden",
        "PostUnhidden",
        "ThreadLocked",
        "ThreadUnlocked",
        "ThreadPinned",
        "ThreadUnpinned",
        "ThreadMoved",
        "PostDeleted",
        "ConferenceAclChanged",
        "ConferenceUpdated",
        "MemberRoleChanged",
        "MemberDeactivated",
        "MemberReactivated",
        "RoomRenamed",
        "RoomArchived",
        "RoomUnarchived",
        "RoomLeft",
        "MessageDeleted",
        "MessagesMoved",
    }
)
