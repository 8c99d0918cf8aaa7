"""Follow, Undo(Follow), Accept and Reject arriving at our inboxes.

A Follow of a public conference's Group or an opted-in member's Person becomes
``RequestFollow``; the answer (Accept or Reject) is sent by the delivery worker
once the decision is in the log (federation/delivery/outbox.py). This server follows no
one, so an Accept or Reject addressed to us answers a Follow we never sent: it
is accepted (202) and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import Connection

from federation import reads
from federation.follows import handlers as follows
from federation.follows.commands import RequestFollow, UndoFollow
from federation.http.server import site
from forum.core.errors import InvalidInput, NotFound
from forum.features.members.handlers import SYSTEM
from forum.web import context

if TYPE_CHECKING:  # the inbox's table names these handlers: no import back at run time
    from federation.http.inbox import Inbound

log = logging.getLogger(__name__)


def local_actor(conn: Connection, actor_id: str) -> str | None:
    """``conference:<id>`` or ``member:<id>`` for one of our actor ids; None otherwise."""
    base = site().base
    if not actor_id.startswith(base + "/"):
        return None
    path = urlsplit(actor_id).path
    if path.startswith("/c/"):
        conference = reads.get_public_conference(conn, path[3:])
        return f"conference:{conference.id}" if conference is not None else None
    if path.startswith("/members/"):
        member = reads.get_fediverse_member(conn, path[9:])
        return f"member:{member.id}" if member is not None else None
    return None


def _target(found: Inbound, value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str):
        raise InvalidInput("the Follow has no object")
    target = local_actor(context.db(), value)
    if target is None:
        raise NotFound("there is no such actor here to follow")
    return target


def on_follow(found: Inbound) -> None:
    if found.id is None:
        raise InvalidInput("the Follow has no id")
    target = _target(found, found.activity.get("object"))
    actor = found.actor
    follows.request_follow(context.services(), SYSTEM, RequestFollow(
        target, actor.id, found.id[:500], actor.inbox, actor.shared_inbox,
        actor.acct[:300], actor.name))


def on_undo(found: Inbound) -> None:
    obj = found.activity.get("object")
    if not isinstance(obj, dict) or obj.get("type") != "Follow":
        return  # Undo of a Like or an Announce: nothing of ours
    if obj.get("actor", found.actor.id) != found.actor.id:
        raise InvalidInput("an actor can only undo its own Follow")
    target = _target(found, obj.get("object"))
    follows.undo_follow(context.services(), SYSTEM, UndoFollow(
        target, found.actor.id, str(obj.get("id") or "")[:500]))


def on_answer(found: Inbound) -> None:
    log.info("%s from %s answers a Follow this server never sent; ignored",
             found.type, found.actor.id)


# The inbox's table (federation/http/inbox.py) takes these by activity type.
HANDLERS: dict[str, Callable[[Inbound], None]] = {
    "Follow": on_follow, "Undo": on_undo, "Accept": on_answer, "Reject": on_answer,
}
