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
from itertools import filterfalse
from typing import Any

from sqlalchemy import Connection

from forum.core import markup
from forum.core.events import Event
from forum.core.eventstore import Recorded
from forum.core.permissions import ConferenceAccess, Viewer, can_read, room_access
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, rebuild_scope, stamp
from forum.features.conferences.events import ConferenceAclChanged, ConferenceUpdated
from forum.features.kudos.events import KudosGiven
from forum.features.members.events import (
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    MemberRoleChanged,
)
from forum.features.notifications.events import NotificationsRead, WatchLevelSet
from forum.features.notifications.tables import notifications, watch_levels
from forum.features.rooms.events import MessageDeleted, MessagePosted, RoomJoined, RoomLeft
from forum.features.rotas.events import TalkReminderSent, TalkSignedUp
from forum.features.threads.events import (
    PostDeleted,
    PostHidden,
    ReplyPosted,
    ThreadMoved,
    ThreadStarted,
)

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
    """What this projection learned during one rebuild (see rebuild_scope), by kind.

    ``pending`` holds each member's unread coalesced notices by (kind, place);
    ``pending_by_place`` the same by place, so a post's watchers who already
    have one are passed over with one set look-up each. ``readable`` is the one
    rule's answer per (member, space), forgotten whenever a member, conference
    or room changes (rare events: a rebuild forgets it a few hundred times).
    """

    KINDS = ("viewer", "conference", "room", "levels", "handle", "author", "thread", "watching",
             "readable", "notified", "pending", "pending_by_place")

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


def _cached(memory: _Memory | None, kind: str, key: Any, look_up: Callable[[], Any]) -> Any:
    if memory is None:
        return look_up()
    known = memory.kinds[kind]
    try:
        return known[key]
    except KeyError:
        value = known[key] = look_up()
        return value


def _forget(memory: _Memory | None, kind: str, key: Any = None, *, everything: bool = False,
            ) -> None:
    if memory is not None:
        if everything:
            memory.kinds[kind].clear()
        else:
            memory.kinds[kind].pop(key, None)


def _viewer(conn: Connection, member_id: str, memory: _Memory | None) -> Viewer | None:
    def look_up() -> Viewer | None:
        row = _MEMBER.run(conn, {"m": member_id}).fetchone()
        return Viewer(row[0], row[1], bool(row[2])) if row else None
    result: Viewer | None = _cached(memory, "viewer", member_id, look_up)
    return result


def _may_read(conn: Connection, member_id: str, access: ConferenceAccess,
              memory: _Memory | None) -> bool:
    """May the member read the space now (signed in, under the one rule)?"""
    # A space is one conference, or one room that is not a conference's.
    key = (member_id, access.conference_id)
    if memory is not None:
        known: bool | None = memory.kinds["readable"].get(key)
        if known is not None:
            return known
    viewer = _viewer(conn, member_id, memory)
    result = viewer is not None and viewer.signed_in and can_read(viewer, access)
    if memory is not None:
        memory.kinds["readable"][key] = result
    return result


def _conference(conn: Connection, conference_id: str,
                memory: _Memory | None) -> ConferenceAccess | None:
    if memory is not None and conference_id in memory.kinds["conference"]:  # the usual case
        known: ConferenceAccess | None = memory.kinds["conference"][conference_id]
        return known

    def look_up() -> ConferenceAccess | None:
        row = _CONFERENCE.run(conn, {"c": conference_id}).fetchone()
        if row is None:
            return None
        return ConferenceAccess(row[0], row[1], tuple((p, a) for p, a in json.loads(row[2])))
    result: ConferenceAccess | None = _cached(memory, "conference", conference_id, look_up)
    return result


def _room(conn: Connection, room_id: str,
          memory: _Memory | None) -> tuple[ConferenceAccess, list[str], str] | None:
    """The room under the one rule, its members, and its visibility."""
    def look_up() -> tuple[ConferenceAccess, list[str], str] | None:
        row = _ROOM.run(conn, {"r": room_id}).fetchone()
        if row is None:
            return None
        members = [m for (m,) in _ROOM_MEMBERS.run(conn, {"r": room_id}).fetchall()]
        visibility, created_by, conference_id = row[1], row[2], row[3]
        conference = _conference(conn, conference_id, memory) if conference_id else None
        return (room_access(room_id, visibility, created_by, members, conference), members,
                visibility)
    # Remembered with its conference's list: forgotten when either changes.
    result: tuple[ConferenceAccess, list[str], str] | None = _cached(
        memory, "room", room_id, look_up)
    return result


