"""Replies from the fediverse: their authors, their object ids, policies and blocked domains.

(The posts themselves are rows of ``posts``, written by the threads projection.)"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from sqlalchemy import Connection

from federation.inbound.events import (
    DomainBlocked,
    DomainUnblocked,
    FederationPolicySet,
    FederationStyleSet,
    RemoteReplyReceived,
)
from federation.inbound.tables import (
    blocked_domains,
    federation_policies,
    federation_styles,
    remote_authors,
    remote_posts,
)
from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, stamp

projection = Projection("inbound", [remote_authors, remote_posts, federation_policies,
                                    federation_styles, blocked_domains])

_FORGET_AUTHOR = Statement("DELETE FROM remote_authors WHERE id = :id")
_AUTHOR = Statement("""
    INSERT INTO remote_authors (id, actor_uri, name, handle, avatar, url, domain)
    VALUES (:id, :uri, :name, :handle, :avatar, :url, :domain)""")
_POST = Statement("""
    INSERT INTO remote_posts (post_id, object_digest, object_id, url, thread_id, author_id)
    VALUES (:post_id, :digest, :object_id, :url, :thread_id, :author_id)""")
_FORGET_POLICY = Statement("DELETE FROM federation_policies WHERE conference_id = :c")
_POLICY = Statement("INSERT INTO federation_policies (conference_id, policy) VALUES (:c, :p)")
_FORGET_STYLE = Statement("DELETE FROM federation_styles WHERE conference_id = :c")
_STYLE = Statement("INSERT INTO federation_styles (conference_id, style) VALUES (:c, :s)")
_UNBLOCK = Statement("DELETE FROM blocked_domains WHERE domain = :d")
_BLOCK = Statement("""
    INSERT INTO blocked_domains (domain, reason, blocked_by, blocked_at)
    VALUES (:d, :reason, :by, :at)""")


def object_digest(object_id: str) -> str:
    return hashlib.sha256(object_id.encode()).hexdigest()


@projection.on(RemoteReplyReceived)
def _received(conn: Connection, rec: Recorded, e: RemoteReplyReceived) -> None:
    # The author as this reply describes them: the latest reply's name and avatar win.
    _FORGET_AUTHOR.run(conn, {"id": e.author_id})
    _AUTHOR.run(conn, {"id": e.author_id, "uri": e.actor_uri, "name": e.actor_name,
                       "handle": e.actor_handle, "avatar": e.actor_avatar, "url": e.actor_url,
                       "domain": (urlsplit(e.actor_uri).hostname or "").lower()})
    _POST.run(conn, {"post_id": e.post_id, "digest": object_digest(e.object_id),
                     "object_id": e.object_id, "url": e.object_url, "thread_id": e.thread_id,
                     "author_id": e.author_id})


@projection.on(FederationPolicySet)
def _policy(conn: Connection, rec: Recorded, e: FederationPolicySet) -> None:
    _FORGET_POLICY.run(conn, {"c": e.conference_id})
    _POLICY.run(conn, {"c": e.conference_id, "p": e.policy})


@projection.on(FederationStyleSet)
def _style(conn: Connection, rec: Recorded, e: FederationStyleSet) -> None:
    _FORGET_STYLE.run(conn, {"c": e.conference_id})
    _STYLE.run(conn, {"c": e.conference_id, "s": e.style})


@projection.on(DomainBlocked, DomainUnblocked)
def _blocked(conn: Connection, rec: Recorded, e: DomainBlocked | DomainUnblocked
             ) -> None:
    _UNBLOCK.run(conn, {"d": e.domain})
    if isinstance(e, DomainBlocked):
        _BLOCK.run(conn, {"d": e.domain, "reason": e.reason, "by": e.by,
                          "at": stamp(conn, rec.occurred_at)})
