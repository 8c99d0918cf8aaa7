"""Events to rows and back, with upcasters for old schema versions.

An upcaster turns the stored ``data`` of one (type, version) into the next
version's shape. They run on read, so the log itself is never rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from forum.events import EVENT_TYPES, Event

Data = dict[str, Any]
Upcaster = Callable[[Data], Data]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function taking ``event_type`` data from ``from_version`` to the next."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


@upcaster("ProfileUpdated", 1)
def _profile_v1_to_v2(data: Data) -> Data:
    # Version 1 profiles had no read-history setting; sharing was always on.
    return {**data, "share_read_history": True}


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode(event: Event) -> tuple[str, int, str]:
    """The stored (type, schema_version, data) of an event."""
    return event.type, event.schema_version, dumps(event.to_data())


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def decode(event_type: str, schema_version: int, data: str | Data) -> Event:
    """Rebuild an event from its stored form, upcasting old versions first."""
    cls = EVENT_TYPES[event_type]
    payload: Data = json.loads(data) if isinstance(data, str) else dict(data)
    version = schema_version
    while version < cls.schema_version:
        payload = UPCASTERS[(event_type, version)](payload)
        version += 1
    return cls(**{key: _tuples(value) if type(value) is list else value
                  for key, value in payload.items()})
