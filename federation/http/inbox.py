"""Our inboxes: what other servers POST to us, verified, then handed to one handler per type.

Contract (federation/follows/inbound.py and federation/inbound/receive.py build on
it; keep it stable):

* A handler is ``handler(inbound) -> None`` with an :class:`Inbound`; it runs
  inside the request (``current_app``, ``forum.web.context`` work) and raises a
  :class:`forum.core.errors.CommonroomError` to refuse (its ``http_status`` is
  answered, with its message). Returning means accepted: 202.
* :data:`HANDLERS` is the table, by activity type, written out below from each
  module's own ``HANDLERS``; :data:`CHECKS` are gates run before any handler,
  ``check(inbound)``, raising a ``CommonroomError`` to refuse (domain blocks,
  de-duplication); :data:`PRE_CHECKS` run on the parsed activity before its
  signature is checked.

What happens to every POST, in order (each step answers a clear 4xx):
the body is at most ``MAX_BODY`` bytes (413); it is a JSON object with a
``type`` and an ``actor`` (400); the draft-cavage signature verifies with the
key of the actor that signs (:mod:`federation.delivery.signatures`, keys fetched and
cached by :mod:`federation.delivery.remote`; 401); the signer is the activity's
``actor`` (401); the checks pass; the handler for the type runs. A type no
handler knows is accepted and ignored (202), as the fediverse expects. A
``Delete`` of an actor whose key can no longer be fetched (the account is gone)
is accepted and ignored too, as Mastodon does, rather than answered 401.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request

from federation.delivery.remote import RemoteActor
from federation.delivery.signatures import Request, SignatureRefused, verify_request
from federation.follows import inbound as follows_inbound
from federation.http.server import remote_actors_of, site
from federation.inbound import receive as replies_inbound
from forum.core.errors import CommonroomError, InvalidInput, NotAuthenticated

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # Mastodon caps at 1 MB; a Note with its context is far smaller


class TooLarge(CommonroomError):
    code = "too_large"
    http_status = 413


@dataclass(frozen=True)
class Inbound:
    """A verified activity: its JSON, the remote actor that signed it, and which inbox
    it came to (``None`` for the shared inbox, else ``("conference", slug)``,
    ``("member", handle)`` or ``("instance", "")``)."""

    activity: dict[str, Any]
    actor: RemoteActor
    recipient: tuple[str, str] | None

    @property
    def type(self) -> str:
        return str(self.activity.get("type", ""))

    @property
    def id(self) -> str | None:
        value = self.activity.get("id")
        return value if isinstance(value, str) else None

    def object_id(self) -> str | None:
        """The id of the activity's object, whether it is given inline or as a link."""
        obj = self.activity.get("object")
        if isinstance(obj, dict):
            obj = obj.get("id")
        return obj if isinstance(obj, str) else None


Handler = Callable[[Inbound], None]
Check = Callable[[Inbound], None]
# Gates on the parsed, not yet verified activity, run before its signature is checked
# (which may fetch a key from the actor's server): a blocked domain is never contacted.
PreCheck = Callable[[dict[str, Any]], None]
PRE_CHECKS: tuple[PreCheck, ...] = replies_inbound.PRE_CHECKS
CHECKS: tuple[Check, ...] = replies_inbound.CHECKS
HANDLERS: dict[str, Handler] = {**follows_inbound.HANDLERS, **replies_inbound.HANDLERS}


def _answer(status: int, code: str, message: str) -> Response:
    return Response(orjson.dumps({"code": code, "message": message}), status=status,
                    mimetype="application/json")


def _parse(body: bytes) -> dict[str, Any]:
    try:
        activity = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidInput("the body is not JSON") from None
    if not isinstance(activity, dict):
        raise InvalidInput("the body is not a JSON object")
    if not isinstance(activity.get("type"), str):
        raise InvalidInput("the activity has no type")
    actor = activity.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    if not isinstance(actor, str) or not actor.startswith(("https://", "http://")):
        raise InvalidInput("the activity has no actor")
    activity["actor"] = actor
    return activity


def _signer(activity: dict[str, Any], body: bytes) -> RemoteActor:
    actors = remote_actors_of(current_app._get_current_object())  # type: ignore[attr-defined]
    path = request.full_path if request.query_string else request.path
    # draft-cavage or RFC 9421, whichever the request carries (RFC 9421 signs the full URL).
    key_id = verify_request(Request(request.method, site().url(path), dict(request.headers),
                                    body), actors.key_lookup)
    actor = actors.by_key(key_id)
    if actor is None or actor.id != activity["actor"]:
        raise NotAuthenticated("the activity's actor is not the one who signed it")
    return actor


def _is_self_delete(activity: dict[str, Any]) -> bool:
    obj = activity.get("object")
    obj = obj.get("id") if isinstance(obj, dict) else obj
    return activity.get("type") == "Delete" and obj == activity.get("actor")


def receive(recipient: tuple[str, str] | None) -> Response:
    """The whole inbox: verify, check, dispatch. Answers 202 when accepted."""
    if (request.content_length or 0) > MAX_BODY:
        return _answer(413, TooLarge.code, f"the body is larger than {MAX_BODY} bytes")
    body = request.stream.read(MAX_BODY + 1)
    try:
        if len(body) > MAX_BODY:
            raise TooLarge(f"the body is larger than {MAX_BODY} bytes")
        activity = _parse(body)
        for pre_check in PRE_CHECKS:
            pre_check(activity)
        try:
            actor = _signer(activity, body)
        except SignatureRefused as exc:
            if _is_self_delete(activity) and exc.message.startswith("unknown key"):
                return _answer(202, "ignored", "a deleted actor's farewell; nothing to do")
            raise
        inbound = Inbound(activity, actor, recipient)
        for check in CHECKS:
            check(inbound)
        handler = HANDLERS.get(inbound.type)
        if handler is None:
            return _answer(202, "ignored", f"{inbound.type[:40]} activities are not used here")
        handler(inbound)
    except CommonroomError as exc:
        log.info("inbox refused an activity (%s): %s", exc.code, exc.message)
        return _answer(exc.http_status, exc.code, exc.message)
    return _answer(202, "accepted", "thank you")


def inbox(slug: str | None = None, handle: str | None = None) -> Response:
    """Signed activities from other servers, to the shared inbox or an actor's own."""
    if slug is not None:
        return receive(("conference", slug))
    if handle is not None:
        return receive(("member", handle))
    return receive(("instance", "") if request.path == "/actor/inbox" else None)


def add_routes(bp: Blueprint) -> None:
    for rule in ("/inbox", "/actor/inbox", "/ap/c/<slug>/inbox", "/ap/members/<handle>/inbox"):
        bp.add_url_rule(rule, view_func=inbox, methods=["POST"])
