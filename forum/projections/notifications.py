"""Each member's notification inbox, and how much they want to hear of each place.

A notification is written in the same transaction as what caused it, for
each member it concerns, and only if that member may read the place at that
moment (the one visibility rule); the inbox checks again when it is shown.
It keeps no words: the page shows the post or message as it is now.

What a member hears, by their level for the place (the thread's level, else
its conference's; a room's own): ``muted`` nothing; ``normal`` (the default)
mentions, replies to what they wrote, and direct messages; ``watching``
everything new as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection

from forum import events as ev
from forum import markup
from forum.eventstore import Recorded
from forum.permissions import ConferenceAccess, Viewer, can_read, room_access
from forum.projections.registry import Projection
from forum.projections.sql import Statement, stamp
from forum.projections.tables import notifications, watch_levels

projection = Projection("notifications", [notifications, watch_levels],
                        reads=("members", "conferences", "threads", "rooms"))

_INSERT = Statement("""
    INSERT INTO notifications (member_id, position, kind, actor_id, conference_id, thread_id,
                               post_id, room_id, message_id, created_at, read)
    VALUES (:m, :position, :kind, :actor, :conference_id, :thread_id, :post_id, :room_id,
            :message_id, :at, :no)""")
_MEMBER = Statement("SELECT id, role, active FROM members WHERE id = :m")
_HANDLE = Statement("SELECT id FROM members WHERE handle = :h")
_CONFERENCE = Statement("SELECT id, visibility, acl FROM conferences WHERE id = :c")
_ROOM = Statement("SELECT id, visibility, created_by, conference_id FROM rooms WHERE id = :r")
_ROOM_MEMBERS = Statement("SELECT member_id FROM room_members WHERE room_id = :r")
_POST_AUTHOR = Statement("SELECT author_id FROM posts WHERE id = :p")
_MESSAGE_AUTHOR = Statement("SELECT author_id FROM messages WHERE id = :p")
_LEVELS = Statement("""
    SELECT target, target_id, level FROM watch_levels WHERE member_id = :m""")
_WATCHERS = Statement("""
    SELECT member_id, target FROM watch_levels
    WHERE level = 'watching' AND ((target = 'conference' AND target_id = :c)
                                  OR (target = 'thread' AND target_id = :t)
                                  OR (target = 'room' AND target_id = :r))""")
_SET_LEVEL = Statement("""
    UPDATE watch_levels SET level = :level
    WHERE member_id = :m AND target = :target AND target_id = :id""")
_FIRST_LEVEL = Statement("""
    INSERT INTO watch_levels (member_id, target, target_id, level)
    VALUES (:m, :target, :id, :level)""")
_READ_ONE = Statement("""
    UPDATE notifications SET read = :yes WHERE member_id = :m AND position = :p""")
_READ_ALL = Statement("""
    UPDATE notifications SET read = :yes WHERE member_id = :m AND position <= :p""")
_FORGET = {
    column: Statement(f"DELETE FROM notifications WHERE {column} = :id")
    for column in ("post_id", "message_id")
}


def _viewer(conn: Connection, member_id: str) -> Viewer | None:
    row = _MEMBER.run(conn, {"m": member_id}).fetchone()
    return Viewer(row[0], row[1], bool(row[2])) if row else None


def _conference(conn: Connection, conference_id: str) -> ConferenceAccess | None:
    row = _CONFERENCE.run(conn, {"c": conference_id}).fetchone()
    if row is None:
        return None
    return ConferenceAccess(row[0], row[1], tuple((p, a) for p, a in json.loads(row[2])))


def _room(conn: Connection, room_id: str) -> tuple[ConferenceAccess, list[str], str] | None:
    """The room under the one rule, its members, and its visibility."""
    row = _ROOM.run(conn, {"r": room_id}).fetchone()
    if row is None:
        return None
    members = [m for (m,) in _ROOM_MEMBERS.run(conn, {"r": room_id}).fetchall()]
    conference = _conference(conn, row[3]) if row[3] else None
    return room_access(row[0], row[1], row[2], members, conference), members, row[1]


def _level(conn: Connection, member_id: str, places: Iterable[tuple[str, str]]) -> str:
    """The member's level for the first of ``places`` they set one for."""
    levels = {(t, i): level for t, i, level in _LEVELS.run(conn, {"m": member_id}).fetchall()}
    for place in places:
        if place in levels:
            return str(levels[place])
    return "normal"


def _mentioned(conn: Connection, body: str) -> list[str]:
    if "@" not in body:  # most posts mention nobody: skip the parse
        return []
    found = [_HANDLE.run(conn, {"h": handle.lower()}).fetchone() for handle in
             markup.mentions(body)]
    return [row[0] for row in found if row is not None]


