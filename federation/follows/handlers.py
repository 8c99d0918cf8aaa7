"""Handlers for fediverse followers: request (from the inbox), accept, reject, undo, policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from federation.follows import model as follow
from federation.follows.commands import (
    AcceptFollow,
    RejectFollow,
    RequestFollow,
    SetFollowPolicy,
    UndoFollow,
)
from federation.follows.model import FollowState
from forum.core.errors import NotFound
from forum.core.events import Event
from forum.core.handlers import Services, run
from forum.core.permissions import ANONYMOUS, Viewer, can_administer, can_moderate, can_read
from forum.features.conferences.queries import conference_access
from forum.features.members.handlers import SYSTEM  # the inbox speaks as the server
from forum.features.members.queries import get_member


def stream(local_actor: str) -> str:
    return f"follows-{local_actor}"


def _check_actor(svc: Services, actor: Viewer, local_actor: str) -> bool:
    """Whether ``local_actor`` may be followed now, and whether ``actor`` decides for it.

    Raises NotFound for anything that is not a public conference or an opted-in member."""
    kind, _, ident = local_actor.partition(":")
    with svc.engine.connect() as conn:
        if kind == "conference":
            access = conference_access(conn, ident)
            if access is not None and can_read(ANONYMOUS, access):
                return actor is SYSTEM or can_moderate(actor, access)
        elif kind == "member":
            row = get_member(conn, ident)
            if row is not None and row.active and row.fediverse:
                return actor is SYSTEM or actor.member_id == ident or can_administer(actor)
    raise NotFound("there is no such actor on this server")


def _on(svc: Services, actor: Viewer, local_actor: str,
        decide: Callable[[FollowState, bool], Sequence[Event]]) -> None:
    allowed = _check_actor(svc, actor, local_actor)
    run(svc, actor, stream(local_actor), follow.load, lambda state: decide(state, allowed))


def request_follow(svc: Services, actor: Viewer, command: RequestFollow) -> None:
    _on(svc, actor, command.local_actor, lambda s, _allowed: follow.request(s, command))


def accept_follow(svc: Services, actor: Viewer, command: AcceptFollow) -> None:
    _on(svc, actor, command.local_actor,
        lambda s, allowed: follow.accept(s, command, actor.member_id or "", allowed))


def reject_follow(svc: Services, actor: Viewer, command: RejectFollow) -> None:
    _on(svc, actor, command.local_actor,
        lambda s, allowed: follow.reject(s, command, actor.member_id or "", allowed))


def undo_follow(svc: Services, actor: Viewer, command: UndoFollow) -> None:
    """The follower left; allowed even after the actor stopped federating."""
    run(svc, actor, stream(command.local_actor), follow.load,
        lambda s: follow.undo(s, command))


def set_follow_policy(svc: Services, actor: Viewer, command: SetFollowPolicy) -> None:
    _on(svc, actor, command.local_actor,
        lambda s, allowed: follow.set_policy(s, command, actor.member_id or "", allowed))
