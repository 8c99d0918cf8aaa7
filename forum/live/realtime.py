"""Live Commonroom: the only module that emits Socket.IO events.

What is pushed comes from the committed log: :class:`LivePush` is a
subscriber, so nothing reaches a client before its transaction committed.
Every pushed event carries its log ``position``; a client that reconnects
sends the last position it saw per channel and :func:`catch_up` sends exactly
what it missed (the client drops any position it already has).

Events reach a room's sockets as ``room_event`` (one) or ``room_events`` (a
list in log order: what one batch of the log held for that room).

Channels (Socket.IO rooms), each joined only after the one visibility rule
said yes, and re-checked whenever the log changes who may read what:

* ``room:<id>``: a chat room's messages, edits, reactions, members, typing;
* ``thread:<id>``: new posts and edits on an open thread page;
* ``watch:room:<id>`` / ``watch:conference:<id>``: "something new" for unread
  badges on the home page;
* ``member:<id>``: one member's own sockets; ``presence``: who is online.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from flask_socketio import SocketIO
from socketio.manager import Manager
from sqlalchemy import Connection

from federation.inbound.events import RemoteReplyDeleted, RemoteReplyEdited, RemoteReplyReceived
from forum.core.eventstore import EventStore, Recorded
from forum.core.permissions import Viewer, can_read, can_see_presence
from forum.core.subscribers import CommitSignal, SubscriberRunner
from forum.features.conferences.events import ConferenceAclChanged, ConferenceUpdated
from forum.features.conferences.queries import conference_access
from forum.features.members.events import MemberDeactivated, MemberRoleChanged
from forum.features.members.queries import get_member, get_members, viewer_from_row
from forum.features.notifications.events import NotificationsRead
from forum.features.notifications.queries import count_unread_notifications, notified_in
from forum.features.rooms.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessagesMoved,
    ReactionAdded,
    ReactionRemoved,
    RoomArchived,
    RoomCreated,
    RoomJoined,
    RoomLeft,
    RoomRenamed,
    RoomTopicChanged,
    RoomUnarchived,
)
from forum.features.rooms.queries import room_access_of
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    PostUnhidden,
    ReplyPosted,
    ThreadLocked,
    ThreadMoved,
    ThreadStarted,
    ThreadUnlocked,
)
from forum.features.threads.queries import get_thread
from forum.live.payloads import (
    Messages,
    attr_of,
    batch_messages,
    event_for,
    room_event,
    thread_event,
)
from forum.live.presence import Presence, SharedPresence

log = logging.getLogger(__name__)

NAMESPACE = "/"
CATCH_UP_LIMIT = 500  # more missed than this and the client reloads its page instead
ROOM_EVENTS = (RoomCreated, RoomRenamed, RoomTopicChanged, RoomArchived,
               RoomUnarchived, RoomJoined, RoomLeft, MessagePosted,
               MessageEdited, MessageDeleted, ReactionAdded, ReactionRemoved,
               MessagesMoved)
THREAD_EVENTS = (ThreadStarted, ReplyPosted, PostEdited, PostDeleted,
                 PostHidden, PostUnhidden, ThreadLocked, ThreadUnlocked,
                 RemoteReplyReceived, RemoteReplyEdited, RemoteReplyDeleted)
# After these, members' unread notification counts may have changed.
NOTIFYING_EVENTS = (ThreadStarted, ReplyPosted, MessagePosted, NotificationsRead,
                    PostDeleted, PostHidden, MessageDeleted)
# After these, every connected socket's channels are checked against the rule again.
ACCESS_EVENTS = (RoomLeft, RoomCreated, ConferenceAclChanged, ConferenceUpdated,
                 MemberDeactivated, MemberRoleChanged, ThreadMoved)


# --- the one rule, per channel -------------------------------------------------


def viewer_of(conn: Connection, member_id: str | None) -> Viewer | None:
    """The member as they are now (a role change or deactivation counts at once)."""
    if member_id is None:
        return None
    viewer = viewer_from_row(get_member(conn, member_id))
    return viewer if viewer is not None and viewer.signed_in else None


def may_join(conn: Connection, viewer: Viewer, channel: str) -> bool:
    kind, _, rest = channel.partition(":")
    if kind == "watch":
        kind, _, rest = rest.partition(":")
        if kind == "conference":
            access = conference_access(conn, rest)
            return access is not None and can_read(viewer, access)
    if kind == "room":
        access = room_access_of(conn, rest)
        return access is not None and can_read(viewer, access)
    if kind == "thread":
        thread = get_thread(conn, rest)
        access = conference_access(conn, thread.conference_id) if thread else None
        return access is not None and can_read(viewer, access)
    if kind == "member":
        return rest == viewer.member_id
    return channel == "presence" and can_see_presence(viewer)


def stream_of(channel: str) -> str | None:
    """The log stream a channel follows, for catch-up (None for channels that have none)."""
    kind, _, rest = channel.partition(":")
    return {"room": f"room-{rest}", "thread": f"thread-{rest}"}.get(kind)


def online_members(conn: Connection, presence: Presence) -> dict[str, str]:
    """Who is online or away, as any member may see it: active members only (a
    deactivated member's sockets are being closed, perhaps in another process)."""
    statuses = presence.online()
    return {row.id: statuses[row.id] for row in get_members(conn, sorted(statuses))
            if row.active}


# --- pushing ---------------------------------------------------------------------


class Live:
    """One app's Socket.IO server, the sockets it holds, and every emit."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.socketio = SocketIO()
        self.presence: Presence = Presence()
        self.redis_url: str | None = None
        self.prefix = "commonroom"
        self._runner: SubscriberRunner | None = None
        self._signal: CommitSignal | None = None

    def init_app(self, app: Any, redis_url: str | None, prefix: str = "commonroom",
                 presence_timeout: float = 10.0) -> None:
        """Threading mode (simple-websocket); Redis as the message queue when configured,
        so several web processes deliver to each other's clients, and as the table of
        who is online, so they all give the same list. Same origin only."""
        self.redis_url, self.prefix = redis_url, prefix
        if redis_url:
            self.presence = SharedPresence(redis_url, prefix, presence_timeout)
        self.socketio.init_app(app, async_mode="threading", message_queue=redis_url,
                               channel=f"{prefix}:socketio",
                               manage_session=False, max_http_buffer_size=64 * 1024,
                               logger=False, engineio_logger=False)

    def runner(self, poll_interval: float = 0.25) -> SubscriberRunner:
        """This process's follower of the log for live push (not a durable subscriber)."""
        return SubscriberRunner(self.store, [LivePush(self)], poll_interval=poll_interval)

    def start(self, poll_interval: float = 0.25) -> None:
        """Follow the log on a background thread; with Redis, every process's commits
        wake it at once (otherwise commits in other processes are polled for)."""
        self._runner = self.runner(poll_interval)
        self._runner.start()
        self.presence.start(self.send_presence)
        if self.redis_url:
            self._signal = CommitSignal(self.redis_url, f"{self.prefix}:commits")
            self.store.on_commit.append(self._signal.publish)
            self._signal.listen(self._runner.wake)

    def stop(self) -> None:
        self.presence.stop()
        if self._signal is not None:
            self.store.on_commit.remove(self._signal.publish)
            self._signal.close()
        if self._runner is not None:
            self._runner.stop()

    def emit(self, event: str, data: Any, to: str, skip_sid: str | None = None) -> None:
        """To every process's sockets (through Redis when configured): typing, presence."""
        self.socketio.emit(event, data, to=to, skip_sid=skip_sid, namespace=NAMESPACE)

    def deliver(self, event: str, data: Any, to: str) -> None:
        """To this process's own sockets only.

        Every web process follows the committed log itself, so what the log
        says is delivered once, by the process that holds the socket, in log
        order and after any change of access before it. (Through the queue,
        each process would deliver every event once per process.)
        """
        server: Any = cast(Any, self.socketio).server
        if server is not None:
            Manager.emit(server.manager, event, data, NAMESPACE, room=to)

    # --- from the log ---

    def push_room(self, conn: Connection, recorded: Recorded, outbox: RoomOutbox,
                  known: Messages | None = None) -> None:
        e = recorded.event
        room_id: str = attr_of(e, "room_id")
        payload = room_event(conn, recorded, known)
        if payload is None:
            return
        outbox.add(room_id, payload)
        if isinstance(e, MessagePosted):
            self.deliver("activity", {"kind": "room", "id": room_id, "seq": e.seq,
                                   "author_id": e.author_id, "position": recorded.position},
                      f"watch:room:{room_id}")

    def push_thread(self, conn: Connection, recorded: Recorded) -> None:
        e = recorded.event
        thread_id: str = attr_of(e, "thread_id")
        payload = thread_event(conn, recorded)
        if payload is None:
            return
        self.deliver("thread_event", payload, f"thread:{thread_id}")
        if isinstance(e, ThreadStarted | ReplyPosted) or (
                isinstance(e, RemoteReplyReceived) and not e.held):
            thread = get_thread(conn, thread_id)
            if thread is not None:
                self.deliver("activity", {
                    "kind": "conference", "id": thread.conference_id, "thread_id": thread_id,
                    "seq": payload["post"]["seq"], "author_id": payload["post"]["author_id"],
                    "position": recorded.position,
                }, f"watch:conference:{thread.conference_id}")

    def concerned(self, recorded: Recorded, notified: Mapping[int, list[str]]) -> list[str]:
        """The members connected here whose unread notifications this event may change."""
        e = recorded.event
        if isinstance(e, NotificationsRead):
            concerned = [e.member_id]
        elif isinstance(e, PostDeleted | PostHidden | MessageDeleted):
            concerned = self.presence.members_here()  # a notice may have gone away
        else:
            concerned = notified.get(recorded.position, [])
        return [m for m in concerned if self.presence.sids(m)]

    def push_unread(self, conn: Connection, latest: Mapping[str, int]) -> None:
        """Each member's unread count as it is now, once, with the position of the
        newest event that concerned them."""
        for member_id, position in latest.items():
            viewer = viewer_of(conn, member_id)
            if viewer is not None:
                self.deliver("notifications", {
                    "unread": count_unread_notifications(conn, viewer),
                    "position": position}, f"member:{member_id}")

    def recheck(self, conn: Connection, sids: Iterable[str]) -> None:
        """Take every socket out of each channel its member may no longer read."""
        server: Any = cast(Any, self.socketio).server  # python-socketio's Server (untyped)
        if server is None:
            return
        for sid in sids:
            viewer = viewer_of(conn, self.presence.member_of(sid))
            if viewer is None:
                self.deliver("revoked", {"channel": "*"}, sid)
                server.disconnect(sid, namespace=NAMESPACE)
                continue
            for channel in list(server.manager.get_rooms(sid, NAMESPACE)):
                if channel is None or channel == sid or may_join(conn, viewer, channel):
                    continue
                server.leave_room(sid, channel, namespace=NAMESPACE)
                self.deliver("revoked", {"channel": channel}, sid)

    # --- to one socket ---

    def catch_up(self, sid: str, conn: Connection, channel: str, after: int | None) -> str:
        """Send one socket what it missed on a channel; returns "ok", "reset" or "none".

        The socket joined the channel before this runs, so whatever commits from
        now on reaches it live; this covers what committed before. "reset" asks
        the client to reload the page (too much missed, or an unknown position).
        """
        stream = stream_of(channel)
        if stream is None or after is None:
            return "none"
        missed = self.store.read_stream_after(stream, after, CATCH_UP_LIMIT + 1)
        if missed is None or len(missed) > CATCH_UP_LIMIT:
            return "reset"
        if channel.startswith("room:"):  # one packet, its messages in one query
            known = batch_messages(conn, missed)
            outbox = RoomOutbox(self, to=sid)
            for recorded in missed:
                payload = room_event(conn, recorded, known)
                if payload is not None:
                    outbox.add(channel, payload)
            outbox.flush()
            return "ok"
        for recorded in missed:
            found = event_for(conn, channel, recorded)
            if found is not None:
                self.deliver(found[0], found[1], sid)
        return "ok"

    def send_typing(self, room_id: str, member_id: str, name: str, skip_sid: str) -> None:
        self.emit("typing", {"room_id": room_id, "member_id": member_id, "name": name},
                  f"room:{room_id}", skip_sid=skip_sid)

    def send_presence(self, member_id: str, status: str) -> None:
        with self.store.engine.connect() as conn:
            member = get_member(conn, member_id)
        self.emit("presence", {"member_id": member_id, "status": status,
                               "name": member.display_name if member else "",
                               "handle": member.handle if member else ""}, "presence")

    def send_presence_list(self, sid: str, conn: Connection) -> None:
        """Who is online in every process, to one socket allowed to know."""
        self.deliver("presence_list", online_members(conn, self.presence), sid)

    def send_error(self, sid: str, message: str, code: str = "invalid_input") -> None:
        self.deliver("error_message", {"code": code, "message": message}, sid)


class LivePush:
    """The subscriber that turns committed events into pushes."""

    name = "realtime"
    live = True

    def __init__(self, hub: Live) -> None:
        self.hub = hub

    def handle(self, recorded: Recorded) -> None:
        self.handle_batch([recorded])

    def handle_batch(self, batch: Sequence[Recorded]) -> None:
        """Push a batch of committed events, in log order.

        Under a burst of chat the follower finds several events waiting at
        once. Their messages are looked up in one query, and each room's
        events of the batch go to its sockets as one ``room_events`` packet
        (a lone event stays a ``room_event``): 200 sockets cost 200 writes per
        batch, not per message. A change of access ends the batch's packets
        first, so nothing after it reaches a socket that lost access.
        """
        hub = self.hub
        outbox = RoomOutbox(hub)
        latest_unread: dict[str, int] = {}
        with hub.store.engine.connect() as conn:
            known = batch_messages(conn, batch)
            notified = notified_in(conn, (
                r.position for r in batch if isinstance(r.event, NOTIFYING_EVENTS)))
            for recorded in batch:
                e = recorded.event
                if isinstance(e, ACCESS_EVENTS):
                    # Before anything later is pushed: whoever lost access leaves now.
                    outbox.flush()
                    hub.recheck(conn, hub.presence.all_sids())
                if isinstance(e, ROOM_EVENTS):
                    hub.push_room(conn, recorded, outbox, known)
                elif isinstance(e, THREAD_EVENTS):
                    hub.push_thread(conn, recorded)
                if isinstance(e, NOTIFYING_EVENTS):
                    for member_id in hub.concerned(recorded, notified):
                        latest_unread[member_id] = recorded.position
            outbox.flush()
            hub.push_unread(conn, latest_unread)


class RoomOutbox:
    """A batch's room events, per room, in log order, until flushed."""

    def __init__(self, hub: Live, to: str | None = None) -> None:
        self.hub = hub
        self.to = to  # one socket (a catch-up), else each room's channel
        self.rooms: dict[str, list[dict[str, Any]]] = {}

    def add(self, room_id: str, payload: dict[str, Any]) -> None:
        self.rooms.setdefault(room_id, []).append(payload)

    def flush(self) -> None:
        for room_id, payloads in self.rooms.items():
            to = self.to or f"room:{room_id}"
            if len(payloads) == 1:
                self.hub.deliver("room_event", payloads[0], to)
            elif payloads:
                self.hub.deliver("room_events", payloads, to)
        self.rooms.clear()
