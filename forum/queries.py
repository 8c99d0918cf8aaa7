"""The read side: ``get_*`` and ``list_*`` over the read models. Never writes.

Everything a reader may see is filtered through :mod:`forum.permissions`,
either per conference (``conference_access``) or in its query form
(``readable_conference_ids``).
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, literal, or_, select

from forum.db import projection_checkpoints
from forum.model.room import MessageState, RoomState, Said
from forum.permissions import (
    ConferenceAccess,
    Viewer,
    can_moderate,
    can_read,
    readable_conference_ids,
    room_access,
)
from forum.projections.sql import Statement
from forum.projections.tables import (
    api_tokens,
    blocked_domains,
    conferences,
    invitations,
    members,
    message_revisions,
    messages,
    notifications,
    post_revisions,
    posts,
    reactions,
    read_log,
    read_markers,
    remote_authors,
    room_members,
    room_read_markers,
    rooms,
    threads,
    watch_levels,
)

PAGE_SIZE = 50
# Rows come back with the columns each query names; they are dynamically typed.
DbRow = Any


# --- members ---------------------------------------------------------------


def viewer_from_row(row: DbRow | None) -> Viewer | None:
    if row is None:
        return None
    return Viewer(member_id=row.id, role=row.role, active=row.active)


def get_member(conn: Connection, member_id: str) -> DbRow | None:
    return conn.execute(select(members).where(members.c.id == member_id)).first()


def get_member_by_handle(conn: Connection, handle: str) -> DbRow | None:
    return conn.execute(select(members).where(members.c.handle == handle.lower())).first()


def get_member_by_login(conn: Connection, login: str) -> DbRow | None:
    """A member by handle or e-mail address."""
    login = login.strip()
    return conn.execute(
        select(members).where(
            or_(members.c.handle == login.lower(), func.lower(members.c.email) == login.lower())
        )
    ).first()


def get_member_by_token_hash(conn: Connection, token_hash: str) -> DbRow | None:
    return conn.execute(
        select(members)
        .join(api_tokens, api_tokens.c.member_id == members.c.id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None),
               members.c.active.is_(True))
    ).first()


def list_members(conn: Connection) -> Sequence[DbRow]:
    return conn.execute(select(members).order_by(members.c.display_name)).all()


def list_api_tokens(conn: Connection, member_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(api_tokens)
        .where(api_tokens.c.member_id == member_id)
        .order_by(api_tokens.c.created_at.desc())
    ).all()


def get_invitation_by_hash(conn: Connection, token_hash: str) -> DbRow | None:
    return conn.execute(select(invitations).where(invitations.c.token_hash == token_hash)).first()


def list_invitations(conn: Connection) -> Sequence[DbRow]:
    return conn.execute(select(invitations).order_by(invitations.c.created_at.desc())).all()


def tags(value: str) -> list[str]:
    result: list[str] = json.loads(value or "[]")
    return result


# --- conferences -----------------------------------------------------------


def access_from_row(row: DbRow) -> ConferenceAccess:
    acl = tuple((str(p), str(a)) for p, a in json.loads(row.acl))
    return ConferenceAccess(row.id, row.visibility, acl)


def conference_access(conn: Connection, conference_id: str) -> ConferenceAccess | None:
    row = conn.execute(
        select(conferences.c.id, conferences.c.visibility, conferences.c.acl)
        .where(conferences.c.id == conference_id)
    ).first()
    return access_from_row(row) if row else None


def list_conference_access(conn: Connection) -> list[ConferenceAccess]:
    rows = conn.execute(select(conferences.c.id, conferences.c.visibility, conferences.c.acl))
    return [access_from_row(r) for r in rows]


def readable_ids(conn: Connection, viewer: Viewer) -> set[str]:
    return readable_conference_ids(viewer, list_conference_access(conn))


# The thread page's statements are built once: building a select costs more
# than running it on SQLite, and that page is the one people read most.
_CONFERENCE = select(conferences).where(conferences.c.id == bindparam("conference_id"))
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


def get_conference(conn: Connection, conference_id: str) -> DbRow | None:
    return conn.execute(_CONFERENCE, {"conference_id": conference_id}).first()



def get_conference_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(conferences).where(conferences.c.slug == slug)).first()


@dataclass(frozen=True)
class ConferenceSummary:
    row: DbRow
    threads: int
    posts: int
    unread: int
    last_post_at: Any
    depth: int


def _unread_filter(viewer: Viewer) -> Any:
    return and_(
        posts.c.seq > func.coalesce(read_markers.c.up_to_seq, 0),
        posts.c.author_id != viewer.member_id,
        posts.c.deleted_by.is_(None),
        posts.c.hidden_by.is_(None),
    )


def _marker_join(viewer: Viewer) -> Any:
    return posts.outerjoin(
        read_markers,
        and_(read_markers.c.thread_id == posts.c.thread_id,
             read_markers.c.member_id == viewer.member_id),
    )


def unread_by_conference(conn: Connection, viewer: Viewer, ids: Iterable[str]
                         ) -> dict[str, int]:
    """Exact unread counts: every post after the marker, not the viewer's own."""
    if not viewer.signed_in:
        return {}
    query = (
        select(threads.c.conference_id, func.count())
        .select_from(_marker_join(viewer).join(threads, threads.c.id == posts.c.thread_id))
        .where(threads.c.conference_id.in_(list(ids)), _unread_filter(viewer))
        .group_by(threads.c.conference_id)
    )
    return {cid: int(n) for cid, n in conn.execute(query)}


