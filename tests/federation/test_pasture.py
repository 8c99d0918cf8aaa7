"""fediverse-pasture as a peer on loopback: its actor verifier, its HTTP signature checker,
and its corpus of odd inbound objects (fediverse-pasture-inputs) sent to our inbox.

Our server runs for real (Werkzeug, threaded) at the port its ``BASE_URL`` names, so
pasture can fetch our keys and actors; pasture's apps run under uvicorn.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from federation.inbound import handlers as inbound
from federation.inbound.commands import SetFederationPolicy
from forum import create_app
from forum.backend import Backend
from forum.features.threads.tables import posts
from tests.conftest import SETTINGS, People, make_config, sqlite_backend
from tests.web.conftest import World

if importlib.util.find_spec("fediverse_pasture") is None or importlib.util.find_spec(
        "uvicorn") is None:
    if SETTINGS["require_services"]:  # CI installs it: not finding it is a failure there
        pytest.fail("fediverse-pasture is not installed (COMMONROOM_REQUIRE_SERVICES=1)",
                    pytrace=False)
    pytest.skip("fediverse-pasture is not installed", allow_module_level=True)
import uvicorn  # noqa: E402

# JSON-LD contexts pasture (through bovine) would fetch from the internet, which this
# machine cannot reach: read as empty, pasture falls back to the documents' plain keys.
OFFLINE_CONTEXTS = ("https://w3id.org/security/v1", "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1")

# pasture calls a bovine function bovine itself has deprecated; that is theirs to change.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated use verify_with_identity:DeprecationWarning")
UNSAFE = re.compile(r"<script|<iframe|<object|<embed|<style|<form|javascript:|\son\w+\s*=|"
                    r"<svg|<math|data:text/html", re.I)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    """An ASGI app under uvicorn on a loopback port, in a thread of its own."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "pasture did not start"
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(autouse=True)
def offline_bovine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """bovine keeps a JSON-LD cache in ./bovine_jsonld_cache.sqlite from its first import:
    import it from a temporary directory, never the repository, and fill in the contexts
    that cannot be fetched here."""
    import os

    here = os.getcwd()
    os.chdir(tmp_path_factory.getbasetemp())
    try:
        from bovine.jsonld import jsonld_cache
    finally:
        os.chdir(here)
    for url in OFFLINE_CONTEXTS:
        jsonld_cache.cache.setdefault(url, [])
    # Load the rest once here: the cache's SQLite connection serves its own thread only,
    # and pasture's servers run in others.
    from bovine.jsonld import with_external_context

    from federation.documents.actors import CONTEXT
    with_external_context({"@context": CONTEXT, "id": "http://127.0.0.1/x", "type": "Note"})
    yield


