"""Who follows one of our actors from the fediverse: pure rules, no IO.

A request is accepted at once under the ``automatic`` policy (the default) and
waits for a moderator under ``moderated``. Mastodon sends Follow again when it
never saw an Accept, so a repeated Follow of a follower is accepted again (the
Accept is sent again) rather than refused; a repeated pending one changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from forum import commands as cmd
from forum import events as ev
from forum.errors import Forbidden, InvalidInput, NotFound

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


def evolve(state: FollowState, event: ev.Event) -> FollowState:
    state.version += 1
    match event:
        case ev.FollowRequested():
            state.followers[event.remote_actor] = Follower(event.follow_id, PENDING)
        case ev.FollowAccepted():
            state.followers[event.remote_actor] = Follower(event.follow_id, ACCEPTED)
        case ev.FollowRejected() | ev.FollowUndone():
            state.followers.pop(event.remote_actor, None)
        case ev.FollowPolicySet():
            state.policy = event.policy
    return state


def load(history: Iterable[ev.Event]) -> FollowState:
    state = FollowState()
    for event in history:
        evolve(state, event)
    return state


def request(state: FollowState, command: cmd.RequestFollow) -> Sequence[ev.Event]:
    found = state.followers.get(command.remote_actor)
    accept = ev.FollowAccepted(command.local_actor, command.remote_actor, command.follow_id, "")
    if found is not None and found.state == ACCEPTED:
        return [accept]  # they did not get our Accept: send it again
    if found is not None and found.follow_id == command.follow_id:
        return []
    requested = ev.FollowRequested(
        command.local_actor, command.remote_actor, command.follow_id, command.inbox,
        command.shared_inbox, command.acct, command.name)
    return [requested, accept] if state.policy == "automatic" else [requested]


def _pending(state: FollowState, remote_actor: str) -> Follower:
    found = state.followers.get(remote_actor)
    if found is None:
        raise NotFound("no such follow request")
    return found


def accept(state: FollowState, command: cmd.AcceptFollow, by: str,
           allowed: bool) -> Sequence[ev.Event]:
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    found = _pending(state, command.remote_actor)
    if found.state == ACCEPTED:
        return []
    return [ev.FollowAccepted(command.local_actor, command.remote_actor, found.follow_id, by)]


def reject(state: FollowState, command: cmd.RejectFollow, by: str,
           allowed: bool) -> Sequence[ev.Event]:
    """Turns a request down, or removes a follower."""
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    found = _pending(state, command.remote_actor)
    return [ev.FollowRejected(command.local_actor, command.remote_actor, found.follow_id, by)]


def undo(state: FollowState, command: cmd.UndoFollow) -> Sequence[ev.Event]:
    found = state.followers.get(command.remote_actor)
    if found is None:
        return []
    return [ev.FollowUndone(command.local_actor, command.remote_actor, found.follow_id)]


def set_policy(state: FollowState, command: cmd.SetFollowPolicy, by: str,
               allowed: bool) -> Sequence[ev.Event]:
    if not allowed:
        raise Forbidden("only its moderators decide who follows this actor")
    if command.policy not in POLICIES:
        raise InvalidInput(f"policy must be one of {', '.join(POLICIES)}", field="policy")
    if command.policy == state.policy:
        return []
    return [ev.FollowPolicySet(command.local_actor, command.policy, by)]
