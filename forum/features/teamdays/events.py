"""The events of team-together days: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class TeamDayCreated(Event):
    """A day of parallel sessions in a conference, whose list it follows."""

    day_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    day: str  # ISO date
    timezone: str
    created_by: str


@event
@dataclass(frozen=True)
class SessionAdded(Event):
    """A session of the day; its follow-up thread is started with it."""

    day_id: str
    session_id: str
    title: str
    description: str
    host_id: str
    room: str
    starts_at: str
    ends_at: str
    level: str
    capacity: int
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class SessionJoined(Event):
    day_id: str
    session_id: str
    member_id: str


@event
@dataclass(frozen=True)
class SessionLeft(Event):
    day_id: str
    session_id: str
    member_id: str


@event
@dataclass(frozen=True)
class FollowUpPlanned(Event):
    """A follow-up session is planned: this session links to that one."""

    day_id: str
    session_id: str
    next_day_id: str
    next_session_id: str
    by: str