def _level(conn: Connection, member_id: str, places: Iterable[tuple[str, str]],
           memory: _Memory | None) -> str:
    """The member's level for the first of ``places`` they set one for."""
    levels: dict[tuple[str, str], str] | None = (
        memory.kinds["levels"].get(member_id) if memory is not None else None)
    if levels is None:
        levels = {(t, i): level
                  for t, i, level in _LEVELS.run(conn, {"m": member_id}).fetchall()}
        if memory is not None:
            memory.kinds["levels"][member_id] = levels
    for place in places:
        if place in levels:
            return levels[place]
    return "normal"


def _mentioned(conn: Connection, body: str, memory: _Memory | None) -> list[str]:
    if "@" not in body:  # most posts mention nobody
        return []
    # The threads or rooms projection rendered this body a moment ago: read the
    # mentions off the HTML (from the memo) rather than parse the Markdown again.
    found = []
    for handle in markup.mentions_in(rendering.render(conn, body)):
        def look_up(handle: str = handle) -> Any:
            return _HANDLE.run(conn, {"h": handle.lower()}).fetchone()
        found.append(_cached(memory, "handle", handle.lower(), look_up))
    return [row[0] for row in found if row is not None]


def _author(conn: Connection, statement: Statement, item_id: str | None,
            memory: _Memory | None) -> list[str]:
    if item_id is None:
        return []
    if memory is not None and item_id in memory.kinds["author"]:  # the usual case
        known = memory.kinds["author"][item_id]
        return [known] if known is not None else []

    def look_up() -> str | None:
        row = statement.run(conn, {"p": item_id}).fetchone()
        return str(row[0]) if row else None
    author: str | None = _cached(memory, "author", item_id, look_up)
    return [author] if author is not None else []


def _watchers(conn: Connection, conference_id: str | None, thread_id: str | None,
              room_id: str | None, memory: _Memory | None) -> list[str]:
    if memory is None:
        rows = _WATCHERS.run(conn, {"c": conference_id, "t": thread_id, "r": room_id})
        return list(dict.fromkeys(member for member, _ in rows.fetchall()))
    watching: dict[tuple[str, str | None], list[str]] = memory.kinds["watching"]
    if not watching:
        watching[("", "")] = []  # loaded: everyone watching anything, once per rebuild
        for member, target, target_id in _ALL_WATCHING.run(conn, {}).fetchall():
            watching.setdefault((target, target_id), []).append(member)
    found = [members for members in (watching.get(("conference", conference_id)),
                                     watching.get(("thread", thread_id)),
                                     watching.get(("room", room_id))) if members]
    if len(found) == 1:  # usually: the place's own list, read at once, never changed
        return found[0]
    return list(dict.fromkeys(m for members in found for m in members))


def _deliver(conn: Connection, rec: Recorded, actor: str, access: ConferenceAccess,
             places: list[tuple[str, str]], wanted: list[tuple[str, Iterable[str]]],
             memory: _Memory | None, **where: str | None) -> None:
    """Write one notification per member: the first reason that applies, if they may read."""
    if memory is not None:
        _deliver_replaying(conn, rec, actor, access, places, wanted, memory, where)
        return
    done: set[str] = {actor}
    row: dict[str, Any] | None = None  # what every notice of this event says
    for kind, member_ids in wanted:
        place = where.get(COALESCED[kind]) if kind in COALESCED else None
        for member_id in member_ids:
            if member_id in done:
                continue
            done.add(member_id)
            if kind in COALESCED and _pending(conn, member_id, kind, place):
                continue
            if not _may_read(conn, member_id, access, None) or not _hears(
                    kind, _level(conn, member_id, places, None)):
                continue
            if row is None:
                row = _row(conn, rec, actor, where)
            _INSERT.run(conn, {**row, "m": member_id, "kind": kind})


