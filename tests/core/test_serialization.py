"""Events to stored rows and back, and upcasting of old schema versions."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import fields
from typing import Any

import pytest

from forum.core import serialization
from forum.core.events import EVENT_TYPES, Event
from forum.features.conferences.events import ConferenceAclChanged
from forum.features.members.events import ProfileUpdated


def _sample(annotation: Any, name: str, *, none: bool) -> Any:
    """A value of the annotated type that a careless encoder would get wrong."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if none and len(args) < len(typing.get_args(annotation)):
            return None
        return _sample(args[0], name, none=none)
    if annotation is str:
        return f"{name}: «ünïcode» \"quotes\" \\ back\nslash ✓"
    if annotation is bool:
        return False  # every boolean field's non-obvious value
    if annotation is int:
        return 2**40 + 7
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_sample(args[0], f"{name}[{i}]", none=none) for i in range(3))
        return tuple(_sample(a, f"{name}[{i}]", none=none) for i, a in enumerate(args))
    raise AssertionError(f"no sample for {name}: {annotation!r}; teach this test the type")


def build(cls: type[Event], *, none: bool = False) -> Event:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _sample(hints[f.name], f.name, none=none) for f in fields(cls)})


ALL = sorted(EVENT_TYPES)


def test_every_event_class_is_registered_under_its_name() -> None:
    assert len(ALL) >= 24
    for name, cls in EVENT_TYPES.items():
        assert cls.type == name == cls.__name__
        assert cls.schema_version >= 1


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("none", [False, True], ids=["values", "optional-none"])
def test_encode_decode_round_trip(name: str, none: bool) -> None:
    event = build(EVENT_TYPES[name], none=none)
    event_type, schema_version, data = serialization.encode(event)
    assert (event_type, schema_version) == (name, EVENT_TYPES[name].schema_version)
    stored = json.loads(data)
    assert set(stored) == {f.name for f in fields(event)}
    decoded = serialization.decode(event_type, schema_version, data)
    assert decoded == event and type(decoded) is type(event)
    # The row's JSON column may also come back already parsed.
    assert serialization.decode(event_type, schema_version, stored) == event


@pytest.mark.parametrize("name", ALL)
def test_events_are_frozen(name: str) -> None:
    event = build(EVENT_TYPES[name])
    with pytest.raises(AttributeError):
        event.__setattr__(fields(event)[0].name, "changed")


@pytest.mark.parametrize("name", ALL)
def test_every_old_schema_version_has_an_upcaster(name: str) -> None:
    for version in range(1, EVENT_TYPES[name].schema_version):
        assert (name, version) in serialization.UPCASTERS, (name, version)


def test_a_stored_version_1_profile_shares_read_history() -> None:
    stored_v1 = json.dumps({
        "member_id": "m1", "display_name": "Sam", "bio": "hi", "skills": ["SQL"],
        "interests": [], "can_teach": ["Go", "Rust"],
    })
    assert serialization.decode("ProfileUpdated", 1, stored_v1) == ProfileUpdated(
        "m1", "Sam", "hi", ("SQL",), (), ("Go", "Rust"), True)


def test_a_current_profile_keeps_its_setting() -> None:
    event = ProfileUpdated("m1", "Sam", "", (), (), (), False)
    assert serialization.decode(*serialization.encode(event)) == event


def test_acl_entries_come_back_as_tuples_of_tuples() -> None:
    event = ConferenceAclChanged("c1", (("members", "reader"), ("role:staff", "moderator")),
                                    "ada")
    decoded = serialization.decode(*serialization.encode(event))
    assert decoded == event
    assert isinstance(decoded.entries, tuple)  # type: ignore[attr-defined]
    assert all(isinstance(e, tuple) for e in decoded.entries)  # type: ignore[attr-defined]
    hash(decoded)  # frozen events stay hashable after a round trip


def test_dumps_keeps_unicode_readable() -> None:
    assert serialization.dumps({"a": "é"}) == '{"a":"é"}'
