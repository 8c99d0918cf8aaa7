"""CSRF protection on, as in production: a form without its token is refused, changing nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from forum.backend import Backend
from forum.features.threads.queries import get_thread, list_posts
from tests.conftest import PASSWORD, make_config, sqlite_backend
from tests.web.conftest import World, alert, csrf_from, html

REFUSED = "The form had expired or came from elsewhere; please send it again."


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """This module's app keeps CSRF protection on (the shared one turns it off)."""
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(tmp_path, login_rate_limit="1000 per minute"))
    assert application.config.get("WTF_CSRF_ENABLED", True) is not False
    yield application
    application.extensions["commonroom"].dispose()



def sign_in(client: FlaskClient, handle: str) -> None:
    token = csrf_from(html(client.get("/login")))
    response = client.post("/login", data={"login": handle, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_sign_in_without_a_token_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post("/login", data={"login": "sam", "password": PASSWORD})
    assert response.status_code == 400
    assert alert(response) == REFUSED
    assert "Sign out" not in html(client.get("/"))
    sign_in(client, "sam")
    assert "Sign out" in html(client.get("/"))


def test_reply_without_a_token_changes_nothing(client: FlaskClient, world: World,
                                               backend: Backend) -> None:
    sign_in(client, "sam")
    tid, pid = world.thread["internal"], world.post["internal"]
    page = html(client.get(f"/t/{tid}"))
    head = backend.store.head()
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/t/{tid}/reply", data={
            "parent_post_id": pid, "body": "my reply", **data})
        assert response.status_code == 400
        assert alert(response) == REFUSED
        assert backend.store.head() == head
    # The refusal keeps the words, in a form with a fresh token that works.
    again = csrf_from(html(response))
    assert re.search(r'<textarea id="kept-body" name="body"[^>]*>my reply</textarea>',
                     html(response))
    response = client.post(f"/t/{tid}/reply", data={
        "parent_post_id": pid, "body": "my reply", "csrf_token": again})
    assert response.status_code == 302
    # And the token from the thread page itself works too.
    response = client.post(f"/t/{tid}/reply", data={
        "parent_post_id": pid, "body": "another", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    with backend.engine.connect() as conn:
        bodies = [p.body for p in list_posts(conn, tid)]
    assert bodies[-2:] == ["my reply", "another"]


def test_a_token_from_another_session_is_refused(app: Flask, world: World,
                                                 backend: Backend) -> None:
    mallory, sam = app.test_client(), app.test_client()
    sign_in(mallory, "oli")
    sign_in(sam, "sam")
    stolen = csrf_from(html(mallory.get("/")))
    head = backend.store.head()
    response = sam.post("/c/internal/new", data={"subject": "s", "body": "b",
                                                 "csrf_token": stolen})
    assert response.status_code == 400
    assert backend.store.head() == head


@pytest.mark.parametrize("handle,url,action", [
    ("sam", "/account", "/account/profile"),
    ("sam", "/account", "/account/tokens"),
    ("sam", "/c/internal", "/c/internal/read"),
    ("oli", "/c/private/settings", None),
    ("ada", "/admin", "/admin/members"),
    ("ada", "/admin", "/admin/invitations"),
])
def test_every_form_carries_a_token_and_refuses_without_it(
    client: FlaskClient, world: World, backend: Backend, handle: str, url: str,
    action: str | None
) -> None:
    sign_in(client, handle)
    page = html(client.get(url))
    forms = re.findall(r"<form method=\"post\"(.*?)</form>", page, re.S)
    assert forms
    for form in forms:
        assert 'name="csrf_token"' in form
    target = action or url
    head = backend.store.head()
    response = client.post(target, data={"display_name": "X", "name": "x", "role": "staff",
                                         "section": "settings", "version": "1"})
    assert response.status_code == 400
    assert alert(response) == REFUSED
    assert backend.store.head() == head
    # With the page's token the same form gets past the check (whatever it then decides).
    response = client.post(target, data={"csrf_token": csrf_from(page), "name": "x"})
    assert response.status_code != 400 or alert(response) != REFUSED


def test_sign_out_needs_the_token(client: FlaskClient, world: World) -> None:
    sign_in(client, "sam")
    assert client.post("/logout").status_code == 400
    assert "Sign out" in html(client.get("/"))
    token = csrf_from(html(client.get("/")))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Sign out" not in html(client.get("/"))


def test_moderation_without_a_token(client: FlaskClient, world: World,
                                    backend: Backend) -> None:
    sign_in(client, "oli")
    tid = world.thread["private"]
    head = backend.store.head()
    assert client.post(f"/t/{tid}/lock").status_code == 400
    assert backend.store.head() == head
    token = csrf_from(html(client.get(f"/t/{tid}")))
    assert client.post(f"/t/{tid}/lock", data={"csrf_token": token}).status_code == 302
    with backend.engine.connect() as conn:
        assert get_thread(conn, tid).locked
