"""Publishing through the pages: propose, review, the public blog, its feed, and 410 Gone."""

from __future__ import annotations

import re
from html import unescape

import feedparser
import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html


def _draft_id(response: object) -> str:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    match = re.search(r"/articles/([^/]+)$", location)
    assert match, location
    return match.group(1)


def _events(backend: Backend) -> int:
    return backend.store.head()


def _meta(page: str, prop: str) -> list[str]:
    return [unescape(m) for m in re.findall(
        rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)]


def test_a_member_proposes_a_thread_and_a_moderator_publishes_it(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    thread_id = world.thread["internal"]
    threads.post_reply(backend.services, people.other, PostReply(
        thread_id, world.post["internal"], "A reply worth *keeping*"))
    auth.login("sam")
    form = html(client.get(f"/t/{thread_id}/propose"))
    assert 'value="internal subject"' in form
    response = client.post(f"/t/{thread_id}/propose", data={
        "title": "What we learned", "summary": "The short of it",
        "tags": "Learning, team-notes"})
    assert response.status_code == 302
    article_id = _draft_id(response)
    draft = html(client.get(f"/articles/{article_id}"))
    assert "Waiting for review" in draft and "A reply worth <em>keeping</em>" in draft
    assert "Approve and publish" not in draft  # sam proposes; sam does not review
    assert "What we learned" in html(client.get("/articles"))
    # Not public yet: nowhere on the blog, not even by guessing the slug.
    auth.logout()
    assert "What we learned" not in html(client.get("/blog"))
    assert client.get("/blog/what-we-learned").status_code == 404
    assert client.get(f"/articles/{article_id}").status_code == 302  # sign in first

    auth.login("ada")
    assert "Approve and publish" in html(client.get(f"/articles/{article_id}"))
    response = client.post(f"/articles/{article_id}/approve")
    assert response.headers["Location"] == "/blog/what-we-learned"
    auth.logout()

    listing = html(client.get("/blog"))
    assert "What we learned" in listing and "The short of it" in listing
    page = html(client.get("/blog/what-we-learned"))
    assert "secret-internal-words" in page  # approved: these words are public now
    assert _meta(page, "og:title") == ["What we learned"]
    assert _meta(page, "og:type") == ["article"]
    assert _meta(page, "og:description") == ["The short of it"]
    assert _meta(page, "og:url") == ["http://127.0.0.1:5000/blog/what-we-learned"]
    assert _meta(page, "article:tag") == ["learning", "team-notes"]
    assert '<link rel="canonical" href="http://127.0.0.1:5000/blog/what-we-learned">' in page
    assert 'href="/blog/feed.atom"' in page
    assert "What we learned" in html(client.get("/blog/tags/learning"))
    assert "What we learned" in html(client.get("/blog/authors/ada"))  # the thread's author
    assert client.get("/blog/authors/sam").status_code == 404  # nothing published by sam


def test_the_blog_feed_is_valid_and_lists_published_articles(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    a1 = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"], summary="Sum & more", tags=("open",)))
    articles.approve_article(svc, people.admin, ApproveArticle(a1))
    articles.propose_article(svc, people.staff, ProposeArticle(
        "post", world.post["internal"], title="Still a draft"))
    response = client.get("/blog/feed.atom")
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["public subject"]
    entry = feed.entries[0]
    assert entry.id == entry.link == "http://127.0.0.1:5000/blog/public-subject"
    assert entry.summary == "Sum & more"
    assert [t.term for t in entry.tags] == ["open"]
    assert "secret-public-words" in entry.content[0].value
    assert 'type="application/atom+xml"' in html(client.get("/blog"))


def test_sent_back_with_a_comment_then_revised_and_resubmitted(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    article_id = articles.propose_article(backend.services, people.staff, ProposeArticle(
        "post", world.post["private"]))
    auth.login("oli")  # moderator of the private conference
    client.post(f"/articles/{article_id}/send-back", data={"comment": "Say why it matters"})
    auth.logout()
    auth.login("sam")
    page = html(client.get(f"/articles/{article_id}"))
    assert "Say why it matters" in page and "Send for review again" in page
    response = client.post(f"/articles/{article_id}/edit", data={
        "title": "Why it matters", "summary": "", "body": "Because.", "tags": "",
        "revision": "1"})
    assert response.status_code == 302
    client.post(f"/articles/{article_id}/resubmit")
    assert "Waiting for review" in html(client.get(f"/articles/{article_id}"))


def test_unpublishing_leaves_a_410_and_removes_it_everywhere(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    svc = backend.services
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"], tags=("gone",)))
    articles.approve_article(svc, people.admin, ApproveArticle(article_id))
    auth.login("ada")
    client.post(f"/articles/{article_id}/unpublish", data={"reason": "Out of date"})
    auth.logout()
    response = client.get("/blog/public-subject")
    assert response.status_code == 410
    assert "was unpublished" in html(response)
    assert "secret-public-words" not in html(response)
    assert "public subject" not in html(client.get("/blog"))
    assert client.get("/blog/tags/gone").status_code == 404
    assert client.get("/blog/authors/ada").status_code == 404
    assert feedparser.parse(client.get("/blog/feed.atom").get_data()).entries == []


@pytest.mark.parametrize("handle", ["sam", "gus"])
def test_a_draft_from_a_private_conference_is_seen_by_its_proposer_and_reviewers_only(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World,
        handle: str) -> None:
    article_id = articles.propose_article(backend.services, people.staff, ProposeArticle(
        "thread", world.thread["private"]))
    auth.login("gus" if handle == "gus" else "ada")
    expected = 404 if handle == "gus" else 200
    assert client.get(f"/articles/{article_id}").status_code == expected
    if handle == "gus":
        # A guest off the list may neither read, propose, nor review it.
        assert client.get(f"/t/{world.thread['private']}/propose").status_code == 404
        assert client.post(f"/articles/{article_id}/approve").status_code == 404
        assert "private subject" not in html(client.get("/articles"))


def test_bad_input_is_refused_with_a_reason_and_writes_nothing(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    article_id = articles.propose_article(backend.services, people.staff, ProposeArticle(
        "thread", world.thread["internal"]))
    before = _events(backend)
    auth.login("sam")
    response = client.post(f"/t/{world.thread['internal']}/propose",
                           data={"title": "x", "tags": "no spaces please"})
    assert response.status_code == 400
    assert "A tag is lowercase letters" in alert(response)
    assert 'value="no spaces please"' in html(response)  # the words are kept
    response = client.post(f"/articles/{article_id}/approve")
    assert response.status_code == 403
    response = client.post(f"/articles/{article_id}/edit", data={
        "title": "", "summary": "", "body": "b", "revision": "1"})
    assert response.status_code == 400 and "Title must not be empty" in alert(response)
    auth.logout()
    auth.login("ada")
    response = client.post(f"/articles/{article_id}/send-back", data={"comment": " "})
    assert response.status_code == 400 and "Comment must not be empty" in alert(response)
    response = client.post(f"/articles/{article_id}/unpublish", data={"reason": "x"})
    assert response.status_code == 409
    response = client.post(f"/articles/{article_id}/edit", data={
        "title": "t", "summary": "", "body": "b", "revision": "7"})
    assert response.status_code == 409
    assert client.post("/articles/nothing/approve").status_code == 404
    assert _events(backend) == before
