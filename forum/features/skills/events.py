"""The events of who knows what and mentoring: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class SkillsListed(Event):
    """A member's skills, as they typed them: what they can teach, what they want to learn.

    Each list replaces the one before; the directory keys a skill by its
    normalised form (:func:`forum.model.skills.skill_key`)."""

    member_id: str
    can_teach: tuple[str, ...]
    want_to_learn: tuple[str, ...]


@event
@dataclass(frozen=True)
class MentoringOffered(Event):
    """A member offers to mentor someone in a skill, with a short note."""

    mentoring_id: str
    member_id: str
    skill: str
    note: str


@event
@dataclass(frozen=True)
class MentoringAsked(Event):
    """A member asks for a mentor in a skill, with a short note."""

    mentoring_id: str
    member_id: str
    skill: str
    note: str


@event
@dataclass(frozen=True)
class MentoringWithdrawn(Event):
    mentoring_id: str
    member_id: str
