"""The events of kudos and "today I learned": frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class KudosGiven(Event):
    """Recognition for a post or a talk (``target``), to its author or speaker.
    ``thread_id``/``post_id`` say where to read it (a talk: its discussion)."""

    target: str
    target_id: str
    member_id: str
    to_member_id: str
    note: str
    thread_id: str
    post_id: str


@event
@dataclass(frozen=True)
class KudosWithdrawn(Event):
    target: str
    target_id: str
    member_id: str


@event
@dataclass(frozen=True)
class TilConferenceChosen(Event):
    """The conference that holds "today I learned" posts."""

    conference_id: str
    by: str
