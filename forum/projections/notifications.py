"""Each member's notification inbox, and how much they want to hear of each place.

A notification is written in the same transaction as what caused it, for
each member it concerns, and only if that member may read the place at that
moment (the one visibility rule); the inbox checks again when it is shown.
It keeps no words: the page shows the post or message as it is now.

What a member hears, by their level for the place (the thread's level, else
its conference's; a room's own): ``muted`` nothing; ``normal`` (the default)
mentions, replies to what they wrote, and direct messages; ``watching``
everything new as well: each new thread, and new replies or messages as one
notice per thread or room until it is read (as Discourse coalesces them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection

from forum import events as ev
from forum import markup
from forum.eventstore import Recorded
from forum.permissions import ConferenceAccess, Viewer, can_read, room_access
from forum.projections import rendering
from forum.projections.registry import Projection
from forum.projections.sql import Statement, rebuild_scope, stamp
from forum.projections.tables import notifications, watch_levels

projection = Projection("notifications", [notifications, watch_levels],
                        reads=("members", "conferences", "threads", "rooms", "rotas"))

_INSERT = Statement("""
    INSERT INTO notifications (member_id, position, kind, actor_id, conference_id, thread_id,
                               post_id, room_id, message_id, created_at, read)
    VALUES (:m, :position, :kind, :actor, :conference_id, :thread_id, :post_id, :room_id,
            :message_id, :at, :no)""", deferrable=True)
_MEMBER = Statement("SELECT id, role, active FROM members WHERE id = :m")
_HANDLE = Statement("SELECT id FROM members WHERE handle = :h")
_CONFERENCE = Statement("SELECT id, visibility, acl FROM conferences WHERE id = :c")
_ROOM = Statement("SELECT id, visibility, created_by, conference_id FROM rooms WHERE id = :r")
_ROOM_MEMBERS = Statement("SELECT member_id FROM room_members WHERE room_id = :r")
_POST_AUTHOR = Statement("SELECT author_id FROM posts WHERE id = :p")
_MESSAGE_AUTHOR = Statement("SELECT author_id FROM messages WHERE id = :p")
_LEVELS = Statement("""
    SELECT target, target_id, level FROM watch_levels WHERE member_id = :m""")
_ALL_WATCHING = Statement("""
    SELECT member_id, target, target_id FROM watch_levels WHERE level = 'watching'""")
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
    UPDATE notifications SET read = :yes WHERE member_id = :m AND position = :p""",
    deferrable=True)
_READ_ALL = Statement("""
    UPDATE notifications SET read = :yes WHERE member_id = :m AND position <= :p""",
    deferrable=True)
# A notice was written at its post's (or message's) position: find it by that key.
_POSITION = {table: Statement(f"SELECT position FROM {table} WHERE id = :id")
             for table in ("posts", "messages")}
_FORGET = {column: Statement(f"""
    DELETE FROM notifications WHERE position = :position AND {column} = :id""", deferrable=True)
    for column in ("post_id", "message_id")}


class _Memory:
    """What this projection learned during one rebuild (see rebuild_scope), by kind."""

    KINDS = ("viewer", "conference", "room", "levels", "handle", "author", "thread", "watching",
             "notified", "pending", "pending_at")

    def __init__(self) -> None:
        self.kinds: dict[str, dict[Any, Any]] = {kind: {} for kind in self.KINDS}


def _memory(conn: Connection) -> _Memory | None:
    """During a rebuild, what this projection has learned so far (None otherwise)."""
    scope = rebuild_scope(conn)
    if scope is None:
        return None
    memory: _Memory | None = scope.get("notifications")
    if memory is None:
        memory = scope["notifications"] = _Memory()
    return memory


def _remembered(conn: Connection, kind: str) -> dict[Any, Any] | None:
    memory = _memory(conn)
    return None if memory is None else memory.kinds[kind]


def _cached(conn: Connection, kind: str, key: Any, look_up: Callable[[], Any],
            memory: _Memory | None = None) -> Any:
    known = memory.kinds[kind] if memory is not None else _remembered(conn, kind)
    if known is None:
        return look_up()
    try:
        return known[key]
    except KeyError:
        value = known[key] = look_up()
        return value


def _forget(conn: Connection, kind: str, key: Any) -> None:
    memory = _remembered(conn, kind)
    if memory is not None:
        memory.pop(key, None)


