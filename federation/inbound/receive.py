"""Replies from the fediverse: Create, Update and Delete of notes arriving at our inboxes.

Before the inbox (federation/http/inbox.py) checks the signature, the actor's domain
must not be on the block list (403; a blocked server is never contacted for its
key). After the inbox has verified the signature and that the signer is the
activity's ``actor``, and before anything is recorded:

* the request says it is ActivityStreams JSON (415 otherwise);
* the activity id was not taken before (answered 202 "already received", nothing
  done again; ids are kept in ``inbound_activities``);
* actor, signing key, activity id, object id and the object's ``attributedTo`` all
  share one origin (401 otherwise): a server speaks only for its own accounts
  and objects;
* the object is inline, a Note, Article or Page, with content.

A ``Create`` replying (``inReplyTo``, else ``context``) to one of our public
posts, threads, blog articles or to a reply that came from outside becomes a
post in that thread, written by the remote actor, its HTML cleaned by the same
rules as our own (forum.markup). The conference's policy decides whether it
shows at once, waits for a moderator or is refused. A ``Create`` that replies to
nothing of ours is accepted and ignored, as the fediverse expects. ``Update``
and ``Delete`` change only a reply whose author is the same actor.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from federation.http.server import site
from federation.inbound import handlers
from federation.inbound import queries as inbound_queries
from federation.inbound.commands import DeleteRemoteReply, EditRemoteReply, ReceiveRemoteReply
from federation.inbound.model import domain_is_blocked, remote_author_id
from federation.tables import inbound_activities
from forum.core import markup
from forum.core.db import write_connection
from forum.core.errors import CommonroomError, Forbidden, InvalidInput, NotAuthenticated
from forum.core.permissions import ANONYMOUS, can_read
from forum.core.text import BODY_MAX
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import access_from_row
from forum.features.members.handlers import SYSTEM
from forum.features.threads.queries import get_post, get_thread_in_conference, list_posts
from forum.web import context

if TYPE_CHECKING:  # the inbox's table names these handlers: no import back at run time
    from federation.http.inbox import Inbound

log = logging.getLogger(__name__)
NOTE_TYPES = ("Note", "Article", "Page")
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json", "application/json")


class UnsupportedMediaType(CommonroomError):
    code = "unsupported_media_type"
    http_status = 415


class AlreadyReceived(CommonroomError):
    """Not a refusal: the same activity came before and was taken then."""

    code = "already_received"
    http_status = 202


class NotSameOrigin(NotAuthenticated):
    code = "not_same_origin"


# --- checks before any handler ------------------------------------------------------------


def check_media_type(found: Inbound) -> None:
    if request.mimetype not in ACTIVITY_TYPES:
        raise UnsupportedMediaType(
            f"send application/activity+json, not {request.mimetype or 'no Content-Type'}")


def check_domain(activity: dict[str, Any]) -> None:
    """Before the signature: a blocked server is not even asked for its key."""
    blocked = inbound_queries.list_blocked_domains(context.db())
    if domain_is_blocked(urlsplit(str(activity["actor"])).hostname or "", blocked):
        raise Forbidden("this server does not take activities from your domain")


def _digest(activity_id: str) -> str:
    return hashlib.sha256(activity_id.encode()).hexdigest()


def check_not_seen(found: Inbound) -> None:
    if found.id is None:
        return
    seen = context.db().execute(select(inbound_activities.c.digest).where(
        inbound_activities.c.digest == _digest(found.id))).first()
    if seen is not None:
        raise AlreadyReceived("this activity was received before")


def remember(found: Inbound) -> None:
    """Record the activity's id once it was handled (a second delivery is then a no-op)."""
    if found.id is None:
        return
    try:
        with write_connection(context.backend().engine) as conn, conn.begin():
            conn.execute(insert(inbound_activities).values(
                digest=_digest(found.id), activity_id=found.id[:2000],
                received_at=datetime.now(UTC)))
    except IntegrityError:
        pass  # delivered twice at once: the other request recorded it


# --- origins and objects --------------------------------------------------------------------


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) \
        else None


def check_same_origin(found: Inbound, object_id: str | None) -> None:
    """Actor, key, activity and object (and its author) come from one server."""
    origin = _origin(found.actor.id)
    named = {"the signing key": found.actor.key_id, "the activity id": found.id,
             "the object id": object_id}
    for what, value in named.items():
        if value is not None and _origin(value) != origin:
            raise NotSameOrigin(f"{what} is not on the actor's server")


def _note(found: Inbound) -> dict[str, Any]:
    obj = found.activity.get("object")
    if not isinstance(obj, dict):
        raise InvalidInput("send the object inline, not as a link")
    if obj.get("type") not in NOTE_TYPES:
        raise InvalidInput(f"only {', '.join(NOTE_TYPES)} objects can be replies here")
    object_id = _id(obj.get("id"))
    if object_id is None:
        raise InvalidInput("the object has no id")
    check_same_origin(found, object_id)
    author = _id(obj.get("attributedTo"))
    if author is not None and author != found.actor.id:
        raise NotSameOrigin("the object is attributed to someone other than the actor")
    return obj