def unread_by_thread(conn: Connection, viewer: Viewer, thread_ids: Iterable[str]
                     ) -> dict[str, int]:
    if not viewer.signed_in:
        return {}
    query = (
        select(posts.c.thread_id, func.count())
        .select_from(_marker_join(viewer))
        .where(posts.c.thread_id.in_(list(thread_ids)), _unread_filter(viewer))
        .group_by(posts.c.thread_id)
    )
    return {tid: int(n) for tid, n in conn.execute(query)}


def list_conferences(conn: Connection, viewer: Viewer) -> list[ConferenceSummary]:
    """Readable conferences as a tree (parents before children), with counts."""
    ids = readable_ids(conn, viewer)
    rows = conn.execute(
        select(conferences).where(conferences.c.id.in_(ids)).order_by(conferences.c.name)
    ).all()
    stats = {
        cid: (int(t), int(p or 0), last)
        for cid, t, p, last in conn.execute(
            select(threads.c.conference_id, func.count(), func.sum(threads.c.post_count),
                   func.max(threads.c.last_post_at))
            .where(threads.c.conference_id.in_(ids))
            .group_by(threads.c.conference_id)
        )
    }
    unread = unread_by_conference(conn, viewer, ids)
    children: dict[str | None, list[DbRow]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    result: list[ConferenceSummary] = []

    def walk(parent: str | None, depth: int) -> None:
        for row in children.get(parent, []):
            t, p, last = stats.get(row.id, (0, 0, None))
            result.append(ConferenceSummary(row, t, p, unread.get(row.id, 0), last, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return result


# --- threads and posts -----------------------------------------------------


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


def _marker(conn: Connection, column: Any, member_id: str | None, place_id: str) -> int:
    """A member's read marker (a thread's or a room's), 0 when none or anonymous."""
    if member_id is None:
        return 0
    table = column.table
    value = conn.execute(select(table.c.up_to_seq).where(
        table.c.member_id == member_id, column == place_id)).scalar()
    return int(value or 0)


def get_read_marker(conn: Connection, member_id: str | None, thread_id: str) -> int:
    return _marker(conn, read_markers.c.thread_id, member_id, thread_id)


def list_readers(conn: Connection, thread_id: str, seq: int) -> Sequence[DbRow]:
    """Who first read post ``seq`` and when, for members who share their reading."""
    return conn.execute(
        select(members.c.handle, members.c.display_name,
               func.min(read_log.c.read_at).label("read_at"))
        .join(members, members.c.id == read_log.c.member_id)
        .where(read_log.c.thread_id == thread_id, read_log.c.from_seq < seq,
               read_log.c.to_seq >= seq, members.c.share_read_history.is_(True))
        .group_by(members.c.handle, members.c.display_name)
        .order_by(func.min(read_log.c.read_at))
    ).all()


def get_next_unread(conn: Connection, viewer: Viewer) -> DbRow | None:
    """The oldest unread post across every readable conference (by log position)."""
    if not viewer.signed_in:
        return None
    ids = readable_ids(conn, viewer)
    return conn.execute(
        select(posts.c.thread_id, posts.c.seq, posts.c.id, posts.c.position)
        .select_from(_marker_join(viewer).join(threads, threads.c.id == posts.c.thread_id))
        .where(threads.c.conference_id.in_(ids), _unread_filter(viewer))
        .order_by(posts.c.position)
        .limit(1)
    ).first()


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


def list_thread_markers(conn: Connection, member_id: str, conference_id: str
                        ) -> list[tuple[str, int, int]]:
    """(thread id, marker, last seq) of every thread in a conference, for mark-all-read."""
    rows = conn.execute(
        select(threads.c.id, func.coalesce(read_markers.c.up_to_seq, literal(0)),
               threads.c.last_seq)
        .outerjoin(read_markers, and_(read_markers.c.thread_id == threads.c.id,
                                      read_markers.c.member_id == member_id))
        .where(threads.c.conference_id == conference_id)
    )
    return [(tid, int(marker), int(last)) for tid, marker, last in rows]


def moderated_ids(conn: Connection, viewer: Viewer) -> set[str]:
    return {c.conference_id for c in list_conference_access(conn) if can_moderate(viewer, c)}


# --- rooms -----------------------------------------------------------------


def get_room(conn: Connection, room_id: str) -> DbRow | None:
    return conn.execute(select(rooms).where(rooms.c.id == room_id)).first()


def room_slug(conn: Connection, room_id: str) -> str:
    """The address of a room that exists (its id came from the log or a read model)."""
    return str(conn.execute(select(rooms.c.slug).where(rooms.c.id == room_id)).scalar_one())


def get_room_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(rooms).where(rooms.c.slug == slug)).first()


def room_member_ids(conn: Connection, room_id: str) -> list[str]:
    return list(conn.execute(
        select(room_members.c.member_id).where(room_members.c.room_id == room_id)
        .order_by(room_members.c.joined_at, room_members.c.member_id)
    ).scalars())


def _room_access(conn: Connection, row: DbRow, member_ids: Iterable[str],
                 conferences_by_id: dict[str, ConferenceAccess] | None = None
                 ) -> ConferenceAccess:
    conference = None
    if row.conference_id is not None:
        conference = (conferences_by_id.get(row.conference_id) if conferences_by_id is not None
                      else conference_access(conn, row.conference_id))
    return room_access(row.id, row.visibility, row.created_by, member_ids, conference)


def room_access_of(conn: Connection, room_id: str) -> ConferenceAccess | None:
    """A room under the one visibility rule (None if there is no such room)."""
    row = get_room(conn, room_id)
    return None if row is None else room_access_of_row(conn, row)


def room_access_of_row(conn: Connection, row: DbRow) -> ConferenceAccess:
    """The same, for a room row already at hand."""
    return _room_access(conn, row, room_member_ids(conn, row.id))


def get_members(conn: Connection, member_ids: Iterable[str]) -> list[DbRow]:
    """Members by id in one query, in the order given (unknown ids left out)."""
    ids = list(member_ids)
    found = {row.id: row for row in conn.execute(select(members).where(members.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def room_state(conn: Connection, room_id: str, message_ids: Iterable[str] = ()
               ) -> tuple[RoomState, ConferenceAccess | None]:
    """What the room's decisions need, from the read model, and its conference."""
    state = RoomState(room_id)
    row = get_room(conn, room_id)
    if row is None:
        return state, None
    state.visibility, state.conference_id = row.visibility, row.conference_id
    state.created_by, state.archived = row.created_by, bool(row.archived)
    state.last_seq, state.version = int(row.last_seq), int(row.version)
    state.members = set(room_member_ids(conn, room_id))
    wanted = [m for m in message_ids if m]
    if wanted:
        for m in conn.execute(
            select(messages.c.id, messages.c.author_id, messages.c.revision,
                   messages.c.deleted_by, messages.c.moved_to)
            .where(messages.c.room_id == room_id, messages.c.id.in_(wanted))
        ):
            state.messages[m.id] = MessageState(m.author_id, int(m.revision),
                                                m.deleted_by is not None,
                                                moved=m.moved_to is not None)
        for r in conn.execute(
            select(reactions.c.message_id, reactions.c.member_id, reactions.c.emoji)
            .where(reactions.c.message_id.in_(list(state.messages)))
        ):
            state.messages[r.message_id].reactions.add((r.member_id, r.emoji))
    conference = (conference_access(conn, row.conference_id)
                  if row.conference_id is not None else None)
    return state, conference


@dataclass
class RoomSummary:
    row: DbRow
    title: str
    joined: bool
    unread: int
    access: ConferenceAccess


def _titles(conn: Connection, rows: Sequence[DbRow], viewer: Viewer) -> dict[str, str]:
    """Room names; a direct conversation is called after its other people."""
    direct = [r.id for r in rows if r.visibility == "direct"]
    titles = {r.id: r.name for r in rows if r.visibility != "direct"}
    people: dict[str, list[str]] = {}
    if direct:
        for room_id, name, member_id in conn.execute(
            select(room_members.c.room_id, members.c.display_name, members.c.id)
            .join(members, members.c.id == room_members.c.member_id)
            .where(room_members.c.room_id.in_(direct))
            .order_by(members.c.display_name)
        ):
            if member_id != viewer.member_id:
                people.setdefault(room_id, []).append(name)
    for room_id in direct:
        titles[room_id] = ", ".join(people.get(room_id, [])) or "Just you"
    return titles


def room_title(conn: Connection, row: DbRow, viewer: Viewer) -> str:
    return _titles(conn, [row], viewer)[row.id]


def _room_marker_join(viewer: Viewer) -> Any:
    return messages.outerjoin(
        room_read_markers,
        and_(room_read_markers.c.room_id == messages.c.room_id,
             room_read_markers.c.member_id == viewer.member_id))


def _room_unread_filter(viewer: Viewer) -> Any:
    """After the marker, not the viewer's own, still in the room (not deleted or moved)."""
    return and_(messages.c.seq > func.coalesce(room_read_markers.c.up_to_seq, 0),
                messages.c.author_id != viewer.member_id,
                messages.c.deleted_by.is_(None), messages.c.moved_to.is_(None))


def unread_by_room(conn: Connection, viewer: Viewer, room_ids: Iterable[str]) -> dict[str, int]:
    """Exact unread counts: messages after the marker, not the viewer's own, not deleted."""
    if not viewer.signed_in:
        return {}
    query = (
        select(messages.c.room_id, func.count())
        .select_from(_room_marker_join(viewer))
        .where(messages.c.room_id.in_(list(room_ids)), _room_unread_filter(viewer))
        .group_by(messages.c.room_id)
    )
    return {rid: int(n) for rid, n in conn.execute(query)}


def list_rooms(conn: Connection, viewer: Viewer, *, include_archived: bool = False
               ) -> list[RoomSummary]:
    """Every room the viewer may read; unread counts for the rooms they are in."""
    if not viewer.signed_in:
        return []
    mine = set(conn.execute(select(room_members.c.room_id)
                            .where(room_members.c.member_id == viewer.member_id)).scalars())
    by_conference = {c.conference_id: c for c in list_conference_access(conn)}
    query = select(rooms).order_by(rooms.c.name, rooms.c.id)
    if not include_archived:
        query = query.where(rooms.c.archived.is_(False))
    readable: list[tuple[DbRow, ConferenceAccess]] = []
    me = [viewer.member_id or ""]
    for row in conn.execute(query):
        # Only the viewer's own membership matters to what the viewer may do.
        access = _room_access(conn, row, me if row.id in mine else [], by_conference)
        if can_read(viewer, access):
            readable.append((row, access))
    rows = [row for row, _ in readable]
    titles = _titles(conn, rows, viewer)
    unread = unread_by_room(conn, viewer, [r.id for r in rows if r.id in mine])
    return [RoomSummary(row, titles[row.id], row.id in mine, unread.get(row.id, 0), access)
            for row, access in readable]


def get_room_marker(conn: Connection, member_id: str | None, room_id: str) -> int:
    return _marker(conn, room_read_markers.c.room_id, member_id, room_id)


_REPLIED = messages.alias("replied")
_REPLIED_AUTHOR = members.alias("replied_author")


# Built once: constructing this select costs more than running it on a hot path.
_MESSAGES = (
    select(messages, members.c.display_name.label("author_name"),
           members.c.handle.label("author_handle"),
           _REPLIED.c.seq.label("reply_seq"),
           _REPLIED_AUTHOR.c.display_name.label("reply_author_name"))
    .join(members, members.c.id == messages.c.author_id)
    .outerjoin(_REPLIED, _REPLIED.c.id == messages.c.reply_to)
    .outerjoin(_REPLIED_AUTHOR, _REPLIED_AUTHOR.c.id == _REPLIED.c.author_id)
)


def _message_query() -> Any:
    return _MESSAGES


def list_messages(conn: Connection, room_id: str, *, before_seq: int | None = None,
                  after_seq: int | None = None, limit: int = PAGE_SIZE) -> list[DbRow]:
    """A page of messages in order: the newest ``limit`` before ``before_seq`` (or
    after ``after_seq``, oldest first)."""
    query = _message_query().where(messages.c.room_id == room_id)
    if after_seq is not None:
        return list(conn.execute(
            query.where(messages.c.seq > after_seq).order_by(messages.c.seq).limit(limit)))
    if before_seq is not None:
        query = query.where(messages.c.seq < before_seq)
    rows = conn.execute(query.order_by(messages.c.seq.desc()).limit(limit)).all()
    return list(reversed(rows))


def get_message(conn: Connection, message_id: str) -> DbRow | None:
    return conn.execute(_message_query().where(messages.c.id == message_id)).first()


def get_messages(conn: Connection, message_ids: Iterable[str]) -> dict[str, DbRow]:
    """Messages by id in one query (unknown ids left out)."""
    ids = list(message_ids)
    if not ids:
        return {}
    return {row.id: row for row in conn.execute(
        _message_query().where(messages.c.id.in_(ids)))}


def reactions_for(conn: Connection, message_ids: Iterable[str]
                  ) -> dict[str, list[tuple[str, list[str]]]]:
    """Per message, each reaction with the handles who gave it, in the order first given."""
    result: dict[str, dict[str, list[str]]] = {}
    ids = list(message_ids)
    if not ids:
        return {}
    for message_id, emoji, handle in conn.execute(
        select(reactions.c.message_id, reactions.c.emoji, members.c.handle)
        .join(members, members.c.id == reactions.c.member_id)
        .where(reactions.c.message_id.in_(ids))
        .order_by(reactions.c.reacted_at, members.c.handle)
    ):
        result.setdefault(message_id, {}).setdefault(emoji, []).append(handle)
    return {m: list(by_emoji.items()) for m, by_emoji in result.items()}


def list_message_revisions(conn: Connection, message_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(message_revisions, members.c.display_name.label("editor_name"))
        .join(members, members.c.id == message_revisions.c.editor_id)
        .where(message_revisions.c.message_id == message_id)
        .order_by(message_revisions.c.revision)
    ).all()


def find_direct_room(conn: Connection, member_ids: Iterable[str]) -> str | None:
    """The direct conversation between exactly these people, if there is one."""
    wanted = sorted(set(member_ids))
    candidates = select(room_members.c.room_id).join(
        rooms, rooms.c.id == room_members.c.room_id
    ).where(rooms.c.visibility == "direct", room_members.c.member_id == wanted[0])
    for room_id in conn.execute(candidates).scalars():
        if sorted(room_member_ids(conn, room_id)) == wanted:
            return str(room_id)
    return None


def get_next_unread_message(conn: Connection, viewer: Viewer) -> DbRow | None:
    """The oldest unread message in the rooms the viewer is in (by log position)."""
    if not viewer.signed_in:
        return None
    joined = [s.row.id for s in list_rooms(conn, viewer) if s.joined]
    if not joined:
        return None
    return conn.execute(
        select(messages.c.room_id, messages.c.seq, messages.c.position)
        .select_from(_room_marker_join(viewer))
        .where(messages.c.room_id.in_(joined), _room_unread_filter(viewer))
        .order_by(messages.c.position).limit(1)
    ).first()


# --- notifications ---------------------------------------------------------


def get_watch_level(conn: Connection, member_id: str | None, target: str, target_id: str
                    ) -> str:
    if member_id is None:
        return "normal"
    value = conn.execute(select(watch_levels.c.level).where(
        watch_levels.c.member_id == member_id, watch_levels.c.target == target,
        watch_levels.c.target_id == target_id)).scalar()
    return str(value or "normal")


def place_readable(conn: Connection, viewer: Viewer, target: str, target_id: str) -> bool:
    """May the viewer read this conference, thread or room (the one rule)?"""
    if target == "conference":
        access = conference_access(conn, target_id)
    elif target == "thread":
        thread = get_thread(conn, target_id)
        access = conference_access(conn, thread.conference_id) if thread else None
    elif target == "room":
        access = room_access_of(conn, target_id)
    else:
        return False
    return access is not None and can_read(viewer, access)


@dataclass
class Notice:
    row: DbRow
    actor_name: str
    where: str  # the thread's subject or the room's name
    seq: int | None
    slug: str | None  # the room's address


def list_notifications(conn: Connection, viewer: Viewer, *, unread_only: bool = False,
                       limit: int = PAGE_SIZE) -> list[Notice]:
    """The member's notifications, newest first, for places they may still read."""
    result: list[Notice] = []
    for row in _readable_notices(conn, viewer, unread_only=unread_only):
        actor = get_member(conn, row.actor_id)
        name = actor.display_name if actor else ""
        if row.thread_id:
            thread, post = get_thread(conn, row.thread_id), get_post(conn, row.post_id)
            if thread is not None and post is not None:
                result.append(Notice(row, name, thread.subject, post.seq, None))
        else:
            room, message = get_room(conn, row.room_id), get_message(conn, row.message_id)
            if room is not None and message is not None:
                result.append(Notice(row, name, room_title(conn, room, viewer), message.seq,
                                     room.slug))
        if len(result) >= limit:
            break
    return result


def _readable_notices(conn: Connection, viewer: Viewer, *, unread_only: bool
                      ) -> Iterator[DbRow]:
    """The member's notification rows, newest first, whose place they may still read
    (each place asked of the rule once)."""
    if not viewer.signed_in:
        return
    query = select(notifications).where(notifications.c.member_id == viewer.member_id)
    if unread_only:
        query = query.where(notifications.c.read.is_(False))
    readable: dict[tuple[str, str], bool] = {}
    for row in conn.execute(query.order_by(notifications.c.position.desc())).all():
        place = ("thread", row.thread_id) if row.thread_id else ("room", row.room_id)
        if place not in readable:
            readable[place] = place_readable(conn, viewer, *place)
        if readable[place]:
            yield row


def count_unread_notifications(conn: Connection, viewer: Viewer) -> int:
    """For the badge on every page: the rule per place, none of the details per notice."""
    return sum(1 for _ in _readable_notices(conn, viewer, unread_only=True))


def notification_positions(conn: Connection, member_id: str) -> tuple[set[int], int]:
    """The member's unread notification positions, and their newest position."""
    rows = conn.execute(select(notifications.c.position, notifications.c.read)
                        .where(notifications.c.member_id == member_id)).all()
    return ({int(p) for p, read in rows if not read},
            max((int(p) for p, _ in rows), default=0))


def notified_at(conn: Connection, position: int) -> list[str]:
    """The members notified of the event at ``position``."""
    return notified_in(conn, [position]).get(position, [])


def notified_in(conn: Connection, positions: Iterable[int]) -> dict[int, list[str]]:
    """The members notified of each event at ``positions``, in one query."""
    wanted = list(positions)
    if not wanted:
        return {}
    found: dict[int, list[str]] = {}
    for position, member_id in conn.execute(
            select(notifications.c.position, notifications.c.member_id)
            .where(notifications.c.position.in_(wanted))):
        found.setdefault(int(position), []).append(member_id)
    return found


def messages_said(conn: Connection, room_id: str, first_seq: int, last_seq: int) -> list[Said]:
    """A room's messages ``first_seq``..``last_seq`` as they stand, for moving them."""
    rows = conn.execute(
        select(messages.c.id, messages.c.author_id, messages.c.body, messages.c.created_at,
               messages.c.reply_to, messages.c.deleted_by, messages.c.moved_to)
        .where(messages.c.room_id == room_id, messages.c.seq >= first_seq,
               messages.c.seq <= last_seq)
        .order_by(messages.c.seq)
    )
    return [Said(r.id, r.author_id, r.body, _aware(r.created_at).isoformat(), r.reply_to,
                 r.deleted_by is not None or r.moved_to is not None) for r in rows]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back times without their zone; they are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def moderated_room_ids(conn: Connection, viewer: Viewer) -> set[str]:
    """The rooms the viewer moderates (never a direct conversation: nobody does)."""
    if not viewer.signed_in:
        return set()
    result = set()
    for row in conn.execute(select(rooms).where(rooms.c.visibility != "direct")):
        access = room_access_of(conn, row.id)
        if access is not None and can_moderate(viewer, access):
            result.add(row.id)
    return result


# --- search ------------------------------------------------------------------


def readable_room_ids(conn: Connection, viewer: Viewer) -> set[str]:
    """Every room, archived ones included, the viewer may read (the one rule)."""
    if not viewer.signed_in:
        return set()
    mine = set(conn.execute(select(room_members.c.room_id)
                            .where(room_members.c.member_id == viewer.member_id)).scalars())
    by_conference = {c.conference_id: c for c in list_conference_access(conn)}
    me = [viewer.member_id or ""]
    return {row.id for row in conn.execute(select(rooms))
            if can_read(viewer, _room_access(conn, row, me if row.id in mine else [],
                                             by_conference))}


def list_read_marks(conn: Connection, member_id: str) -> list[tuple[str, int]]:
    """(thread or room id, last seq read) for every place the member has read in."""
    threads_read = conn.execute(select(read_markers.c.thread_id, read_markers.c.up_to_seq)
                                .where(read_markers.c.member_id == member_id))
    rooms_read = conn.execute(select(room_read_markers.c.room_id, room_read_markers.c.up_to_seq)
                              .where(room_read_markers.c.member_id == member_id))
    return [(str(place), int(seq)) for place, seq in [*threads_read, *rooms_read]]


def list_place_slugs(conn: Connection) -> list[tuple[str, str, str]]:
    """(kind, id, slug) of every conference and room, for ``in:``."""
    found = [("conference", str(i), str(s))
             for i, s in conn.execute(select(conferences.c.id, conferences.c.slug))]
    return found + [("room", str(i), str(s)) for i, s in conn.execute(select(rooms.c.id,
                                                                             rooms.c.slug))]


def get_members_by_handles(conn: Connection, handles: Iterable[str]) -> dict[str, DbRow]:
    wanted = [h.lower() for h in handles]
    return {row.handle: row for row in conn.execute(
        select(members).where(members.c.handle.in_(wanted)))}
