"""The pages people read double as ActivityPub ids, through content negotiation.

``/c/<slug>`` is a public conference's ``Group``, ``/members/<handle>`` an
opted-in member's ``Person``, ``/t/<id>`` and ``/p/<id>`` a public thread's
posts, ``/blog/<slug>`` a published article — asked for with ``Accept:
application/activity+json`` (or ld+json), they answer JSON; every such
answer, HTML or JSON, says ``Vary: Accept``. While federation is off, the pages
are only pages and carry no ActivityPub link.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request
from jinja2 import pass_context
from jinja2.runtime import Context

from federation import reads
from federation.documents import actors as ap
from federation.documents.activities import tombstone
from federation.documents.local import iso
from federation.http.server import (
    activity,
    article_document,
    enabled,
    first_post_type,
    group_actor,
    missing,
    person_actor,
    post_document,
    site,
)
from forum.features.articles import queries as article_queries
from forum.web import context


def wants_activity() -> bool:
    """Whether the client prefers ActivityStreams JSON to HTML (browsers never do)."""
    accept = request.accept_mimetypes
    # The profile'd type is offered as well: asked with exactly the Accept the
    # ActivityPub specification gives, Werkzeug matches no bare application/ld+json.
    best = accept.best_match(["text/html", "application/activity+json", "application/ld+json",
                              ap.LD_JSON])
    return best is not None and best != "text/html"


def _conference_as_group(slug: str) -> Response:
    conference = reads.get_public_conference(context.db(), slug)
    return activity(group_actor(conference)) if conference else missing()


def _member_as_person(handle: str) -> Response:
    member = reads.get_fediverse_member(context.db(), handle)
    return activity(person_actor(member)) if member else missing()


def _post_as_object(post_id: str) -> Response:
    found = reads.get_public_post(context.db(), post_id)
    if found is None:
        return missing()
    row, conference = found
    if row.deleted_by:
        return activity(tombstone(site().url(f"/p/{row.id}"),
                                  first_post_type(conference.id) if row.seq == 1 else "Note",
                                  None), 410)
    if row.hidden_by:
        return missing()
    return activity(post_document(row, conference))


def _thread_as_object(thread_id: str) -> Response:
    first = reads.get_first_post_id(context.db(), thread_id)
    return _post_as_object(first) if first else missing()


def _article_as_object(slug: str) -> Response:
    row = article_queries.get_article_by_slug(context.db(), slug)
    if row is None:
        return missing()
    if row.status != "published":
        return activity(tombstone(site().url(f"/blog/{row.slug}"), "Article",
                                  iso(row.unpublished_at)), 410)
    return activity(article_document(row))


NEGOTIATED: dict[str, Callable[..., Response]] = {
    "pages.conference": lambda slug: _conference_as_group(slug),
    "pages.profile": lambda handle: _member_as_person(handle),
    "pages.thread": lambda thread_id: _thread_as_object(thread_id),
    "pages.post": lambda post_id: _post_as_object(post_id),
    "blog.article": lambda slug: _article_as_object(slug),
}


def negotiate() -> Response | None:
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    handler = NEGOTIATED.get(request.endpoint or "")
    if handler is None or not wants_activity():
        return None
    return handler(**(request.view_args or {}))


def vary_on_accept(response: Response) -> Response:
    if enabled() and (request.endpoint or "") in NEGOTIATED:
        response.vary.add("Accept")
    return response


@pass_context
def activity_alternate(ctx: Context) -> str | None:
    """The ``<link rel=alternate type=application/activity+json>`` of the page being rendered."""
    if not enabled():
        return None
    endpoint = request.endpoint or ""
    if endpoint in ("pages.conference", "pages.thread") and ctx.get("public"):
        return site().url(request.path)
    if endpoint == "pages.post" or (endpoint == "blog.article" and ctx.get("canonical")):
        return site().url(request.path)
    member = ctx.get("member")
    if endpoint == "pages.profile" and member is not None and member.fediverse:
        return site().url(request.path)
    return None


def add_hooks(app: Flask) -> None:
    """Every page answers JSON to who asks for it, says so, and links its other face."""
    app.before_request(negotiate)
    app.after_request(vary_on_accept)
    app.jinja_env.globals["activity_alternate"] = activity_alternate
