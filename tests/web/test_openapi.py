"""The OpenAPI document at /api/v1/openapi.json: valid, complete, and kept by the app.

Schemathesis generates requests from the document, in-process against the WSGI
app, and checks each response against it: no 5xx, documented status codes,
content types, headers and bodies.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle
from forum.features.circles.commands import StartCircle
from forum.features.kudos.commands import ChooseTilConference
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.rotas.commands import CreateRota
from tests.conftest import People
from tests.web.conftest import World

DOCUMENT = "/api/v1/openapi.json"
OPERATIONS = {
    "/me": {"get"},
    "/members/{handle}": {"get"},
    "/conferences": {"get"},
    "/conferences/{slug}": {"get"},
    "/conferences/{slug}/threads": {"get", "post"},
    "/conferences/{slug}/mark-read": {"post"},
    "/threads/{thread_id}": {"get"},
    "/threads/{thread_id}/posts": {"get", "post"},
    "/threads/{thread_id}/read-marker": {"get", "put"},
    "/threads/{thread_id}/mark-unread": {"post"},
    "/posts/{post_id}": {"get", "patch", "delete"},
    "/posts/{post_id}/revisions": {"get"},
    "/unread": {"get"},
    "/search": {"get"},
    "/rotas": {"get"},
    "/rotas/{slug}": {"get"},
    "/rotas/{slug}/slots": {"post"},
    "/rotas/{slug}/slots/{slot_id}/talk": {"post"},
    "/rotas/{slug}/slots/{slot_id}/waitlist": {"put", "delete"},
    "/rotas/{slug}/talks/{talk_id}": {"get", "delete"},
    "/rotas/{slug}/talks/{talk_id}/move": {"post"},
    "/rotas/{slug}/talks/{talk_id}/write-up": {"put"},
    "/rotas/{slug}/talks/{talk_id}/write-up/submit": {"post"},
    "/rotas/{slug}/talks/{talk_id}/write-up/send-back": {"post"},
    "/rotas/{slug}/talks/{talk_id}/write-up/approve": {"post"},
    "/posts/{post_id}/kudos": {"get", "put", "delete"},
    "/talks/{talk_id}/kudos": {"get", "put", "delete"},
    "/til": {"get", "post"},
    "/days": {"get"},
    "/days/{slug}": {"get"},
    "/days/{slug}/sessions": {"post"},
    "/days/{slug}/sessions/{session_id}/place": {"put", "delete"},
    "/articles": {"get", "post"},
    "/articles/{article_id}": {"get", "patch"},
    "/articles/{article_id}/approve": {"post"},
    "/articles/{article_id}/send-back": {"post"},
    "/articles/{article_id}/resubmit": {"post"},
    "/articles/{article_id}/unpublish": {"post"},
    "/me/skills": {"get", "put"},
    "/skills": {"get"},
    "/skills/{key}": {"get"},
    "/who-knows": {"get"},
    "/mentoring": {"get", "post"},
    "/mentoring/{mentoring_id}": {"delete"},
    "/circles": {"get", "post"},
    "/circles/{slug}": {"get"},
    "/circles/{slug}/membership": {"put", "delete"},
    "/circles/{slug}/requests/{member_id}": {"post"},
    "/circles/{slug}/members": {"post"},
    "/circles/{slug}/reading-list": {"put"},
    "/circles/{slug}/cadence": {"put"},
    "/circles/{slug}/sessions": {"post"},
    "/circles/{slug}/archive": {"post"},
    "/digest/{month}": {"get"},
    "/digest/{month}/publish": {"post"},
    "/federation/blocked-domains": {"get", "post"},
    "/federation/blocked-domains/{domain}": {"delete"},
    "/conferences/{conference_id}/federation-policy": {"get", "put"},
    "/federation/dead-letters": {"get"},
    "/federation/dead-letters/{delivery_id}/retry": {"post"},
    "/conferences/{slug}/fediverse-followers": {"get", "post"},
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200 and response.mimetype == "application/json"
    result: dict[str, Any] = response.get_json()
    return result


def test_the_document_describes_every_operation(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.0.3"
    assert (document["info"]["title"], document["info"]["version"]) == ("Commonroom", "v1")
    methods = {"get", "put", "post", "patch", "delete"}
    paths = {path.removeprefix("/api/v1"): set(item) & methods
             for path, item in document["paths"].items()}
    assert paths == OPERATIONS
    for path, item in document["paths"].items():
        for method in set(item) & methods:
            operation = item[method]
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            assert "401" in responses, (method, path)
            if method in ("post", "put", "patch"):
                assert "415" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(responses), (method, path)


def test_the_document_declares_bearer_tokens(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearerAuth": []}, {}]
    writes = document["paths"]["/api/v1/posts/{post_id}"]["patch"]
    assert writes["security"] == [{"bearerAuth": []}]


def test_the_document_is_valid_openapi_3(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    schema.validate()
    assert len(list(schema.get_all_operations())) == sum(map(len, OPERATIONS.values()))


def test_every_operation_keeps_to_the_document(
    app: Flask, backend: Backend, people: People, world: World
) -> None:
    svc = backend.services
    tokens = [members.issue_api_token(svc, who, IssueApiToken("schemathesis"))
              for who in (people.admin, people.staff, people.guest)]
    # Real identifiers half the time, so generated requests reach real resources too.
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"]))
    articles.approve_article(svc, people.admin, ApproveArticle(article_id))
    from datetime import UTC, datetime

    from forum.features.circles import handlers as circles

    circles.start_circle(svc, people.staff, StartCircle("public", "A circle", join="open"))
    real = {"slug": "public", "handle": "ada", "thread_id": world.thread["public"],
            "article_id": article_id,
            "post_id": world.post["public"], "member_id": people.guest.member_id,
            "month": f"{datetime.now(UTC):%Y-%m}"}
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()

        @given(case=operation.as_strategy(), use_real=st.booleans(),
               token=st.sampled_from([None, *tokens]))
        @settings(max_examples=10, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case: Any, use_real: bool, token: str | None) -> None:
            if use_real and case.path_parameters:
                case.path_parameters = {k: real.get(k, v)
                                        for k, v in case.path_parameters.items()}
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        keeps_to_the_document()


def test_each_write_succeeds_as_documented(app: Flask, backend: Backend, people: People,
                                           world: World) -> None:
    """Scripted successes (random bodies rarely get past the model's rules)."""
    token = members.issue_api_token(backend.services, people.admin, IssueApiToken("doc"))
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(method: str, path: str, status: int, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        response = made.call(headers={"Authorization": f"Bearer {token}"})
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    thread = call("POST", "/conferences/{slug}/threads", 201, path_parameters={
        "slug": "public"}, body={"subject": "Documented", "body": "Hello"})
    at_thread = {"thread_id": thread["id"]}
    post = call("POST", "/threads/{thread_id}/posts", 201, path_parameters=at_thread,
                body={"body": "A reply"})
    at_post = {"post_id": post["id"]}
    call("PATCH", "/posts/{post_id}", 200, path_parameters=at_post,
         body={"body": "Edited", "expected_revision": 1})
    call("PUT", "/threads/{thread_id}/read-marker", 200, path_parameters=at_thread,
         body={"up_to_seq": 2})
    call("POST", "/threads/{thread_id}/mark-unread", 200, path_parameters=at_thread,
         body={"seq": 1})
    call("POST", "/conferences/{slug}/mark-read", 200, path_parameters={"slug": "public"})
    call("DELETE", "/posts/{post_id}", 204, path_parameters=at_post)
    tombstone = call("GET", "/posts/{post_id}", 200, path_parameters=at_post)
    assert tombstone["deleted"] and tombstone["body"] is None
    call("GET", "/posts/{post_id}/revisions", 200, path_parameters=at_post)
    call("GET", "/unread", 200)

    draft = call("POST", "/articles", 201, body={"source_kind": "thread",
                                                 "source_id": thread["id"], "tags": ["api"]})
    at_article = {"article_id": draft["id"]}
    call("POST", "/articles/{article_id}/send-back", 200, path_parameters=at_article,
         body={"comment": "Shorter, please"})
    call("PATCH", "/articles/{article_id}", 200, path_parameters=at_article, body={
        "title": "Documented", "summary": "", "body": "Short.", "tags": [],
        "expected_revision": 1})
    call("POST", "/articles/{article_id}/resubmit", 200, path_parameters=at_article)
    published = call("POST", "/articles/{article_id}/approve", 200, path_parameters=at_article)
    assert published["url"].endswith("/blog/documented")
    assert call("GET", "/articles", 200)["items"][0]["id"] == draft["id"]
    call("POST", "/articles/{article_id}/unpublish", 200, path_parameters=at_article,
         body={"reason": "Done"})
    call("GET", "/articles/{article_id}", 410, path_parameters=at_article)


def test_each_rota_write_succeeds_as_documented(app: Flask, backend: Backend, people: People,
                                                world: World) -> None:
    """Scripted successes through the talk rota's operations, held to the document."""
    from datetime import UTC, datetime, timedelta

    from forum.features.rotas import handlers as rotas

    svc = backend.services
    rotas.create_rota(svc, people.admin, CreateRota(
        world.conference["public"], "fridays", "Friday talks", timezone="Europe/Stockholm"))
    tokens = {who: members.issue_api_token(svc, viewer, IssueApiToken("doc"))
              for who, viewer in (("ada", people.admin), ("sam", people.staff))}
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(who: str, method: str, path: str, status: int, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        response = made.call(headers={"Authorization": f"Bearer {tokens[who]}"})
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    at_rota = {"slug": "fridays"}
    first = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    made = call("ada", "POST", "/rotas/{slug}/slots", 201, path_parameters=at_rota, body={
        "first_day": first, "time": "13:00", "rule": "FREQ=WEEKLY;COUNT=3",
        "skip_dates": [], "holidays": ""})
    assert made == {"made": 3}
    slots = call("sam", "GET", "/rotas/{slug}", 200, path_parameters=at_rota)["slots"]
    at_slot = {**at_rota, "slot_id": slots[0]["id"]}
    talk = call("sam", "POST", "/rotas/{slug}/slots/{slot_id}/talk", 201,
                path_parameters=at_slot, body={"title": "SQL", "abstract": "Joins"})
    at_talk = {**at_rota, "talk_id": talk["id"]}
    call("ada", "PUT", "/rotas/{slug}/slots/{slot_id}/waitlist", 204,
         path_parameters=at_slot, body={"title": "Budgets"})
    call("ada", "DELETE", "/rotas/{slug}/slots/{slot_id}/waitlist", 204,
         path_parameters=at_slot)
    moved = call("sam", "POST", "/rotas/{slug}/talks/{talk_id}/move", 200,
                 path_parameters=at_talk, body={"slot_id": slots[1]["id"]})
    assert moved["slot_id"] == slots[1]["id"]
    saved = call("sam", "PUT", "/rotas/{slug}/talks/{talk_id}/write-up", 200,
                 path_parameters=at_talk, body={"title": "SQL", "body": "Draft",
                                                "expected_revision": 0})
    assert saved["writeup"]["revision"] == 1
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=30)
    try:
        call("sam", "POST", "/rotas/{slug}/talks/{talk_id}/write-up/submit", 200,
             path_parameters=at_talk)
        call("ada", "POST", "/rotas/{slug}/talks/{talk_id}/write-up/send-back", 200,
             path_parameters=at_talk, body={"comment": "More"})
        call("sam", "PUT", "/rotas/{slug}/talks/{talk_id}/write-up", 200,
             path_parameters=at_talk, body={"title": "SQL", "body": "More"})
        call("sam", "POST", "/rotas/{slug}/talks/{talk_id}/write-up/submit", 200,
             path_parameters=at_talk)
        done = call("ada", "POST", "/rotas/{slug}/talks/{talk_id}/write-up/approve", 200,
                    path_parameters=at_talk)
        assert done["writeup_status"] == "approved"
        assert done["article"]["status"] == "published"  # approval publishes it
    finally:
        backend.store.clock = clock
    other = call("sam", "POST", "/rotas/{slug}/slots/{slot_id}/talk", 201,
                 path_parameters=at_slot, body={"title": "Spare"})
    call("sam", "DELETE", "/rotas/{slug}/talks/{talk_id}", 204,
         path_parameters={**at_rota, "talk_id": other["id"]})
    assert [r["slug"] for r in call("sam", "GET", "/rotas", 200)["items"]] == ["fridays"]


def test_kudos_and_til_writes_succeed_as_documented(app: Flask, backend: Backend,
                                                    people: People, world: World) -> None:
    from forum.features.kudos import handlers as kudos

    kudos.choose_til_conference(backend.services, people.admin,
                                ChooseTilConference(world.conference["public"]))
    token = members.issue_api_token(backend.services, people.staff, IssueApiToken("doc"))
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(method: str, path: str, status: int, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        response = made.call(headers={"Authorization": f"Bearer {token}"})
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    at_post = {"post_id": world.post["public"]}
    call("PUT", "/posts/{post_id}/kudos", 204, path_parameters=at_post, body={"note": "Ta"})
    assert [k["note"] for k in call("GET", "/posts/{post_id}/kudos", 200,
                                    path_parameters=at_post)["items"]] == ["Ta"]
    call("DELETE", "/posts/{post_id}/kudos", 204, path_parameters=at_post)
    made = call("POST", "/til", 201, body={"body": "Tuples are *immutable*"})
    til = call("GET", "/til", 200)["items"][0]  # the newest thread of the TIL conference
    assert til["thread_id"] == made["thread_id"] and "<em>immutable</em>" in til["html"]
