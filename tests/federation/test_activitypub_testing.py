"""The actor checks of ``activitypub-testing`` (npm) against our live server, on loopback:
the instance actor, a public conference's Group and an opted-in member's Person."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from forum import create_app
from forum.backend import Backend
from forum.features.members import handlers as members
from forum.features.members.commands import SetFediverseProfile
from tests.conftest import People, make_config, missing, sqlite_backend
from tests.web.conftest import World

CLI = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "activitypub-testing"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from werkzeug.serving import make_server

    port = free_port()
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    app = create_app(make_config(tmp_path, federation=True,
                                 base_url=f"http://127.0.0.1:{port}"))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    app.extensions["commonroom"].dispose()


def run_checks(actor: str) -> list[dict[str, Any]]:
    done = subprocess.run([str(CLI), "test", "actor", actor],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_activitypub_testings_actor_checks_pass(live: Flask) -> None:
    if not CLI.exists() or shutil.which("node") is None:
        missing("activitypub-testing (npm) is not installed")
    backend: Backend = live.extensions["commonroom"]
    people = People(backend)
    World(backend, people)
    members.set_fediverse_profile(backend.services, people.staff,
                                  SetFediverseProfile(True))
    base = backend.config.base_url
    for actor in (f"{base}/actor", f"{base}/c/public", f"{base}/members/sam"):
        results = run_checks(actor)
        outcomes = {r["test"]["slug"]: r["result"]["outcome"] for r in results}
        assert len(outcomes) >= 5, (actor, outcomes)
        failed = {slug: outcome for slug, outcome in outcomes.items()
                  if outcome not in ("passed", "inapplicable")}
        assert not failed, (actor, failed)
        assert list(outcomes.values()).count("passed") >= 5, (actor, outcomes)


def test_the_specifications_accept_header_alone_gets_activitystreams(
        client: Any, world: World) -> None:
    """ActivityPub's own ``Accept`` (ld+json with the profile, nothing else) negotiates JSON."""
    from federation.documents.actors import LD_JSON

    response = client.get("/c/public", headers={"Accept": LD_JSON})
    assert response.mimetype == "application/activity+json", response.mimetype
    assert response.get_json()["type"] == "Group"
    assert client.get("/c/public", headers={"Accept": "text/html"}).mimetype == "text/html"
