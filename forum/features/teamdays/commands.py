"""The commands of team-together days: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class CreateTeamDay(Command):
    conference_id: str
    slug: str
    name: str
    day: str
    description: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True)
class AddSession(Command):
    """``starts``/``ends`` are HH:MM on the day, in its time zone; ``host_id`` the host."""

    day_id: str
    title: str
    host_id: str
    room: str
    starts: str
    ends: str
    level: str
    capacity: int
    description: str = ""


@dataclass(frozen=True)
class JoinSession(Command):
    day_id: str
    session_id: str


@dataclass(frozen=True)
class LeaveSession(Command):
    day_id: str
    session_id: str


@dataclass(frozen=True)
class PlanFollowUp(Command):
    day_id: str
    session_id: str
    next_day_id: str
    next_session_id: str