def _deliver_replaying(conn: Connection, rec: Recorded, actor: str, access: ConferenceAccess,
                       places: list[tuple[str, str]],
                       wanted: list[tuple[str, Iterable[str]]], memory: _Memory,
                       where: dict[str, str | None]) -> None:
    """``_deliver`` in a rebuild, from what the projection remembers.

    The same decisions, in the same order; a rebuild makes millions of notices
    (a place's watchers grow with the log, and each new thread tells them all),
    so the rules are spelled out here with the remembered answers at hand.
    """
    done: set[str] = {actor}
    row: dict[str, Any] | None = None  # what every notice of this event says
    space = access.conference_id
    kinds = memory.kinds
    readable: dict[tuple[str, str], bool] = kinds["readable"]
    all_levels: dict[str, dict[tuple[str, str], str]] = kinds["levels"]
    for kind, member_ids in wanted:
        column = COALESCED.get(kind)
        key = (kind, where.get(column)) if column is not None else None
        # The members who have an unread notice of this kind for this place already.
        pending: set[str] = (kinds["pending_by_place"].get(key, _NOBODY)
                             if key is not None else _NOBODY)
        watched = kind in _WATCHED
        # Most of a busy place's watchers have heard of it already: pass over them
        # in one C-level filter (they count as done, as they would one by one).
        for member_id in filterfalse(pending.__contains__, member_ids) if pending else member_ids:
            if member_id in done:
                continue
            done.add(member_id)
            may_read = readable.get((member_id, space))
            if may_read is None:
                may_read = _may_read(conn, member_id, access, memory)
            if not may_read:
                continue
            levels = all_levels.get(member_id)
            if levels is None:
                level = _level(conn, member_id, places, memory)
            else:  # as _level does, without a call
                level = "normal"
                for place_key in places:
                    if place_key in levels:
                        level = levels[place_key]
                        break
            if level == "muted" or (watched and level != "watching"):  # as _hears
                continue
            if row is None:
                row = _row(conn, rec, actor, where)
                kinds["notified"][where.get("post_id") or where.get("message_id")] = \
                    rec.position
            if key is not None:  # now pending here, under this event's one key
                by_member = kinds["pending"].get(member_id)
                if by_member is None:
                    by_member = kinds["pending"][member_id] = {}
                by_member[key] = rec.position
                if pending is _NOBODY:
                    pending = kinds["pending_by_place"][key] = set()
                pending.add(member_id)
            _INSERT.run(conn, {**row, "m": member_id, "kind": kind})
        if pending:
            done.update(member_ids)


def _row(conn: Connection, rec: Recorded, actor: str, where: dict[str, str | None]
         ) -> dict[str, Any]:
    """What every notice of one event says (all but whose it is and why)."""
    return {"position": rec.position, "actor": actor,
            "conference_id": where.get("conference_id"), "thread_id": where.get("thread_id"),
            "post_id": where.get("post_id"), "room_id": where.get("room_id"),
            "message_id": where.get("message_id"), "at": stamp(conn, rec.occurred_at),
            "no": False}


def _hears(kind: str, level: str) -> bool:
    """Muted hears nothing; normal what concerns the member; watching everything new too."""
    return level != "muted" and (level == "watching" or kind not in _WATCHED)


_WATCHED = frozenset(("thread", "post", "message"))
_NOBODY: set[str] = set()
_THREAD_CONFERENCE = Statement("SELECT conference_id FROM threads WHERE id = :t")

# "New in a place you watch" is said once until read: a member with an unread
# notice of that kind for the thread (or room) gets no second one.
COALESCED = {"post": "thread_id", "message": "room_id"}
_PENDING = {column: Statement(f"""
    SELECT 1 FROM notifications WHERE member_id = :m AND read = :no AND kind = :kind
    AND {column} = :place LIMIT 1""") for column in COALESCED.values()}


def _pending(conn: Connection, member_id: str, kind: str, place: str | None) -> bool:
    """Has the member an unread notice of this kind for this place?"""
    return _PENDING[COALESCED[kind]].run(conn, {
        "m": member_id, "no": False, "kind": kind, "place": place}).fetchone() is not None


def _not_pending(memory: _Memory, member_id: str, key: tuple[str, str | None]) -> None:
    del memory.kinds["pending"][member_id][key]
    memory.kinds["pending_by_place"][key].discard(member_id)