def _author(conn: Connection, statement: Statement, item_id: str | None) -> list[str]:
    if item_id is None:
        return []
    row = statement.run(conn, {"p": item_id}).fetchone()
    return [row[0]] if row else []


def _watchers(conn: Connection, conference_id: str | None, thread_id: str | None,
              room_id: str | None) -> list[str]:
    rows = _WATCHERS.run(conn, {"c": conference_id, "t": thread_id, "r": room_id}).fetchall()
    return list(dict.fromkeys(member for member, _ in rows))


def _deliver(conn: Connection, rec: Recorded, actor: str, access: ConferenceAccess,
             places: list[tuple[str, str]], wanted: list[tuple[str, Iterable[str]]],
             **where: str | None) -> None:
    """Write one notification per member: the first reason that applies, if they may read."""
    done: set[str] = {actor}
    for kind, member_ids in wanted:
        for member_id in member_ids:
            if member_id in done:
                continue
            done.add(member_id)
            viewer = _viewer(conn, member_id)
            if viewer is None or not viewer.signed_in or not can_read(viewer, access):
                continue
            level = _level(conn, member_id, places)
            if level == "muted" or (kind in ("thread", "post", "message") and level != "watching"):
                continue
            _INSERT.run(conn, {
                "m": member_id, "position": rec.position, "kind": kind, "actor": actor,
                "conference_id": where.get("conference_id"), "thread_id": where.get("thread_id"),
                "post_id": where.get("post_id"), "room_id": where.get("room_id"),
                "message_id": where.get("message_id"), "at": stamp(conn, rec.occurred_at),
                "no": False,
            })


_THREAD_CONFERENCE = Statement("SELECT conference_id FROM threads WHERE id = :t")


def _thread_conference(conn: Connection, thread_id: str) -> str | None:
    row = _THREAD_CONFERENCE.run(conn, {"t": thread_id}).fetchone()
    return str(row[0]) if row else None


@projection.on(ev.ThreadStarted, ev.ReplyPosted)
def _posted(conn: Connection, rec: Recorded, e: ev.ThreadStarted | ev.ReplyPosted) -> None:
    conference_id = (e.conference_id if isinstance(e, ev.ThreadStarted)
                     else _thread_conference(conn, e.thread_id))
    access = _conference(conn, conference_id) if conference_id else None
    if access is None:
        return
    places = [("thread", e.thread_id), ("conference", conference_id or "")]
    replied = _author(conn, _POST_AUTHOR, getattr(e, "parent_post_id", None))
    watchers = _watchers(conn, conference_id, e.thread_id, None)
    _deliver(conn, rec, e.author_id, access, places, [
        ("mention", _mentioned(conn, e.body)), ("reply", replied),
        ("thread" if isinstance(e, ev.ThreadStarted) else "post", watchers),
    ], conference_id=conference_id, thread_id=e.thread_id, post_id=e.post_id)


@projection.on(ev.MessagePosted)
def _message(conn: Connection, rec: Recorded, e: ev.MessagePosted) -> None:
    found = _room(conn, e.room_id)
    if found is None:
        return
    access, members, visibility = found
    direct = members if visibility == "direct" else []
    _deliver(conn, rec, e.author_id, access, [("room", e.room_id)], [
        ("direct", direct), ("mention", _mentioned(conn, e.body)),
        ("reply", _author(conn, _MESSAGE_AUTHOR, e.reply_to)),
        ("message", _watchers(conn, None, None, e.room_id)),
    ], room_id=e.room_id, message_id=e.message_id)


@projection.on(ev.PostDeleted, ev.PostHidden)
def _post_gone(conn: Connection, rec: Recorded, e: ev.PostDeleted | ev.PostHidden) -> None:
    _FORGET["post_id"].run(conn, {"id": e.post_id})


@projection.on(ev.MessageDeleted)
def _message_gone(conn: Connection, rec: Recorded, e: ev.MessageDeleted) -> None:
    _FORGET["message_id"].run(conn, {"id": e.message_id})


@projection.on(ev.WatchLevelSet)
def _watch(conn: Connection, rec: Recorded, e: ev.WatchLevelSet) -> None:
    params = {"m": e.member_id, "target": e.target, "id": e.target_id, "level": e.level}
    if not _SET_LEVEL.run(conn, params).rowcount:
        _FIRST_LEVEL.run(conn, params)


@projection.on(ev.NotificationsRead)
def _read(conn: Connection, rec: Recorded, e: ev.NotificationsRead) -> None:
    if e.position is not None:
        _READ_ONE.run(conn, {"m": e.member_id, "p": e.position, "yes": True})
    elif e.up_to is not None:
        _READ_ALL.run(conn, {"m": e.member_id, "p": e.up_to, "yes": True})
