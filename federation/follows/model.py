"""Who follows one of our actors from the fediverse: pure rules, no IO.

A request is accepted at once under the ``automatic`` policy (the default) and
waits for a moderator under ``moderated``. Mastodon sends Follow again when it
never saw an Accept, so a repeated Follow of a follower is accepted again (the
Accept is sent again) rather than refused; a repeated pending one changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from federation.follows.commands import (
    AcceptFollow,
    RejectFollow,
    RequestFollow,
    SetFollowPolicy,
    UndoFollow,
)
from federation.follows.events import (
    FollowAccepted,
    FollowPolicySet,
    FollowRejected,
    FollowRequested,
    FollowUndone,
)
from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.core.events import Event

POLICIES = ("automatic", "moderated")
PENDING, ACCEPTED = "pending", "accepted"


@dataclass
class Follower:
    follow_id: str
    state: str


@dataclass
class FollowState:
    policy: str = "automatic"
    followers: dict[str, Follower] = field(default_factory=dict)
    version: int = 0


def evolve(state: FollowState, event: Event) -> FollowState:
    state.version += 1
    match event:
        case FollowRequested():
            state.followers[event.remote_actor] = Follower(event.follow_id, PENDING)
        case FollowAccepted():
            state.followers[event.remote_actor] = Follower(event.follow_id, ACCEPTED)
        case FollowRejected() | FollowUndone():
            state.followers.pop(event.remote_actor, None)
        case FollowPolicySet():
            state.policy = event.policy
    return state


def load(history: Iterable[Event]) -> FollowState:
    state = FollowState()
    for event in history:
        evolve(state, event)
    return state


def request(state: FollowState, command: RequestFollow) -> Sequence[Event]:
    found = state.followers.get(command.remote_actor)
    accept = FollowAccepted(command.local_actor, command.remote_actor, command.follow_id, "")
    if found is not None and found.state == ACCEPTED:
        return [accept]  # they did not get our Accept: send it again
    if found is not None and found.follow_id == command.follow_id:
        return []
    requested = FollowRequested(
        command.local_actor, command.remote_actor, command.follow_id, command.inbox,
        command.shared_inbox, command.acct, command.name)
    return [requested, accept] if state.policy == "automatic" else [requested]


def _pending(state: FollowState, remote_actor: str) -> Follower:
    found = state.followers.get(remote_actor)
    if found is None:
        raise NotFound("no such follow request")
    return found


def accept(state: FollowState, command: AcceptFollow, by: str,
           allowed: bool) -> Sequence[Event]:
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    found = _pending(state, command.remote_actor)
    if found.state == ACCEPTED:
        return []
    return [FollowAccepted(command.local_actor, command.remote_actor, found.follow_id, by)]


def reject(state: FollowState, command: RejectFollow, by: str,
           allowed: bool) -> Sequence[Event]:
    """Turns a request down, or removes a follower."""
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    found = _pending(state, command.remote_actor)
    return [FollowRejected(command.local_actor, command.remote_actor, found.follow_id, by)]


def undo(state: FollowState, command: UndoFollow) -> Sequence[Event]:
    found = state.followers.get(command.remote_actor)
    if found is None:
        return []
    return [FollowUndone(command.local_actor, command.remote_actor, found.follow_id)]


def set_policy(state: FollowState, command: SetFollowPolicy, by: str,
               allowed: bool) -> Sequence[Event]:
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    if command.policy not in POLICIES:
        raise InvalidInput(f"policy must be one of {', '.join(POLICIES)}", field="policy")
    if command.policy == state.policy:
        return []
    return [FollowPolicySet(command.local_actor, command.policy, by)]
