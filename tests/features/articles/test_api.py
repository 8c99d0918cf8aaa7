"""Articles through the JSON API: the published list for anyone, drafts for their people."""

from __future__ import annotations

from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from tests.conftest import People
from tests.web.conftest import World


def _bearer(backend: Backend, who: object) -> dict[str, str]:
    token = members.issue_api_token(backend.services, who,  # type: ignore[arg-type]
                                    IssueApiToken("t"))
    return {"Authorization": f"Bearer {token}"}


def test_anyone_lists_published_articles_page_by_page(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    for visibility in ("public", "internal", "private"):
        article_id = articles.propose_article(svc, people.admin, ProposeArticle(
            "thread", world.thread[visibility], title=f"From {visibility}"))
        if visibility != "private":
            articles.approve_article(svc, people.admin, ApproveArticle(article_id))
    first = client.get("/api/v1/articles?limit=1").get_json()
    second = client.get(f"/api/v1/articles?limit=1&cursor={first['next_cursor']}").get_json()
    titles = [a["title"] for a in first["items"] + second["items"]]
    assert titles == ["From internal", "From public"]
    assert second["next_cursor"] is None
    assert first["items"][0]["url"] == "http://127.0.0.1:5000/blog/from-internal"


def test_a_draft_is_404_to_others_and_proposing_needs_a_token(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    sam = _bearer(backend, people.staff)
    response = client.post("/api/v1/articles", json={
        "source_kind": "post", "source_id": world.post["private"]})
    assert response.status_code == 401
    before = backend.store.head()
    response = client.post("/api/v1/articles", headers=sam, json={
        "source_kind": "post", "source_id": world.post["private"], "tags": ["Not a tag"]})
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_input"
    assert backend.store.head() == before
    response = client.post("/api/v1/articles", headers=sam, json={
        "source_kind": "post", "source_id": world.post["private"]})
    assert response.status_code == 201
    article_id = response.get_json()["id"]
    assert response.get_json()["may_review"] is False
    assert client.get(f"/api/v1/articles/{article_id}").status_code == 404
    guest = _bearer(backend, people.guest)
    assert client.get(f"/api/v1/articles/{article_id}", headers=guest).status_code == 404
    oli = _bearer(backend, people.other)  # moderates the private conference
    assert client.get(f"/api/v1/articles/{article_id}", headers=oli).get_json()["may_review"]
    response = client.post(f"/api/v1/articles/{article_id}/approve", headers=sam)
    assert response.status_code == 403
