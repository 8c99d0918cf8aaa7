"""The events of members: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from forum.core.events import Event, event


@event
@dataclass(frozen=True)
class MemberRegistered(Event):
    member_id: str
    handle: str
    display_name: str
    email: str
    role: str
    password_hash: str
    invited_by: str | None = None


@event
@dataclass(frozen=True)
class MemberRoleChanged(Event):
    member_id: str
    role: str
    changed_by: str


@event
@dataclass(frozen=True)
class MemberDeactivated(Event):
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class MemberReactivated(Event):
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class ProfileUpdated(Event):
    schema_version: ClassVar[int] = 2

    member_id: str
    display_name: str
    bio: str
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    can_teach: tuple[str, ...]
    share_read_history: bool


@event
@dataclass(frozen=True)
class FediverseProfileSet(Event):
    """The member chose whether the fediverse may find them (a ``Person`` actor,
    ``acct:handle@host``); nobody has one until they opt in."""

    member_id: str
    enabled: bool


@event
@dataclass(frozen=True)
class PasswordChanged(Event):
    member_id: str
    password_hash: str


@event
@dataclass(frozen=True)
class ApiTokenIssued(Event):
    member_id: str
    token_id: str
    name: str
    token_hash: str


@event
@dataclass(frozen=True)
class ApiTokenRevoked(Event):
    member_id: str
    token_id: str


@event
@dataclass(frozen=True)
class InvitationIssued(Event):
    invitation_id: str
    token_hash: str
    role: str
    invited_by: str
    note: str


@event
@dataclass(frozen=True)
class InvitationAccepted(Event):
    invitation_id: str
    member_id: str
