"""Read side of replies from the fediverse: policies, the block list, remote posts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, func, select

from federation.inbound.model import DEFAULT_POLICY, DEFAULT_STYLE, HELD_BY
from federation.inbound.projection import object_digest
from federation.inbound.tables import (
    blocked_domains,
    federation_policies,
    federation_styles,
    remote_authors,
    remote_posts,
)
from forum.core.rows import DbRow
from forum.features.conferences.tables import conferences
from forum.features.threads.tables import posts, threads


def get_policy(conn: Connection, conference_id: str) -> str:
    found = conn.execute(select(federation_policies.c.policy).where(
        federation_policies.c.conference_id == conference_id)).scalar()
    return str(found) if found else DEFAULT_POLICY


def get_style(conn: Connection, conference_id: str) -> str:
    """``article`` or ``note``: what the conference's thread starters are on the fediverse."""
    found = conn.execute(select(federation_styles.c.style).where(
        federation_styles.c.conference_id == conference_id)).scalar()
    return str(found) if found else DEFAULT_STYLE


def list_blocked_domains(conn: Connection) -> list[str]:
    return list(conn.execute(select(blocked_domains.c.domain)
                             .order_by(blocked_domains.c.domain)).scalars())


def list_blocks(conn: Connection) -> Sequence[DbRow]:
    return conn.execute(select(blocked_domains).order_by(blocked_domains.c.domain)).all()


def author_has_shown_posts(conn: Connection, author_id: str, conference_id: str) -> bool:
    """Whether a moderator let (or the policy let) one of this author's replies in here."""
    found = conn.execute(
        select(func.count()).select_from(posts)
        .join(threads, threads.c.id == posts.c.thread_id)
        .where(posts.c.author_id == author_id, threads.c.conference_id == conference_id,
               posts.c.hidden_by.is_(None) | (posts.c.hidden_by != HELD_BY),
               posts.c.deleted_by.is_(None))).scalar()
    return bool(found)


def get_remote_post(conn: Connection, object_id: str) -> DbRow | None:
    """The post a fediverse object became here (its thread and author), if any."""
    return conn.execute(select(remote_posts).where(
        remote_posts.c.object_digest == object_digest(object_id))).first()


def list_remote_posts_by(conn: Connection, author_id: str) -> Sequence[DbRow]:
    """Every reply a remote actor sent here (removed ones too), oldest first."""
    return conn.execute(select(remote_posts).join(posts, posts.c.id == remote_posts.c.post_id)
                        .where(remote_posts.c.author_id == author_id)
                        .order_by(posts.c.position)).all()


def list_held_replies(conn: Connection, conference_ids: Iterable[str]) -> Sequence[DbRow]:
    """Replies from outside waiting for a moderator, in the given conferences, oldest first."""
    return conn.execute(
        select(posts.c.id, posts.c.seq, posts.c.html, posts.c.created_at, posts.c.thread_id,
               threads.c.subject, conferences.c.name.label("conference_name"),
               remote_authors.c.name.label("author_name"),
               remote_authors.c.handle.label("author_handle"))
        .join(threads, threads.c.id == posts.c.thread_id)
        .join(conferences, conferences.c.id == threads.c.conference_id)
        .join(remote_authors, remote_authors.c.id == posts.c.author_id)
        .where(posts.c.hidden_by == HELD_BY, posts.c.deleted_by.is_(None),
               threads.c.conference_id.in_(list(conference_ids)))
        .order_by(posts.c.created_at)).all()


