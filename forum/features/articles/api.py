"""Articles: the published blog, proposing a thread or post, and reviewing drafts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from forum.core.errors import Gone
from forum.core.permissions import can_review_article
from forum.core.rows import DbRow
from forum.features.articles import handlers as articles
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ResubmitArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.web import context
from forum.web.api import paging
from forum.web.api.blueprint import LOCATION, PREFIX, Blueprint, Created
from forum.web.api.documents import person
from forum.web.api.schemas import MAX_LIMIT, PersonSchema, UtcDateTime

blp = Blueprint("api_articles", "The public blog's articles, and drafts on their way there.")
STATUSES = ["proposed", "sent_back", "published", "unpublished"]


class ArticleSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    source_kind = fields.String(required=True, metadata={
        "description": "thread, post, talk (a write-up) or digest (a month's)"})
    source_id = fields.String(required=True)
    thread_id = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown source"})
    html = fields.String(required=True, metadata={"description": "sanitised HTML"})
    tags = fields.List(fields.String(), required=True)
    author = fields.Nested(PersonSchema, required=True)
    revision = fields.Integer(required=True)
    slug = fields.String(required=True, allow_none=True)
    url = fields.String(required=True, allow_none=True, metadata={
        "description": "the canonical address on the blog, once published"})
    proposed_at = UtcDateTime(required=True)
    published_at = UtcDateTime(required=True, allow_none=True)
    updated_at = UtcDateTime(required=True)
    comment = fields.String(required=True, allow_none=True, metadata={
        "description": "the reviewer's comment when sent back (drafts only)"})
    may_review = fields.Boolean(required=True)


class ArticlePageSchema(Schema):
    items = fields.List(fields.Nested(ArticleSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class ArticlePageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_LIMIT))
    cursor = paging.Cursor("articles", load_default=None,
                           metadata={"description": "next_cursor of the previous page"})


class ProposeSchema(Schema):
    source_kind = fields.String(required=True, validate=validate.OneOf(["thread", "post", "talk"]))
    source_id = fields.String(required=True)
    title = fields.String(load_default="", metadata={"description": "the subject if empty"})
    summary = fields.String(load_default="")
    tags = fields.List(fields.String(), load_default=list)


class ReviseSchema(Schema):
    title = fields.String(required=True)
    summary = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    tags = fields.List(fields.String(), required=True)
    expected_revision = fields.Integer(strict=True, required=True, metadata={
        "description": "the revision you edited; 409 if someone edited it since"})


class CommentSchema(Schema):
    comment = fields.String(required=True)


class ReasonSchema(Schema):
    reason = fields.String(required=True)


def _document(row: DbRow, may_review: bool) -> dict[str, Any]:
    base = context.backend().config.base_url
    return {
        "id": row.id, "status": row.status, "source_kind": row.source_kind,
        "source_id": row.source_id, "thread_id": row.thread_id, "title": row.title,
        "summary": row.summary, "body": row.body, "html": row.html,
        "tags": article_queries.tags(row),
        "author": person(row.author_id, row.author_handle, row.author_name),
        "revision": row.revision, "slug": row.slug,
        "url": f"{base}/blog/{row.slug}" if row.status == "published" else None,
        "proposed_at": row.proposed_at, "published_at": row.published_at,
        "updated_at": row.updated_at,
        "comment": row.comment if row.status != "published" else None,
        "may_review": may_review,
    }


def _visible(article_id: str, *, gone_ok: bool = False) -> tuple[Any, bool]:
    conn, viewer = context.db(), context.viewer()
    row = article_queries.get_article(conn, article_id)
    access = article_queries.source_access(conn, row) if row is not None else None
    if row is None or access is None:
        abort(404)
    reviewer = can_review_article(viewer, access)
    if row.status == "unpublished" and not (gone_ok and reviewer):
        raise Gone("this article was unpublished")
    if not (reviewer or article_queries.may_see(conn, viewer, row)):
        abort(404)
    return row, reviewer  # unpublished, for its reviewer right after unpublishing


def _fresh(article_id: str) -> dict[str, Any]:
    return _document(*_visible(article_id))


@blp.route("/articles")
class Articles(MethodView):
    @blp.errors()
    @blp.arguments(ArticlePageArgs, location="query")
    @blp.response(200, ArticlePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Published articles, newest first (what the public blog shows)."""
        after: tuple[datetime, str] | None = args["cursor"]
        limit = args["limit"]
        rows = paging.list_articles_after(context.db(), after, limit + 1)
        page = rows[:limit]
        cursor = (paging.encode("articles", page[-1].published_at.isoformat(), page[-1].id)
                  if len(rows) > limit else None)
        return {"items": [_document(r, False) for r in page], "next_cursor": cursor}

    @blp.errors(400, 404, 413, 415, member_only=True)
    @blp.arguments(ProposeSchema)
    @blp.response(201, ArticleSchema, headers=LOCATION)
    def post(self, args: dict[str, Any]) -> Created:
        """Propose a thread or a post you may read for the blog; a reviewer decides."""
        article_id = context.send(articles.propose_article, ProposeArticle(
            args["source_kind"], args["source_id"], args["title"], args["summary"],
            tuple(args["tags"])))
        return _fresh(article_id), 201, {"Location": f"{PREFIX}/articles/{article_id}"}


