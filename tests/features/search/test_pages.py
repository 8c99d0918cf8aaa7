"""The search page, the box on every page, and /api/v1/search — over HTTP."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.cli import main
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle
from forum.features.members import handlers as members
from forum.features.members.commands import UpdateProfile
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply
from tests.conftest import People
from tests.search.conftest import index_all
from tests.web.conftest import Auth, World, alert, html


@pytest.fixture
def indexed(backend: Backend, world: World, people: People) -> World:
    threads.post_reply(backend.services, people.staff, PostReply(
        world.thread["public"], world.post["public"],
        "Kanelbullar and <b>bold</b> claims, see https://example.org"))
    index_all(backend)
    return world


def test_the_search_box_is_on_every_page(client: FlaskClient, indexed: World) -> None:
    for path in ("/", "/search", "/login"):
        page = html(client.get(path))
        assert 'role="search"' in page and 'name="q"' in page and "is:unread" in page


def test_the_page_finds_marks_and_links_without_javascript(
        client: FlaskClient, indexed: World) -> None:
    response = client.get("/search", query_string={"q": "kanelbullar"})
    page = html(response)
    assert response.status_code == 200
    assert "1 result" in page
    assert '<mark class="match">Kanelbullar</mark>' in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "/p/" in page and "public subject" in page


def test_did_you_mean_is_a_link(client: FlaskClient, indexed: World) -> None:
    page = html(client.get("/search", query_string={"q": "kanelbular"}))
    assert "0 results" in page and "Did you mean" in page and "q=kanelbullar" in page


def test_anonymous_visitors_do_not_find_private_words(
        client: FlaskClient, auth: Auth, indexed: World) -> None:
    assert "0 results" in html(client.get("/search?q=secret-private-words"))
    auth.login("sam")
    assert "1 result" in html(client.get("/search?q=secret-private-words"))


@pytest.mark.parametrize(("query", "reason"), [
    ('"unclosed', "quotation mark is not closed"),
    ("colour:red", "not a search operator"),
    ("after:someday words", "YYYY-MM-DD"),
    ("in:nowhere words", "no conference or room"),
    ("by:nobody words", "nobody has the handle"),
    ("is:unread", "signed in"),
])
def test_a_malformed_query_is_a_400_with_reason_and_suggestions(
        client: FlaskClient, indexed: World, query: str, reason: str) -> None:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 400
    assert reason in alert(response)


def test_bad_sort_and_page_are_400_not_500(client: FlaskClient, indexed: World) -> None:
    assert client.get("/search?q=x&sort=sideways").status_code == 400
    assert client.get("/search?q=x&page=abc").status_code == 400
    assert client.get("/search?q=x&page=51").status_code == 400


def test_the_api(client: FlaskClient, indexed: World, backend: Backend,
                 people: People) -> None:
    body = client.get("/api/v1/search", query_string={"q": "kanelbullar"}).get_json()
    assert body["total"] == 1 and body["pages"] == 1 and body["suggestion"] is None
    (item,) = body["items"]
    assert item["kind"] == "post" and item["author"]["handle"] == "sam"
    assert item["title"] == "public subject" and "<mark" in item["snippet_html"]
    # Members are found only with a token
    members.update_profile(backend.services, people.staff,
                           UpdateProfile("Sam", bio="zqbeekeeper"))
    index_all(backend)
    assert client.get("/api/v1/search?q=zqbeekeeper").get_json()["total"] == 0


def test_the_api_refuses_bad_queries_with_reasons(client: FlaskClient, indexed: World) -> None:
    response = client.get("/api/v1/search", query_string={"q": "bye:sam x"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "invalid_query" and "by:sam x" in body["details"]["suggestions"]
    assert client.get("/api/v1/search").status_code == 422
    assert client.get("/api/v1/search?q=x&limit=0").status_code == 422
    assert client.get("/api/v1/search?q=x&sort=up").status_code == 422


def test_the_api_is_in_the_openapi_document(client: FlaskClient) -> None:
    assert "/api/v1/search" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_reindex_rebuilds_the_index_from_the_log(
        app: Flask, client: FlaskClient, backend: Backend, indexed: World) -> None:
    # Given an index that lost its files
    backend.search.index.clear()
    assert "0 results" in html(client.get("/search?q=kanelbullar"))
    # When an operator runs `commonroom reindex`
    result = app.test_cli_runner().invoke(main, ["reindex"])
    # Then it shows progress, says what it did, and the words are found again
    assert result.exit_code == 0, result.output
    assert "Indexing the log" in result.stderr
    assert re.fullmatch(r"indexed \d+ documents from \d+ events\n", result.stdout)
    assert "1 result" in html(client.get("/search?q=kanelbullar"))
    assert backend.search.index.checkpoint()[1] == backend.store.head()


@pytest.mark.parametrize("query", ["***", "OR", "-", '""', "in:", ":", "a:b:c", "🙂", "x" * 500,
                                   "by:@", "type:", "after:2025-02-30", "\u200b", "(", "*a"])
def test_odd_queries_never_fail(client: FlaskClient, indexed: World, query: str) -> None:
    for path in ("/search", "/api/v1/search"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code in (200, 400, 422), (path, query, response.status_code)


def test_a_published_article_links_to_the_blog(
        client: FlaskClient, backend: Backend, people: People, indexed: World) -> None:
    article_id = articles.propose_article(backend.services, people.admin, ProposeArticle(
        "thread", indexed.thread["public"], title="Zqfika for everyone"))
    articles.approve_article(backend.services, people.admin, ApproveArticle(article_id))
    index_all(backend)
    page = html(client.get("/search", query_string={"q": "zqfika type:article"}))
    assert "1 result" in page and 'href="/blog/zqfika-for-everyone"' in page
    data = client.get("/api/v1/search", query_string={"q": "zqfika"}).get_json()
    assert [(i["kind"], i["url"]) for i in data["items"]] == [
        ("article", "/blog/zqfika-for-everyone")]