def _viewer(conn: Connection, member_id: str, memory: _Memory | None = None) -> Viewer | None:
    def look_up() -> Viewer | None:
        row = _MEMBER.run(conn, {"m": member_id}).fetchone()
        return Viewer(row[0], row[1], bool(row[2])) if row else None
    result: Viewer | None = _cached(conn, "viewer", member_id, look_up, memory)
    return result


def _conference(conn: Connection, conference_id: str) -> ConferenceAccess | None:
    def look_up() -> ConferenceAccess | None:
        row = _CONFERENCE.run(conn, {"c": conference_id}).fetchone()
        if row is None:
            return None
        return ConferenceAccess(row[0], row[1], tuple((p, a) for p, a in json.loads(row[2])))
    result: ConferenceAccess | None = _cached(conn, "conference", conference_id, look_up)
    return result


def _room(conn: Connection, room_id: str) -> tuple[ConferenceAccess, list[str], str] | None:
    """The room under the one rule, its members, and its visibility."""
    def look_up() -> tuple[str, str, str | None, list[str]] | None:
        row = _ROOM.run(conn, {"r": room_id}).fetchone()
        if row is None:
            return None
        members = [m for (m,) in _ROOM_MEMBERS.run(conn, {"r": room_id}).fetchall()]
        return row[1], row[2], row[3], members
    found = _cached(conn, "room", room_id, look_up)
    if found is None:
        return None
    visibility, created_by, conference_id, members = found
    conference = _conference(conn, conference_id) if conference_id else None
    return room_access(room_id, visibility, created_by, members, conference), members, visibility


def _level(conn: Connection, member_id: str, places: Iterable[tuple[str, str]],
           memory: _Memory | None = None) -> str:
    """The member's level for the first of ``places`` they set one for."""
    levels: dict[tuple[str, str], str] = _cached(conn, "levels", member_id, lambda: {
        (t, i): level for t, i, level in _LEVELS.run(conn, {"m": member_id}).fetchall()},
        memory)
    for place in places:
        if place in levels:
            return levels[place]
    return "normal"


def _mentioned(conn: Connection, body: str) -> list[str]:
    if "@" not in body:  # most posts mention nobody
        return []
    # The threads or rooms projection rendered this body a moment ago: read the
    # mentions off the HTML (from the memo) rather than parse the Markdown again.
    found = []
    for handle in markup.mentions_in(rendering.render(conn, body)):
        def look_up(handle: str = handle) -> Any:
            return _HANDLE.run(conn, {"h": handle.lower()}).fetchone()
        found.append(_cached(conn, "handle", handle.lower(), look_up))
    return [row[0] for row in found if row is not None]


def _author(conn: Connection, statement: Statement, item_id: str | None) -> list[str]:
    if item_id is None:
        return []
    row = _cached(conn, "author", item_id,
                  lambda: statement.run(conn, {"p": item_id}).fetchone())
    return [row[0]] if row else []


def _watchers(conn: Connection, conference_id: str | None, thread_id: str | None,
              room_id: str | None) -> list[str]:
    watching: dict[tuple[str, str | None], list[str]] | None = _remembered(conn, "watching")
    if watching is None:
        rows = _WATCHERS.run(conn, {"c": conference_id, "t": thread_id, "r": room_id})
        return list(dict.fromkeys(member for member, _ in rows.fetchall()))
    if not watching:
        watching[("", "")] = []  # loaded: everyone watching anything, once per rebuild
        for member, target, target_id in _ALL_WATCHING.run(conn, {}).fetchall():
            watching.setdefault((target, target_id), []).append(member)
    places = [("conference", conference_id), ("thread", thread_id), ("room", room_id)]
    return list(dict.fromkeys(m for place in places for m in watching.get(place, [])))


def _deliver(conn: Connection, rec: Recorded, actor: str, access: ConferenceAccess,
             places: list[tuple[str, str]], wanted: list[tuple[str, Iterable[str]]],
             **where: str | None) -> None:
    """Write one notification per member: the first reason that applies, if they may read."""
    done: set[str] = {actor}
    memory = _memory(conn)
    for kind, member_ids in wanted:
        for member_id in member_ids:
            if member_id in done:
                continue
            done.add(member_id)
            if kind in COALESCED and _pending(conn, memory, member_id, kind,
                                              where.get(COALESCED[kind])):
                continue
            viewer = _viewer(conn, member_id, memory)
            if viewer is None or not viewer.signed_in or not can_read(viewer, access):
                continue
            level = _level(conn, member_id, places, memory)
            if level == "muted" or (kind in ("thread", "post", "message") and level != "watching"):
                continue
            if memory is not None:
                memory.kinds["notified"][where.get("post_id") or where.get("message_id")] = \
                    rec.position
                if kind in COALESCED:
                    _remember_pending(memory, member_id, kind, where.get(COALESCED[kind]),
                                      rec.position)
            _INSERT.run(conn, {
                "m": member_id, "position": rec.position, "kind": kind, "actor": actor,
                "conference_id": where.get("conference_id"), "thread_id": where.get("thread_id"),
                "post_id": where.get("post_id"), "room_id": where.get("room_id"),
                "message_id": where.get("message_id"), "at": stamp(conn, rec.occurred_at),
                "no": False,
            })


