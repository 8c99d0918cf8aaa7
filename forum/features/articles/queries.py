"""The read side of publishing: the blog's articles, and drafts for who may see them.

A published article is public whatever its source (a reviewer approved
exactly these words for the world); a draft goes through the article rules
of :mod:`forum.permissions`, against its source's conference as it is now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from forum.core.permissions import ConferenceAccess, Viewer, can_see_article_draft
from forum.core.rows import DbRow
from forum.features.articles.tables import article_tags, articles
from forum.features.conferences.queries import conference_access
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.threads.queries import get_thread
from forum.features.threads.tables import threads

BLOG_PAGE = 20

_AUTHOR = members.alias("author")
_ARTICLE = (
    select(articles, _AUTHOR.c.display_name.label("author_name"),
           _AUTHOR.c.handle.label("author_handle"))
    .join(_AUTHOR, _AUTHOR.c.id == articles.c.author_id)
)


def tags(row: DbRow) -> list[str]:
    found: list[str] = json.loads(row.tags or "[]")
    return found


def get_article(conn: Connection, article_id: str) -> DbRow | None:
    return conn.execute(_ARTICLE.where(articles.c.id == article_id)).first()


def get_article_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(_ARTICLE.where(articles.c.slug == slug)).first()


def source_access(conn: Connection, article: DbRow) -> ConferenceAccess | None:
    """The access list of the conference the article's thread is in now."""
    thread = get_thread(conn, article.thread_id)
    return conference_access(conn, thread.conference_id) if thread else None


def may_see(conn: Connection, viewer: Viewer, article: DbRow) -> bool:
    """Published: everyone. Otherwise the article rules (unpublished: nobody's page)."""
    if article.status == "published":
        return True
    if article.status == "unpublished":
        return False
    access = source_access(conn, article)
    return access is not None and can_see_article_draft(viewer, access, article.proposed_by)


def published_query() -> Any:
    return _ARTICLE.where(articles.c.status == "published")


def list_published(conn: Connection, *, tag: str | None = None, author_id: str | None = None,
                   offset: int = 0, limit: int = BLOG_PAGE) -> Sequence[DbRow]:
    """Published articles, newest first, optionally of one tag or one author."""
    query = published_query()
    if tag is not None:
        query = query.join(article_tags, article_tags.c.article_id == articles.c.id).where(
            article_tags.c.tag == tag)
    if author_id is not None:
        query = query.where(articles.c.author_id == author_id)
    return conn.execute(query.order_by(articles.c.published_at.desc(), articles.c.id)
                        .offset(offset).limit(limit)).all()


def count_published(conn: Connection, *, tag: str | None = None,
                    author_id: str | None = None) -> int:
    query = select(func.count()).select_from(articles).where(articles.c.status == "published")
    if tag is not None:
        query = query.join(article_tags, article_tags.c.article_id == articles.c.id).where(
            article_tags.c.tag == tag)
    if author_id is not None:
        query = query.where(articles.c.author_id == author_id)
    return int(conn.execute(query).scalar() or 0)


def list_tags(conn: Connection) -> list[tuple[str, int]]:
    """Every tag of a published article, with how many it has, most used first."""
    rows = conn.execute(
        select(article_tags.c.tag, func.count())
        .join(articles, articles.c.id == article_tags.c.article_id)
        .where(articles.c.status == "published")
        .group_by(article_tags.c.tag).order_by(func.count().desc(), article_tags.c.tag))
    return [(tag, int(n)) for tag, n in rows]


def slug_taken(conn: Connection, slug: str) -> bool:
    return conn.execute(select(articles.c.id).where(articles.c.slug == slug)).first() is not None


def list_drafts(conn: Connection, viewer: Viewer) -> list[tuple[DbRow, ConferenceAccess, str]]:
    """Drafts the viewer may see (to review, or their own), oldest first, with the
    source's conference access and name."""
    if not viewer.signed_in:
        return []
    rows = conn.execute(
        _ARTICLE.add_columns(conferences.c.name.label("conference_name"))
        .join(threads, threads.c.id == articles.c.thread_id)
        .join(conferences, conferences.c.id == threads.c.conference_id)
        .add_columns(conferences.c.visibility.label("c_visibility"),
                     conferences.c.acl.label("c_acl"), conferences.c.id.label("c_id"))
        .where(articles.c.status.in_(("proposed", "sent_back")))
        .order_by(articles.c.proposed_at, articles.c.id)
    ).all()
    found = []
    for row in rows:
        access = ConferenceAccess(row.c_id, row.c_visibility,
                                  tuple((str(p), str(a)) for p, a in json.loads(row.c_acl)))
        if can_see_article_draft(viewer, access, row.proposed_by):
            found.append((row, access, row.conference_name))
    return found


def list_articles_from_thread(conn: Connection, thread_id: str) -> Sequence[DbRow]:
    """Published articles made from a thread or its posts (the thread page links them)."""
    return conn.execute(
        select(articles.c.slug, articles.c.title)
        .where(articles.c.thread_id == thread_id, articles.c.status == "published")
        .order_by(articles.c.published_at)).all()


def get_talk_article(conn: Connection, talk_id: str) -> DbRow | None:
    """The latest article made from a talk's write-up (published, unpublished or a draft)."""
    return conn.execute(_ARTICLE.where(articles.c.source_kind == "talk",
                                       articles.c.source_id == talk_id)
                        .order_by(articles.c.proposed_at.desc(), articles.c.id.desc())).first()


def talk_articles(conn: Connection, talk_ids: Sequence[str]) -> dict[str, DbRow]:
    """Per talk, the latest article made from its write-up (the rota page links it)."""
    if not talk_ids:
        return {}
    found: dict[str, DbRow] = {}
    for row in conn.execute(
            select(articles.c.source_id, articles.c.slug, articles.c.status, articles.c.title)
            .where(articles.c.source_kind == "talk", articles.c.source_id.in_(list(talk_ids)))
            .order_by(articles.c.proposed_at, articles.c.id)):
        found[row.source_id] = row
    return found
