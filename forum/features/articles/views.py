"""Publishing's forms: propose a thread or post, review, edit, approve, send back, unpublish."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import ConferenceAccess, can_propose_article, can_review_article
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
from forum.features.threads.access import readable_post, readable_thread
from forum.web import context

bp = Blueprint("articles", __name__)
bp.before_request(context.require_member)


def tags_field() -> tuple[str, ...]:
    """'learning, study-circles' → ('learning', 'study-circles')."""
    return tuple(t for t in (part.strip() for part in request.form.get("tags", "").split(","))
                 if t)


def _revision() -> int | None:
    value = request.form.get("revision", "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput("revision must be a whole number", field="revision") from None


def _propose(kind: str, source_id: str, thread: DbRow, access: ConferenceAccess,
             post: DbRow = None
             ) -> ResponseReturnValue:
    if not can_propose_article(context.viewer(), access):
        abort(404)
    if request.method == "GET":
        return render_template("articles/propose.html", kind=kind, thread=thread, post=post)
    article_id = context.send(articles.propose_article, ProposeArticle(
        kind, source_id, request.form.get("title", ""), request.form.get("summary", ""),
        tags_field()))
    flash("Proposed. A reviewer will read it; you will find it under Drafts and reviews.")
    return redirect(url_for("articles.draft", article_id=article_id))


@bp.route("/t/<thread_id>/propose", methods=["GET", "POST"])
def propose_thread(thread_id: str) -> ResponseReturnValue:
    thread, _, access = readable_thread(context.db(), context.viewer(), thread_id)
    return _propose("thread", thread.id, thread, access)


@bp.route("/p/<post_id>/propose", methods=["GET", "POST"])
def propose_post(post_id: str) -> ResponseReturnValue:
    post, thread, _, access = readable_post(context.db(), context.viewer(), post_id)
    if post.deleted_by or post.hidden_by:
        abort(404)
    return _propose("post", post.id, thread, access, post)


@bp.get("/articles")
def queue() -> ResponseReturnValue:
    """Drafts the member may review, and their own proposals."""
    viewer = context.viewer()
    drafts = article_queries.list_drafts(context.db(), viewer)
    to_review = [(row, name) for row, access, name in drafts
                 if can_review_article(viewer, access)]
    mine = [(row, name) for row, access, name in drafts
            if row.proposed_by == viewer.member_id and not can_review_article(viewer, access)]
    return render_template("articles/queue.html", to_review=to_review, mine=mine)


def _visible(article_id: str) -> tuple[Any, bool]:
    """The article and whether the viewer reviews it; 404 if they may not see it."""
    conn, viewer = context.db(), context.viewer()
    row = article_queries.get_article(conn, article_id)
    access = article_queries.source_access(conn, row) if row is not None else None
    if row is None or access is None:
        abort(404)
    reviewer = can_review_article(viewer, access)
    if not (reviewer or article_queries.may_see(conn, viewer, row)):
        abort(404)
    return row, reviewer


@bp.get("/articles/<article_id>")
def draft(article_id: str) -> ResponseReturnValue:
    row, reviewer = _visible(article_id)
    viewer = context.viewer()
    may_edit = row.status != "unpublished" and (
        reviewer or (row.proposed_by == viewer.member_id and row.status != "published"))
    return render_template("articles/draft.html", article=row, reviewer=reviewer,
                           may_edit=may_edit, tags=article_queries.tags(row),
                           mine=row.proposed_by == viewer.member_id)


@bp.post("/articles/<article_id>/edit")
def edit(article_id: str) -> ResponseReturnValue:
    row, _ = _visible(article_id)
    context.send(articles.revise_article, ReviseArticle(
        row.id, request.form.get("title", ""), request.form.get("summary", ""),
        request.form.get("body", ""), tags_field(), _revision()))
    flash("Saved.")
    return redirect(url_for("articles.draft", article_id=row.id))


@bp.post("/articles/<article_id>/approve")
def approve(article_id: str) -> ResponseReturnValue:
    row, _ = _visible(article_id)
    slug = context.send(articles.approve_article, ApproveArticle(row.id))
    flash("Published on the blog.")
    return redirect(url_for("blog.article", slug=slug))


@bp.post("/articles/<article_id>/send-back")
def send_back(article_id: str) -> ResponseReturnValue:
    row, _ = _visible(article_id)
    context.send(articles.send_back_article,
                 SendBackArticle(row.id, request.form.get("comment", "")))
    flash("Sent back to its proposer with your comment.")
    return redirect(url_for("articles.queue"))


@bp.post("/articles/<article_id>/resubmit")
def resubmit(article_id: str) -> ResponseReturnValue:
    row, _ = _visible(article_id)
    context.send(articles.resubmit_article, ResubmitArticle(row.id))
    flash("Sent for review again.")
    return redirect(url_for("articles.draft", article_id=row.id))


@bp.post("/articles/<article_id>/unpublish")
def unpublish(article_id: str) -> ResponseReturnValue:
    row, _ = _visible(article_id)
    context.send(articles.unpublish_article,
                 UnpublishArticle(row.id, request.form.get("reason", "")))
    flash("Unpublished: its address now says it is gone.")
    return redirect(url_for("articles.draft", article_id=row.id))
