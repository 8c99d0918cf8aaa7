"""Pages for people who run the federation: a conference's followers (moderators) and the
delivery dead letters (administrators). Plain forms; nothing needs JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from federation.delivery import worker
from federation.follows import handlers as follows
from federation.follows import queries as reads
from federation.follows.commands import AcceptFollow, RejectFollow, SetFollowPolicy
from forum.core.errors import InvalidInput
from forum.core.permissions import can_administer, can_moderate, can_review_article
from forum.features.articles import queries as article_queries
from forum.features.conferences.access import readable_conference
from forum.web import context

bp = Blueprint("fediverse", __name__)
bp.before_request(context.require_member)


@bp.before_request
def _only_when_enabled() -> None:
    if not current_app.extensions["commonroom"].config.federation:
        abort(404)


def _moderated_public(slug: str) -> Any:
    row, access = readable_conference(context.db(), context.viewer(), slug)
    if row.visibility != "public" or not can_moderate(context.viewer(), access):
        abort(404)
    return row


@bp.get("/c/<slug>/followers")
def followers(slug: str) -> Any:
    """Who follows the conference from the fediverse, who asks to, and the policy."""
    row = _moderated_public(slug)
    conn, local = context.db(), f"conference:{row.id}"
    return render_template(
        "fediverse/followers.html", conference=row, policy=reads.get_policy(conn, local),
        pending=reads.list_followers(conn, local, "pending"),
        accepted=reads.list_followers(conn, local, "accepted"),
        total=reads.count_followers(conn, local))


@bp.post("/c/<slug>/followers")
def decide(slug: str) -> Any:
    row = _moderated_public(slug)
    local, form = f"conference:{row.id}", request.form
    action, remote = form.get("action", ""), form.get("remote_actor", "")
    if action == "policy":
        context.send(follows.set_follow_policy, SetFollowPolicy(local, form.get("policy", "")))
        flash("Follow policy saved.")
    elif action == "accept":
        context.send(follows.accept_follow, AcceptFollow(local, remote))
        flash("Follow request accepted.")
    elif action in ("reject", "remove"):
        context.send(follows.reject_follow, RejectFollow(local, remote))
        flash("Follow request rejected." if action == "reject" else "Follower removed.")
    else:
        raise InvalidInput("action must be policy, accept, reject or remove", field="action")
    return redirect(url_for("fediverse.followers", slug=row.slug))


def _admin_only() -> None:
    if not can_administer(context.viewer()):
        abort(404)


@bp.get("/admin/federation")
def deliveries() -> Any:
    """Deliveries that failed for good, and hosts whose circuit is open."""
    _admin_only()
    conn = context.db()
    return render_template("fediverse/deliveries.html",
                           dead=worker.list_dead_letters(conn),
                           hosts=worker.list_failing_hosts(conn))


@bp.post("/admin/federation/deliveries/<int:delivery_id>/retry")
def retry(delivery_id: int) -> Any:
    _admin_only()
    if not worker.retry(context.backend().engine, delivery_id):
        abort(404)
    flash("Queued again: the worker sends it within seconds.")
    return redirect(url_for("fediverse.deliveries"))


def article_status(article: Any) -> worker.Status | None:
    """For the article page: how its delivery went, for its reviewers only."""
    if not current_app.extensions["commonroom"].config.federation:
        return None
    conn = context.db()
    access = article_queries.source_access(conn, article)
    if access is None or not can_review_article(context.viewer(), access):
        return None
    base = current_app.extensions["commonroom"].config.base_url
    return worker.object_status(conn, base + url_for("blog.article", slug=article.slug))
