"""The read side of kudos and "today I learned": ``get_*`` and ``list_*``. Never writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from forum.core.permissions import Viewer, can_read
from forum.core.rows import DbRow
from forum.features.conferences.queries import conference_access
from forum.features.kudos.tables import kudos, learning_settings
from forum.features.members.tables import members
from forum.features.threads.tables import posts, threads


def get_til_conference(conn: Connection) -> str | None:
    return conn.execute(select(learning_settings.c.value)
                        .where(learning_settings.c.name == "til_conference")).scalar()


@dataclass
class KudosCount:
    count: int = 0
    givers: set[str] = field(default_factory=set)


def kudos_for(conn: Connection, target: str, target_ids: Iterable[str]
              ) -> dict[str, KudosCount]:
    """Per post or talk: how many kudos, and from whom (to show "you gave kudos")."""
    result: dict[str, KudosCount] = {}
    ids = list(target_ids)
    if not ids:
        return result
    rows = conn.execute(select(kudos.c.target_id, kudos.c.member_id)
                        .where(kudos.c.target == target, kudos.c.target_id.in_(ids)))
    for target_id, member_id in rows:
        found = result.setdefault(target_id, KudosCount())
        found.count += 1
        found.givers.add(member_id)
    return result


def list_kudos(conn: Connection, target: str, target_id: str) -> Sequence[DbRow]:
    """Who gave kudos to one post or talk, with their notes, oldest first."""
    return conn.execute(
        select(kudos, members.c.display_name, members.c.handle)
        .join(members, members.c.id == kudos.c.member_id)
        .where(kudos.c.target == target, kudos.c.target_id == target_id)
        .order_by(kudos.c.given_at)).all()


def list_tils(conn: Connection, viewer: Viewer, limit: int = 30) -> Sequence[DbRow]:
    """The newest TIL posts, if the viewer may read their conference."""
    conference_id = get_til_conference(conn)
    access = conference_access(conn, conference_id) if conference_id else None
    if access is None or not can_read(viewer, access):
        return []
    counts = (select(kudos.c.post_id, func.count().label("kudos"))
              .where(kudos.c.target == "post").group_by(kudos.c.post_id).subquery())
    return conn.execute(
        select(threads.c.id, threads.c.subject, threads.c.created_at,
               threads.c.post_count, posts.c.id.label("post_id"), posts.c.html,
               posts.c.author_id, members.c.display_name, members.c.handle,
               func.coalesce(counts.c.kudos, 0).label("kudos"))
        .join(posts, (posts.c.thread_id == threads.c.id) & (posts.c.seq == 1))
        .join(members, members.c.id == posts.c.author_id)
        .outerjoin(counts, counts.c.post_id == posts.c.id)
        .where(threads.c.conference_id == access.conference_id,
               posts.c.deleted_by.is_(None), posts.c.hidden_by.is_(None))
        .order_by(threads.c.created_at.desc()).limit(limit)).all()
