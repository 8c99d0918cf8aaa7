"""This server's own actors and objects as the fediverse reads them, built from rows: no IO.

The rows are what the pages show (a conference, a member, a post with its
thread's subject, an article); whatever else a document needs (the site's
origin, an actor's public key, the conference's chosen style, an article's
author and group) is passed in, so the outbox builds exactly the documents the
pages serve without a request or a database of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from federation.documents.activities import Group, PostObject, post_object
from federation.documents.actors import Actor, Site, actor_document
from forum.core.rows import PAGE_SIZE

POSTS_PER_PAGE = PAGE_SIZE


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- actors --------------------------------------------------------------------------


def instance_username(site: Site) -> str:
    """As Mastodon names its instance actor: after the host (without a port)."""
    return site.host.split(":")[0]


def _actor(site: Site, kind: str, public_pem: str, actor_id: str, ap_base: str, username: str,
           name: str, summary: str, url: str, published: datetime | None = None
           ) -> dict[str, Any]:
    return actor_document(Actor(
        id=actor_id, type=kind, username=username, name=name, summary=summary, url=url,
        inbox=f"{ap_base}/inbox", outbox=f"{ap_base}/outbox",
        followers=f"{ap_base}/followers", following=f"{ap_base}/following",
        shared_inbox=site.url("/inbox"), public_key_pem=public_pem,
        published=iso(published)), site.host)


def instance_actor(site: Site, public_pem: str) -> dict[str, Any]:
    return _actor(site, "Application", public_pem, site.url("/actor"), site.url("/actor"),
                  instance_username(site), "Commonroom",
                  "<p>This server's own actor: it signs what the server fetches.</p>",
                  site.url("/"))


def group_actor(site: Site, conference: Any, public_pem: str) -> dict[str, Any]:
    return _actor(site, "Group", public_pem, site.url(f"/c/{conference.slug}"),
                  site.url(f"/ap/c/{conference.slug}"), conference.slug, conference.name,
                  conference.resume_html, site.url(f"/c/{conference.slug}"),
                  conference.created_at)


def person_actor(site: Site, member: Any, public_pem: str) -> dict[str, Any]:
    summary = f"<p>{escape(member.bio)}</p>" if member.bio else ""
    return _actor(site, "Person", public_pem, site.url(f"/members/{member.handle}"),
                  site.url(f"/ap/members/{member.handle}"), member.handle,
                  member.display_name, summary, site.url(f"/members/{member.handle}"),
                  member.joined_at)


# --- objects -------------------------------------------------------------------------


def group(site: Site, conference: Any) -> Group:
    return Group(site.url(f"/c/{conference.slug}"),
                 site.url(f"/ap/c/{conference.slug}/followers"),
                 f"@{conference.slug}@{site.host}")


def first_post_type(style: str | None) -> str:
    """What a thread's first post is: its conference moderators' chosen style."""
    return "Note" if style == "note" else "Article"


def post_document(site: Site, row: Any, conference: Any, first_type: str) -> dict[str, Any]:
    """A public thread's post: its first as ``first_type`` (an Article, or a Note with the
    subject at the top of its content), the others as Notes."""
    found = group(site, conference)
    first = row.seq == 1
    kind = first_type if first else "Note"
    content = row.html
    if first and kind == "Note":
        content = f"<p><strong>{escape(row.subject)}</strong></p>{row.html}"
    page = (row.seq - 1) // POSTS_PER_PAGE + 1
    url = site.url(f"/t/{row.thread_id}" + (f"?page={page}" if page > 1 else "")
                   + ("" if first else f"#p{row.seq}"))
    return post_object(PostObject(
        id=site.url(f"/p/{row.id}"), type=kind, url=url,
        attributed_to=(site.url(f"/members/{row.author_handle}") if row.author_federated
                       else found.id),
        content=content, source=row.body, published=iso(row.created_at) or "",
        updated=iso(row.edited_at), context=site.url(f"/ap/t/{row.thread_id}/context"),
        replies=site.url(f"/ap/p/{row.id}/replies"), group=found,
        name=row.subject if kind == "Article" else None,
        in_reply_to=site.url(f"/p/{row.parent_id}") if row.parent_id else None))


def article_document(site: Site, row: Any, author_handle: str | None, conference: Any | None,
                     tags: list[str]) -> dict[str, Any]:
    """A published blog article, attributed to its author when they opted in to the
    fediverse (``author_handle``), else to the instance; its group is its conference's
    when that one is public (``conference``)."""
    url = site.url(f"/blog/{row.slug}")
    return post_object(PostObject(
        id=url, type="Article", url=url,
        attributed_to=site.url(f"/members/{author_handle}") if author_handle
        else site.url("/actor"),
        content=row.html, source=row.body, published=iso(row.published_at) or "",
        updated=iso(row.updated_at) if row.updated_at > row.published_at else None,
        context=site.url(f"/ap/blog/{row.slug}/context"),
        replies=site.url(f"/ap/blog/{row.slug}/replies"),
        group=group(site, conference) if conference is not None else None, name=row.title,
        summary=row.summary or None, tags=tuple(tags), tag_url=site.url("/blog/tags/")))