def _no_longer_pending(memory: _Memory, member_id: str, *, position: int | None = None,
                       up_to: int | None = None) -> None:
    """The member read the notice at ``position``, or all up to ``up_to``."""
    pending = memory.kinds["pending"].get(member_id, {})
    for key, at in list(pending.items()):
        if at == position or (up_to is not None and at <= up_to):
            _not_pending(memory, member_id, key)


def _thread_conference(conn: Connection, thread_id: str, memory: _Memory | None) -> str | None:
    if memory is not None and thread_id in memory.kinds["thread"]:  # the usual case
        known: str | None = memory.kinds["thread"][thread_id]
        return known

    def look_up() -> str | None:
        row = _THREAD_CONFERENCE.run(conn, {"t": thread_id}).fetchone()
        return str(row[0]) if row else None
    result: str | None = _cached(memory, "thread", thread_id, look_up)
    return result


@projection.on(ThreadStarted, ReplyPosted)
def _posted(conn: Connection, rec: Recorded, e: ThreadStarted | ReplyPosted) -> None:
    memory = _memory(conn)
    if isinstance(e, ThreadStarted):
        conference_id: str | None = e.conference_id
        if memory is not None:
            memory.kinds["thread"][e.thread_id] = e.conference_id
        parent_id = None
    else:
        conference_id = _thread_conference(conn, e.thread_id, memory)
        parent_id = e.parent_post_id
    if memory is not None:
        memory.kinds["author"][e.post_id] = e.author_id
    access = _conference(conn, conference_id, memory) if conference_id else None
    if access is None:
        return
    places = [("thread", e.thread_id), ("conference", conference_id or "")]
    replied = _author(conn, _POST_AUTHOR, parent_id, memory)
    watchers = _watchers(conn, conference_id, e.thread_id, None, memory)
    _deliver(conn, rec, e.author_id, access, places, [
        ("mention", _mentioned(conn, e.body, memory)), ("reply", replied),
        ("thread" if isinstance(e, ThreadStarted) else "post", watchers),
    ], memory, conference_id=conference_id, thread_id=e.thread_id, post_id=e.post_id)


@projection.on(MessagePosted)
def _message(conn: Connection, rec: Recorded, e: MessagePosted) -> None:
    memory = _memory(conn)
    found = _room(conn, e.room_id, memory)
    if found is None:
        return
    access, members, visibility = found
    if memory is not None:
        memory.kinds["author"][e.message_id] = e.author_id
    direct = members if visibility == "direct" else []
    _deliver(conn, rec, e.author_id, access, [("room", e.room_id)], [
        ("direct", direct), ("mention", _mentioned(conn, e.body, memory)),
        ("reply", _author(conn, _MESSAGE_AUTHOR, e.reply_to, memory)),
        ("message", _watchers(conn, None, None, e.room_id, memory)),
    ], memory, room_id=e.room_id, message_id=e.message_id)


_TALK = Statement("SELECT thread_id, post_id FROM talks WHERE id = :t")


def _talk_notice(conn: Connection, rec: Recorded, kind: str, member_id: str, actor: str,
                 thread_id: str, post_id: str) -> None:
    """A notice to one member about their talk, pointing at its discussion thread."""
    memory = _memory(conn)
    conference_id = _thread_conference(conn, thread_id, memory)
    access = _conference(conn, conference_id, memory) if conference_id else None
    if access is None:
        return
    _deliver(conn, rec, actor, access, [("thread", thread_id), ("conference", conference_id or "")],
             [(kind, [member_id])], memory, conference_id=conference_id, thread_id=thread_id,
             post_id=post_id)


@projection.on(TalkReminderSent)
def _talk_reminder(conn: Connection, rec: Recorded, e: TalkReminderSent) -> None:
    row = _TALK.run(conn, {"t": e.talk_id}).fetchone()
    if row is not None:  # the clock's reminder: nobody in particular sent it
        _talk_notice(conn, rec, f"talk_{e.kind}", e.speaker_id, "", row[0], row[1])


@projection.on(KudosGiven)
def _kudos(conn: Connection, rec: Recorded, e: KudosGiven) -> None:
    _talk_notice(conn, rec, "kudos", e.to_member_id, e.member_id, e.thread_id, e.post_id)


