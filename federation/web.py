"""ActivityPub over HTTP: discovery, actors, objects and collections, while federation is on.

Federation is off until an administrator sets ``COMMONROOM_FEDERATION=1``:
until then every address here is 404 and pages carry no ActivityPub link.
When on, the pages people read double as ActivityPub ids through content
negotiation: ``/c/<slug>`` is a public conference's ``Group``,
``/members/<handle>`` an opted-in member's ``Person``, ``/t/<id>`` and
``/p/<id>`` a public thread's posts, ``/blog/<slug>`` a published article —
asked for with ``Accept: application/activity+json`` (or ld+json), they answer
JSON; every such answer, HTML or JSON, says ``Vary: Accept``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, request
from jinja2 import pass_context
from jinja2.runtime import Context

from federation import actors as ap
from federation import reads
from federation.activities import Group, PostObject, post_object, tombstone
from federation.keys import KeyStore
from forum.core.rows import PAGE_SIZE
from forum.features.articles import queries as article_queries
from forum.features.inbound import queries as inbound_queries
from forum.web import context
from forum.web.extensions import csrf

bp = Blueprint("activitypub", __name__)
POSTS_PER_PAGE = PAGE_SIZE


# --- plumbing ------------------------------------------------------------------------


def enabled() -> bool:
    return bool(current_app.extensions["commonroom"].config.federation)


def site() -> ap.Site:
    return ap.Site(current_app.extensions["commonroom"].config.base_url)


def keys() -> KeyStore:
    store: KeyStore = current_app.extensions["commonroom_keys"]
    return store


def wants_activity() -> bool:
    """Whether the client prefers ActivityStreams JSON to HTML (browsers never do)."""
    accept = request.accept_mimetypes
    # The profile'd type is offered as well: asked with exactly the Accept the
    # ActivityPub specification gives, Werkzeug matches no bare application/ld+json.
    best = accept.best_match(["text/html", "application/activity+json", "application/ld+json",
                              ap.LD_JSON])
    return best is not None and best != "text/html"


def activity(document: dict[str, Any], status: int = 200) -> Response:
    response = Response(orjson.dumps(document), status=status,
                        mimetype=ap.ACTIVITY_JSON)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def missing(message: str = "there is nothing here for the fediverse",
            status: int = 404) -> Response:
    return Response(orjson.dumps({"code": "not_found" if status == 404 else "gone",
                                  "message": message}),
                    status=status, mimetype="application/json")


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _software_version() -> str:
    try:
        return version("commonroom")
    except PackageNotFoundError:
        return "0"


# --- actors --------------------------------------------------------------------------


def instance_username() -> str:
    """As Mastodon names its instance actor: after the host (without a port)."""
    return site().host.split(":")[0]


def _actor(kind: str, key: str, actor_id: str, ap_base: str, username: str, name: str,
           summary: str, url: str, published: datetime | None = None) -> dict[str, Any]:
    s = site()
    return ap.actor_document(ap.Actor(
        id=actor_id, type=kind, username=username, name=name, summary=summary, url=url,
        inbox=f"{ap_base}/inbox", outbox=f"{ap_base}/outbox",
        followers=f"{ap_base}/followers", following=f"{ap_base}/following",
        shared_inbox=s.url("/inbox"), public_key_pem=keys().public_pem(key),
        published=_iso(published)), s.host)


def instance_actor() -> dict[str, Any]:
    s = site()
    return _actor("Application", "instance", s.url("/actor"), s.url("/actor"),
                  instance_username(), "Commonroom",
                  "<p>This server's own actor: it signs what the server fetches.</p>",
                  s.url("/"))


def group_actor(conference: Any) -> dict[str, Any]:
    s = site()
    return _actor("Group", f"conference:{conference.id}", s.url(f"/c/{conference.slug}"),
                  s.url(f"/ap/c/{conference.slug}"), conference.slug, conference.name,
                  conference.resume_html, s.url(f"/c/{conference.slug}"),
                  conference.created_at)


def person_actor(member: Any) -> dict[str, Any]:
    s = site()
    summary = f"<p>{escape(member.bio)}</p>" if member.bio else ""
    return _actor("Person", f"member:{member.id}", s.url(f"/members/{member.handle}"),
                  s.url(f"/ap/members/{member.handle}"), member.handle, member.display_name,
                  summary, s.url(f"/members/{member.handle}"), member.joined_at)


# --- objects -------------------------------------------------------------------------


def _group(conference: Any) -> Group:
    s = site()
    return Group(s.url(f"/c/{conference.slug}"), s.url(f"/ap/c/{conference.slug}/followers"),
                 f"@{conference.slug}@{s.host}")


def first_post_type(conference_id: str) -> str:
    """What a thread's first post in this conference is: its moderators' choice."""
    style = inbound_queries.get_style(context.db(), conference_id)
    return "Note" if style == "note" else "Article"


def post_document(row: Any, conference: Any) -> dict[str, Any]:
    """A public thread's post: its first as an Article (or, as the conference's moderators
    chose, a Note with the subject at the top of its content), the others as Notes."""
    s = site()
    group = _group(conference)
    first = row.seq == 1
    kind = first_post_type(conference.id) if first else "Note"
    content = row.html
    if first and kind == "Note":
        content = f"<p><strong>{escape(row.subject)}</strong></p>{row.html}"
    page = (row.seq - 1) // POSTS_PER_PAGE + 1
    url = s.url(f"/t/{row.thread_id}" + (f"?page={page}" if page > 1 else "")
                + ("" if first else f"#p{row.seq}"))
    return post_object(PostObject(
        id=s.url(f"/p/{row.id}"), type=kind, url=url,
        attributed_to=(s.url(f"/members/{row.author_handle}") if row.author_federated
                       else group.id),
        content=content, source=row.body, published=_iso(row.created_at) or "",
        updated=_iso(row.edited_at), context=s.url(f"/ap/t/{row.thread_id}/context"),
        replies=s.url(f"/ap/p/{row.id}/replies"), group=group,
        name=row.subject if kind == "Article" else None,
        in_reply_to=s.url(f"/p/{row.parent_id}") if row.parent_id else None))


def article_document(row: Any) -> dict[str, Any]:
    """A published blog article; its group is its conference's when that one is public."""
    s = site()
    conn = context.db()
    author = reads.get_fediverse_member(conn, row.author_handle)
    thread = reads.get_public_thread(conn, row.thread_id)
    url = s.url(f"/blog/{row.slug}")
    return post_object(PostObject(
        id=url, type="Article", url=url,
        attributed_to=s.url(f"/members/{author.handle}") if author else s.url("/actor"),
        content=row.html, source=row.body, published=_iso(row.published_at) or "",
        updated=_iso(row.updated_at) if row.updated_at > row.published_at else None,
        context=s.url(f"/ap/blog/{row.slug}/context"),
        replies=s.url(f"/ap/blog/{row.slug}/replies"),
        group=_group(thread[1]) if thread else None, name=row.title,
        summary=row.summary or None, tags=tuple(article_queries.tags(row)),
        tag_url=s.url("/blog/tags/")))


