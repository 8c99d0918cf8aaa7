"""Replies from the fediverse in a real browser: shown as from outside, a held one let in
by a moderator without JavaScript, the settings page, and axe on both pages."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from federation.inbound import handlers as inbound
from federation.inbound.commands import ReceiveRemoteReply, SetFederationPolicy
from forum import create_app
from forum.backend import Backend
from forum.features.members.handlers import SYSTEM
from tests.conftest import People, make_config, sqlite_backend
from tests.e2e.conftest import Axe, LiveServer, format_violations, login
from tests.web.conftest import World


@pytest.fixture
def live_server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """As tests/e2e/conftest.py's, with federation on."""
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    app = create_app(make_config(tmp_path, login_rate_limit="1000 per minute",
                                 federation=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app,
                         app.extensions["commonroom"])
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["commonroom"].dispose()


def arrive(backend: Backend, world: World, actor: str, note: str, words: str) -> None:
    inbound.receive_remote_reply(backend.services, SYSTEM, ReceiveRemoteReply(
        world.thread["public"], world.post["public"], f"https://far.example/users/{actor}",
        actor.title(), f"@{actor}@far.example", "", f"https://far.example/@{actor}",
        f"https://far.example/notes/{note}", f"https://far.example/notes/{note}",
        f"<p>{words} <a href=\"https://far.example/x\">a link</a></p>"))


def test_a_reply_from_outside_is_shown_held_and_let_in(
        new_page: Callable[[], Page], axe: Axe, backend: Backend, people: People,
        world: World) -> None:
    inbound.set_federation_policy(backend.services, people.admin, SetFederationPolicy(
        world.conference["public"], "open"))
    arrive(backend, world, "bea", "1", "Shown at once")
    inbound.set_federation_policy(backend.services, people.admin, SetFederationPolicy(
        world.conference["public"], "moderated"))
    arrive(backend, world, "cy", "2", "Waiting words")
    found: list[str] = []

    visitor = new_page()
    visitor.goto(f"/t/{world.thread['public']}")
    remote = visitor.locator("article.post.remote").first
    expect(remote).to_contain_text("Shown at once")
    expect(remote.locator(".from-outside")).to_have_text("@bea@far.example · from outside")
    expect(remote.get_by_role("link", name="Bea")).to_have_attribute(
        "href", "https://far.example/@bea")
    expect(visitor.get_by_text("A reply from outside, waiting for a moderator.")).to_be_visible()
    expect(visitor.get_by_text("Waiting words")).to_have_count(0)
    if violations := axe.violations(visitor):
        found.append(format_violations("thread with replies from outside", violations))

    admin = new_page()
    login(admin, "ada")
    admin.goto("/admin/fediverse")
    expect(admin.get_by_role("heading", name="Replies from outside waiting for a moderator")
           ).to_be_visible()
    if violations := axe.violations(admin):
        found.append(format_violations("/admin/fediverse", violations))
    admin.get_by_role("button", name="Let it in").click()
    admin.goto(f"/t/{world.thread['public']}")
    expect(admin.get_by_text("Waiting words")).to_be_visible()
    admin.goto("/admin/fediverse")
    admin.get_by_role("textbox", name="Domain").fill("spam.example")
    admin.get_by_role("textbox", name="Reason").fill("spam")
    admin.get_by_role("button", name="Block").click()
    expect(admin.get_by_role("cell", name="spam.example")).to_be_visible()
    assert not found, "\n".join(found)
