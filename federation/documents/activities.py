"""Pure builders of ActivityStreams objects: posts, articles, tombstones, collections.

A public thread's first post is an ``Article`` (its subject as ``name``), or a
``Note`` with the subject atop its content where the conference's moderators
chose the ``note`` style (federation/reads.py); a reply is a ``Note``
``inReplyTo`` its parent. A published blog article is an ``Article`` with its
summary. Every object names its thread's ``context``
collection and its own ``replies`` collection, and its conference's group as
``audience``; it is addressed to the public with the group in ``cc`` and
mentions the group, so a reply from Mastodon is delivered back to the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from federation.documents.actors import AS, PUBLIC


@dataclass(frozen=True)
class Group:
    """The conference a thread lives in, as the fediverse sees it."""

    id: str
    followers: str
    acct: str  # @slug@host


@dataclass(frozen=True)
class PostObject:
    id: str
    type: str  # Article (a thread's first post, a blog article) or Note
    url: str
    attributed_to: str
    content: str  # sanitised HTML
    source: str  # the Markdown it was written in
    published: str
    context: str
    replies: str
    group: Group | None
    name: str | None = None
    summary: str | None = None
    in_reply_to: str | None = None
    updated: str | None = None
    tags: tuple[str, ...] = ()
    tag_url: str = ""  # where a tag's page is: tag_url + tag


def post_object(post: PostObject) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [AS],
        "id": post.id,
        "type": post.type,
        "attributedTo": post.attributed_to,
        "url": post.url,
        "published": post.published,
        "mediaType": "text/html",
        "content": post.content,
        "source": {"content": post.source, "mediaType": "text/markdown"},
        "context": post.context,
        "replies": post.replies,
        "to": [PUBLIC],
        "cc": [],
        "tag": [{"type": "Hashtag", "name": f"#{tag}", "href": post.tag_url + tag}
                for tag in post.tags],
    }
    if post.group is not None:
        document["audience"] = post.group.id
        document["cc"] = [post.group.id, post.group.followers]
        document["tag"].append({"type": "Mention", "href": post.group.id,
                                "name": post.group.acct})
    for key, value in (("name", post.name), ("summary", post.summary),
                       ("inReplyTo", post.in_reply_to), ("updated", post.updated)):
        if value:
            document[key] = value
    return document


def tombstone(object_id: str, former_type: str, deleted: str | None) -> dict[str, Any]:
    """What is left at the address of a removed post or an unpublished article (with 410)."""
    document: dict[str, Any] = {"@context": [AS], "id": object_id, "type": "Tombstone",
                                "formerType": former_type}
    if deleted:
        document["deleted"] = deleted
    return document


def collection(collection_id: str, items: list[Any], total: int | None = None,
               ordered: bool = True, **extra: Any) -> dict[str, Any]:
    """A (small) collection with its items inline; ``total`` may exceed what is inlined."""
    kind = "OrderedCollection" if ordered else "Collection"
    return {
        "@context": [AS], "id": collection_id, "type": kind,
        "totalItems": len(items) if total is None else total,
        "orderedItems" if ordered else "items": items,
        **extra,
    }


def create(actor_id: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The Create activity an outbox lists for an object (its id: the object's + '#create')."""
    return {
        "id": f"{obj['id']}#create", "type": "Create", "actor": actor_id,
        "published": obj["published"], "to": obj["to"], "cc": obj["cc"],
        "object": {key: value for key, value in obj.items() if key != "@context"},
    }
