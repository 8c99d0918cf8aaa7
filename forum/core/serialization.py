"""Events to rows and back, with upcasters for old schema versions.

An upcaster turns the stored ``data`` of one (type, version) into the next
version's shape. They run on read, so the log itself is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import orjson

from forum.core.events import EVENT_TYPES, Event

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
    """Compact JSON text (orjson: UTF-8 kept as is, several times faster than json)."""
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def encode(event: Event) -> tuple[str, int, str]:
    """The stored (type, schema_version, data) of an event."""
    # An event's fields are plain JSON types (tuples encode as arrays).
    return event.type, event.schema_version, orjson.dumps(event.__dict__).decode()


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _tuple_fields(cls: type[Event]) -> tuple[str, ...]:
    """The fields stored as JSON arrays that the dataclass holds as tuples."""
    return tuple(f.name for f in fields(cls) if str(f.type).startswith("tuple"))


Decoder = Callable[[Data], Event]


def _decoder(event_type: str, schema_version: int) -> Decoder:
    """How to turn the stored data of one (type, version) into its event.

    Worked out once per pair and kept: a replay decodes millions of events of a
    few dozen kinds, so the common case is a bare ``cls(**payload)``.
    """
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        # Each feature registers its events when imported; a process that reads the
        # log must import them all first (forum.features.register_events; the
        # backend does).
        raise LookupError(f"unknown event type {event_type!r}: are the features' events "
                          "registered (forum.features.register_events)?")
    steps = [UPCASTERS[(event_type, v)] for v in range(schema_version, cls.schema_version)]
    tuple_fields = _tuple_fields(cls)
    if not steps and not tuple_fields:
        return lambda payload: cls(**payload)

    def decode_slowly(payload: Data) -> Event:
        for step in steps:
            payload = step(payload)
        for name in tuple_fields:
            if name in payload:
                payload[name] = _tuples(payload[name])
        return cls(**payload)

    return decode_slowly


_DECODERS: dict[tuple[str, int], Decoder] = {}


def decode(event_type: str, schema_version: int, data: str | Data) -> Event:
    """Rebuild an event from its stored form, upcasting old versions first."""
    decoder = _DECODERS.get((event_type, schema_version))
    if decoder is None:
        decoder = _DECODERS[(event_type, schema_version)] = _decoder(event_type, schema_version)
    return decoder(orjson.loads(data) if isinstance(data, str) else dict(data))
