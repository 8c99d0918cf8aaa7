"""The commands of replies from the fediverse: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command

# Built by federation/inbound/receive.py from verified activities; ``html`` is already cleaned.


@dataclass(frozen=True)
class ReceiveRemoteReply(Command):
    thread_id: str
    parent_post_id: str
    actor_uri: str
    actor_name: str
    actor_handle: str
    actor_avatar: str
    actor_url: str
    object_id: str
    object_url: str
    html: str


@dataclass(frozen=True)
class EditRemoteReply(Command):
    thread_id: str
    object_id: str
    actor_uri: str
    html: str


@dataclass(frozen=True)
class DeleteRemoteReply(Command):
    thread_id: str
    object_id: str
    actor_uri: str


@dataclass(frozen=True)
class SetFederationPolicy(Command):
    conference_id: str
    policy: str


@dataclass(frozen=True)
class SetFederationStyle(Command):
    conference_id: str
    style: str


@dataclass(frozen=True)
class BlockDomain(Command):
    domain: str
    reason: str = ""


@dataclass(frozen=True)
class UnblockDomain(Command):
    domain: str
