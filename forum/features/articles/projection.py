"""Articles on their way to (and on) the public blog, with their tags.

The body's HTML is rendered once, here, like a post's. Tags are kept in a
table of their own so a tag page is one indexed query.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, insert, update

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.features.articles.events import (
    ArticleApproved,
    ArticleProposed,
    ArticleResubmitted,
    ArticleRevised,
    ArticleSentBack,
    ArticleUnpublished,
)
from forum.features.articles.tables import article_tags, articles

projection = Projection("articles", [articles, article_tags])


def _tags(conn: Connection, article_id: str, tags: tuple[str, ...]) -> None:
    conn.execute(delete(article_tags).where(article_tags.c.article_id == article_id))
    if tags:
        conn.execute(insert(article_tags), [{"tag": t, "article_id": article_id} for t in tags])


@projection.on(ArticleProposed)
def _proposed(conn: Connection, rec: Recorded, e: ArticleProposed) -> None:
    conn.execute(insert(articles).values(
        id=e.article_id, status="proposed", source_kind=e.source_kind, source_id=e.source_id,
        thread_id=e.thread_id, title=e.title, summary=e.summary, body=e.body,
        html=rendering.render(conn, e.body), tags=json.dumps(list(e.tags)),
        author_id=e.author_id, proposed_by=e.proposed_by, proposed_at=rec.occurred_at,
        updated_at=rec.occurred_at, revision=1, version=rec.stream_version,
    ))
    _tags(conn, e.article_id, e.tags)


def _set(conn: Connection, rec: Recorded, article_id: str, **values: object) -> None:
    conn.execute(update(articles).where(articles.c.id == article_id)
                 .values(version=rec.stream_version, **values))


@projection.on(ArticleRevised)
def _revised(conn: Connection, rec: Recorded, e: ArticleRevised) -> None:
    _set(conn, rec, e.article_id, title=e.title, summary=e.summary, body=e.body,
         html=rendering.render(conn, e.body), tags=json.dumps(list(e.tags)),
         revision=e.revision, updated_at=rec.occurred_at)
    _tags(conn, e.article_id, e.tags)


@projection.on(ArticleSentBack)
def _sent_back(conn: Connection, rec: Recorded, e: ArticleSentBack) -> None:
    _set(conn, rec, e.article_id, status="sent_back", comment=e.comment, reviewed_by=e.by)


@projection.on(ArticleResubmitted)
def _resubmitted(conn: Connection, rec: Recorded, e: ArticleResubmitted) -> None:
    _set(conn, rec, e.article_id, status="proposed")


@projection.on(ArticleApproved)
def _approved(conn: Connection, rec: Recorded, e: ArticleApproved) -> None:
    _set(conn, rec, e.article_id, status="published", slug=e.slug, reviewed_by=e.by,
         published_at=rec.occurred_at, comment=None)


@projection.on(ArticleUnpublished)
def _unpublished(conn: Connection, rec: Recorded, e: ArticleUnpublished) -> None:
    # The words leave the read model; the log keeps them for the record.
    _set(conn, rec, e.article_id, status="unpublished", reviewed_by=e.by,
         unpublished_at=rec.occurred_at, unpublish_reason=e.reason, body="", html="",
         summary="")
