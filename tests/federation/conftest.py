"""The web fixtures with federation turned on (COMMONROOM_FEDERATION=1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from tests.conftest import make_config, sqlite_backend
from tests.web.conftest import auth, backend, client, people, world  # noqa: F401

BASE = "http://127.0.0.1:5000"
# What Mastodon sends when it fetches an actor or an object.
MASTODON_ACCEPT = ('application/activity+json, application/ld+json; '
                   'profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1')


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(tmp_path, login_rate_limit="1000 per minute",
                                         federation=True))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["commonroom"].dispose()


def fetch(http: FlaskClient, url: str, status: int = 200) -> dict[str, Any]:
    """GET as Mastodon does; the ActivityStreams document (or error) it answers."""
    response = http.get(url.removeprefix(BASE), headers={"Accept": MASTODON_ACCEPT})
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    if status < 400:
        assert response.mimetype == "application/activity+json", response.mimetype
    document: dict[str, Any] = response.get_json()
    return document