@projection.on(TalkSignedUp)
def _talk_given(conn: Connection, rec: Recorded, e: TalkSignedUp) -> None:
    if e.by != e.speaker_id:  # an organiser assigned it, or it came off the waiting list
        _talk_notice(conn, rec, "talk_given", e.speaker_id, e.by, e.thread_id, e.post_id)


def _withdraw(conn: Connection, table: str, column: str, item_id: str,
              place: tuple[str, str]) -> None:
    """Delete the notices of a post or message; ``place`` is where it was new (kind, id)."""
    memory = _memory(conn)
    if memory is not None:  # a rebuild knows which posts it wrote notices for
        position = memory.kinds["notified"].pop(item_id, None)
        if position is not None:
            _FORGET[column].run(conn, {"position": position, "id": item_id})
            # Its coalesced notices ("new in a place you watch") were all for its place.
            for member_id in list(memory.kinds["pending_by_place"].get(place, ())):
                if memory.kinds["pending"][member_id].get(place) == position:
                    _not_pending(memory, member_id, place)
        return
    row = _POSITION[table].run(conn, {"id": item_id}).fetchone()
    if row is not None:
        _FORGET[column].run(conn, {"position": row[0], "id": item_id})


@projection.on(PostDeleted, PostHidden)
def _post_gone(conn: Connection, rec: Recorded, e: PostDeleted | PostHidden) -> None:
    _withdraw(conn, "posts", "post_id", e.post_id, ("post", e.thread_id))


@projection.on(MessageDeleted)
def _message_gone(conn: Connection, rec: Recorded, e: MessageDeleted) -> None:
    _withdraw(conn, "messages", "message_id", e.message_id, ("message", e.room_id))


@projection.on(WatchLevelSet)
def _watch(conn: Connection, rec: Recorded, e: WatchLevelSet) -> None:
    params = {"m": e.member_id, "target": e.target, "id": e.target_id, "level": e.level}
    if not _SET_LEVEL.run(conn, params).rowcount:
        _FIRST_LEVEL.run(conn, params)
    memory = _memory(conn)
    _forget(memory, "levels", e.member_id)
    watching = memory.kinds["watching"] if memory is not None else None
    if watching:
        place = watching.setdefault((e.target, e.target_id), [])
        if e.member_id in place:
            place.remove(e.member_id)
        if e.level == "watching":
            place.append(e.member_id)


# What this projection remembers during a rebuild, forgotten when it changes.


@projection.on(MemberRegistered, MemberRoleChanged, MemberDeactivated,
               MemberReactivated)
def _member_changed(conn: Connection, rec: Recorded, e: Event) -> None:
    memory = _memory(conn)
    _forget(memory, "viewer", getattr(e, "member_id", None))
    _forget(memory, "readable", everything=True)
    if isinstance(e, MemberRegistered):
        _forget(memory, "handle", e.handle)


@projection.on(ConferenceUpdated, ConferenceAclChanged)
def _conference_changed(conn: Connection, rec: Recorded,
                        e: ConferenceUpdated | ConferenceAclChanged) -> None:
    memory = _memory(conn)
    _forget(memory, "conference", e.conference_id)
    _forget(memory, "room", everything=True)  # a room of this conference has its list
    _forget(memory, "readable", everything=True)


@projection.on(ThreadMoved)
def _thread_moved(conn: Connection, rec: Recorded, e: ThreadMoved) -> None:
    _forget(_memory(conn), "thread", e.thread_id)


@projection.on(RoomJoined, RoomLeft)
def _room_changed(conn: Connection, rec: Recorded, e: RoomJoined | RoomLeft) -> None:
    memory = _memory(conn)
    _forget(memory, "room", e.room_id)
    _forget(memory, "readable", everything=True)


@projection.on(NotificationsRead)
def _read(conn: Connection, rec: Recorded, e: NotificationsRead) -> None:
    memory = _memory(conn)
    if memory is not None:
        _no_longer_pending(memory, e.member_id, position=e.position, up_to=e.up_to)
    if e.position is not None:
        _READ_ONE.run(conn, {"m": e.member_id, "p": e.position, "yes": True})
    elif e.up_to is not None:
        _READ_ALL.run(conn, {"m": e.member_id, "p": e.up_to, "yes": True})
