"""The events of reading: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class ThreadRead(Event):
    """The member's read marker on a thread moved to ``up_to_seq``.

    ``from_seq`` is where it stood before, so "who read post N, and when" is
    every event with ``from_seq < N <= up_to_seq``.
    """

    member_id: str
    thread_id: str
    from_seq: int
    up_to_seq: int
