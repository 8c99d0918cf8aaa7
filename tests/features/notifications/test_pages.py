"""The notification inbox and the watch forms, in the browser without JavaScript."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import OpenDirectRoom, PostMessage
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply, StartThread
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html


def _count(page: str) -> int:
    found = re.search(r'id="notification-count">(\d+)<', page)
    assert found, "no notification badge"
    return int(found.group(1))


def test_a_mention_lands_in_the_inbox_and_reading_it_goes_there(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    post_id, _ = threads.post_reply(backend.services, people.other, PostReply(
        world.thread["internal"], world.post["internal"], "What do you think, @sam?"))
    auth.login("sam")
    assert _count(html(client.get("/"))) == 1
    inbox = html(client.get("/notifications"))
    assert "Oli mentioned you in internal subject" in inbox
    position = re.search(r'name="position" value="(\d+)"', inbox)
    assert position
    response = client.post("/notifications/read", data={
        "position": position.group(1), "next": f"/p/{post_id}"})
    assert response.status_code == 302 and response.location.endswith(f"/p/{post_id}")
    assert _count(html(client.get("/"))) == 0


def test_mark_all_read_and_bad_input(client: FlaskClient, auth: Auth, backend: Backend,
                                     people: People, world: World) -> None:
    room_id = rooms.open_direct_room(backend.services, people.other,
                                     OpenDirectRoom((people.staff.member_id or "",)))
    for i in range(3):
        rooms.post_message(backend.services, people.other, PostMessage(room_id, f"hi {i}"))
    auth.login("sam")
    assert _count(html(client.get("/"))) == 3
    assert "Oli sent you a message in Oli" in html(client.get("/notifications"))
    client.post("/notifications/read", data={"next": "//evil.example"})
    assert _count(html(client.get("/"))) == 0
    response = client.post("/notifications/read", data={"position": "x"})
    assert response.status_code == 400 and "whole number" in alert(response)


def test_watching_a_conference_hears_of_new_threads(
        client: FlaskClient, auth: Auth, backend: Backend, people: People,
        world: World) -> None:
    auth.login("sam")
    page = html(client.get("/c/internal"))
    assert '<option value="normal" selected>' in page
    response = client.post(f"/watch/conference/{world.conference['internal']}",
                           data={"level": "watching", "next": "/c/internal"})
    assert response.status_code == 302 and response.location.endswith("/c/internal")
    assert '<option value="watching" selected>' in html(client.get("/c/internal"))
    threads.start_thread(backend.services, people.other, StartThread(
        world.conference["internal"], "Lunch?", "Anyone"))
    assert "Oli started Lunch?" in html(client.get("/notifications"))
    bad = client.post(f"/watch/conference/{world.conference['internal']}",
                      data={"level": "loud"})
    assert bad.status_code == 400 and "level must be one of" in alert(bad).lower()
    hidden = client.post(f"/watch/conference/{world.conference['private']}x",
                         data={"level": "muted"})
    assert hidden.status_code == 404
