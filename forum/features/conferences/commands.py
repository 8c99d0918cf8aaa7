"""The commands of conferences: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class CreateConference(Command):
    slug: str
    name: str
    visibility: str
    resume: str = ""
    parent_id: str | None = None


@dataclass(frozen=True)
class UpdateConference(Command):
    conference_id: str
    name: str
    resume: str
    visibility: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SetConferenceAcl(Command):
    conference_id: str
    entries: tuple[tuple[str, str], ...]
    expected_version: int | None = None
