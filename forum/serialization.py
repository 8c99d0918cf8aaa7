"""Events to rows and back, with upcasters for old schema versions.

An upcaster turns the stored ``data`` of one (type, version) into the next
version's shape. They run on read, so the log itself is never rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
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


# We write this JSON ourselves (no surrounding white space), so the public
# raw_decode is enough, without json.loads' wrapper and white-space scans.
_DECODER = json.JSONDecoder()
# One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def encode(event: Event) -> tuple[str, int, str]:
    """The stored (type, schema_version, data) of an event."""
    # An event's fields are plain JSON types (tuples encode as arrays).
    return event.type, event.schema_version, _ENCODER.encode(event.__dict__)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


_TUPLE_FIELDS: dict[str, tuple[str, ...]] = {}


def _tuple_fields(cls: type[Event]) -> tuple[str, ...]:
    """The fields stored as JSON arrays that the dataclass holds as tuples."""
    names = _TUPLE_FIELDS.get(cls.type)
    if names is None:
        names = tuple(f.name for f in fields(cls) if str(f.type).startswith("tuple"))
        _TUPLE_FIELDS[cls.type] = names
    return names


def decode(event_type: str, schema_version: int, data: str | Data) -> Event:
    """Rebuild an event from its stored form, upcasting old versions first."""
    cls = EVENT_TYPES[event_type]
    payload: Data = _DECODER.raw_decode(data)[0] if isinstance(data, str) else dict(data)
    version = schema_version
    while version < cls.schema_version:
        payload = UPCASTERS[(event_type, version)](payload)
        version += 1
    for name in _tuple_fields(cls):
        if name in payload:
            payload[name] = _tuples(payload[name])
    return cls(**payload)