@pytest.fixture
def ours(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Our app, served for real on loopback at the address its ids are made from."""
    from werkzeug.serving import make_server

    port = free_port()
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    app = create_app(make_config(tmp_path, federation=True, allow_loopback_federation=True,
                                 base_url=f"http://127.0.0.1:{port}"))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    app.extensions["commonroom"].dispose()


def test_pastures_signature_checker_accepts_our_post_and_get(ours: Flask) -> None:
    from fediverse_pasture.server.http_signature import http_signature_blueprint
    from quart import Quart

    from federation.http.server import outbound

    checker_app = Quart("pasture_http_signature")
    checker_app.register_blueprint(http_signature_blueprint)
    checker = Served(checker_app)
    try:
        client = outbound(ours)
        body = json.dumps({"type": "Note", "content": "signed by us"}).encode()
        sent = client.post(checker.base + "/", body, "instance", client.instance_key_id)
        assert sent.status == 202, sent
        answer = client.get_json(checker.base + "/")
        assert answer, answer
    finally:
        checker.stop()


def test_pastures_actor_verifier_gets_our_actors_and_posts_signed_to_our_inbox(
        ours: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fediverse_pasture.verify_actor import build_app

    monkeypatch.chdir(tmp_path)  # pasture keeps its generated actors in ./data.toml
    port = free_port()
    verifier_app = build_app(False, f"127.0.0.1:{port}", False, 10)
    backend: Backend = ours.extensions["commonroom"]
    people = People(backend)
    world = World(backend, people)
    base = backend.config.base_url
    served = None
    try:
        server = uvicorn.Server(uvicorn.Config(verifier_app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        served = threading.Thread(target=server.run, daemon=True)
        served.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        import requests

        for actor in (f"{base}/actor", f"{base}/c/public"):
            answer = requests.get(f"http://127.0.0.1:{port}/", params={"actor_uri": actor},
                                  headers={"Accept": "application/json"}, timeout=120)
            assert answer.status_code == 200, answer.text[:500]
            result = answer.json()["result"]
            # Alice does not sign: she must not get in. Bob and Claire sign (Claire's key
            # can only be fetched with a signed request): both must.
            assert result["alice"]["post_inbox"] is False, result
            for name in ("bob", "claire"):
                assert result[name] == {"get_actor": True, "post_inbox": True}, (
                    actor, name, answer.json()["messages"][-3000:])
            assert result["webfinger"] is True, result
        del world
    finally:
        server.should_exit = True
        if served is not None:
            served.join(5)


def corpus() -> list[dict[str, Any]]:
    """Every object of fediverse-pasture-inputs (its odd Notes, Articles, Pages, …)."""
    inputs = pytest.importorskip("fediverse_pasture_inputs")
    from fediverse_pasture_inputs import available

    found: list[dict[str, Any]] = []
    for data in available.values():
        for number, obj in enumerate(data.examples):
            if isinstance(obj, dict):
                found.append({"_title": f"{data.title}#{number}", **obj})
    assert inputs is not None
    return found


def test_pastures_odd_objects_never_break_the_inbox_or_store_unsafe_html(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.federation.conftest import BASE
    from tests.federation.remote_server import RemoteServer

    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    app = create_app(make_config(tmp_path, federation=True, allow_loopback_federation=True))
    remote = RemoteServer()
    try:
        backend: Backend = app.extensions["commonroom"]
        people = People(backend)
        world = World(backend, people)
        inbound.set_federation_policy(backend.services, people.admin, SetFederationPolicy(
            world.conference["public"], "open"))
        client = app.test_client()
        statuses: dict[int, int] = {}
        examples = corpus()
        assert len(examples) > 50
        for example in examples:
            obj = {k: v for k, v in example.items() if k != "_title"}
            obj.update({"id": remote.new_id("objects"), "attributedTo": remote.actor_id("bob"),
                        "inReplyTo": f"{BASE}/p/{world.post['public']}"})
            obj.setdefault("type", "Note")
            response = remote.send(client, "bob", remote.activity("bob", "Create", obj))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (example["_title"], response.data[:300])
        with backend.engine.connect() as conn:
            stored = [row.html for row in conn.execute(posts.select())]
        assert statuses.get(202, 0) > len(examples) // 2, statuses
        assert len(stored) > len(examples) // 2
        for html in stored:
            assert not UNSAFE.search(html), html[:500]
        # The log keeps the cleaned HTML too: nothing unsafe is stored anywhere.
        recorded = [r.event for r in backend.store.iter_all()
                    if r.event.type == "RemoteReplyReceived"]
        assert len(recorded) == statuses[202]
        for event in recorded:
            assert not UNSAFE.search(event.html), event.html[:500]  # type: ignore[attr-defined]
        page = client.get(f"/t/{world.thread['public']}?page=1").get_data(as_text=True)
        body = page.split('<div class="posts', 1)[1].split("</main>", 1)[0]
        assert not UNSAFE.search(re.sub(r'<form method="post"', "", body))
    finally:
        remote.stop()
        app.extensions["commonroom"].dispose()

