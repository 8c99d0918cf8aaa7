"""Replies from the fediverse, end to end: a real server on loopback signs and sends
Create, Update and Delete to our inbox; they land in public threads (or wait, or are
refused) and show on the thread page as from outside."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from federation.inbound import handlers as inbound
from federation.inbound.commands import ReceiveRemoteReply, SetFederationPolicy, UnblockDomain
from forum import create_app
from forum.backend import Backend
from forum.core.db import events
from forum.features.members.commands import IssueApiToken
from forum.features.members.handlers import SYSTEM
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply
from tests.conftest import People, make_config, sqlite_backend
from tests.federation.conftest import BASE, fetch
from tests.federation.remote_server import RemoteServer
from tests.web.conftest import Auth, World, html


@pytest.fixture
def app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(tmp_path, login_rate_limit="1000 per minute",
                                         federation=True, allow_loopback_federation=True))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["commonroom"].dispose()


@pytest.fixture
def remote() -> Iterator[RemoteServer]:
    server = RemoteServer()
    yield server
    server.stop()


def count_events(backend: Backend) -> int:
    with backend.engine.connect() as conn:
        return len(conn.execute(events.select()).all())


def policy(backend: Backend, people: People, world: World, value: str) -> None:
    inbound.set_federation_policy(backend.services, people.admin, SetFederationPolicy(
        world.conference["public"], value))


def answer(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.data[:400])
    body: dict[str, Any] = response.get_json()
    if code is not None:
        assert body["code"] == code, body
    return body


def page(client: FlaskClient, world: World) -> str:
    return html(client.get(f"/t/{world.thread['public']}"))


def test_a_reply_lands_in_the_thread_from_outside_and_clean(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    note = remote.note("bob", f"{BASE}/p/{world.post['public']}",
                       '<p>Hello <a href="https://ok.example/x" onclick="evil()">there</a>'
                       '<script>alert(1)</script><img src=x onerror=alert(2)></p>',
                       summary="a <i>warning</i>")
    answer(remote.send(client, "bob", remote.activity("bob", "Create", note)), 202, "accepted")

    [recorded] = [r for r in backend.store.read_stream(f"thread-{world.thread['public']}")
                  if r.event.type == "RemoteReplyReceived"]
    assert recorded.event.actor_uri == remote.actor_id("bob")
    assert not recorded.event.held
    shown = page(client, world)
    assert "from outside" in shown and f"@bob@{remote.host}" in shown
    assert f'href="{remote.base}/@bob"' in shown
    assert f'src="{remote.base}/avatars/bob.png"' in shown
    assert "Bob &lt;b&gt;Remote&lt;/b&gt;" in shown  # a remote name is text, never HTML
    assert "Hello" in shown and "a &lt;i&gt;warning&lt;/i&gt;" in shown
    post = re.search(r'<article [^>]*class="post remote.*?</article>', shown, re.S)
    assert post is not None
    for unsafe in ("<script", "onclick", "onerror", "evil()"):
        assert unsafe not in post.group(0)
    assert 'rel="nofollow' in shown.split("ok.example/x")[1][:80]
    listed = client.get(f"/api/v1/threads/{world.thread['public']}/posts").get_json()
    [outside] = [p for p in listed["items"] if p["author"]["id"].startswith("remote-")]
    assert outside["author"]["handle"] == f"@bob@{remote.host}"
    assert "<script" not in outside["html"] and "Hello" in outside["html"]
    # The same note again (a retried delivery under a new activity id) changes nothing.
    answer(remote.send(client, "bob", remote.activity("bob", "Create", note)), 202)
    assert page(client, world).count("from outside") == 1


def test_the_same_activity_twice_is_taken_once(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    activity = remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/t/{world.thread['public']}", "<p>once</p>"))
    answer(remote.send(client, "bob", activity), 202, "accepted")
    before = count_events(backend)
    answer(remote.send(client, "bob", activity), 202, "already_received")
    assert count_events(backend) == before


def test_an_rfc9421_signed_reply_is_taken(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    activity = remote.activity("carol", "Create", remote.note(
        "carol", f"{BASE}/p/{world.post['public']}", "<p>signed the new way</p>"))
    answer(remote.send(client, "carol", activity, rfc9421=True), 202, "accepted")
    assert "signed the new way" in page(client, world)


def test_a_first_reply_waits_for_a_moderator_then_the_next_ones_show(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    target = f"{BASE}/p/{world.post['public']}"
    answer(remote.send(client, "dan", remote.activity("dan", "Create", remote.note(
        "dan", target, "<p>first-words</p>"))), 202)
    shown = page(client, world)
    assert "first-words" not in shown and "waiting for a moderator" in shown

    auth.login("ada")
    queue = html(client.get("/admin/fediverse"))
    assert "first-words" not in queue and f"@dan@{remote.host}" in queue
    post_id = re.search(r'/p/([^/]+)/unhide', queue)
    assert post_id is not None
    assert client.post(f"/p/{post_id.group(1)}/unhide").status_code == 302
    auth.logout()
    assert "first-words" in page(client, world)

    answer(remote.send(client, "dan", remote.activity("dan", "Create", remote.note(
        "dan", target, "<p>second-words</p>"))), 202)
    assert "second-words" in page(client, world)


def test_a_closed_conference_refuses_and_a_private_thread_does_not_exist(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "closed")
    before = count_events(backend)
    body = answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/p/{world.post['public']}", "<p>no</p>"))), 403, "forbidden")
    assert "does not take replies from the fediverse" in body["message"]
    # A reply to a private thread's address is a reply to nothing here: ignored, not stored.
    answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/p/{world.post['private']}", "<p>secret?</p>"))), 202)
    answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/t/{world.thread['internal']}", "<p>secret?</p>"))), 202)
    assert count_events(backend) == before


def test_update_and_delete_from_the_same_author_apply(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    note = remote.note("bob", f"{BASE}/p/{world.post['public']}", "<p>version-one</p>")
    answer(remote.send(client, "bob", remote.activity("bob", "Create", note)), 202)

    # Someone else on the same server may not change it; nor may another server.
    edited = {**note, "content": "<p>version-two</p>"}
    answer(remote.send(client, "eve", remote.activity("eve", "Update", {
        **edited, "attributedTo": remote.actor_id("eve")})), 403, "forbidden")
    answer(remote.send(client, "eve", remote.activity("eve", "Update", edited)), 401,
           "not_same_origin")
    forged = {**edited, "id": "https://elsewhere.example/notes/1"}
    answer(remote.send(client, "bob", remote.activity("bob", "Update", forged)), 401,
           "not_same_origin")
    assert "version-one" in page(client, world)

    answer(remote.send(client, "bob", remote.activity("bob", "Update", edited)), 202)
    shown = page(client, world)
    assert "version-two" in shown and "version-one" not in shown and "edited 1×" in shown

    answer(remote.send(client, "eve", remote.activity("eve", "Delete", note["id"])), 403)
    answer(remote.send(client, "bob", remote.activity("bob", "Delete", {
        "id": note["id"], "type": "Tombstone"})), 202)
    shown = page(client, world)
    assert "version-two" not in shown and "Post removed." in shown


def test_a_reply_through_context_and_to_a_reply_from_outside(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    tid = world.thread["public"]
    first = remote.note("bob", "https://mastodon.example/unknown/1", "<p>via-context</p>",
                        context=f"{BASE}/ap/t/{tid}/context")
    answer(remote.send(client, "bob", remote.activity("bob", "Create", first)), 202)
    second = remote.note("carol", first["id"], "<p>to-bob</p>")
    answer(remote.send(client, "carol", remote.activity("carol", "Create", second)), 202)
    shown = page(client, world)
    assert "via-context" in shown and "to-bob" in shown
    assert re.search(r"in reply to <a [^>]*>#2</a>", shown)


def test_a_blocked_domain_is_refused_and_its_replies_hidden(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/p/{world.post['public']}", "<p>before-the-block</p>"))), 202)

    auth.login("ada")
    assert 'href="/admin/fediverse"' in html(client.get("/admin"))
    assert client.post("/admin/fediverse/blocks", data={
        "domain": remote.host, "reason": "spam"}).status_code == 302
    assert remote.host in html(client.get("/admin/fediverse"))
    auth.logout()
    assert "before-the-block" not in page(client, world)
    before = count_events(backend)
    body = answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
        "bob", f"{BASE}/p/{world.post['public']}", "<p>after</p>"))), 403, "forbidden")
    assert "your domain" in body["message"]
    fetches = remote.fetches  # a blocked server is not even asked for a new account's key
    answer(remote.send(client, "zed", remote.activity("zed", "Create", remote.note(
        "zed", f"{BASE}/p/{world.post['public']}", "<p>after</p>"))), 403, "forbidden")
    assert remote.fetches == fetches
    assert count_events(backend) == before

    inbound.unblock_domain(backend.services, people.admin, UnblockDomain(remote.host))
    assert "before-the-block" in page(client, world)


def test_a_moderator_sets_the_style_on_the_page_without_javascript(
        client: FlaskClient, auth: Auth, backend: Backend, world: World) -> None:
    conference = world.conference["public"]
    auth.login("ada")
    settings = html(client.get("/admin/fediverse"))
    assert f'action="/admin/fediverse/style/{conference}"' in settings
    assert re.search(rf'<select id="style-{conference}" name="style"><option selected>article',
                     settings)
    before = count_events(backend)
    refused = client.post(f"/admin/fediverse/style/{conference}", data={"style": "page"})
    assert refused.status_code == 400 and b"article, note" in refused.data
    assert count_events(backend) == before
    assert client.post(f"/admin/fediverse/style/{conference}",
                       data={"style": "note"}).status_code == 302
    settings = html(client.get("/admin/fediverse"))
    assert "each starts as a Note" in settings
    assert re.search(rf'<select id="style-{conference}" name="style">'
                     r'<option>article</option><option selected>note', settings)
    auth.logout()
    assert fetch(client, f"/t/{world.thread['public']}")["type"] == "Note"


def test_the_block_list_and_policies_through_the_api(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    from forum.features.members import handlers as members
    token = members.issue_api_token(backend.services, people.admin,
                                    IssueApiToken("test"))
    staff_token = members.issue_api_token(backend.services, people.staff,
                                          IssueApiToken("test"))
    admin = {"Authorization": f"Bearer {token}"}
    staff = {"Authorization": f"Bearer {staff_token}"}
    assert client.post("/api/v1/federation/blocked-domains", headers=admin,
                       json={"domain": "Spam.Example.", "reason": "spam"}).status_code == 204
    listed = client.get("/api/v1/federation/blocked-domains", headers=admin).get_json()
    assert [(b["domain"], b["reason"]) for b in listed["items"]] == [("spam.example", "spam")]
    assert client.get("/api/v1/federation/blocked-domains", headers=staff).status_code == 403
    bad = client.post("/api/v1/federation/blocked-domains", headers=admin,
                      json={"domain": "not a domain"})
    assert bad.status_code == 400 and "not a domain name" in bad.get_json()["message"]
    assert client.delete("/api/v1/federation/blocked-domains/spam.example",
                         headers=admin).status_code == 204
    assert client.delete("/api/v1/federation/blocked-domains/spam.example",
                         headers=admin).status_code == 404

    where = f"/api/v1/conferences/{world.conference['public']}/federation-policy"
    assert client.get(where).get_json() == {"policy": "moderated", "style": "article"}
    assert client.put(where, headers=staff, json={"policy": "open"}).status_code == 403
    assert client.put(where, headers=admin, json={"policy": "open"}).status_code == 204
    assert client.get(where).get_json() == {"policy": "open", "style": "article"}
    assert client.put(where, headers=admin, json={"policy": "wide"}).status_code == 422
    assert client.put(where, headers=admin, json={"style": "note"}).status_code == 204
    assert client.get(where).get_json() == {"policy": "open", "style": "note"}
    before = count_events(backend)
    for body in ({"style": "page"}, {"policy": "closed", "style": "page"}, {}):
        refused = client.put(where, headers=admin, json=body)
        assert refused.status_code == 422 and refused.get_json()["message"], body
    assert client.put(where, headers=staff, json={"style": "article"}).status_code == 403
    assert count_events(backend) == before
    assert client.get(where).get_json() == {"policy": "open", "style": "note"}
    internal = f"/api/v1/conferences/{world.conference['internal']}/federation-policy"
    assert client.put(internal, headers=admin, json={"policy": "open"}).status_code == 409


# --- bad input: a clear 4xx with a reason, nothing stored ------------------------------------


def test_bad_requests_are_refused_with_a_reason_and_change_nothing(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    note = remote.note("bob", f"{BASE}/p/{world.post['public']}", "<p>hi</p>")
    activity = remote.activity("bob", "Create", note)
    body = json.dumps(activity).encode()
    before = count_events(backend)

    def post(data: bytes, headers: dict[str, str] | None = None,
             content_type: str = "application/activity+json") -> Any:
        return client.post("/inbox", data=data, headers=headers or {}, base_url=BASE,
                           content_type=content_type)

    answer(post(b"{not json", remote.signed_headers("bob", "/inbox", b"{not json")), 400,
           "invalid_input")
    answer(post(b"[1, 2]", remote.signed_headers("bob", "/inbox", b"[1, 2]")), 400)
    answer(post(b"x" * (300 * 1024)), 413, "too_large")
    answer(post(body), 401)  # unsigned
    signed = remote.signed_headers("bob", "/inbox", body)
    answer(post(body.replace(b"hi", b"ho"), signed), 401, "bad_signature")  # digest
    other = remote.signed_headers("bob", "/ap/c/public/inbox", body)
    answer(post(body, other), 401, "bad_signature")  # signed for another address
    as_eve = remote.signed_headers("eve", "/inbox", body)
    answer(post(body, as_eve), 401)  # eve signs bob's activity
    answer(remote.send(client, "bob", activity, content_type="text/plain"), 415,
           "unsupported_media_type")
    link_only = remote.activity("bob", "Create", note["id"])
    answer(remote.send(client, "bob", link_only), 400, "invalid_input")
    empty = remote.activity("bob", "Create", {**note, "content": "<p> <span></span></p>"})
    answer(remote.send(client, "bob", empty), 400, "invalid_input")
    assert count_events(backend) == before


def test_only_the_inbox_may_record_a_reply(backend: Backend, people: People,
                                           world: World) -> None:
    command = ReceiveRemoteReply(world.thread["public"], world.post["public"],
                                     "https://x.example/users/a", "A", "@a@x.example", "",
                                     "https://x.example/@a", "https://x.example/n/1",
                                     "https://x.example/n/1", "<p>hi</p>")
    from forum.core.errors import Forbidden
    with pytest.raises(Forbidden):
        inbound.receive_remote_reply(backend.services, people.admin, command)
    assert inbound.receive_remote_reply(backend.services, SYSTEM, command) is not None
    assert inbound.receive_remote_reply(backend.services, SYSTEM, command) is None
    # A member's reply to a reply from outside works as any other.
    post_id = [r.event for r in backend.store.read_stream(f"thread-{world.thread['public']}")
               if r.event.type == "RemoteReplyReceived"][0].post_id
    threads.post_reply(backend.services, people.staff, PostReply(
        world.thread["public"], post_id, "welcome"))


def test_an_open_thread_hears_of_a_reply_from_outside_but_not_of_a_held_one(
        app: Flask, backend: Backend, people: People, world: World) -> None:
    from forum.live.realtime import Live

    live: Live = app.extensions["commonroom_live"]
    runner = live.runner()
    runner.run_once()
    http = app.test_client()
    Auth(http).login("sam")
    sam = live.socketio.test_client(app, flask_test_client=http)
    tid = world.thread["public"]
    sam.emit("join", {"kind": "thread", "id": tid}, callback=True)
    runner.run_once()
    sam.get_received()

    def arrive(note: str) -> None:
        inbound.receive_remote_reply(backend.services, SYSTEM, ReceiveRemoteReply(
            tid, world.post["public"], "https://far.example/users/a", "A", "@a@far.example",
            "", "https://far.example/@a", f"https://far.example/n/{note}",
            f"https://far.example/n/{note}", f"<p>words-{note}</p>"))
        runner.run_once()

    arrive("1")  # moderated: it waits, and nobody is told of it, nor shown its words
    [held] = [i["args"][0] for i in sam.get_received() if i["name"] == "thread_event"]
    assert held["kind"] == "post_changed" and held["post"]["html"] == ""
    policy(backend, people, world, "open")
    arrive("2")
    [shown] = [i["args"][0] for i in sam.get_received() if i["name"] == "thread_event"]
    assert shown["kind"] == "post" and shown["post"]["author_handle"] == "@a@far.example"
    assert "words-2" in shown["post"]["html"]
    sam.disconnect()


def test_a_deleted_account_leaves_tombstones(
        client: FlaskClient, backend: Backend, people: People, world: World,
        remote: RemoteServer) -> None:
    policy(backend, people, world, "open")
    for words in ("one-of-bobs", "two-of-bobs"):
        answer(remote.send(client, "bob", remote.activity("bob", "Create", remote.note(
            "bob", f"{BASE}/p/{world.post['public']}", f"<p>{words}</p>"))), 202)
    answer(remote.send(client, "carol", remote.activity("carol", "Create", remote.note(
        "carol", f"{BASE}/p/{world.post['public']}", "<p>carols-stays</p>"))), 202)
    answer(remote.send(client, "bob", remote.activity("bob", "Delete",
                                                      remote.actor_id("bob"))), 202)
    shown = page(client, world)
    assert "bobs" not in shown and shown.count("Post removed.") == 2
    assert "carols-stays" in shown
