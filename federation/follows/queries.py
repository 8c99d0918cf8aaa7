"""Who follows our actors from the fediverse: the followers collections, where to deliver,
and each actor's follow policy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from federation.follows.tables import follow_policies, followers

COLLECTION_ITEMS = 200


def list_followers(conn: Connection, actor: str, state: str = "accepted",
                   limit: int = COLLECTION_ITEMS) -> list[Any]:
    return list(conn.execute(
        select(followers).where(followers.c.local_actor == actor, followers.c.state == state)
        .order_by(followers.c.requested_at, followers.c.remote_actor).limit(limit)).all())


def count_followers(conn: Connection, actor: str) -> int:
    return int(conn.execute(select(func.count()).select_from(followers).where(
        followers.c.local_actor == actor, followers.c.state == "accepted")).scalar() or 0)


def delivery_inboxes(conn: Connection, actors: list[str], before: int) -> list[str]:
    """Where to deliver what happened at log position ``before`` to the followers of
    ``actors`` (those who followed by then): one shared inbox per server."""
    rows = conn.execute(select(followers.c.inbox, followers.c.shared_inbox).where(
        followers.c.local_actor.in_(actors), followers.c.state == "accepted",
        followers.c.accepted_position < before)).all()
    return sorted({row.shared_inbox or row.inbox for row in rows})


def get_policy(conn: Connection, actor: str) -> str:
    value = conn.execute(select(follow_policies.c.policy).where(
        follow_policies.c.local_actor == actor)).scalar()
    return str(value) if value else "automatic"
