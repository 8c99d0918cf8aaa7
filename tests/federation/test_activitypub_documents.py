"""The pure ActivityPub builders: discovery documents, actors and objects, no IO."""

from __future__ import annotations

from federation.documents import actors as ap
from federation.documents.activities import (
    Group,
    PostObject,
    collection,
    create,
    post_object,
    tombstone,
)

SITE = ap.Site("https://forum.example.org")
HOSTS = {"forum.example.org"}


def test_acct_names_are_parsed_for_our_host_only() -> None:
    assert ap.parse_acct("acct:Sam@forum.example.org", HOSTS) == "sam"
    assert ap.parse_acct("@sam@forum.example.org", HOSTS) == "sam"
    assert ap.parse_acct("sam@FORUM.example.org", HOSTS) == "sam"
    assert ap.parse_acct("acct:sam@elsewhere.example", HOSTS) is None
    assert ap.parse_acct("acct:sam", HOSTS) is None
    assert ap.parse_acct("acct:@forum.example.org", HOSTS) is None


def test_webfinger_has_exactly_one_self_link_to_the_actor() -> None:
    jrd = ap.webfinger("acct:sam@forum.example.org", "https://forum.example.org/members/sam",
                       "https://forum.example.org/members/sam")
    selves = [link for link in jrd["links"] if link["rel"] == "self"]
    assert selves == [{"rel": "self", "type": "application/activity+json",
                       "href": "https://forum.example.org/members/sam"}]
    assert jrd["aliases"] == ["https://forum.example.org/members/sam"]


def test_an_actor_document_has_what_mastodon_requires() -> None:
    actor = ap.actor_document(ap.Actor(
        id="https://forum.example.org/c/open", type="Group", username="open", name="Open",
        summary="<p>hi</p>", url="https://forum.example.org/c/open",
        inbox="https://forum.example.org/ap/c/open/inbox",
        outbox="https://forum.example.org/ap/c/open/outbox",
        followers="https://forum.example.org/ap/c/open/followers",
        following="https://forum.example.org/ap/c/open/following",
        shared_inbox="https://forum.example.org/inbox", public_key_pem="PEM"), SITE.host)
    assert actor["@context"][:2] == [ap.AS, ap.SECURITY]
    assert actor["preferredUsername"] == "open"
    assert actor["webfinger"] == "open@forum.example.org"
    assert actor["publicKey"] == {"id": "https://forum.example.org/c/open#main-key",
                                  "owner": "https://forum.example.org/c/open",
                                  "publicKeyPem": "PEM"}
    assert actor["endpoints"] == {"sharedInbox": "https://forum.example.org/inbox"}
    assert actor["postingRestrictedToMods"] is True
    assert "published" not in actor


def test_host_meta_and_nodeinfo() -> None:
    assert 'template="https://forum.example.org/.well-known/webfinger?resource={uri}"' in \
        ap.host_meta(SITE)
    usage = ap.Usage(3, 2, 3, 40)
    old, new = (ap.nodeinfo(v, "1.0", usage) for v in ("2.0", "2.1"))
    assert set(new["software"]) - set(old["software"]) == {"repository", "homepage"}
    assert new["usage"] == {"users": {"total": 3, "activeMonth": 2, "activeHalfyear": 3},
                            "localPosts": 40}


def test_a_reply_is_a_note_that_routes_back_to_its_group() -> None:
    group = Group("https://f.example/c/open", "https://f.example/ap/c/open/followers",
                  "@open@f.example")
    note = post_object(PostObject(
        id="https://f.example/p/2", type="Note", url="https://f.example/t/1#p2",
        attributed_to=group.id, content="<p>x</p>", source="x",
        published="2026-01-01T00:00:00Z", context="https://f.example/ap/t/1/context",
        replies="https://f.example/ap/p/2/replies", group=group,
        in_reply_to="https://f.example/p/1"))
    assert note["inReplyTo"] == "https://f.example/p/1"
    assert note["audience"] == group.id and group.id in note["cc"]
    assert note["tag"] == [{"type": "Mention", "href": group.id, "name": "@open@f.example"}]
    assert "name" not in note and "summary" not in note and "updated" not in note
    activity = create(group.id, note)
    assert activity["id"] == "https://f.example/p/2#create"
    assert "@context" not in activity["object"]


def test_tombstones_and_collections() -> None:
    assert tombstone("https://f.example/p/2", "Note", None)["type"] == "Tombstone"
    assert collection("c", ["a", "b"])["totalItems"] == 2
    assert collection("c", ["a"], total=7, ordered=False) == {
        "@context": [ap.AS], "id": "c", "type": "Collection", "totalItems": 7, "items": ["a"]}
