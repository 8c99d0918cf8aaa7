"""Kudos and "today I learned" through the test client: forms, API, refusals, privacy."""

from __future__ import annotations

from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import GiveKudos
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.rotas import handlers as rotas
from forum.features.rotas.commands import SignUpForSlot
from tests.conftest import People
from tests.features.rotas.test_pages import Rota
from tests.web.conftest import Auth, World, alert, html


def test_kudos_on_a_post_from_the_thread_page(client: FlaskClient, auth: Auth, world: World,
                                              people: People, backend: Backend) -> None:
    post = world.post["internal"]  # written by ada
    auth.login("sam")
    page = html(client.post(f"/kudos/post/{post}", data={"action": "give"},
                            follow_redirects=True))
    assert "Kudos given" in page and "👏 Kudos 1" in page and 'aria-pressed="true"' in page
    auth.logout()
    auth.login("ada")
    assert "Sam gave you kudos for internal subject" in html(client.get("/notifications"))
    assert "👏 1 kudos" in html(client.get(f"/t/{world.thread['internal']}"))
    refused = client.post(f"/kudos/post/{post}", data={"action": "give"})
    assert refused.status_code == 400 and "someone else" in alert(refused)
    auth.logout()
    auth.login("sam")
    page = html(client.post(f"/kudos/post/{post}", data={"action": "withdraw"},
                            follow_redirects=True))
    assert "Kudos taken back" in page and "👏 Kudos</button>" in page


def test_kudos_on_a_talk_with_a_note(client: FlaskClient, auth: Auth, people: People,
                                     backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    talk = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota.id, rota.slots[0].slot.id, "SQL"))
    auth.login("oli")
    page = html(client.post(f"/kudos/talk/{talk}", data={"note": "Finally I get joins"},
                            follow_redirects=True))
    assert "Oli</a>: Finally I get joins" in page and "Take back your kudos" in page
    token = members.issue_api_token(backend.services, people.admin, IssueApiToken("t"))
    listed = client.get(f"/api/v1/talks/{talk}/kudos",
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [k["note"] for k in listed["items"]] == ["Finally I get joins"]


def test_private_kudos_stay_private(client: FlaskClient, auth: Auth, world: World,
                                    people: People, backend: Backend) -> None:
    post = world.post["private"]
    kudos.give_kudos(backend.services, people.staff, GiveKudos("post", post, "secret-thanks"))
    head = backend.store.head()
    auth.login("gus")
    assert client.post(f"/kudos/post/{post}", data={"action": "give"}).status_code == 404
    token = members.issue_api_token(backend.services, people.guest, IssueApiToken("t"))
    response = client.get(f"/api/v1/posts/{post}/kudos",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and "secret-thanks" not in html(response)
    assert backend.store.head() == head + 1  # only the token


def test_today_i_learned(client: FlaskClient, auth: Auth, world: World, people: People,
                         backend: Backend) -> None:
    auth.login("sam")
    refused = client.post("/til", data={"body": "Something"})
    assert refused.status_code == 404 and "administrator chooses" in alert(refused)
    auth.logout()
    auth.login("ada")
    client.post("/til/conference", data={"conference_id": world.conference["internal"]})
    auth.logout()
    auth.login("sam")
    head = backend.store.head()
    too_long = client.post("/til", data={"body": "x" * 501})
    assert too_long.status_code == 400 and "500" in alert(too_long)
    assert backend.store.head() == head
    page = html(client.post("/til", data={"body": "`git bisect run` does it for you\n\nReally."},
                            follow_redirects=True))
    assert "TIL: <code>git bisect run</code>" in page or "TIL: `git bisect run`" in page
    assert "<code>git bisect run</code> does it for you" in page
    auth.logout()
    assert "git bisect" not in html(client.get("/til"))  # internal: not for visitors
    assert client.get("/api/v1/til").get_json() == {"items": []}
