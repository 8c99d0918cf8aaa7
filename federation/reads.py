"""What federation reads: only what an anonymous visitor may read, through the one rule.

Every function here asks :func:`forum.permissions.can_read` for ``ANONYMOUS``
(or reads published articles, which are public by a reviewer's decision), so
nothing internal or private is ever turned into an ActivityPub document. The
documents of public posts and articles are read here too (built by
:mod:`federation.documents.local`), the same for the pages and the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from federation.documents import local
from federation.documents.actors import Site
from federation.inbound import queries as inbound_queries
from forum.core.permissions import ANONYMOUS, can_read
from forum.core.rows import DbRow
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import (
    access_from_row,
    get_conference,
    get_conference_by_slug,
    readable_ids,
)
from forum.features.members.queries import get_member_by_handle
from forum.features.members.tables import members
from forum.features.threads.queries import get_thread_in_conference
from forum.features.threads.tables import posts, threads

OUTBOX_ITEMS = 20
COLLECTION_ITEMS = 200


def public_conference_ids(conn: Connection) -> list[str]:
    return sorted(readable_ids(conn, ANONYMOUS))


def get_public_conference(conn: Connection, slug: str) -> DbRow | None:
    row = get_conference_by_slug(conn, slug)
    if row is None or not can_read(ANONYMOUS, access_from_row(row)):
        return None
    return row


def get_fediverse_member(conn: Connection, handle: str) -> DbRow | None:
    """A member who opted in to the fediverse and is active; None for everyone else."""
    row = get_member_by_handle(conn, handle)
    return row if row is not None and row.active and row.fediverse else None


_POST = (
    select(posts, threads.c.subject, threads.c.conference_id,
           members.c.handle.label("author_handle"),
           members.c.display_name.label("author_name"),
           (members.c.fediverse & members.c.active).label("author_federated"))
    .join(threads, threads.c.id == posts.c.thread_id)
    .join(members, members.c.id == posts.c.author_id)
)


def get_public_post(conn: Connection, post_id: str) -> tuple[DbRow, DbRow] | None:
    """A post (deleted and hidden ones too: the caller answers for them) and its
    conference, when that conference is public."""
    row = conn.execute(_POST.where(posts.c.id == post_id)).first()
    if row is None:
        return None
    conference = get_conference(conn, row.conference_id)
    if conference is None or not can_read(ANONYMOUS, access_from_row(conference)):
        return None
    return row, conference


def get_public_thread(conn: Connection, thread_id: str) -> tuple[DbRow, DbRow] | None:
    found = get_thread_in_conference(conn, thread_id)
    if found is None or not can_read(ANONYMOUS, access_from_row(found[1])):
        return None
    return found


def get_first_post_id(conn: Connection, thread_id: str) -> str | None:
    value = conn.execute(select(posts.c.id).where(posts.c.thread_id == thread_id,
                                                  posts.c.seq == 1)).scalar()
    return str(value) if value is not None else None


_SHOWN = and_(posts.c.deleted_by.is_(None), posts.c.hidden_by.is_(None))


def list_thread_post_ids(conn: Connection, thread_id: str) -> list[str]:
    return list(conn.execute(
        select(posts.c.id).where(posts.c.thread_id == thread_id, _SHOWN)
        .order_by(posts.c.seq).limit(COLLECTION_ITEMS)).scalars())


def list_reply_ids(conn: Connection, post_id: str) -> list[str]:
    return list(conn.execute(
        select(posts.c.id).where(posts.c.parent_id == post_id, _SHOWN)
        .order_by(posts.c.seq).limit(COLLECTION_ITEMS)).scalars())


def list_group_posts(conn: Connection, conference_id: str) -> Sequence[DbRow]:
    """The newest threads' opening posts of a public conference, for its outbox."""
    return conn.execute(
        _POST.where(threads.c.conference_id == conference_id, posts.c.seq == 1, _SHOWN)
        .order_by(posts.c.position.desc()).limit(OUTBOX_ITEMS)).all()


def count_group_posts(conn: Connection, conference_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(
        posts.join(threads, threads.c.id == posts.c.thread_id)).where(
        threads.c.conference_id == conference_id, posts.c.seq == 1, _SHOWN)).scalar() or 0)


def list_member_public_posts(conn: Connection, member_id: str) -> Sequence[DbRow]:
    return conn.execute(
        _POST.where(posts.c.author_id == member_id, _SHOWN,
                    threads.c.conference_id.in_(public_conference_ids(conn)))
        .order_by(posts.c.position.desc()).limit(OUTBOX_ITEMS)).all()


def count_member_public_posts(conn: Connection, member_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(
        posts.join(threads, threads.c.id == posts.c.thread_id)).where(
        posts.c.author_id == member_id, _SHOWN,
        threads.c.conference_id.in_(public_conference_ids(conn)))).scalar() or 0)


def usage(conn: Connection) -> tuple[int, int, int, int]:
    """For NodeInfo, counting only what is public: members who opted in (all; active in
    the last month; in the last half year, by public posts) and public posts."""
    public = public_conference_ids(conn)
    opted_in = select(members.c.id).where(members.c.fediverse.is_(True),
                                          members.c.active.is_(True))
    total = len(conn.execute(opted_in).all())
    now = datetime.now(UTC)

    def active_since(days: int) -> int:
        return int(conn.execute(
            select(func.count(func.distinct(posts.c.author_id)))
            .select_from(posts.join(threads, threads.c.id == posts.c.thread_id))
            .where(posts.c.author_id.in_(opted_in), threads.c.conference_id.in_(public),
                   posts.c.created_at >= now - timedelta(days=days))).scalar() or 0)

    local_posts = int(conn.execute(
        select(func.count()).select_from(posts.join(threads, threads.c.id == posts.c.thread_id))
        .where(threads.c.conference_id.in_(public), _SHOWN)).scalar() or 0)
    return total, active_since(30), active_since(182), local_posts


# --- as documents -------------------------------------------------------------------------


def first_post_type(conn: Connection, conference_id: str) -> str:
    """What a thread's first post in this conference is: its moderators' choice."""
    return local.first_post_type(inbound_queries.get_style(conn, conference_id))


def post_document(conn: Connection, site: Site, row: DbRow, conference: DbRow
                  ) -> dict[str, Any]:
    return local.post_document(site, row, conference, first_post_type(conn, conference.id))


def article_document(conn: Connection, site: Site, row: DbRow) -> dict[str, Any]:
    author = get_fediverse_member(conn, row.author_handle)
    thread = get_public_thread(conn, row.thread_id)
    return local.article_document(site, row, author.handle if author else None,
                                  thread[1] if thread else None, article_queries.tags(row))
