"""The addresses that exist for the fediverse only: discovery, the instance actor,
inboxes, outboxes, followers and the context and replies collections."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request

from federation import actors as ap
from federation import reads
from federation.activities import collection, create
from federation.web import (
    activity,
    article_document,
    bp,
    enabled,
    group_actor,
    instance_actor,
    instance_username,
    missing,
    person_actor,
    post_document,
    site,
)
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import get_conference
from forum.web import context


@bp.before_request
def _only_when_enabled() -> Response | None:
    return None if enabled() else missing("federation is off on this server")


def _jrd(document: dict[str, Any]) -> Response:
    response = Response(orjson.dumps(document), mimetype=ap.JRD)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- discovery -----------------------------------------------------------------------


@bp.get("/.well-known/webfinger")
def webfinger() -> Response:
    """``acct:`` addresses: the instance actor, public conferences, opted-in members.

    One name, one actor: the instance's name comes first, then a conference's
    slug, then a member's handle (a member whose handle is a public
    conference's slug is not found this way)."""
    s = site()
    resource = request.args.get("resource", "")
    if not resource:
        return missing("ask for resource=acct:name@host", 400)
    hosts = {s.host.lower(), s.host.split(":")[0].lower()}
    if resource.rstrip("/") in (s.url("/actor"), s.base):
        name: str | None = instance_username()
    else:
        name = ap.parse_acct(resource, hosts)
    if name is None:
        return missing()
    subject = f"acct:{name}@{s.host}"
    if name == instance_username():
        return _jrd(ap.webfinger(subject, s.url("/actor"), s.url("/")))
    conn = context.db()
    conference = reads.get_public_conference(conn, name)
    if conference is not None:
        page = s.url(f"/c/{conference.slug}")
        return _jrd(ap.webfinger(subject, page, page))
    member = reads.get_fediverse_member(conn, name)
    if member is not None and reads.get_public_conference(conn, member.handle) is None:
        page = s.url(f"/members/{member.handle}")
        return _jrd(ap.webfinger(subject, page, page))
    return missing()


@bp.get("/.well-known/host-meta")
def host_meta() -> Response:
    return Response(ap.host_meta(site()), mimetype="application/xrd+xml")


@bp.get("/.well-known/nodeinfo")
def nodeinfo_links() -> Response:
    return Response(orjson.dumps(ap.nodeinfo_links(site())), mimetype="application/json")


@bp.get("/nodeinfo/<any('2.1', '2.0'):version>")
def nodeinfo(version: str) -> Response:
    from federation.web import _software_version

    usage = ap.Usage(*reads.usage(context.db()))
    profile = ap.NODEINFO_SCHEMA.format(version=version)
    return Response(orjson.dumps(ap.nodeinfo(version, _software_version(), usage)),
                    mimetype=f'application/json; profile="{profile}#"')


# --- actors' collections ---------------------------------------------------------------


@bp.get("/actor")
def instance() -> Response:
    return activity(instance_actor())


@bp.post("/inbox")
@bp.post("/actor/inbox")
@bp.post("/ap/c/<slug>/inbox")
@bp.post("/ap/members/<handle>/inbox")
def inbox(slug: str | None = None, handle: str | None = None) -> Response:
    """Signed activities from other servers (federation/inbox.py does the work)."""
    from federation.inbox import receive

    if slug is not None:
        return receive(("conference", slug))
    if handle is not None:
        return receive(("member", handle))
    return receive(("instance", "") if request.path == "/actor/inbox" else None)


def _empty(collection_id: str) -> Response:
    return activity(collection(collection_id, []))


def _followers(collection_id: str, actor: str) -> Response:
    """Public, as Mastodon's are by default: who follows, and how many."""
    from federation.follows import count_followers, list_followers

    conn = context.db()
    items = [row.remote_actor for row in list_followers(conn, actor)]
    return activity(collection(collection_id, items, count_followers(conn, actor)))


@bp.get("/actor/<any(outbox, followers, following):which>")
def instance_collection(which: str) -> Response:
    return _empty(site().url(f"/actor/{which}"))


@bp.get("/ap/c/<slug>/<any(outbox, followers, following):which>")
def group_collection(slug: str, which: str) -> Response:
    conn = context.db()
    conference = reads.get_public_conference(conn, slug)
    if conference is None:
        return missing()
    collection_id = site().url(f"/ap/c/{slug}/{which}")
    if which == "followers":
        return _followers(collection_id, f"conference:{conference.id}")
    if which != "outbox":
        return _empty(collection_id)  # a conference follows no one
    actor_id = group_actor(conference)["id"]
    items = [create(actor_id, post_document(row, conference))
             for row in reads.list_group_posts(conn, conference.id)]
    return activity(collection(collection_id, items,
                               reads.count_group_posts(conn, conference.id)))


@bp.get("/ap/members/<handle>/<any(outbox, followers, following):which>")
def person_collection(handle: str, which: str) -> Response:
    conn = context.db()
    member = reads.get_fediverse_member(conn, handle)
    if member is None:
        return missing()
    collection_id = site().url(f"/ap/members/{handle}/{which}")
    if which == "followers":
        return _followers(collection_id, f"member:{member.id}")
    if which != "outbox":
        return _empty(collection_id)
    actor_id = person_actor(member)["id"]
    items = []
    for row in reads.list_member_public_posts(conn, member.id):
        conference = get_conference(conn, row.conference_id)
        items.append(create(actor_id, post_document(row, conference)))
    return activity(collection(collection_id, items,
                               reads.count_member_public_posts(conn, member.id)))


# --- context and replies -------------------------------------------------------------------


@bp.get("/ap/t/<thread_id>/context")
def thread_context(thread_id: str) -> Response:
    """The thread as a collection of its posts' ids, oldest first."""
    conn = context.db()
    found = reads.get_public_thread(conn, thread_id)
    if found is None:
        return missing()
    s = site()
    ids = [s.url(f"/p/{post_id}") for post_id in reads.list_thread_post_ids(conn, thread_id)]
    return activity(collection(s.url(f"/ap/t/{thread_id}/context"), ids,
                               attributedTo=s.url(f"/c/{found[1].slug}")))


@bp.get("/ap/p/<post_id>/replies")
def post_replies(post_id: str) -> Response:
    conn = context.db()
    found = reads.get_public_post(conn, post_id)
    if found is None or found[0].hidden_by:
        return missing()
    s = site()
    ids = [s.url(f"/p/{reply}") for reply in reads.list_reply_ids(conn, post_id)]
    return activity(collection(s.url(f"/ap/p/{post_id}/replies"), ids))


@bp.get("/ap/blog/<slug>/<any(context, replies):which>")
def article_collection(slug: str, which: str) -> Response:
    """A blog article's own thread: itself (and, later, the replies it gets from outside)."""
    row = article_queries.get_article_by_slug(context.db(), slug)
    if row is None or row.status != "published":
        return missing()
    s = site()
    items = [article_document(row)["id"]] if which == "context" else []
    return activity(collection(s.url(f"/ap/blog/{slug}/{which}"), items))
