"""The monthly "what we learned" page, and publishing its public part to the blog."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.permissions import can_administer
from forum.features.digest import handlers as digests
from forum.features.digest import queries as digest_queries
from forum.features.digest.commands import PublishDigest
from forum.features.digest.queries import Month
from forum.features.reading.queries import list_conferences
from forum.web import context

bp = Blueprint("digest", __name__)


@bp.get("/learning/digest")
def current() -> ResponseReturnValue:
    return redirect(url_for("digest.month", month=str(Month.of(
        context.backend().store.clock()))))


@bp.get("/learning/digest/<month>")
def month(month: str) -> ResponseReturnValue:
    viewer, conn = context.viewer(), context.db()
    wanted = Month.parse(month)
    admin = can_administer(viewer)
    return render_template(
        "digest/month.html",
        digest=digest_queries.get_digest(conn, viewer, wanted, context.backend().store.clock()),
        article=digest_queries.get_digest_article(conn, wanted) if admin else None,
        may_publish=admin,
        public=[c for c in list_conferences(conn, viewer)
                if c.row.visibility == "public"] if admin else [])


@bp.post("/learning/digest/<month>/publish")
def publish(month: str) -> ResponseReturnValue:
    slug = context.send(digests.publish_digest, PublishDigest(
        month, request.form.get("conference_id", "")))
    flash("The digest is published on the blog.")
    return redirect(url_for("blog.article", slug=slug))
