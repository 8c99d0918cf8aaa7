"""The events of conferences: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class ConferenceCreated(Event):
    conference_id: str
    slug: str
    name: str
    resume: str
    visibility: str
    parent_id: str | None
    created_by: str


@event
@dataclass(frozen=True)
class ConferenceUpdated(Event):
    conference_id: str
    name: str
    resume: str
    visibility: str
    updated_by: str


@event
@dataclass(frozen=True)
class ConferenceAclChanged(Event):
    """The whole ordered access list was replaced; the first match wins."""

    conference_id: str
    entries: tuple[tuple[str, str], ...]
    changed_by: str
