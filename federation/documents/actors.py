"""Pure builders of the discovery documents: WebFinger, host-meta, NodeInfo and actors.

No IO here: each function takes plain values and returns the JSON (or XML)
document, so each is tested on its own against what Mastodon expects
(``preferredUsername`` plus a WebFinger ``self`` link that loops back to the
actor's ``id``; a ``publicKey`` owned by the actor; ``endpoints.sharedInbox``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
PUBLIC = f"{AS}#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = f'application/ld+json; profile="{AS}"'
JRD = "application/jrd+json"
# The terms Mastodon and Lemmy read beyond ActivityStreams, as they name them.
EXTENSIONS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "lemmy": "https://join-lemmy.org/ns#",
    "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
}
CONTEXT: list[Any] = [AS, SECURITY, EXTENSIONS]
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{version}"


@dataclass(frozen=True)
class Site:
    """The public origin (``COMMONROOM_BASE_URL``) every id is made from."""

    base: str

    @property
    def host(self) -> str:
        """The domain of ``acct:`` addresses: the origin's host, with its port if it has one."""
        return urlsplit(self.base).netloc

    def url(self, path: str) -> str:
        return self.base + path


@dataclass(frozen=True)
class Actor:
    """What an actor document says; ``id`` is also the page people read (content negotiation)."""

    id: str
    type: str  # Application, Group or Person
    username: str
    name: str
    summary: str  # HTML
    url: str
    inbox: str
    outbox: str
    followers: str
    following: str
    shared_inbox: str
    public_key_pem: str
    published: str | None = None
    manually_approves_followers: bool = False


def actor_document(actor: Actor, host: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": actor.id,
        "type": actor.type,
        "preferredUsername": actor.username,
        "webfinger": f"{actor.username}@{host}",  # FEP-2c59: spares a WebFinger round trip
        "name": actor.name,
        "summary": actor.summary,
        "url": actor.url,
        "inbox": actor.inbox,
        "outbox": actor.outbox,
        "followers": actor.followers,
        "following": actor.following,
        "endpoints": {"sharedInbox": actor.shared_inbox},
        "publicKey": {
            "id": f"{actor.id}#main-key",
            "owner": actor.id,
            "publicKeyPem": actor.public_key_pem,
        },
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.type != "Application",
        "indexable": actor.type != "Application",
    }
    if actor.published:
        document["published"] = actor.published
    if actor.type == "Group":
        document["postingRestrictedToMods"] = True  # outsiders reply; they do not start threads
    return document


def webfinger(subject: str, actor_id: str, profile_page: str) -> dict[str, Any]:
    """The JRD for ``acct:user@host``: one ``self`` link (Mastodon keeps the last one per rel)."""
    return {
        "subject": subject,
        "aliases": sorted({actor_id, profile_page}),
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
             "href": profile_page},
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor_id},
        ],
    }


def parse_acct(resource: str, hosts: set[str]) -> str | None:
    """The user part of ``acct:user@host`` (or ``user@host``) when the host is ours."""
    value = resource.strip()
    value = value[len("acct:"):] if value.lower().startswith("acct:") else value
    user, at, host = value.lstrip("@").rpartition("@")
    if not at or not user or host.lower() not in hosts:
        return None
    return user.lower()


def host_meta(site: Site) -> str:
    """The XRD pointing at WebFinger (older servers ask here first)."""
    template = quoteattr(site.url("/.well-known/webfinger?resource={uri}"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
            f'  <Link rel="lrdd" type="{JRD}" template={template}/>\n'
            '</XRD>\n')


def nodeinfo_links(site: Site) -> dict[str, Any]:
    return {"links": [
        {"rel": NODEINFO_SCHEMA.format(version=version),
         "href": site.url(f"/nodeinfo/{version}")}
        for version in ("2.1", "2.0")
    ]}


@dataclass(frozen=True)
class Usage:
    users: int
    active_month: int
    active_halfyear: int
    local_posts: int


def nodeinfo(version: str, software_version: str, usage: Usage,
             name: str = "Commonroom") -> dict[str, Any]:
    """NodeInfo 2.1 or 2.0 (2.0 has no ``repository``/``homepage``; names are lower case)."""
    software: dict[str, Any] = {"name": "commonroom", "version": software_version}
    if version == "2.1":
        software["repository"] = "https://github.com/commonroom/commonroom"
        software["homepage"] = "https://github.com/commonroom/commonroom"
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": False,  # accounts come from an administrator or an invitation
        "usage": {
            "users": {"total": usage.users, "activeMonth": usage.active_month,
                      "activeHalfyear": usage.active_halfyear},
            "localPosts": usage.local_posts,
        },
        "metadata": {"nodeName": name},
    }