@blp.route("/articles/<article_id>")
class Article(MethodView):
    @blp.errors(404, 410)
    @blp.response(200, ArticleSchema)
    def get(self, article_id: str) -> dict[str, Any]:
        """A published article, or a draft you proposed or may review; 410 once unpublished."""
        return _fresh(article_id)

    @blp.errors(400, 403, 404, 409, 410, 413, 415, member_only=True)
    @blp.arguments(ReviseSchema)
    @blp.response(200, ArticleSchema)
    def patch(self, args: dict[str, Any], article_id: str) -> dict[str, Any]:
        """Edit title, summary, body and tags (reviewers; the proposer until published)."""
        row, _ = _visible(article_id)
        context.send(articles.revise_article, ReviseArticle(
            row.id, args["title"], args["summary"], args["body"], tuple(args["tags"]),
            args["expected_revision"]))
        return _fresh(article_id)


def _action(name: str, doc: str, schema: type[Schema] | None,
            send: Callable[[str, dict[str, Any]], object]) -> type[MethodView]:
    statuses = (400, 403, 404, 409, 410, 413, 415) if schema else (403, 404, 409, 410, 415)

    def post(self: MethodView, *arguments: Any, article_id: str) -> dict[str, Any]:
        row, _ = _visible(article_id)
        send(row.id, arguments[0] if arguments else {})
        return _document(*_visible(article_id, gone_ok=True))

    post.__doc__ = doc
    view: Any = blp.response(200, ArticleSchema)(post)
    if schema is not None:
        view = blp.arguments(schema)(view)
    view = blp.errors(*statuses, member_only=True)(view)
    cls = type(name, (MethodView,), {"post": view})
    blp.route(f"/articles/<article_id>/{name.lower().replace('_', '-')}")(cls)
    return cls


_action("Approve", "Publish on the blog (reviewers: moderators of the source's conference).",
        None, lambda aid, _a: context.send(articles.approve_article, ApproveArticle(aid)))
_action("Send_back", "Send a waiting draft back to its proposer with a comment.",
        CommentSchema, lambda aid, a: context.send(articles.send_back_article,
                                                   SendBackArticle(aid, a["comment"])))
_action("Resubmit", "Send a draft that was sent back for review again (its proposer).",
        None, lambda aid, _a: context.send(articles.resubmit_article,
                                           ResubmitArticle(aid)))
_action("Unpublish", "Take a published article off the blog for good (410 Gone after).",
        ReasonSchema, lambda aid, a: context.send(articles.unpublish_article,
                                                  UnpublishArticle(aid, a["reason"])))