_THREAD_CONFERENCE = Statement("SELECT conference_id FROM threads WHERE id = :t")

# "New in a place you watch" is said once until read: a member with an unread
# notice of that kind for the thread (or room) gets no second one.
COALESCED = {"post": "thread_id", "message": "room_id"}
_PENDING = {column: Statement(f"""
    SELECT 1 FROM notifications WHERE member_id = :m AND read = :no AND kind = :kind
    AND {column} = :place LIMIT 1""") for column in COALESCED.values()}


def _pending(conn: Connection, memory: _Memory | None, member_id: str, kind: str,
             place: str | None) -> bool:
    """Has the member an unread notice of this kind for this place?"""
    if memory is None:
        return _PENDING[COALESCED[kind]].run(conn, {
            "m": member_id, "no": False, "kind": kind, "place": place}).fetchone() is not None
    return (kind, place) in memory.kinds["pending"].get(member_id, {})


def _remember_pending(memory: _Memory, member_id: str, kind: str, place: str | None,
                      position: int) -> None:
    memory.kinds["pending"].setdefault(member_id, {})[(kind, place)] = position
    memory.kinds["pending_at"].setdefault(position, []).append((member_id, kind, place))


def _no_longer_pending(memory: _Memory, member_id: str, *, position: int | None = None,
                       up_to: int | None = None) -> None:
    """The member read the notice at ``position``, or all up to ``up_to``."""
    pending = memory.kinds["pending"].get(member_id, {})
    for key, at in list(pending.items()):
        if at == position or (up_to is not None and at <= up_to):
            del pending[key]


def _thread_conference(conn: Connection, thread_id: str) -> str | None:
    def look_up() -> str | None:
        row = _THREAD_CONFERENCE.run(conn, {"t": thread_id}).fetchone()
        return str(row[0]) if row else None
    result: str | None = _cached(conn, "thread", thread_id, look_up)
    return result


@projection.on(ev.ThreadStarted, ev.ReplyPosted)
def _posted(conn: Connection, rec: Recorded, e: ev.ThreadStarted | ev.ReplyPosted) -> None:
    if isinstance(e, ev.ThreadStarted):
        conference_id: str | None = e.conference_id
        memory = _remembered(conn, "thread")
        if memory is not None:
            memory[e.thread_id] = e.conference_id
    else:
        conference_id = _thread_conference(conn, e.thread_id)
    authors = _remembered(conn, "author")
    if authors is not None:
        authors[e.post_id] = (e.author_id,)
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
    authors = _remembered(conn, "author")
    if authors is not None:
        authors[e.message_id] = (e.author_id,)
    direct = members if visibility == "direct" else []
    _deliver(conn, rec, e.author_id, access, [("room", e.room_id)], [
        ("direct", direct), ("mention", _mentioned(conn, e.body)),
        ("reply", _author(conn, _MESSAGE_AUTHOR, e.reply_to)),
        ("message", _watchers(conn, None, None, e.room_id)),
    ], room_id=e.room_id, message_id=e.message_id)


_TALK = Statement("SELECT thread_id, post_id FROM talks WHERE id = :t")


def _talk_notice(conn: Connection, rec: Recorded, kind: str, member_id: str, actor: str,
                 thread_id: str, post_id: str) -> None:
    """A notice to one member about their talk, pointing at its discussion thread."""
    conference_id = _thread_conference(conn, thread_id)
    access = _conference(conn, conference_id) if conference_id else None
    if access is None:
        return
    _deliver(conn, rec, actor, access, [("thread", thread_id), ("conference", conference_id or "")],
             [(kind, [member_id])], conference_id=conference_id, thread_id=thread_id,
             post_id=post_id)


