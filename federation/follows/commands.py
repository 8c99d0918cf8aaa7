"""The commands of the fediverse's followers: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class RequestFollow(Command):
    local_actor: str  # conference:<id> or member:<id>
    remote_actor: str
    follow_id: str
    inbox: str
    shared_inbox: str | None
    acct: str
    name: str


@dataclass(frozen=True)
class AcceptFollow(Command):
    local_actor: str
    remote_actor: str


@dataclass(frozen=True)
class RejectFollow(Command):
    local_actor: str
    remote_actor: str


@dataclass(frozen=True)
class UndoFollow(Command):
    local_actor: str
    remote_actor: str
    follow_id: str


@dataclass(frozen=True)
class SetFollowPolicy(Command):
    local_actor: str
    policy: str
