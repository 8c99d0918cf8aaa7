"""Socket.IO handlers: thin, like the views. Emits go through :mod:`forum.realtime`.

A socket connects with the browser's session cookie or an API token
(``auth: {token}``). Every event is validated; a bad one is answered with an
``error_message`` event and a ``{ok: false, error}`` acknowledgement, never a
crash, and stores nothing. Access is asked of the one visibility rule at
every join and again whenever the log changes it (:class:`forum.realtime.LivePush`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from limits import RateLimitItem, parse, storage, strategies
from socketio.exceptions import ConnectionRefusedError as Refused

from forum.backend import Backend
from forum.core.errors import CommonroomError, Forbidden, InvalidInput, NotAuthenticated, NotFound
from forum.core.passwords import token_hash
from forum.core.permissions import Viewer
from forum.features.members.queries import get_member, get_member_by_token_hash
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import DeleteMessage, MarkRoomRead, PostMessage, React
from forum.features.rooms.model import MESSAGE_MAX
from forum.live.realtime import Live, may_join, viewer_of

log = logging.getLogger(__name__)

CHANNEL_KINDS = ("room", "thread", "watch:room", "watch:conference")
MAX_CHANNELS = 200  # one watch request (the home page's rooms and conferences)


def _sid() -> str:
    return str(request.sid)  # type: ignore[attr-defined]


def _text(data: dict[str, Any], key: str, *, required: bool = True, maximum: int = 200
          ) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value) or len(value) > maximum:
        raise InvalidInput(f"'{key}' must be text of at most {maximum:,} characters",
                           field=key)
    return value


def _position(data: dict[str, Any], key: str = "after") -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"'{key}' must be a log position (a whole number)", field=key)
    return value


class _Limiter:
    """Moving-window limits shared through Redis when there is one; while Redis is
    away, this process's own counts stand in (a chat must not stop for its limits)."""

    def __init__(self, redis_url: str | None) -> None:
        local = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.local = local
        self.shared = (strategies.MovingWindowRateLimiter(storage.storage_from_string(redis_url))
                       if redis_url else local)

    def hit(self, limit: RateLimitItem, *keys: str) -> bool:
        if self.shared is self.local:
            return self.local.hit(limit, *keys)
        try:
            return self.shared.hit(limit, *keys)
        except Exception:  # Redis restarting or unreachable
            log.warning("rate limits fall back to this process while Redis is away",
                        exc_info=True)
            return self.local.hit(limit, *keys)


