"""Fediverse followers of our actors and each actor's follow policy."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, update

from federation.follows.events import (
    FollowAccepted,
    FollowPolicySet,
    FollowRejected,
    FollowRequested,
    FollowUndone,
)
from federation.follows.tables import follow_policies, followers
from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection

projection = Projection("follows", [followers, follow_policies])


def _where(local_actor: str, remote_actor: str) -> ColumnElement[bool]:
    return and_(followers.c.local_actor == local_actor, followers.c.remote_actor == remote_actor)


@projection.on(FollowRequested)
def _requested(conn: Connection, rec: Recorded, e: FollowRequested) -> None:
    conn.execute(delete(followers).where(_where(e.local_actor, e.remote_actor)))
    conn.execute(insert(followers).values(
        local_actor=e.local_actor, remote_actor=e.remote_actor, follow_id=e.follow_id,
        state="pending", inbox=e.inbox, shared_inbox=e.shared_inbox, acct=e.acct,
        name=e.name, requested_at=rec.occurred_at))


@projection.on(FollowAccepted)
def _accepted(conn: Connection, rec: Recorded, e: FollowAccepted) -> None:
    conn.execute(update(followers).where(_where(e.local_actor, e.remote_actor)).values(
        state="accepted", follow_id=e.follow_id, decided_at=rec.occurred_at,
        decided_by=e.by or None, accepted_position=rec.position))


@projection.on(FollowRejected, FollowUndone)
def _gone(conn: Connection, rec: Recorded, e: FollowRejected | FollowUndone) -> None:
    conn.execute(delete(followers).where(_where(e.local_actor, e.remote_actor)))


@projection.on(FollowPolicySet)
def _policy(conn: Connection, rec: Recorded, e: FollowPolicySet) -> None:
    conn.execute(delete(follow_policies).where(follow_policies.c.local_actor == e.local_actor))
    conn.execute(insert(follow_policies).values(local_actor=e.local_actor, policy=e.policy,
                                                set_by=e.by))