# --- the pages' other face (content negotiation) ---------------------------------------


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
                                  _iso(row.unpublished_at)), 410)
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


DELIVERY_EVERY = 1.0  # seconds between the delivery worker's looks at the queue


def _deliver(app: Flask) -> None:
    """The outbox subscriber and the delivery worker join this app's runner."""
    from federation.delivery import outbound
    from federation.outbox import Outbox
    from federation.worker import DeliveryWorker
    from forum.core.subscribers import Tick

    backend = app.extensions["commonroom"]
    worker = DeliveryWorker(backend.engine, outbound(app))
    app.extensions["commonroom_delivery"] = worker
    backend.subscribers.append(Outbox(app, backend.config.federation_update_grace))
    backend.ticks.append(Tick("federation-delivery", DELIVERY_EVERY, worker.run_due))


def register(app: Flask) -> None:
    """Wire the blueprint, the negotiation hooks and the key store into the app."""
    backend = app.extensions["commonroom"]
    app.extensions["commonroom_keys"] = KeyStore(backend.engine, backend.config.secret_key)
    from federation import admin, endpoints, follows, inbound  # noqa: F401  (routes, inbox)

    if backend.config.federation:
        _deliver(app)
    csrf.exempt(bp)  # inboxes take signed activities from servers, never forms
    app.register_blueprint(bp)
    from federation import manage

    app.register_blueprint(manage.bp)
    app.jinja_env.globals["fediverse_status"] = manage.article_status
    app.before_request(negotiate)
    app.after_request(vary_on_accept)
    app.jinja_env.globals["activity_alternate"] = activity_alternate
    app.jinja_env.globals["federation_enabled"] = enabled
    app.jinja_env.globals["fediverse_host"] = lambda: site().host