def register(live: Live, backend: Backend, redis_url: str | None,
             message_limit: str, typing_limit: str) -> None:
    """Attach every socket event of one app to its Socket.IO server."""
    sio = live.socketio
    limiter = _Limiter(redis_url)
    prefix = backend.config.redis_prefix
    message_rate, typing_rate = parse(message_limit), parse(typing_limit)

    def viewer() -> Viewer:
        with backend.engine.connect() as conn:
            found = viewer_of(conn, live.presence.member_of(_sid()))
        if found is None:
            raise NotAuthenticated("sign in again")
        return found

    def guarded(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(fn)
        def wrapper(data: object = None, *_rest: object) -> dict[str, Any]:
            try:
                if not isinstance(data, dict):
                    raise InvalidInput("send an object, e.g. {\"room\": \"...\"}")
                return {"ok": True, **fn(data)}
            except CommonroomError as error:
                live.send_error(_sid(), error.message, error.code)
                return {"ok": False, "error": {"code": error.code, "message": error.message}}
            except Exception:
                log.exception("socket event %s failed", fn.__name__)
                live.send_error(_sid(), "something went wrong on our side", "server_error")
                return {"ok": False, "error": {"code": "server_error",
                                               "message": "something went wrong on our side"}}
        return wrapper

    def channel_of(data: dict[str, Any]) -> str:
        kind = _text(data, "kind", maximum=20)
        ident = _text(data, "id", maximum=40)
        if kind not in CHANNEL_KINDS:
            raise InvalidInput("kind must be one of " + ", ".join(CHANNEL_KINDS), field="kind")
        return f"{kind}:{ident}"

    def enter(who: Viewer, channel: str) -> None:
        with backend.engine.connect() as conn:
            if not may_join(conn, who, channel):
                # The same answer as for something that does not exist.
                raise NotFound("nothing to follow there")
        join_room(channel)

    @sio.on("connect")
    def connect(auth: object = None) -> bool:
        member_id: str | None = None
        if isinstance(auth, dict) and isinstance(auth.get("token"), str):
            with backend.engine.connect() as conn:
                row = get_member_by_token_hash(conn, token_hash(auth["token"].strip()))
            member_id = row.id if row is not None and row.active else None
        elif current_user.is_authenticated:
            member_id = current_user.id
        with backend.engine.connect() as conn:
            who = viewer_of(conn, member_id)
            if who is None or member_id is None:
                raise Refused("sign in (or send an API token) to go live")
            sid = _sid()
            came_online = live.presence.add(sid, member_id)
            join_room(f"member:{member_id}")
            if may_join(conn, who, "presence"):  # the one rule: who may see who is online
                join_room("presence")
                live.send_presence_list(sid, conn)
        if came_online:
            live.send_presence(member_id, "online")
        return True

    @sio.on("disconnect")
    def disconnect(*_args: object) -> None:
        changed = live.presence.remove(_sid())
        if changed is not None:
            live.send_presence(*changed)

    @sio.on("join")
    @guarded
    def join(data: dict[str, Any]) -> dict[str, Any]:
        """Follow a room or thread; with ``after``, receive everything after that position."""
        channel = channel_of(data)
        after = _position(data)
        enter(viewer(), channel)
        with backend.engine.connect() as conn:
            result = live.catch_up(_sid(), conn, channel, after)
        return {"channel": channel, "catch_up": result}

    @sio.on("watch")
    @guarded
    def watch(data: dict[str, Any]) -> dict[str, Any]:
        """Follow "something new" in many rooms and conferences at once (the home page)."""
        who = viewer()
        items = data.get("channels")
        if not isinstance(items, list) or len(items) > MAX_CHANNELS:
            raise InvalidInput(f"'channels' must be a list of at most {MAX_CHANNELS}")
        watching = []
        for item in items:
            channel = channel_of(item if isinstance(item, dict) else {})
            if not channel.startswith("watch:"):
                raise InvalidInput("watch takes watch:room and watch:conference channels")
            enter(who, channel)
            watching.append(channel)
        return {"watching": watching}

    @sio.on("leave")
    @guarded
    def leave(data: dict[str, Any]) -> dict[str, Any]:
        leave_room(channel_of(data))
        return {}

    @sio.on("send")
    @guarded
    def send(data: dict[str, Any]) -> dict[str, Any]:
        who = viewer()
        room_id = _text(data, "room", maximum=40) or ""
        body = _text(data, "body", maximum=MESSAGE_MAX) or ""
        reply_to = _text(data, "reply_to", required=False, maximum=40) or None
        if not limiter.hit(message_rate, prefix, "messages", who.member_id or ""):
            raise Forbidden("you are sending messages too fast; wait a moment")
        message_id, seq = rooms.post_message(backend.services, who,
                                             PostMessage(room_id, body, reply_to))
        return {"id": message_id, "seq": seq}

    @sio.on("react")
    @guarded
    def react(data: dict[str, Any]) -> dict[str, Any]:
        rooms.react(backend.services, viewer(), React(
            _text(data, "room", maximum=40) or "", _text(data, "message", maximum=40) or "",
            _text(data, "emoji", maximum=16) or ""))
        return {}

    @sio.on("delete")
    @guarded
    def delete(data: dict[str, Any]) -> dict[str, Any]:
        rooms.delete_message(backend.services, viewer(), DeleteMessage(
            _text(data, "room", maximum=40) or "", _text(data, "message", maximum=40) or ""))
        return {}

    @sio.on("read")
    @guarded
    def read(data: dict[str, Any]) -> dict[str, Any]:
        rooms.mark_room_read(backend.services, viewer(), MarkRoomRead(
            _text(data, "room", maximum=40) or "", _position(data, "seq")))
        return {}

    @sio.on("typing")
    @guarded
    def typing(data: dict[str, Any]) -> dict[str, Any]:
        who = viewer()
        room_id = _text(data, "room", maximum=40) or ""
        if not limiter.hit(typing_rate, prefix, "typing", who.member_id or ""):
            return {"dropped": True}  # too eager; the indicator is already showing
        with backend.engine.connect() as conn:
            if not may_join(conn, who, f"room:{room_id}"):
                raise NotFound("no such room")
            member = get_member(conn, who.member_id or "")
        live.send_typing(room_id, who.member_id or "", member.display_name if member else "",
                         skip_sid=_sid())
        return {}

    @sio.on("presence")
    @guarded
    def presence(data: dict[str, Any]) -> dict[str, Any]:
        state = _text(data, "state", maximum=10)
        if state not in ("online", "away"):
            raise InvalidInput("state must be 'online' or 'away'", field="state")
        changed = live.presence.set_away(_sid(), state == "away")
        if changed is not None:
            live.send_presence(*changed)
        return {}

    @sio.on_error_default
    def on_error(error: BaseException) -> None:
        log.exception("socket handler failed", exc_info=error)
