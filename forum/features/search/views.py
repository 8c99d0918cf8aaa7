"""The search page: a form that works without JavaScript, results the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, select

from forum.features.articles.tables import articles
from forum.features.conferences.tables import conferences
from forum.features.members.queries import get_members
from forum.features.rooms.tables import rooms
from forum.features.threads.tables import threads
from forum.web import context
from search import Hit, QueryError, SearchResults

bp = Blueprint("search", __name__)

KIND_NAMES = {"thread": "Thread", "post": "Post", "chat": "Chat message",
              "member": "Person", "article": "Article"}


@dataclass(frozen=True)
class Shown:
    """A hit with what a page or the API shows of it: where it is and who wrote it."""

    hit: Hit
    url: str
    title: str
    place: str
    author_name: str
    author_handle: str


def _rows(conn: Connection, table: Any, ids: set[str]) -> dict[str, Any]:
    if not ids:
        return {}
    return {row.id: row for row in conn.execute(select(table).where(table.c.id.in_(ids)))}


def _where(hit: Hit, threads_by_id: dict[str, Any], rooms_by_id: dict[str, Any],
           conferences_by_id: dict[str, Any], articles_by_id: dict[str, Any], handle: str
           ) -> tuple[str, str, str] | None:
    """(url, title, place name); None when the read models no longer hold it."""
    doc_id = hit.doc_id.partition(":")[2]
    if hit.kind in ("thread", "post"):
        thread = threads_by_id.get(hit.container)
        if thread is None or thread.conference_id != hit.space:
            # Moved a moment ago and not re-indexed yet: its old place may not be its
            # new one's, so it waits for the index rather than show what it should not.
            return None
        conference = conferences_by_id.get(thread.conference_id)
        url = (url_for("pages.thread", thread_id=thread.id) if hit.kind == "thread"
               else url_for("pages.post", post_id=doc_id))
        return url, thread.subject, conference.name if conference else ""
    if hit.kind == "chat":
        room = rooms_by_id.get(hit.container)
        if room is None:
            return None
        url = url_for("rooms.room", slug=room.slug, before=hit.seq + 1) + f"#m{hit.seq}"
        return url, room.name, room.name
    if hit.kind == "member":
        return url_for("pages.profile", handle=handle), hit.title, ""
    if hit.kind == "article":
        article = articles_by_id.get(hit.container)
        if article is None or article.status != "published" or not article.slug:
            return None  # unpublished a moment ago: the index follows shortly
        return url_for("blog.article", slug=article.slug), article.title, "Blog"
    return None


def describe(conn: Connection, results: SearchResults) -> list[Shown]:
    """Links, subjects, places and authors for a page of hits, in a few queries."""
    hits = results.hits
    threads_by_id = _rows(conn, threads, {h.container for h in hits
                                          if h.kind in ("thread", "post")})
    articles_by_id = _rows(conn, articles, {h.container for h in hits if h.kind == "article"})
    rooms_by_id = _rows(conn, rooms, {h.container for h in hits if h.kind == "chat"})
    conferences_by_id = _rows(conn, conferences,
                              {t.conference_id for t in threads_by_id.values()})
    authors = {m.id: m for m in get_members(conn, {h.author for h in hits})}
    shown = []
    for hit in hits:
        author = authors.get(hit.author)
        handle = author.handle if author else ""
        where = _where(hit, threads_by_id, rooms_by_id, conferences_by_id, articles_by_id,
                       handle)
        if where is not None:
            shown.append(Shown(hit, *where, author.display_name if author else "", handle))
    return shown


def run_search(text: str, args: Any) -> tuple[SearchResults, list[Shown]]:
    """Search as the current viewer; raises QueryError for a query we cannot read."""
    conn = context.db()
    results = context.backend().search.search(
        conn, context.viewer(), text, sort=args.get("sort") or None,
        page=args.get("page") or None, per_page=args.get("per_page") or None)
    return results, describe(conn, results)


@bp.get("/search")
def search() -> ResponseReturnValue:
    text = request.args.get("q", "").strip()
    sort = request.args.get("sort", "relevance")
    if not text:
        return render_template("search/search.html", q="", sort=sort, results=None, shown=[])
    try:
        results, shown = run_search(text, request.args)
    except QueryError as refused:
        return render_template("search/search.html", q=text, sort=sort, results=None,
                               shown=[], problem=refused), 400
    return render_template("search/search.html", q=text, sort=sort, results=results,
                           shown=shown, kinds=KIND_NAMES)
