"""Fixtures for the web layer: the app on a fresh SQLite database, clients, a sign-in helper.

They serve this folder, and the test_pages*, test_api* and test_sockets* modules of
tests/features/ and tests/live/ (see AppModule in tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from forum.backend import Backend
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import PASSWORD, People, make_config, sqlite_backend


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # Copy the migrated template database first, so the app starts without migrating.
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(tmp_path, login_rate_limit="1000 per minute"))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["commonroom"].dispose()


@pytest.fixture
def backend(app: Flask) -> Backend:
    result: Backend = app.extensions["commonroom"]
    return result


@pytest.fixture
def people(backend: Backend) -> People:
    return People(backend)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Auth:
    """Signs a test client in as one of the People, through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, handle: str, password: str = PASSWORD) -> Any:
        response = self.client.post("/login", data={"login": handle, "password": password})
        assert response.status_code == 302, response.data
        return response

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


class World:
    """Conferences of every visibility with a thread each, built through the handlers."""

    def __init__(self, backend: Backend, people: People) -> None:
        svc = backend.services
        admin = people.admin
        self.conference: dict[str, str] = {}
        self.thread: dict[str, str] = {}
        self.post: dict[str, str] = {}
        for visibility in ("public", "internal", "private"):
            cid = conferences.create_conference(
                svc, admin, CreateConference(visibility, visibility.title(), visibility))
            self.conference[visibility] = cid
            tid, pid = threads.start_thread(svc, admin, StartThread(
                cid, f"{visibility} subject", f"secret-{visibility}-words"))
            self.thread[visibility] = tid
            self.post[visibility] = pid
        # A moderator of the private conference, and the staff member as a reader there.
        conferences.set_conference_acl(svc, admin, SetConferenceAcl(
            self.conference["private"],
            ((f"member:{people.other.member_id}", "moderator"),
             (f"member:{people.staff.member_id}", "contributor"))))


@pytest.fixture
def world(backend: Backend, people: People) -> World:
    return World(backend, people)


def html(response: Any) -> str:
    """A test response's body as text."""
    return str(response.get_data(as_text=True))


def alert(response: Any) -> str:
    """The message a refused request shows in its role="alert" element."""
    match = re.search(r'role="alert">(.*?)</p>', html(response), re.S)
    assert match, f"no role=alert message in a {response.status_code} page"
    return unescape(match.group(1).strip())


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
