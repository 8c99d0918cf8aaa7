"""The commands of reading: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class MarkThreadRead(Command):
    """Advance the read marker to ``up_to_seq`` (the whole thread when None)."""

    thread_id: str
    up_to_seq: int | None = None


@dataclass(frozen=True)
class MarkUnreadFrom(Command):
    thread_id: str
    seq: int


@dataclass(frozen=True)
class MarkConferenceRead(Command):
    conference_id: str
