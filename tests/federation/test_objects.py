"""Public posts and published articles as ActivityStreams objects, by content negotiation."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle, UnpublishArticle
from forum.features.members import handlers as members
from forum.features.members.commands import SetFediverseProfile
from forum.features.threads import handlers as threads
from forum.features.threads.commands import DeletePost, HidePost, PostReply, StartThread
from tests.conftest import People
from tests.federation.conftest import BASE, MASTODON_ACCEPT, fetch
from tests.web.conftest import World, html

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def test_a_public_thread_is_an_article_and_its_replies_notes(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    tid, first = world.thread["public"], world.post["public"]
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    reply, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "A *reply*"))
    group = f"{BASE}/c/public"

    article = fetch(client, f"/t/{tid}")  # the thread's address gives its first post
    assert article["type"] == "Article" and article["id"] == f"{BASE}/p/{first}"
    assert article["name"] == "public subject"
    assert article["content"].strip() == "<p>secret-public-words</p>"
    assert article["source"] == {"content": "secret-public-words",
                                 "mediaType": "text/markdown"}
    assert article["attributedTo"] == group  # ada did not opt in: the group speaks for her
    assert article["audience"] == group
    assert article["to"] == [PUBLIC] and article["cc"] == [group, f"{BASE}/ap/c/public/followers"]
    assert {"type": "Mention", "href": group, "name": "@public@127.0.0.1:5000"} in article["tag"]
    assert article["url"] == f"{BASE}/t/{tid}"
    assert fetch(client, f"/p/{first}") == article

    note = fetch(client, f"/p/{reply}")
    assert note["type"] == "Note" and "name" not in note
    assert note["inReplyTo"] == article["id"]
    assert note["attributedTo"] == f"{BASE}/members/sam"  # sam opted in
    assert note["url"] == f"{BASE}/t/{tid}#p2"

    context = fetch(client, article["context"])
    assert context["type"] == "OrderedCollection"
    assert context["orderedItems"] == [article["id"], note["id"]]
    replies = fetch(client, article["replies"])
    assert replies["orderedItems"] == [note["id"]] and replies["totalItems"] == 1
    assert fetch(client, note["replies"])["orderedItems"] == []

    outbox = fetch(client, fetch(client, group)["outbox"])
    assert outbox["totalItems"] == 1
    assert outbox["orderedItems"][0]["type"] == "Create"
    assert outbox["orderedItems"][0]["object"]["id"] == article["id"]
    person_outbox = fetch(client, fetch(client, "/members/sam")["outbox"])
    assert [i["object"]["id"] for i in person_outbox["orderedItems"]] == [note["id"]]


def test_removed_posts_are_tombstones_and_hidden_ones_are_not_there(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    tid, first = world.thread["public"], world.post["public"]
    gone, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "gone-words"))
    hidden, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "hidden-words"))
    threads.delete_post(svc, people.staff, DeletePost(tid, gone))
    threads.hide_post(svc, people.admin, HidePost(tid, hidden, "off topic"))
    assert fetch(client, f"/p/{gone}", 410) == {
        "@context": ["https://www.w3.org/ns/activitystreams"], "id": f"{BASE}/p/{gone}",
        "type": "Tombstone", "formerType": "Note"}
    assert "hidden-words" not in str(fetch(client, f"/p/{hidden}", 404))
    context = fetch(client, f"/ap/t/{tid}/context")
    assert context["orderedItems"] == [f"{BASE}/p/{first}"]


@pytest.mark.parametrize("visibility", ["internal", "private"])
def test_nothing_internal_or_private_becomes_an_object(
        client: FlaskClient, world: World, visibility: str) -> None:
    tid, pid = world.thread[visibility], world.post[visibility]
    for url in (f"/t/{tid}", f"/p/{pid}", f"/ap/t/{tid}/context", f"/ap/p/{pid}/replies",
                f"/ap/c/{visibility}/outbox", f"/ap/c/{visibility}/followers"):
        response = client.get(url, headers={"Accept": MASTODON_ACCEPT})
        assert response.status_code in (302, 404), url
        assert b"secret" not in response.data and b"subject" not in response.data, url


def test_a_published_article_is_an_article_and_unpublished_a_tombstone(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    aid = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["internal"], title="From inside", summary="Short",
        tags=("learning",)))
    articles.approve_article(svc, people.admin, ApproveArticle(aid))
    url = f"{BASE}/blog/from-inside"
    article = fetch(client, "/blog/from-inside")
    assert (article["type"], article["id"], article["url"]) == ("Article", url, url)
    assert (article["name"], article["summary"]) == ("From inside", "Short")
    assert article["attributedTo"] == f"{BASE}/actor"  # the author did not opt in
    assert "audience" not in article  # an internal conference has no group
    assert {"type": "Hashtag", "name": "#learning",
            "href": f"{BASE}/blog/tags/learning"} in article["tag"]
    assert fetch(client, article["context"])["orderedItems"] == [url]
    assert fetch(client, article["replies"])["totalItems"] == 0
    articles.unpublish_article(svc, people.admin, UnpublishArticle(aid, "Old"))
    gone = fetch(client, "/blog/from-inside", 410)
    assert gone["type"] == "Tombstone" and gone["formerType"] == "Article"
    assert "deleted" in gone


def test_pages_announce_their_activitypub_face_and_vary_on_accept(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    members.set_fediverse_profile(backend.services, people.staff, SetFediverseProfile(True))
    threads.start_thread(backend.services, people.staff, StartThread(
        world.conference["public"], "By sam", "Hello"))
    for path in ("/c/public", f"/t/{world.thread['public']}", "/members/sam"):
        response = client.get(path)
        assert response.mimetype == "text/html"
        assert "Accept" in response.vary, path
        assert (f'<link rel="alternate" type="application/activity+json" '
                f'href="{BASE}{path}">') in html(response), path
    for path in ("/c/internal", "/members/ada"):  # not public / not opted in
        assert "application/activity+json" not in html(client.get(path))