@projection.on(ev.TalkReminderSent)
def _talk_reminder(conn: Connection, rec: Recorded, e: ev.TalkReminderSent) -> None:
    row = _TALK.run(conn, {"t": e.talk_id}).fetchone()
    if row is not None:  # the clock's reminder: nobody in particular sent it
        _talk_notice(conn, rec, f"talk_{e.kind}", e.speaker_id, "", row[0], row[1])


@projection.on(ev.KudosGiven)
def _kudos(conn: Connection, rec: Recorded, e: ev.KudosGiven) -> None:
    _talk_notice(conn, rec, "kudos", e.to_member_id, e.member_id, e.thread_id, e.post_id)


@projection.on(ev.TalkSignedUp)
def _talk_given(conn: Connection, rec: Recorded, e: ev.TalkSignedUp) -> None:
    if e.by != e.speaker_id:  # an organiser assigned it, or it came off the waiting list
        _talk_notice(conn, rec, "talk_given", e.speaker_id, e.by, e.thread_id, e.post_id)


def _withdraw(conn: Connection, table: str, column: str, item_id: str) -> None:
    memory = _memory(conn)
    if memory is not None:  # a rebuild knows which posts it wrote notices for
        position = memory.kinds["notified"].pop(item_id, None)
        if position is not None:
            _FORGET[column].run(conn, {"position": position, "id": item_id})
            for member_id, kind, place in memory.kinds["pending_at"].pop(position, []):
                pending = memory.kinds["pending"].get(member_id, {})
                if pending.get((kind, place)) == position:
                    del pending[(kind, place)]
        return
    row = _POSITION[table].run(conn, {"id": item_id}).fetchone()
    if row is not None:
        _FORGET[column].run(conn, {"position": row[0], "id": item_id})


@projection.on(ev.PostDeleted, ev.PostHidden)
def _post_gone(conn: Connection, rec: Recorded, e: ev.PostDeleted | ev.PostHidden) -> None:
    _withdraw(conn, "posts", "post_id", e.post_id)


@projection.on(ev.MessageDeleted)
def _message_gone(conn: Connection, rec: Recorded, e: ev.MessageDeleted) -> None:
    _withdraw(conn, "messages", "message_id", e.message_id)


@projection.on(ev.WatchLevelSet)
def _watch(conn: Connection, rec: Recorded, e: ev.WatchLevelSet) -> None:
    params = {"m": e.member_id, "target": e.target, "id": e.target_id, "level": e.level}
    if not _SET_LEVEL.run(conn, params).rowcount:
        _FIRST_LEVEL.run(conn, params)
    _forget(conn, "levels", e.member_id)
    watching = _remembered(conn, "watching")
    if watching:
        place = watching.setdefault((e.target, e.target_id), [])
        if e.member_id in place:
            place.remove(e.member_id)
        if e.level == "watching":
            place.append(e.member_id)


# What this projection remembers during a rebuild, forgotten when it changes.


@projection.on(ev.MemberRegistered, ev.MemberRoleChanged, ev.MemberDeactivated,
               ev.MemberReactivated)
def _member_changed(conn: Connection, rec: Recorded, e: ev.Event) -> None:
    _forget(conn, "viewer", getattr(e, "member_id", None))
    if isinstance(e, ev.MemberRegistered):
        _forget(conn, "handle", e.handle)


@projection.on(ev.ConferenceUpdated, ev.ConferenceAclChanged)
def _conference_changed(conn: Connection, rec: Recorded,
                        e: ev.ConferenceUpdated | ev.ConferenceAclChanged) -> None:
    _forget(conn, "conference", e.conference_id)


@projection.on(ev.ThreadMoved)
def _thread_moved(conn: Connection, rec: Recorded, e: ev.ThreadMoved) -> None:
    _forget(conn, "thread", e.thread_id)


@projection.on(ev.RoomJoined, ev.RoomLeft)
def _room_changed(conn: Connection, rec: Recorded, e: ev.RoomJoined | ev.RoomLeft) -> None:
    _forget(conn, "room", e.room_id)


@projection.on(ev.NotificationsRead)
def _read(conn: Connection, rec: Recorded, e: ev.NotificationsRead) -> None:
    memory = _memory(conn)
    if memory is not None:
        _no_longer_pending(memory, e.member_id, position=e.position, up_to=e.up_to)
    if e.position is not None:
        _READ_ONE.run(conn, {"m": e.member_id, "p": e.position, "yes": True})
    elif e.up_to is not None:
        _READ_ALL.run(conn, {"m": e.member_id, "p": e.up_to, "yes": True})