def _content(obj: dict[str, Any]) -> str:
    """The object's HTML, cleaned: content (or a contentMap's first), a content warning
    (``summary``) above it, links to attachments below it."""
    content = obj.get("content")
    if not isinstance(content, str):
        languages = obj.get("contentMap")
        content = next((v for v in languages.values() if isinstance(v, str)), None) \
            if isinstance(languages, dict) else None
    if not isinstance(content, str):
        content = ""
    if len(content) > BODY_MAX:
        raise InvalidInput(f"the content is longer than {BODY_MAX:,} characters")
    parts = []
    summary = obj.get("summary")
    if isinstance(summary, str) and summary.strip():
        parts.append(f"<p><strong>{escape(summary.strip()[:500])}</strong></p>")
    parts.append(content)
    attachments = obj.get("attachment")
    for item in attachments if isinstance(attachments, list) else [attachments]:
        url = _id(item.get("url") if isinstance(item, dict) else None) or (
            _id(item) if isinstance(item, dict) and item.get("type") == "Link" else None)
        if url is not None:
            parts.append(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
    html = markup.clean_html("".join(parts)).strip()
    if not markup.text_of(html) and "<a " not in html:
        raise InvalidInput("the note has no content")
    return html


# --- where a reply goes ------------------------------------------------------------------------


def _local(target: str) -> tuple[str, str] | None:
    """(thread id, parent post id) for an address of ours in a public conference."""
    base = site().base
    if not target.startswith(base + "/"):
        return None
    conn = context.db()
    path = urlsplit(target).path.rstrip("/")
    kind, _, rest = path[1:].partition("/")
    if kind == "p":
        post = get_post(conn, rest)
        return _public(post.thread_id, post.id) if post is not None else None
    if kind == "t":
        return _public(rest, None)
    if kind == "ap" and rest.startswith("t/") and rest.endswith("/context"):
        return _public(rest[2:-len("/context")], None)
    if kind == "blog":
        article = article_queries.get_article_by_slug(conn, rest)
        if article is None or article.status != "published":
            return None
        parent = article.source_id if article.source_kind == "post" else None
        return _public(article.thread_id, parent)
    return None


def _public(thread_id: str, post_id: str | None) -> tuple[str, str] | None:
    conn = context.db()
    found = get_thread_in_conference(conn, thread_id)
    if found is None or not can_read(ANONYMOUS, access_from_row(found[1])):
        return None
    if post_id is None:
        first = list_posts(conn, thread_id, seqs=[1])
        return (thread_id, first[0].id) if first else None
    return thread_id, post_id


def find_thread(obj: dict[str, Any]) -> tuple[str, str] | None:
    """Which public thread (and post in it) the object replies to, if any of ours."""
    for key in ("inReplyTo", "context", "conversation"):
        target = _id(obj.get(key))
        if target is None:
            continue
        local = _local(target)
        if local is not None:
            return local
        remote = inbound_queries.get_remote_post(context.db(), target)
        if remote is not None:
            return remote.thread_id, remote.post_id
    return None


# --- handlers -------------------------------------------------------------------------------


def on_create(found: Inbound) -> None:
    obj = _note(found)
    where = find_thread(obj)
    if where is None:
        log.info("a %s from %s replies to nothing here; ignored", obj.get("type"),
                 found.actor.id)
        remember(found)
        return
    actor = found.actor
    handlers.receive_remote_reply(context.services(), SYSTEM, ReceiveRemoteReply(
        where[0], where[1], actor.id, actor.name, actor.acct, actor.icon or "",
        actor.url or actor.id, str(obj["id"]), _id(obj.get("url")) or str(obj["id"]),
        _content(obj)))
    remember(found)


def on_update(found: Inbound) -> None:
    obj = found.activity.get("object")
    if not isinstance(obj, dict) or obj.get("type") not in NOTE_TYPES:
        remember(found)
        return  # a profile update or an object we do not keep: nothing of ours
    obj = _note(found)
    known = inbound_queries.get_remote_post(context.db(), str(obj["id"]))
    if known is not None:
        handlers.edit_remote_reply(context.services(), SYSTEM, EditRemoteReply(
            known.thread_id, str(obj["id"]), found.actor.id, _content(obj)))
    remember(found)


def on_delete(found: Inbound) -> None:
    object_id = _id(found.activity.get("object"))
    if object_id is None:
        raise InvalidInput("the Delete names no object")
    check_same_origin(found, object_id)
    if object_id == found.actor.id:
        _account_deleted(found)
        return
    known = inbound_queries.get_remote_post(context.db(), object_id)
    if known is not None:
        handlers.delete_remote_reply(context.services(), SYSTEM, DeleteRemoteReply(
            known.thread_id, object_id, found.actor.id))
    remember(found)


def _account_deleted(found: Inbound) -> None:
    """The account is gone from its server: its replies here become tombstones, as
    Mastodon removes a deleted account's posts."""
    author_id = remote_author_id(found.actor.id)
    for row in inbound_queries.list_remote_posts_by(context.db(), author_id):
        handlers.delete_remote_reply(context.services(), SYSTEM, DeleteRemoteReply(
            row.thread_id, row.object_id, found.actor.id))
    remember(found)


# The inbox (federation/http/inbox.py) runs these gates and handlers, in this order.
PRE_CHECKS: tuple[Callable[[dict[str, Any]], None], ...] = (check_domain,)
CHECKS: tuple[Callable[[Inbound], None], ...] = (check_media_type, check_not_seen)
HANDLERS: dict[str, Callable[[Inbound], None]] = {
    "Create": on_create, "Update": on_update, "Delete": on_delete,
}
