"""Rooms and direct messages in the browser, without JavaScript."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import (
    ArchiveRoom,
    CreateRoom,
    DeleteMessage,
    MarkRoomRead,
    PostMessage,
    RemoveRoomMember,
)
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html


def _room(backend: Backend, people: People, **kwargs: object) -> str:
    command = CreateRoom(**{"name": "Lounge", "slug": "lounge", **kwargs})  # type: ignore[arg-type]
    return rooms.create_room(backend.services, people.staff, command)


def _log_size(backend: Backend) -> int:
    return len(backend.store.read_all(limit=100_000))


def test_staff_create_a_room_talk_and_the_page_shows_it(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    auth.login("sam")
    response = client.post("/rooms/new", data={"name": "Lounge", "slug": "lounge",
                                               "topic": "Coffee", "visibility": "internal"})
    assert response.status_code == 302 and response.location.endswith("/rooms/lounge")
    response = client.post("/rooms/lounge/messages", data={"body": "Morning **all**"})
    assert response.status_code == 302
    page = html(client.get("/rooms/lounge"))
    assert "<strong>all</strong>" in page and "Coffee" in page
    assert 'id="m1"' in page and "Sam" in page


def test_messages_edit_with_history_delete_as_tombstone_and_react(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    room_id = _room(backend, people)
    message_id, _ = rooms.post_message(backend.services, people.staff,
                                       PostMessage(room_id, "first words"))
    auth.login("sam")
    assert client.get(f"/rooms/lounge/m/{message_id}/edit").status_code == 200
    client.post(f"/rooms/lounge/m/{message_id}/edit", data={"body": "second words"})
    history = html(client.get(f"/rooms/lounge/m/{message_id}/history"))
    assert "first words" in history and "second words" in history and "Revision 2" in history
    client.post(f"/rooms/lounge/m/{message_id}/react", data={"emoji": "🎉"})
    assert "🎉 1" in html(client.get("/rooms/lounge"))
    client.post(f"/rooms/lounge/m/{message_id}/react", data={"emoji": "🎉"})
    assert "🎉 1" not in html(client.get("/rooms/lounge"))
    client.post(f"/rooms/lounge/m/{message_id}/delete")
    page = html(client.get("/rooms/lounge"))
    assert "Message deleted." in page and "second words" not in page


def test_others_may_not_edit_and_bad_input_changes_nothing(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    room_id = _room(backend, people)
    message_id, _ = rooms.post_message(backend.services, people.staff,
                                       PostMessage(room_id, "mine"))
    auth.login("oli")
    before = _log_size(backend)
    refused = [
        (client.post(f"/rooms/lounge/m/{message_id}/edit", data={"body": "x"}), 403,
         "only its author"),
        (client.post("/rooms/lounge/messages", data={"body": "  "}), 400, "must not be empty"),
        (client.post("/rooms/lounge/messages", data={"body": "x" * 10_001}), 400, "limit"),
        (client.post("/rooms/lounge/messages", data={"body": "x", "reply_to": "nope"}), 404,
         "no such message"),
        (client.post(f"/rooms/lounge/m/{message_id}/react", data={"emoji": "💩"}), 400,
         "offered reactions"),
        (client.post("/rooms/new", data={"name": "X", "slug": "lounge"}), 409, "taken"),
        (client.post("/rooms/new", data={"name": "X", "slug": "Not OK"}), 400, "address"),
        (client.post("/messages/new", data={"to": "nobody"}), 400, "no member"),
    ]
    for response, status, words in refused:
        assert response.status_code == status, (words, html(response)[:300])
        assert words in alert(response).lower()
    assert client.post("/rooms/nowhere/messages", data={"body": "x"}).status_code == 404
    assert client.post("/rooms/lounge/explode").status_code == 404
    assert _log_size(backend) == before


def test_a_private_room_is_invisible_to_everyone_outside_it(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    room_id = _room(backend, people, slug="hiring", visibility="private",
                    members=(people.other.member_id,))
    rooms.post_message(backend.services, people.staff, PostMessage(room_id, "secret-words"))
    assert client.get("/rooms/hiring").status_code == 302  # to the sign-in page
    for handle, status in (("gus", 404), ("oli", 200), ("ada", 200)):
        auth.login(handle)
        response = client.get("/rooms/hiring")
        assert response.status_code == status, handle
        assert ("secret-words" in html(response)) == (status == 200)
        assert ("secret-words" in html(client.get("/rooms"))) is False
        auth.logout()
    # Removed, oli no longer sees it, nor can talk there.
    rooms.remove_room_member(backend.services, people.staff,
                             RemoveRoomMember(room_id, people.other.member_id or ""))
    auth.login("oli")
    assert client.get("/rooms/hiring").status_code == 404
    assert client.post("/rooms/hiring/messages", data={"body": "x"}).status_code == 404
    assert "Hiring" not in html(client.get("/rooms"))


def test_direct_messages_are_for_their_people_only_and_found_again(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    auth.login("sam")
    first = client.post("/messages/new", data={"to": "@oli"})
    assert first.status_code == 302
    again = client.post("/messages/new", data={"to": "oli"})
    assert again.location == first.location
    slug = first.location.rsplit("/", 1)[1]
    client.post(f"/rooms/{slug}/messages", data={"body": "just between us"})
    auth.logout()
    auth.login("ada")  # an admin, but not in the conversation
    assert client.get(f"/rooms/{slug}").status_code == 404
    auth.logout()
    auth.login("oli")
    page = html(client.get("/"))
    assert "Sam" in page and re.search(r'data-room-unread="[^"]+">1<', page)
    assert "just between us" in html(client.get(f"/rooms/{slug}"))
    assert re.search(r'data-room-unread="[^"]+">0<', html(client.get("/")))


def test_archived_rooms_keep_history_but_take_no_messages(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    room_id = _room(backend, people)
    rooms.post_message(backend.services, people.staff, PostMessage(room_id, "kept"))
    auth.login("sam")
    client.post("/rooms/lounge/archive")
    page = html(client.get("/rooms/lounge"))
    assert "kept" in page and "archived" in page and 'id="compose"' not in page
    response = client.post("/rooms/lounge/messages", data={"body": "x"})
    assert response.status_code == 409 and "archived" in alert(response)
    assert "Lounge" not in html(client.get("/rooms"))
    assert "Lounge" in html(client.get("/rooms?archived=1"))


def test_join_leave_and_the_unread_marker(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    room_id = _room(backend, people)
    for i in range(3):
        rooms.post_message(backend.services, people.staff, PostMessage(room_id, f"m{i}"))
    auth.login("oli")
    assert "Other rooms you can join" in html(client.get("/rooms"))
    client.post("/rooms/lounge/join")
    rooms.mark_room_read(backend.services, people.other, MarkRoomRead(room_id, 1))
    page = html(client.get("/rooms/lounge"))
    assert page.index('id="first-unread"') < page.index('id="m2"')
    assert 'id="first-unread"' not in html(client.get("/rooms/lounge"))  # read now
    client.post("/rooms/lounge/leave")
    assert "Lounge" not in html(client.get("/"))


def test_history_pages_backwards(client: FlaskClient, auth: Auth, backend: Backend,
                                 people: People) -> None:
    room_id = _room(backend, people)
    for i in range(1, 61):
        rooms.post_message(backend.services, people.staff, PostMessage(room_id, f"n{i}"))
    auth.login("sam")
    latest = html(client.get("/rooms/lounge"))
    assert 'id="m60"' in latest and 'id="m10"' not in latest and "?before=11" in latest
    older = html(client.get("/rooms/lounge?before=11"))
    assert 'id="m1"' in older and 'id="m10"' in older and 'id="m11"' not in older
    assert client.get("/rooms/lounge?before=x").status_code == 400


def test_next_unread_walks_rooms_and_threads_together(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World) -> None:
    room_id = _room(backend, people, members=(people.other.member_id,))
    rooms.post_message(backend.services, people.staff, PostMessage(room_id, "hi"))
    auth.login("oli")
    # The room's message is newer than the conference threads: threads come first.
    seen = []
    for _ in range(5):
        response = client.get("/next")
        location = response.location
        if location.endswith("/"):
            break
        seen.append(location)
        client.get(location.split("#")[0])
    assert any("/rooms/lounge" in s for s in seen)
    assert "/rooms/lounge" in seen[-1]


@pytest.mark.parametrize("handle", ["gus", "oli"])
def test_conference_rooms_follow_the_conference(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World,
        handle: str) -> None:
    # The private conference: oli moderates, sam contributes, gus is not on its list.
    room_id = rooms.create_room(backend.services, people.other, CreateRoom(
        "Private live", "private-live", visibility="conference",
        conference_id=world.conference["private"]))
    rooms.post_message(backend.services, people.other, PostMessage(room_id, "inside"))
    auth.login(handle)
    assert client.get("/rooms/private-live").status_code == (404 if handle == "gus" else 200)


def test_moderators_move_a_stretch_of_chat_to_a_thread(
        client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World) -> None:
    room_id = _room(backend, people)
    for body in ("Who is on call?", "Me", "Thanks"):
        rooms.post_message(backend.services, people.staff, PostMessage(room_id, body))
    auth.login("sam")
    page = html(client.get("/rooms/lounge"))
    assert "Move messages to a thread" in page and "#2 · " in page
    before = _log_size(backend)
    bad = client.post("/rooms/lounge/move", data={
        "first_seq": "2", "last_seq": "9", "conference_id": world.conference["internal"],
        "subject": "On call"})
    assert bad.status_code == 400 and "between 1 and 3" in alert(bad)
    assert _log_size(backend) == before
    response = client.post("/rooms/lounge/move", data={
        "first_seq": "1", "last_seq": "2", "conference_id": world.conference["internal"],
        "subject": "On call"})
    assert response.status_code == 302 and "/t/" in response.location
    thread_page = html(client.get(response.location))
    assert "On call" in thread_page and "Who is on call?" in thread_page
    room_page = html(client.get("/rooms/lounge"))
    assert room_page.count("Moved to <a") == 2 and "Thanks" in room_page
    auth.logout()
    auth.login("oli")  # not a moderator of the room
    assert "Move messages to a thread" not in html(client.get("/rooms/lounge"))
    refused = client.post("/rooms/lounge/move", data={
        "first_seq": "3", "last_seq": "3", "conference_id": world.conference["internal"],
        "subject": "x"})
    assert refused.status_code == 403


def test_room_moderation_is_on_the_audit_log_for_those_who_moderate_it(
        client: FlaskClient, auth: Auth, backend: Backend, people: People) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    room_id = _room(backend, people, visibility="private", members=(oli.member_id,))
    mine, _ = rooms.post_message(svc, oli, PostMessage(room_id, "mine"))
    theirs, _ = rooms.post_message(svc, oli, PostMessage(room_id, "spam"))
    rooms.delete_message(svc, oli, DeleteMessage(room_id, mine))  # their own: not moderation
    rooms.delete_message(svc, sam, DeleteMessage(room_id, theirs))
    rooms.remove_room_member(svc, sam, RemoveRoomMember(room_id, oli.member_id or ""))
    rooms.archive_room(svc, sam, ArchiveRoom(room_id))
    auth.login("sam")
    page = html(client.get("/audit"))
    assert page.count("deleted a message") == 1
    assert "removed someone from a room" in page and "archived a room" in page
    assert "Lounge" in page
    auth.logout()
    auth.login("oli")
    assert client.get("/audit").status_code == 404
