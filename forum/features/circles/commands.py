"""The commands of study circles: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class StartCircle(Command):
    """``visibility`` internal or private; ``join`` open or approval (internal circles;
    a private circle's organisers add its members)."""

    slug: str
    name: str
    description: str = ""
    cadence: str = ""
    visibility: str = "internal"
    join: str = "approval"


@dataclass(frozen=True)
class JoinCircle(Command):
    """Join an open circle, or ask to join one whose organisers approve."""

    circle_id: str
    note: str = ""


@dataclass(frozen=True)
class AnswerJoinRequest(Command):
    circle_id: str
    member_id: str
    approve: bool


@dataclass(frozen=True)
class AddCircleMember(Command):
    circle_id: str
    member_id: str


@dataclass(frozen=True)
class LeaveCircle(Command):
    """Leave (no ``member_id``), or an organiser takes a member off."""

    circle_id: str
    member_id: str | None = None


@dataclass(frozen=True)
class NameCircleOrganiser(Command):
    circle_id: str
    member_id: str


@dataclass(frozen=True)
class ChangeCircleCadence(Command):
    circle_id: str
    cadence: str


@dataclass(frozen=True)
class SetReadingList(Command):
    """The whole list, in order: (title, link) pairs; ``expected_revision`` guards edits."""

    circle_id: str
    items: tuple[tuple[str, str], ...]
    expected_revision: int | None = None


@dataclass(frozen=True)
class RecordCircleSession(Command):
    circle_id: str
    held_on: str
    title: str
    notes: str


@dataclass(frozen=True)
class ArchiveCircle(Command):
    circle_id: str
