"""The collections of our actors and objects: outboxes, followers, following, and each
public thread's context and each post's and article's replies."""

from __future__ import annotations

from flask import Blueprint, Response

from federation import reads
from federation.documents.activities import collection, create
from federation.follows.queries import count_followers, list_followers
from federation.http.server import (
    activity,
    article_document,
    group_actor,
    missing,
    person_actor,
    post_document,
    site,
)
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import get_conference
from forum.web import context


def _empty(collection_id: str) -> Response:
    return activity(collection(collection_id, []))


def _followers(collection_id: str, actor: str) -> Response:
    """Public, as Mastodon's are by default: who follows, and how many."""
    conn = context.db()
    items = [row.remote_actor for row in list_followers(conn, actor)]
    return activity(collection(collection_id, items, count_followers(conn, actor)))


def instance_collection(which: str) -> Response:
    return _empty(site().url(f"/actor/{which}"))


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


def post_replies(post_id: str) -> Response:
    conn = context.db()
    found = reads.get_public_post(conn, post_id)
    if found is None or found[0].hidden_by:
        return missing()
    s = site()
    ids = [s.url(f"/p/{reply}") for reply in reads.list_reply_ids(conn, post_id)]
    return activity(collection(s.url(f"/ap/p/{post_id}/replies"), ids))


def article_collection(slug: str, which: str) -> Response:
    """A blog article's own thread: itself (and, later, the replies it gets from outside)."""
    row = article_queries.get_article_by_slug(context.db(), slug)
    if row is None or row.status != "published":
        return missing()
    s = site()
    items = [article_document(row)["id"]] if which == "context" else []
    return activity(collection(s.url(f"/ap/blog/{slug}/{which}"), items))


def add_routes(bp: Blueprint) -> None:
    which = "<any(outbox, followers, following):which>"
    bp.add_url_rule(f"/actor/{which}", view_func=instance_collection)
    bp.add_url_rule(f"/ap/c/<slug>/{which}", view_func=group_collection)
    bp.add_url_rule(f"/ap/members/<handle>/{which}", view_func=person_collection)
    bp.add_url_rule("/ap/t/<thread_id>/context", view_func=thread_context)
    bp.add_url_rule("/ap/p/<post_id>/replies", view_func=post_replies)
    bp.add_url_rule("/ap/blog/<slug>/<any(context, replies):which>",
                    view_func=article_collection)
