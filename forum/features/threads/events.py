"""The events of threads and posts: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class ThreadStarted(Event):
    thread_id: str
    conference_id: str
    subject: str
    post_id: str
    author_id: str
    body: str


@event
@dataclass(frozen=True)
class ReplyPosted(Event):
    thread_id: str
    post_id: str
    seq: int
    parent_post_id: str
    author_id: str
    body: str


@event
@dataclass(frozen=True)
class PostEdited(Event):
    thread_id: str
    post_id: str
    revision: int
    body: str
    editor_id: str


@event
@dataclass(frozen=True)
class PostDeleted(Event):
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class PostHidden(Event):
    thread_id: str
    post_id: str
    reason: str
    by: str


@event
@dataclass(frozen=True)
class PostUnhidden(Event):
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadLocked(Event):
    thread_id: str
    by: str
    reason: str = ""


@event
@dataclass(frozen=True)
class ThreadUnlocked(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadPinned(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadUnpinned(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadMoved(Event):
    thread_id: str
    from_conference_id: str
    to_conference_id: str
    by: str
