"""Atom feeds of the blog, public conferences and threads, for readers outside the organisation.

A feed is read by a feed reader, which carries nobody's session: every feed is
built for an anonymous visitor, through the one visibility rule, whoever asks.
So a feed exists only for what the public may read, and a conference that
stops being public loses its feeds at once (404), as its pages do. Deleted
and hidden posts are left out. Feeds are made with feedgen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, url_for
from sqlalchemy import select

from forum.core.permissions import ANONYMOUS, can_read
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import access_from_row, get_conference_by_slug
from forum.features.members.tables import members
from forum.features.threads.queries import get_thread_in_conference
from forum.features.threads.tables import posts, threads
from forum.web import context

bp = Blueprint("feeds", __name__)
ENTRIES = 30
ATOM = "application/atom+xml; charset=utf-8"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _public_conference(slug: str) -> Any:
    row = get_conference_by_slug(context.db(), slug)
    if row is None or not can_read(ANONYMOUS, access_from_row(row)):
        abort(404)
    return row


def _feed(feed_id: str, title: str, page: str, self_url: str, subtitle: str,
          updated: datetime | None) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle or title)
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.language("en")
    feed.generator("Commonroom")
    feed.updated(_aware(updated) if updated else datetime.now(UTC))
    return feed


def _atom(feed: FeedGenerator) -> Response:
    response = Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
    response.headers["Content-Type"] = ATOM
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _base() -> str:
    base: str = current_app.extensions["commonroom"].config.base_url
    return base


@bp.get("/c/<slug>/feed.atom")
def conference_feed(slug: str) -> Response:
    """The newest threads of a public conference, each with its opening post."""
    conference = _public_conference(slug)
    base = _base()
    conn = context.db()
    rows = conn.execute(
        select(threads.c.id, threads.c.subject, threads.c.created_at, threads.c.last_post_at,
               posts.c.html, posts.c.deleted_by, posts.c.hidden_by,
               members.c.display_name, members.c.handle)
        .join(posts, (posts.c.thread_id == threads.c.id) & (posts.c.seq == 1))
        .join(members, members.c.id == threads.c.author_id)
        .where(threads.c.conference_id == conference.id)
        .order_by(threads.c.created_at.desc(), threads.c.id).limit(ENTRIES)
    ).all()
    feed = _feed(f"{base}/c/{conference.slug}",
                 conference.name, base + url_for("pages.conference", slug=conference.slug),
                 base + url_for("feeds.conference_feed", slug=conference.slug),
                 conference.resume,
                 max((r.last_post_at for r in rows), default=None))
    for row in reversed(rows):  # feedgen puts the last added first
        entry = feed.add_entry()
        url = base + url_for("pages.thread", thread_id=row.id)
        entry.id(url)
        entry.title(row.subject)
        entry.link(href=url)
        entry.author(name=row.display_name,
                     uri=base + url_for("pages.profile", handle=row.handle))
        entry.published(_aware(row.created_at))
        entry.updated(_aware(row.last_post_at))
        if not (row.deleted_by or row.hidden_by):
            entry.content(row.html, type="html")
    return _atom(feed)


@bp.get("/t/<thread_id>/feed.atom")
def thread_feed(thread_id: str) -> Response:
    """The newest posts of a thread in a public conference."""
    found = get_thread_in_conference(context.db(), thread_id)
    if found is None:
        abort(404)
    thread, conference = found
    if not can_read(ANONYMOUS, access_from_row(conference)):
        abort(404)
    base = _base()
    rows = context.db().execute(
        select(posts.c.id, posts.c.seq, posts.c.html, posts.c.created_at, posts.c.edited_at,
               members.c.display_name, members.c.handle)
        .join(members, members.c.id == posts.c.author_id)
        .where(posts.c.thread_id == thread.id, posts.c.deleted_by.is_(None),
               posts.c.hidden_by.is_(None))
        .order_by(posts.c.seq.desc()).limit(ENTRIES)
    ).all()
    feed = _feed(f"{base}/t/{thread.id}", thread.subject,
                 base + url_for("pages.thread", thread_id=thread.id),
                 base + url_for("feeds.thread_feed", thread_id=thread.id),
                 f"{thread.subject} — in {conference.name}", thread.last_post_at)
    for row in reversed(rows):
        entry = feed.add_entry()
        url = base + url_for("pages.post", post_id=row.id)
        entry.id(url)
        entry.title(f"#{row.seq} by {row.display_name}" if row.seq > 1 else thread.subject)
        entry.link(href=url)
        entry.author(name=row.display_name,
                     uri=base + url_for("pages.profile", handle=row.handle))
        entry.published(_aware(row.created_at))
        entry.updated(_aware(row.edited_at or row.created_at))
        entry.content(row.html, type="html")
    return _atom(feed)


@bp.get("/blog/feed.atom")
def blog_feed() -> Response:
    """The newest published articles, whole, with their tags as categories."""
    base = _base()
    rows = article_queries.list_published(context.db(), limit=ENTRIES)
    feed = _feed(f"{base}/blog", "Commonroom blog", base + url_for("blog.index"),
                 base + url_for("feeds.blog_feed"), "Notes from the team",
                 max((r.updated_at for r in rows), default=None))
    for row in reversed(rows):
        entry = feed.add_entry()
        url = base + url_for("blog.article", slug=row.slug)
        entry.id(url)  # the canonical address: it never changes
        entry.title(row.title)
        entry.link(href=url)
        entry.author(name=row.author_name,
                     uri=base + url_for("blog.author", handle=row.author_handle))
        entry.published(_aware(row.published_at))
        entry.updated(_aware(max(row.updated_at, row.published_at)))
        if row.summary:
            entry.summary(row.summary)
        entry.content(row.html, type="html")
        for tag in article_queries.tags(row):
            entry.category(term=tag, label=tag)
    return _atom(feed)
