"""The public blog: approved articles at stable addresses, by tag and by author.

Everything here is built for an anonymous visitor whoever asks (as the feeds
are): only published articles appear, whatever the conference they came
from, because a reviewer approved exactly these words for the world. An
unpublished article's address answers 410 Gone, and it leaves every list,
tag, author page and feed at once.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for

from forum.features.articles import queries as article_queries
from forum.features.members.queries import get_member_by_handle
from forum.web import context
from forum.web.navigation import page_number

bp = Blueprint("blog", __name__)


def base_url() -> str:
    base: str = current_app.extensions["commonroom"].config.base_url
    return base


def canonical(slug: str) -> str:
    """An article's one address, under the configured public origin."""
    return base_url() + url_for("blog.article", slug=slug)


def _listing(title: str, heading: str, rows: Any, total: int, endpoint: str,
             **args: str) -> str:
    page = page_number()
    return render_template(
        "blog/index.html", title=title, heading=heading, articles=rows, tags=article_queries.tags,
        all_tags=article_queries.list_tags(context.db()), page=page, endpoint=endpoint,
        args=args, pages=max(1, -(-total // article_queries.BLOG_PAGE)))


def _offset() -> int:
    return (page_number() - 1) * article_queries.BLOG_PAGE


@bp.get("/blog")
def index() -> Any:
    """The newest published articles."""
    conn = context.db()
    rows = article_queries.list_published(conn, offset=_offset())
    return _listing("Blog", "Notes from the team", rows,
                    article_queries.count_published(conn), "blog.index")


@bp.get("/blog/tags/<tag>")
def tag(tag: str) -> Any:
    conn = context.db()
    total = article_queries.count_published(conn, tag=tag)
    if not total:
        abort(404)
    rows = article_queries.list_published(conn, tag=tag, offset=_offset())
    return _listing(f"Tagged {tag}", f"Articles tagged “{tag}”", rows, total, "blog.tag",
                    tag=tag)


@bp.get("/blog/authors/<handle>")
def author(handle: str) -> Any:
    conn = context.db()
    member = get_member_by_handle(conn, handle)
    total = article_queries.count_published(conn, author_id=member.id) if member else 0
    if member is None or not total:
        abort(404)  # people without a published article have no page here
    rows = article_queries.list_published(conn, author_id=member.id, offset=_offset())
    return _listing(member.display_name, f"Articles by {member.display_name}", rows, total,
                    "blog.author", handle=member.handle)


@bp.get("/blog/<slug>")
def article(slug: str) -> Any:
    row = article_queries.get_article_by_slug(context.db(), slug)
    if row is None:
        abort(404)
    if row.status != "published":
        return render_template("blog/gone.html", article=row), 410
    return render_template("blog/article.html", article=row, tags=article_queries.tags(row),
                           canonical=canonical(row.slug), base=base_url())
