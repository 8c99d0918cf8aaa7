"""Atom feeds of public conferences and threads: valid, discoverable, and public only."""

from __future__ import annotations

import feedparser
import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import UpdateConference
from forum.features.threads import handlers as threads
from forum.features.threads.commands import DeletePost, HidePost, PostReply, StartThread
from tests.conftest import People
from tests.web.conftest import Auth, World, html


def parsed(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_a_public_conference_feed_lists_its_threads(
    client: FlaskClient, backend: Backend, people: People, world: World
) -> None:
    svc = backend.services
    threads.start_thread(svc, people.staff, StartThread(
        world.conference["public"], "A second thread", "With *emphasis* & an ampersand"))
    feed = parsed(client, "/c/public/feed.atom")
    assert feed.feed.title == "Public"
    assert [e.title for e in feed.entries] == ["A second thread", "public subject"]
    newest = feed.entries[0]
    assert "<em>emphasis</em>" in newest.content[0].value
    assert newest.author == "Sam"
    assert "/t/" in newest.link
    assert feed.feed.links[1].rel == "self"


def test_a_public_thread_feed_lists_its_posts_without_hidden_or_deleted_ones(
    client: FlaskClient, backend: Backend, people: People, world: World
) -> None:
    svc = backend.services
    tid, first = world.thread["public"], world.post["public"]
    kept, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "kept-words"))
    hidden, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "hidden-words"))
    gone, _ = threads.post_reply(svc, people.staff, PostReply(tid, first, "deleted-words"))
    threads.hide_post(svc, people.admin, HidePost(tid, hidden, "off topic"))
    threads.delete_post(svc, people.staff, DeletePost(tid, gone))
    feed = parsed(client, f"/t/{tid}/feed.atom")
    text = " ".join(e.content[0].value for e in feed.entries)
    assert "secret-public-words" in text and "kept-words" in text
    assert "hidden-words" not in text and "deleted-words" not in text
    assert [e.title for e in feed.entries][0] == "#2 by Sam"


@pytest.mark.parametrize("visibility", ["internal", "private"])
def test_no_feed_for_what_the_public_may_not_read_even_when_signed_in(
    client: FlaskClient, auth: Auth, world: World, visibility: str
) -> None:
    auth.login("ada")  # an admin, who may read everything on the pages
    assert client.get(f"/c/{visibility}/feed.atom").status_code == 404
    assert client.get(f"/t/{world.thread[visibility]}/feed.atom").status_code == 404
    assert b"secret" not in client.get(f"/c/{visibility}/feed.atom").data


def test_a_conference_made_internal_loses_its_feeds_at_once(
    client: FlaskClient, backend: Backend, people: People, world: World
) -> None:
    assert client.get(f"/t/{world.thread['public']}/feed.atom").status_code == 200
    conferences.update_conference(backend.services, people.admin, UpdateConference(
        world.conference["public"], "Public", "", "internal"))
    assert client.get("/c/public/feed.atom").status_code == 404
    assert client.get(f"/t/{world.thread['public']}/feed.atom").status_code == 404


def test_public_pages_announce_their_feeds_and_others_do_not(
    client: FlaskClient, auth: Auth, world: World
) -> None:
    page = html(client.get(f"/t/{world.thread['public']}"))
    assert f'type="application/atom+xml" title="public subject (Atom)" ' \
           f'href="/t/{world.thread["public"]}/feed.atom"' in page
    assert 'href="/c/public/feed.atom"' in html(client.get("/c/public"))
    auth.login("ada")
    assert "application/atom+xml" not in html(client.get("/c/internal"))
    assert "application/atom+xml" not in html(client.get(f"/t/{world.thread['private']}"))


def test_unknown_feeds_are_404(client: FlaskClient) -> None:
    assert client.get("/c/nowhere/feed.atom").status_code == 404
    assert client.get("/t/nothing/feed.atom").status_code == 404
