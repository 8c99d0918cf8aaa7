"""Follow → Accept, the followers collection, and delivery of Create/Announce, Update and
Delete to real HTTP servers on loopback that check our signatures with ``httpsig``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from federation.follows import handlers as follows
from federation.follows.commands import AcceptFollow, RejectFollow, SetFollowPolicy
from federation.inbound.commands import SetFederationStyle
from federation.tables import deliveries
from forum import create_app
from forum.backend import Backend
from forum.core.db import events
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ReviseArticle,
    UnpublishArticle,
)
from forum.features.conferences.commands import UpdateConference
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken, SetFediverseProfile
from forum.features.threads import handlers as threads
from forum.features.threads.commands import DeletePost, EditPost, MoveThread, PostReply, StartThread
from tests.conftest import People, make_config, sqlite_backend
from tests.federation.conftest import BASE, fetch
from tests.federation.peers import Peer
from tests.web.conftest import World

GRACE = 3.0  # long enough that a loaded machine still runs the first pass within it


@pytest.fixture(params=["sqlite", "postgres"])
def app(request: pytest.FixtureRequest, tmp_path: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with federation on, delivering to loopback; on SQLite, and on PostgreSQL
    when it is configured."""
    url = None
    if request.param == "sqlite":
        sqlite_backend(tmp_path, tmp_path_factory).dispose()
    else:
        url = request.getfixturevalue("pg_schema_url")
    application = create_app(make_config(
        tmp_path, url, login_rate_limit="1000 per minute", federation=True,
        allow_loopback_federation=True, federation_update_grace=GRACE))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["commonroom"].dispose()


def our_keys(app: Flask) -> Any:
    """keyId → our public key, as a remote server would find it in our actor documents."""
    backend: Backend = app.extensions["commonroom"]
    store = app.extensions["commonroom_keys"]
    from forum.features.conferences.queries import get_conference_by_slug
    from forum.features.members.queries import get_member_by_handle

    def lookup(key_id: str) -> str | None:
        path = key_id.removeprefix(BASE).removesuffix("#main-key")
        with backend.engine.connect() as conn:
            if path == "/actor":
                return str(store.public_pem("instance"))
            if path.startswith("/c/"):
                row = get_conference_by_slug(conn, path[3:])
                return str(store.public_pem(f"conference:{row.id}")) if row else None
            if path.startswith("/members/"):
                row = get_member_by_handle(conn, path[9:])
                return str(store.public_pem(f"member:{row.id}")) if row else None
        return None

    return lookup


@pytest.fixture
def peers(app: Flask) -> Iterator[list[Peer]]:
    made: list[Peer] = []
    yield made
    for peer in made:
        peer.stop()


def new_peer(app: Flask, peers: list[Peer], **kwargs: Any) -> Peer:
    peer = Peer(our_keys(app), **kwargs)
    peers.append(peer)
    return peer


def post(client: FlaskClient, peer: Peer, path: str, activity: dict[str, Any]) -> Any:
    body = orjson.dumps(activity)
    return client.post(path, data=body, headers=peer.sign("POST", BASE + path, body),
                       base_url=BASE)


def run(backend: Backend) -> None:
    """What `commonroom worker` does: follow the log and send what is due.

    On PostgreSQL a subscriber reads only below the oldest open transaction's id
    (the server's, across databases: other work on the server can hold it back
    for a moment), so wait until everything written is readable."""
    runner = backend.runner()
    deadline = time.monotonic() + 30
    head = backend.store.head()
    while runner.run_once() or runner.checkpoint("federation-outbox")[1] < head:
        assert time.monotonic() < deadline, "the log did not become readable"
        time.sleep(0.01)
    runner.stop()
    worker = backend.ticks[-1]
    assert worker.name == "federation-delivery"
    while worker.run():
        pass


def log_size(backend: Backend) -> int:
    with backend.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)


