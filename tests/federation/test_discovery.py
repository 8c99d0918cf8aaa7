"""WebFinger, host-meta, NodeInfo and the actors, checked the way Mastodon checks them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from sqlalchemy import select

from federation.tables import actor_keys
from forum import create_app
from forum.backend import Backend
from forum.features.members import handlers as members
from forum.features.members.commands import DeactivateMember, SetFediverseProfile
from tests.conftest import People, make_config, sqlite_backend
from tests.federation.conftest import BASE, MASTODON_ACCEPT, fetch
from tests.web.conftest import Auth, World

SUPPORTED_ACTOR_TYPES = {"Application", "Group", "Organization", "Person", "Service"}


def finger(client: FlaskClient, resource: str, status: int = 200) -> dict[str, object]:
    response = client.get("/.well-known/webfinger", query_string={"resource": resource},
                          headers={"Accept": "application/jrd+json, application/json"})
    assert response.status_code == status, (resource, response.data)
    if status == 200:
        assert response.mimetype == "application/jrd+json"
    result: dict[str, object] = response.get_json()
    return result


def resolve_like_mastodon(client: FlaskClient, acct: str) -> dict[str, object]:
    """Mastodon's ResolveAccountService and FetchRemoteActorService, in short: WebFinger,
    the self link, the actor, its preferredUsername, and WebFinger again looping back."""
    jrd = finger(client, f"acct:{acct}")
    assert jrd["subject"] == f"acct:{acct}"
    links = {link["rel"]: link for link in jrd["links"]}  # type: ignore[attr-defined]
    self_link = links["self"]
    assert self_link["type"] == "application/activity+json"
    actor = fetch(client, self_link["href"])
    assert "https://www.w3.org/ns/activitystreams" in actor["@context"]
    assert actor["id"] == self_link["href"]
    assert actor["type"] in SUPPORTED_ACTOR_TYPES
    username, host = actor["preferredUsername"], acct.split("@")[1]
    assert actor["webfinger"] == f"{username}@{host}"
    again = finger(client, f"acct:{username}@{host}")
    assert {link["rel"]: link for link in again["links"]}[  # type: ignore[attr-defined]
        "self"]["href"] == actor["id"]
    for key in ("inbox", "outbox", "followers", "following", "url"):
        assert actor[key].startswith(BASE), key
    assert actor["endpoints"]["sharedInbox"] == f"{BASE}/inbox"
    key = actor["publicKey"]
    assert key["owner"] == actor["id"] and key["id"] == f"{actor['id']}#main-key"
    public = serialization.load_pem_public_key(key["publicKeyPem"].encode())
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size >= 2048
    return actor


def test_a_public_conference_is_a_group(client: FlaskClient, world: World) -> None:
    group = resolve_like_mastodon(client, "public@127.0.0.1:5000")
    assert group["type"] == "Group" and group["name"] == "Public"
    assert group["id"] == f"{BASE}/c/public"
    # Mastodon's users type the host without a port where there is none; both resolve.
    assert finger(client, "acct:public@127.0.0.1")["subject"] == "acct:public@127.0.0.1:5000"


@pytest.mark.parametrize("slug", ["internal", "private", "nowhere"])
def test_no_group_for_what_the_public_may_not_read(client: FlaskClient, world: World,
                                                    slug: str) -> None:
    finger(client, f"acct:{slug}@127.0.0.1:5000", 404)
    fetch(client, f"/c/{slug}", 404)


def test_a_member_is_a_person_only_after_opting_in(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    finger(client, "acct:sam@127.0.0.1:5000", 404)
    fetch(client, "/members/sam", 404)
    auth.login("sam")
    client.post("/account/fediverse", data={"enabled": "on"})
    auth.logout()
    person = resolve_like_mastodon(client, "sam@127.0.0.1:5000")
    assert (person["type"], person["name"]) == ("Person", "Sam")
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(people.staff.member_id or ""))
    finger(client, "acct:sam@127.0.0.1:5000", 404)


def test_the_instance_actor(client: FlaskClient) -> None:
    actor = resolve_like_mastodon(client, "127.0.0.1@127.0.0.1:5000")
    assert actor["type"] == "Application" and actor["id"] == f"{BASE}/actor"
    assert finger(client, f"{BASE}/actor")["subject"] == "acct:127.0.0.1@127.0.0.1:5000"


@pytest.mark.parametrize("resource", ["acct:public@elsewhere.example", "acct:nobody",
                                      "https://elsewhere.example/users/x"])
def test_webfinger_refuses_other_hosts_and_nonsense(client: FlaskClient, world: World,
                                                    resource: str) -> None:
    finger(client, resource, 404)


def test_webfinger_needs_a_resource(client: FlaskClient) -> None:
    assert client.get("/.well-known/webfinger").status_code == 400


def test_host_meta_points_at_webfinger(client: FlaskClient) -> None:
    response = client.get("/.well-known/host-meta")
    assert response.mimetype == "application/xrd+xml"
    link = ET.fromstring(response.data).find("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    assert link is not None and link.get("rel") == "lrdd"
    assert link.get("template") == f"{BASE}/.well-known/webfinger?resource={{uri}}"


def test_nodeinfo_counts_only_what_is_public(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    members.set_fediverse_profile(backend.services, people.staff, SetFediverseProfile(True))
    links = client.get("/.well-known/nodeinfo").get_json()["links"]
    assert [link["rel"].rsplit("/", 1)[1] for link in links] == ["2.1", "2.0"]
    for link in links:
        version = link["href"].rsplit("/", 1)[1]
        info = client.get(link["href"].removeprefix(BASE)).get_json()
        assert info["version"] == version
        assert info["software"]["name"] == "commonroom"
        assert ("repository" in info["software"]) == (version == "2.1")
        assert info["protocols"] == ["activitypub"]
        assert info["openRegistrations"] is False
        # One opted-in member; one post in the one public conference (not the other two).
        assert info["usage"]["users"]["total"] == 1
        assert info["usage"]["localPosts"] == 1


def test_private_keys_are_stored_encrypted_and_never_served(
        client: FlaskClient, backend: Backend, people: People, world: World) -> None:
    members.set_fediverse_profile(backend.services, people.staff, SetFediverseProfile(True))
    pages = ["/actor", "/c/public", "/members/sam", "/.well-known/nodeinfo", "/nodeinfo/2.1"]
    served = b"".join(client.get(p, headers={"Accept": MASTODON_ACCEPT}).data for p in pages)
    served += b"".join(client.get(p).data for p in pages)
    with backend.engine.connect() as conn:
        rows = conn.execute(select(actor_keys)).all()
    assert {r.actor for r in rows} == {"instance", f"conference:{world.conference['public']}",
                                       f"member:{people.staff.member_id}"}
    for row in rows:
        assert row.private_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        body = row.private_pem.splitlines()[1].encode()
        assert body not in served
        assert row.public_pem.splitlines()[1].encode() in served
    store = client.application.extensions["commonroom_keys"]
    assert store.private_key("instance").key_size == 2048


def test_with_federation_off_nothing_is_there(tmp_path: Path,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    app = create_app(make_config(tmp_path))  # COMMONROOM_FEDERATION unset
    try:
        client = app.test_client()
        world = World(app.extensions["commonroom"], People(app.extensions["commonroom"]))
        for path in ("/.well-known/webfinger?resource=acct:x@127.0.0.1:5000",
                     "/.well-known/nodeinfo", "/nodeinfo/2.1", "/.well-known/host-meta",
                     "/actor", "/ap/c/public/outbox"):
            assert client.get(path).status_code == 404, path
        assert client.post("/inbox", json={}).status_code == 404
        for path in ("/c/public", f"/t/{world.thread['public']}"):
            page = client.get(path, headers={"Accept": MASTODON_ACCEPT})
            assert page.mimetype == "text/html" and "Accept" not in page.vary
            assert "application/activity+json" not in page.get_data(as_text=True)
    finally:
        app.extensions["commonroom"].dispose()
