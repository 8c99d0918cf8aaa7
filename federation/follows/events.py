"""The events of the fediverse's followers: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event

#
# One stream per local actor (``follows-conference:<id>``, ``follows-member:<id>``):
# the remote actors that asked to follow it, what became of each request, and the
# actor's policy (accept automatically, or a moderator decides).


@event
@dataclass(frozen=True)
class FollowRequested(Event):
    """A remote actor sent Follow; it waits for a decision unless the policy is automatic."""

    local_actor: str
    remote_actor: str
    follow_id: str
    inbox: str
    shared_inbox: str | None
    acct: str
    name: str


@event
@dataclass(frozen=True)
class FollowAccepted(Event):
    """The remote actor follows now (``by`` is empty when the policy accepted it)."""

    local_actor: str
    remote_actor: str
    follow_id: str
    by: str


@event
@dataclass(frozen=True)
class FollowRejected(Event):
    """A request turned down, or a follower removed."""

    local_actor: str
    remote_actor: str
    follow_id: str
    by: str


@event
@dataclass(frozen=True)
class FollowUndone(Event):
    """The remote actor sent Undo(Follow): it follows no longer."""

    local_actor: str
    remote_actor: str
    follow_id: str


@event
@dataclass(frozen=True)
class FollowPolicySet(Event):
    local_actor: str
    policy: str  # automatic, moderated
    by: str