def test_a_follow_is_accepted_and_the_group_delivers_create_update_delete(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    alice = new_peer(app, peers)
    group = f"{BASE}/c/public"
    follow = alice.follow(group)
    response = post(client, alice, "/ap/c/public/inbox", follow)
    assert response.status_code == 202, response.data
    run(backend)
    [accept] = alice.activities("Accept")
    assert accept["actor"] == group and accept["object"]["id"] == follow["id"]
    assert alice.received[0].key_id == f"{group}#main-key"
    assert alice.received[0].path == "/users/alice/inbox"  # answers go to the follower's own
    followers = fetch(client, "/ap/c/public/followers")
    assert (followers["totalItems"], followers["orderedItems"]) == (1, [alice.actor_id])

    svc = backend.services
    thread_id, post_id = threads.start_thread(svc, people.admin, StartThread(
        world.conference["public"], "Shipping notes", "What we *learned*."))
    run(backend)
    [announce] = alice.activities("Announce")
    assert announce["actor"] == group
    assert announce["cc"] == [f"{BASE}/ap/c/public/followers"]
    create = announce["object"]
    assert create["type"] == "Create" and create["object"]["id"] == f"{BASE}/p/{post_id}"
    assert create["object"]["type"] == "Article" and create["object"]["name"] == "Shipping notes"
    assert "<em>learned</em>" in create["object"]["content"]
    assert alice.received[-1].path == "/inbox"  # the shared inbox

    # Two edits within the grace period go out as one Update, after it.
    threads.edit_post(svc, people.admin, EditPost(thread_id, post_id, "first edit"))
    threads.edit_post(svc, people.admin, EditPost(thread_id, post_id, "second edit"))
    run(backend)
    assert len(alice.activities("Announce")) == 1
    time.sleep(GRACE + 0.1)
    run(backend)
    updates = [a["object"] for a in alice.activities("Announce")[1:]]
    assert [u["type"] for u in updates] == ["Update"]
    assert "second edit" in updates[0]["object"]["content"]

    threads.delete_post(svc, people.admin, DeletePost(thread_id, post_id))
    run(backend)
    [delete] = alice.activities("Delete")
    assert delete["object"] == {**delete["object"], "id": f"{BASE}/p/{post_id}",
                                "type": "Tombstone"}
    assert fetch(client, f"/p/{post_id}", 410)["type"] == "Tombstone"
    assert not alice.refused

    assert post(client, alice, "/ap/c/public/inbox", alice.undo(follow)).status_code == 202
    assert fetch(client, "/ap/c/public/followers")["totalItems"] == 0


def test_private_and_internal_posts_are_never_delivered(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    alice = new_peer(app, peers)
    assert post(client, alice, "/inbox", alice.follow(f"{BASE}/c/public")).status_code == 202
    for visibility in ("internal", "private"):
        threads.start_thread(backend.services, people.admin, StartThread(
            world.conference[visibility], "Inside", f"secret {visibility} words"))
        response = post(client, alice, "/inbox", alice.follow(f"{BASE}/c/{visibility}"))
        assert response.status_code == 404, response.data
    run(backend)
    assert [a["type"] for a in alice.activities()] == ["Accept"]
    assert "secret" not in repr(alice.received)


def test_a_moderated_conference_waits_for_a_moderator(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    local = f"conference:{world.conference['public']}"
    svc = backend.services
    with pytest.raises(Exception, match="moderators"):
        follows.set_follow_policy(svc, people.guest, SetFollowPolicy(local, "moderated"))
    follows.set_follow_policy(svc, people.admin, SetFollowPolicy(local, "moderated"))
    alice, bob = new_peer(app, peers), new_peer(app, peers, name="bob", shared=False)
    for peer in (alice, bob):
        assert post(client, peer, "/inbox", peer.follow(f"{BASE}/c/public")).status_code == 202
    run(backend)
    assert not alice.received and not bob.received
    assert fetch(client, "/ap/c/public/followers")["totalItems"] == 0

    follows.accept_follow(svc, people.admin, AcceptFollow(local, alice.actor_id))
    follows.reject_follow(svc, people.admin, RejectFollow(local, bob.actor_id))
    run(backend)
    assert [a["type"] for a in alice.activities()] == ["Accept"]
    assert [a["type"] for a in bob.activities()] == ["Reject"]
    assert fetch(client, "/ap/c/public/followers")["orderedItems"] == [alice.actor_id]


def test_an_opted_in_member_is_followed_and_their_posts_come_from_them(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    members.set_fediverse_profile(backend.services, people.staff, SetFediverseProfile(True))
    alice = new_peer(app, peers)
    person = f"{BASE}/members/sam"
    assert post(client, alice, "/ap/members/sam/inbox", alice.follow(person)).status_code == 202
    threads.start_thread(backend.services, people.staff, StartThread(
        world.conference["public"], "Mine", "my words"))
    run(backend)
    kinds = [a["type"] for a in alice.activities()]
    assert kinds == ["Accept", "Create"]
    create = alice.activities("Create")[0]
    assert create["actor"] == person and create["object"]["attributedTo"] == person
    assert fetch(client, "/ap/members/sam/followers")["totalItems"] == 1


def test_bad_requests_to_the_inbox_get_a_reason_and_change_nothing(
        app: Flask, client: FlaskClient, backend: Backend, world: World,
        peers: list[Peer]) -> None:
    alice = new_peer(app, peers)
    before = log_size(backend)
    follow = orjson.dumps(alice.follow(f"{BASE}/c/public"))
    unsigned = client.post("/inbox", data=follow, base_url=BASE)
    assert unsigned.status_code == 401 and "not signed" in unsigned.json["message"]
    headers = alice.sign("POST", BASE + "/inbox", follow)
    tampered = client.post("/inbox", data=follow.replace(b"public", b"publix"),
                           headers=headers, base_url=BASE)
    assert tampered.status_code == 401 and "Digest" in tampered.json["message"]
    big = client.post("/inbox", data=b"{" + b" " * 300_000 + b"}", base_url=BASE)
    assert big.status_code == 413
    assert post(client, alice, "/inbox", {"type": "Follow"}).status_code == 400
    impostor = {**alice.follow(f"{BASE}/c/public"), "actor": "http://127.0.0.1:9/users/eve"}
    assert post(client, alice, "/inbox", impostor).status_code == 401
    nobody = post(client, alice, "/inbox", alice.follow(f"{BASE}/c/nowhere"))
    assert nobody.status_code == 404
    ignored = post(client, alice, "/inbox", {"id": f"{alice.actor_id}#like", "type": "Like",
                                             "actor": alice.actor_id, "object": BASE})
    assert ignored.status_code == 202 and ignored.json["code"] == "ignored"
    assert log_size(backend) == before


def test_permanent_failures_go_to_the_dead_letters_and_can_be_retried(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    from federation.delivery.worker import list_dead_letters, retry

    gone = new_peer(app, peers, status=410)
    assert post(client, gone, "/inbox", gone.follow(f"{BASE}/c/public")).status_code == 202
    run(backend)
    with backend.engine.connect() as conn:
        [dead] = list_dead_letters(conn)
    assert dead.kind == "Accept" and dead.attempts == 1 and dead.last_error.startswith("410")
    gone.status = 202
    assert retry(backend.engine, dead.id)
    run(backend)
    assert len(gone.activities("Accept")) == 2  # it was received (and answered 410) before


def test_transient_failures_back_off_and_open_the_hosts_circuit(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    from federation.delivery.worker import WorkerSettings

    busy = new_peer(app, peers, status=503)
    worker = app.extensions["commonroom_delivery"]
    worker.settings = WorkerSettings(breaker_after=2)
    assert post(client, busy, "/inbox", busy.follow(f"{BASE}/c/public")).status_code == 202
    run(backend)
    with backend.engine.connect() as conn:
        [row] = conn.execute(select(deliveries)).all()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "503")
    assert len(busy.received) == 1
    run(backend)  # not due yet: backing off
    assert len(busy.received) == 1


def test_the_ssrf_guard_refuses_private_addresses(app: Flask) -> None:
    from federation.delivery.outbound import AddressRefused, Outbound

    guard = Outbound(app.extensions["commonroom_keys"], BASE, allow_loopback=False)
    for url in ("http://127.0.0.1:8080/inbox", "http://[::1]/inbox", "http://10.1.2.3/x",
                "http://169.254.169.254/latest", "http://192.168.0.1/", "file:///etc/passwd",
                "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"):
        with pytest.raises(AddressRefused):
            guard.check_address(url)
    guard.check_address("https://93.184.216.34/inbox")  # a public address passes
    assert "not a public address" in (guard.post("http://127.0.0.1:1/inbox", b"{}", "instance",
                                                 f"{BASE}/actor#main-key").error or "")


def test_the_ssrf_guard_checks_the_address_a_connection_reached(
        app: Flask, peers: list[Peer]) -> None:
    """DNS rebinding: a name that resolved to a public address for the check may resolve
    to a private one when the connection is made; the connection itself is refused."""
    from federation.delivery.outbound import Outbound

    alice = new_peer(app, peers)  # a real server, listening on loopback
    guard = Outbound(app.extensions["commonroom_keys"], BASE, allow_loopback=False)
    with pytest.raises(requests.ConnectionError, match="not a public address"):
        guard.session.get(alice.actor_id, timeout=5)  # past check_address, as after rebinding
    assert alice.received == []
    lenient = Outbound(app.extensions["commonroom_keys"], BASE, allow_loopback=True)
    assert lenient.session.get(alice.actor_id, timeout=5).status_code == 200


def test_moderators_decide_on_the_followers_page_without_javascript(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer], auth: Any) -> None:
    alice = new_peer(app, peers)
    auth.login("ada")
    page = client.post("/c/public/followers", data={"action": "policy", "policy": "moderated"})
    assert page.status_code == 302
    assert post(client, alice, "/inbox", alice.follow(f"{BASE}/c/public")).status_code == 202
    listing = client.get("/c/public/followers").get_data(as_text=True)
    assert "Waiting for a decision (1)" in listing and "@alice@127.0.0.1" in listing
    api = client.get("/api/v1/conferences/public/fediverse-followers")
    assert api.status_code == 404  # the API goes by tokens, never the browser's cookie
    assert client.post("/c/public/followers", data={
        "action": "accept", "remote_actor": alice.actor_id}).status_code == 302
    assert "Following (1)" in client.get("/c/public/followers").get_data(as_text=True)
    assert client.post("/c/public/followers", data={"action": "shrug"}).status_code == 400
    auth.logout()
    auth.login("gus")  # a guest moderates nothing: the page does not exist for them
    assert client.get("/c/public/followers").status_code == 404
    run(backend)
    assert [a["type"] for a in alice.activities()] == ["Accept"]


def test_the_api_lists_and_decides_follow_requests_and_dead_letters(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    svc = backend.services
    token = members.issue_api_token(svc, people.admin, IssueApiToken("t"))
    bearer = {"Authorization": f"Bearer {token}"}
    follows.set_follow_policy(svc, people.admin, SetFollowPolicy(
        f"conference:{world.conference['public']}", "moderated"))
    alice = new_peer(app, peers, status=403)
    assert post(client, alice, "/inbox", alice.follow(f"{BASE}/c/public")).status_code == 202
    found = client.get("/api/v1/conferences/public/fediverse-followers", headers=bearer).json
    assert found["policy"] == "moderated"
    assert [(f["remote_actor"], f["state"]) for f in found["items"]] == [
        (alice.actor_id, "pending")]
    decided = client.post("/api/v1/conferences/public/fediverse-followers", headers=bearer,
                          json={"remote_actor": alice.actor_id, "accept": True})
    assert decided.status_code == 204
    run(backend)
    [dead] = client.get("/api/v1/federation/dead-letters", headers=bearer).json["items"]
    assert (dead["kind"], dead["last_error"][:3]) == ("Accept", "403")
    auth_page = client.get("/api/v1/federation/dead-letters")
    assert auth_page.status_code in (401, 404)
    alice.status = 202
    retried = client.post(f"/api/v1/federation/dead-letters/{dead['id']}/retry",
                          headers=bearer)
    assert retried.status_code == 204
    assert client.post("/api/v1/federation/dead-letters/999/retry",
                       headers=bearer).status_code == 404
    run(backend)
    assert client.get("/api/v1/federation/dead-letters", headers=bearer).json["items"] == []


def test_a_published_article_is_delivered_updated_and_deleted_and_shows_its_status(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer], auth: Any) -> None:
    from forum.features.articles import handlers as articles

    svc = backend.services
    alice, gone = new_peer(app, peers), new_peer(app, peers, name="gone", status=410)
    for peer in (alice, gone):
        assert post(client, peer, "/inbox", peer.follow(f"{BASE}/c/public")).status_code == 202
    run(backend)
    gone.status = 410
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"], summary="What we found"))
    slug = articles.approve_article(svc, people.admin, ApproveArticle(article_id))
    run(backend)
    [announce] = alice.activities("Announce")
    assert announce["object"]["object"]["id"] == f"{BASE}/blog/{slug}"
    assert announce["object"]["object"]["summary"] == "What we found"
    assert announce["object"]["actor"] == f"{BASE}/actor"  # the author did not opt in
    auth.login("ada")
    page = client.get(f"/blog/{slug}").get_data(as_text=True)
    assert "delivered 1/2, 1 failing: 127.0.0.1:" in page and "410" in page
    auth.logout()
    assert "On the fediverse" not in client.get(f"/blog/{slug}").get_data(as_text=True)

    articles.revise_article(svc, people.admin, ReviseArticle(
        article_id, "New title", "What we found", "Better words.", ()))
    run(backend)  # queued, for after the grace period
    time.sleep(GRACE + 0.1)
    run(backend)
    [update] = [a for a in alice.activities("Announce") if a["object"]["type"] == "Update"]
    assert update["object"]["object"]["name"] == "New title"
    articles.unpublish_article(svc, people.admin, UnpublishArticle(article_id, "oops"))
    run(backend)
    [delete] = alice.activities("Delete")
    assert delete["object"]["id"] == f"{BASE}/blog/{slug}"
    assert fetch(client, f"/blog/{slug}", 410)["type"] == "Tombstone"
    assert not gone.activities("Delete")  # it never took the article: nothing to take back


def test_what_leaves_public_view_is_withdrawn_with_delete(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    from forum.features.conferences import handlers as conferences

    svc = backend.services
    alice = new_peer(app, peers)
    assert post(client, alice, "/inbox", alice.follow(f"{BASE}/c/public")).status_code == 202
    moved, moved_post = threads.start_thread(svc, people.admin, StartThread(
        world.conference["public"], "Soon private", "words"))
    stays, stays_post = threads.start_thread(svc, people.admin, StartThread(
        world.conference["public"], "Soon internal", "words"))
    reply, _ = threads.post_reply(svc, people.admin, PostReply(stays, stays_post, "a reply"))
    run(backend)
    assert len(alice.activities("Announce")) == 3
    threads.move_thread(svc, people.admin, MoveThread(moved, world.conference["private"]))
    run(backend)
    assert [d["object"]["id"] for d in alice.activities("Delete")] == [f"{BASE}/p/{moved_post}"]
    conferences.update_conference(svc, people.admin, UpdateConference(
        world.conference["public"], "Public", "", "internal"))
    run(backend)
    assert {d["object"]["id"] for d in alice.activities("Delete")} == {
        f"{BASE}/p/{moved_post}", f"{BASE}/p/{stays_post}", f"{BASE}/p/{reply}"}


def test_a_note_conference_serves_delivers_and_deletes_its_thread_starters_as_notes(
        app: Flask, client: FlaskClient, backend: Backend, people: People, world: World,
        peers: list[Peer]) -> None:
    from federation.inbound import handlers as inbound

    svc = backend.services
    conference = world.conference["public"]
    group = f"{BASE}/c/public"
    alice = new_peer(app, peers)
    assert post(client, alice, "/ap/c/public/inbox", alice.follow(group)).status_code == 202
    run(backend)

    # The default: an Article, its subject as name.
    before, _ = threads.start_thread(svc, people.admin, StartThread(
        conference, "Plain title", "As *before*."))
    run(backend)
    [announce] = alice.activities("Announce")
    article = announce["object"]["object"]
    assert (article["type"], article["name"]) == ("Article", "Plain title")
    assert fetch(client, f"/t/{before}")["type"] == "Article"

    inbound.set_federation_style(svc, people.admin, SetFederationStyle(conference, "note"))
    thread_id, post_id = threads.start_thread(svc, people.admin, StartThread(
        conference, "Fish & chips", "What we *learned*."))
    run(backend)
    announce = alice.activities("Announce")[-1]
    assert announce["actor"] == group
    create = announce["object"]
    assert create["type"] == "Create" and create["object"]["id"] == f"{BASE}/p/{post_id}"
    note = create["object"]
    assert note["type"] == "Note" and "name" not in note
    assert note["content"].startswith("<p><strong>Fish &amp; chips</strong></p>")
    assert "<em>learned</em>" in note["content"]
    assert note["url"] == f"{BASE}/t/{thread_id}"
    assert note["context"] == f"{BASE}/ap/t/{thread_id}/context"
    assert note["replies"] == f"{BASE}/ap/p/{post_id}/replies"
    assert note["audience"] == group
    assert {"type": "Mention", "href": group, "name": "@public@" + BASE.split("//")[1]
            } in note["tag"]
    for path in (f"/t/{thread_id}", f"/p/{post_id}", f"/t/{before}"):
        served = fetch(client, path)
        assert served["type"] == "Note" and "name" not in served, path
    assert fetch(client, f"/t/{thread_id}") == fetch(client, f"/p/{post_id}")

    threads.delete_post(svc, people.admin, DeletePost(thread_id, post_id))
    run(backend)
    [delete] = alice.activities("Delete")
    assert delete["object"]["formerType"] == "Note"
    assert fetch(client, f"/p/{post_id}", 410)["formerType"] == "Note"

    # Back to articles: the same thread starters are served as Articles again.
    inbound.set_federation_style(svc, people.admin, SetFederationStyle(conference,
                                                                           "article"))
    served = fetch(client, f"/t/{before}")
    assert (served["type"], served["name"]) == ("Article", "Plain title")
    assert not alice.refused
