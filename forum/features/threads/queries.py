"""The read side of threads and posts: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal, select

from federation.inbound.tables import blocked_domains, remote_authors
from forum.core.db import projection_checkpoints
from forum.core.permissions import (
    Viewer,
)
from forum.core.projections.sql import Statement
from forum.core.rows import PAGE_SIZE, DbRow
from forum.features.conferences.queries import readable_ids
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.threads.tables import post_revisions, posts, threads

_MEMBERS_GENERATION = (select(projection_checkpoints.c.position)
                       .where(projection_checkpoints.c.name == "members").scalar_subquery())
# With the members read model's generation: the anonymous page cache keys on it.
_THREAD = (select(threads, _MEMBERS_GENERATION.label("members_generation"))
           .where(threads.c.id == bindparam("thread_id")))
# A thread with its conference in one statement (conference columns as c_<name>):
# every thread page and thread API call needs both before anything else.
ConferenceRow = namedtuple("ConferenceRow", [column.name for column in conferences.c])  # type: ignore[misc]
_CONFERENCE_AT = len(threads.c) + 1
_THREAD_COLUMNS = [*threads.c, projection_checkpoints.c.position, *conferences.c]
ThreadInConference = namedtuple(  # type: ignore[misc]
    "ThreadInConference", [c.name for c in threads.c] + ["members_generation"]
    + [f"c_{c.name}" for c in conferences.c])
_THREAD_IN_CONFERENCE_SQL = Statement(
    "SELECT " + ", ".join([f"t.{c.name}" for c in threads.c]
                          + ["(SELECT position FROM projection_checkpoints "
                             "WHERE name = 'members')"]
                          + [f"c.{c.name}" for c in conferences.c])
    + " FROM threads t JOIN conferences c ON c.id = t.conference_id WHERE t.id = :thread_id")
_PROCESSORS: dict[str, list[Any]] = {}
_PARENT = posts.alias("parent")
# A reply from the fediverse has a remote author instead of a member; posts from a
# blocked domain (or its subdomains) are left out everywhere posts are listed.
_BLOCKED = (select(blocked_domains.c.domain).where(
    (blocked_domains.c.domain == remote_authors.c.domain)
    | remote_authors.c.domain.like(literal("%.") + blocked_domains.c.domain)).exists())
_AUTHOR = (
    func.coalesce(members.c.display_name, remote_authors.c.name).label("author_name"),
    func.coalesce(members.c.handle, remote_authors.c.handle).label("author_handle"),
    remote_authors.c.actor_uri.label("remote_actor"),
    remote_authors.c.url.label("remote_url"), remote_authors.c.avatar.label("remote_avatar"),
)
_POSTS = (
    select(posts, *_AUTHOR, _PARENT.c.seq.label("parent_seq"))
    .outerjoin(members, members.c.id == posts.c.author_id)
    .outerjoin(remote_authors, remote_authors.c.id == posts.c.author_id)
    .outerjoin(_PARENT, _PARENT.c.id == posts.c.parent_id)
    .where(posts.c.thread_id == bindparam("thread_id"), ~_BLOCKED)
)
_POSTS_FROM = (_POSTS.where(posts.c.seq >= bindparam("first_seq"))
               .order_by(posts.c.seq).limit(bindparam("limit")))
_POSTS_AT = _POSTS.where(posts.c.seq.in_(bindparam("seqs", expanding=True)))


def get_thread(conn: Connection, thread_id: str) -> DbRow | None:
    return conn.execute(_THREAD, {"thread_id": thread_id}).first()


def get_thread_in_conference(conn: Connection, thread_id: str) -> tuple[Any, Any] | None:
    """A thread and its conference's row, read together.

    Every thread page asks this first, so it skips SQLAlchemy's statement
    machinery (a fifth of a cached page's time went to binding one
    parameter); the columns' own result processors still turn stored values
    into the same datetimes and booleans.
    """
    cursor = _THREAD_IN_CONFERENCE_SQL.run(conn, {"thread_id": thread_id})
    try:
        found = cursor.fetchone()
    finally:
        cursor.close()
    if found is None:
        return None
    processors = _processors(conn)
    values = [value if convert is None or value is None else convert(value)
              for convert, value in zip(processors, found, strict=True)]
    return ThreadInConference(*values), ConferenceRow(*values[_CONFERENCE_AT:])


def _processors(conn: Connection) -> list[Any]:
    dialect = conn.dialect
    known = _PROCESSORS.get(dialect.name)
    if known is None:
        known = _PROCESSORS[dialect.name] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in _THREAD_COLUMNS]
    return known


def list_threads(conn: Connection, conference_id: str, *, offset: int = 0,
                 limit: int = PAGE_SIZE) -> Sequence[DbRow]:
    author = members.alias("author")
    return conn.execute(
        select(threads, author.c.display_name.label("author_name"),
               author.c.handle.label("author_handle"))
        .join(author, author.c.id == threads.c.author_id)
        .where(threads.c.conference_id == conference_id)
        .order_by(threads.c.pinned.desc(), threads.c.last_post_at.desc(), threads.c.id)
        .offset(offset).limit(limit)
    ).all()


def count_threads(conn: Connection, conference_id: str) -> int:
    return int(conn.execute(
        select(func.count()).where(threads.c.conference_id == conference_id)
    ).scalar() or 0)


def list_posts(conn: Connection, thread_id: str, *, first_seq: int = 1,
               limit: int = PAGE_SIZE, seqs: Sequence[int] | None = None) -> Sequence[DbRow]:
    """Posts of a thread from ``first_seq`` (or exactly ``seqs``), with author and parent."""
    if seqs is not None:
        return conn.execute(_POSTS_AT, {"thread_id": thread_id, "seqs": list(seqs)}).all()
    return conn.execute(
        _POSTS_FROM, {"thread_id": thread_id, "first_seq": first_seq, "limit": limit}
    ).all()


def list_reply_tree(conn: Connection, thread_id: str) -> list[tuple[int, int]]:
    """(seq, depth) of every post in reply-tree order (depth first, oldest first)."""
    rows = conn.execute(
        select(posts.c.id, posts.c.seq, posts.c.parent_id)
        .where(posts.c.thread_id == thread_id).order_by(posts.c.seq)
    ).all()
    children: dict[str | None, list[tuple[str, int]]] = {}
    for post_id, seq, parent_id in rows:
        children.setdefault(parent_id, []).append((post_id, seq))
    order: list[tuple[int, int]] = []
    stack = [(pid, seq, 0) for pid, seq in reversed(children.get(None, []))]
    while stack:
        pid, seq, depth = stack.pop()
        order.append((seq, depth))
        stack.extend((c, s, depth + 1) for c, s in reversed(children.get(pid, [])))
    return order


def get_post(conn: Connection, post_id: str) -> DbRow | None:
    return conn.execute(
        select(posts, *_AUTHOR)
        .outerjoin(members, members.c.id == posts.c.author_id)
        .outerjoin(remote_authors, remote_authors.c.id == posts.c.author_id)
        .where(posts.c.id == post_id, ~_BLOCKED)
    ).first()


def list_revisions(conn: Connection, post_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(post_revisions, func.coalesce(members.c.display_name, remote_authors.c.name)
               .label("editor_name"))
        .outerjoin(members, members.c.id == post_revisions.c.editor_id)
        .outerjoin(remote_authors, remote_authors.c.id == post_revisions.c.editor_id)
        .where(post_revisions.c.post_id == post_id)
        .order_by(post_revisions.c.revision)
    ).all()


def list_member_posts(conn: Connection, viewer: Viewer, member_id: str, limit: int = 20
                      ) -> Sequence[DbRow]:
    """A member's latest visible posts, for their profile."""
    ids = readable_ids(conn, viewer)
    return conn.execute(
        select(posts.c.id, posts.c.seq, posts.c.created_at, posts.c.thread_id,
               threads.c.subject)
        .join(threads, threads.c.id == posts.c.thread_id)
        .where(posts.c.author_id == member_id, threads.c.conference_id.in_(ids),
               posts.c.deleted_by.is_(None), posts.c.hidden_by.is_(None))
        .order_by(posts.c.position.desc()).limit(limit)
    ).all()
