"""The commands of members: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class RegisterMember(Command):
    handle: str
    display_name: str
    email: str
    password: str
    role: str = "staff"


@dataclass(frozen=True)
class IssueInvitation(Command):
    role: str = "staff"
    note: str = ""


@dataclass(frozen=True)
class AcceptInvitation(Command):
    token: str
    handle: str
    display_name: str
    email: str
    password: str


@dataclass(frozen=True)
class ChangeMemberRole(Command):
    member_id: str
    role: str


@dataclass(frozen=True)
class DeactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class ReactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class UpdateProfile(Command):
    display_name: str
    bio: str = ""
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    can_teach: tuple[str, ...] = ()
    share_read_history: bool = True


@dataclass(frozen=True)
class SetFediverseProfile(Command):
    enabled: bool


@dataclass(frozen=True)
class ChangePassword(Command):
    current_password: str
    new_password: str


@dataclass(frozen=True)
class IssueApiToken(Command):
    name: str


@dataclass(frozen=True)
class RevokeApiToken(Command):
    token_id: str
