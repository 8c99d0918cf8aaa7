"""bovine (bovine-herd), a real fediverse server, follows a public conference on loopback.

It finds the group through WebFinger, sends Follow from its outbox (signed with
its own key; we fetch its actor with a signed GET, and it checks our instance
actor's signature by fetching our key), receives our signed Accept, then the
group's Announce of a published article's Create, its Update after an edit and
its Delete after unpublishing. bovine runs from its own virtualenv
(``make deps`` builds ``.venv-bovine``), as a separate process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from forum import create_app
from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ReviseArticle,
    UnpublishArticle,
)
from tests.conftest import People, make_config, missing, sqlite_backend
from tests.federation.test_following import run
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]
PEER = Path(__file__).with_name("bovine_peer.py")
BOVINE = Path(os.environ.get("COMMONROOM_BOVINE_PYTHON", ROOT / ".venv-bovine/bin/python"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def until(check: Callable[[], Any], timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def id_of(value: Any) -> Any:
    """bovine hands out linked objects resolved: their id, either way."""
    return value.get("id") if isinstance(value, dict) else value


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Our server on a real port (bovine must reach it), federating to loopback."""
    if not BOVINE.exists():
        missing(f"bovine not installed at {BOVINE} (make deps builds it)")
    holder: dict[str, Flask] = {}
    server = make_server("127.0.0.1", 0, lambda e, s: holder["app"](e, s), threaded=True)
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(
        tmp_path, federation=True, allow_loopback_federation=True,
        base_url=f"http://127.0.0.1:{server.server_port}", federation_update_grace=0.3))
    holder["app"] = application
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield application
    server.shutdown()
    application.extensions["commonroom"].dispose()


class Bovine:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory  # bovine keeps a JSON-LD cache in its working directory
        self.db = directory / "bovine.sqlite3"
        self.log = (directory / "bovine.log").open("wb")
        self.process = subprocess.Popen(
            [str(BOVINE), str(PEER), "serve", str(self.port), str(self.db)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=directory)
        until(self._answers)
        self.secret = json.loads(self._call("register", str(self.db)))["secret"]

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/.well-known/nodeinfo",
                                   timeout=1).close()
        except OSError:
            return False
        return True

    def _call(self, *args: str) -> str:
        done = subprocess.run([str(BOVINE), str(PEER), args[0], str(self.port), *args[1:]],
                              capture_output=True, timeout=60, check=True,
                              cwd=self.directory)
        return done.stdout.decode()

    def follow(self, acct: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self._call("follow", self.secret, acct))
        return result

    def inbox(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._call("inbox", self.secret).splitlines()
                if line.strip()]

    def received(self, kind: str, containing: str = "") -> dict[str, Any] | None:
        for item in self.inbox():
            if item.get("type") == kind and containing in json.dumps(item):
                return item
        return None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


@pytest.fixture
def bovine(app: Flask, tmp_path: Path) -> Iterator[Bovine]:
    peer = Bovine(tmp_path)
    yield peer
    peer.stop()


def test_bovine_follows_a_conference_and_receives_create_update_and_delete(
        app: Flask, backend: Backend, people: People, world: World, bovine: Bovine) -> None:
    base = backend.config.base_url
    followed = bovine.follow(f"public@{base.removeprefix('http://')}")
    assert followed["target"] == f"{base}/c/public" and followed["status"] == 201

    def follower() -> bool:
        run(backend)
        with app.test_client() as http:
            found = http.get("/ap/c/public/followers",
                             headers={"Accept": "application/activity+json"}).get_json()
        return bool(found["orderedItems"] == [followed["actor"]])

    until(follower)
    until(lambda: bovine.received("Accept", f"{base}/c/public"))

    svc = backend.services
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"], summary="Found on loopback"))
    slug = articles.approve_article(svc, people.admin, ApproveArticle(article_id))
    url = f"{base}/blog/{slug}"
    run(backend)
    announce = until(lambda: bovine.received("Announce", url))
    assert id_of(announce["actor"]) == f"{base}/c/public"

    articles.revise_article(svc, people.admin, ReviseArticle(
        article_id, "A better title", "Found on loopback", "Better words.", ()))
    run(backend)
    time.sleep(0.4)
    run(backend)
    update = until(lambda: bovine.received("Announce", f"{url}#update-"))
    assert update["object"]["type"] == "Update" and id_of(update["object"]["object"]) == url
    assert update["cc"] == [f"{base}/ap/c/public/followers"]

    articles.unpublish_article(svc, people.admin, UnpublishArticle(article_id, "gone"))
    run(backend)
    delete = until(lambda: bovine.received("Delete", url))
    assert id_of(delete["actor"]) == f"{base}/actor"
