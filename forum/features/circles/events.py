"""The events of study circles: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class CircleStarted(Event):
    """A study circle, with its own conference (``conference_id``), started in the same
    transaction; its starter is its first organiser. ``join`` is ``open`` or
    ``approval`` (an internal circle) or ``invitation`` (a private one)."""

    circle_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    cadence: str
    visibility: str
    join: str
    started_by: str


@event
@dataclass(frozen=True)
class CircleJoinRequested(Event):
    circle_id: str
    member_id: str
    note: str


@event
@dataclass(frozen=True)
class CircleJoinDeclined(Event):
    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleJoined(Event):
    """A member is in: by themselves (open join), approved or added by an organiser."""

    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleLeft(Event):
    """A member left (``by`` themselves) or an organiser took them off the circle."""

    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleOrganiserNamed(Event):
    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleCadenceChanged(Event):
    """How often it meets: words ("every other Tuesday") or an iCalendar rule."""

    circle_id: str
    cadence: str
    by: str


@event
@dataclass(frozen=True)
class CircleReadingListChanged(Event):
    """The whole ordered reading list was replaced: (title, link) pairs."""

    circle_id: str
    items: tuple[tuple[str, str], ...]
    revision: int
    by: str


@event
@dataclass(frozen=True)
class CircleSessionHeld(Event):
    """A session's notes: a thread in the circle's conference, started with this event."""

    circle_id: str
    session_id: str
    held_on: str  # ISO date
    title: str
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleArchived(Event):
    """The circle ended: its conference becomes read-only, its notes stay readable."""

    circle_id: str
    by: str
