"""Every socket event and permission case, with Flask-SocketIO's test client.

Pushes come from the committed log: each test runs the live subscriber
(``push()``) the way ``commonroom run`` does on its background thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from forum.backend import Backend
from forum.core.subscribers import SubscriberRunner
from forum.features.members import handlers as members
from forum.features.members.commands import DeactivateMember, IssueApiToken
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom, PostMessage, React, RemoveRoomMember
from forum.features.threads import handlers as threads
from forum.features.threads.commands import HidePost, PostReply
from forum.live.realtime import Live
from tests.conftest import People
from tests.web.conftest import Auth, World

Connect = Callable[..., SocketIOTestClient]


@pytest.fixture
def live(app: Flask) -> Live:
    result: Live = app.extensions["commonroom_live"]
    return result


@pytest.fixture
def push(live: Live, people: People) -> Callable[[], int]:
    """Run the live subscriber once over what committed since it started."""
    runner: SubscriberRunner = live.runner()
    runner.run_once()  # a live follower starts at the head of the log
    return runner.run_once


@pytest.fixture
def connect(app: Flask, live: Live) -> Connect:
    made: list[SocketIOTestClient] = []

    def make(handle: str | None = None, **kwargs: Any) -> SocketIOTestClient:
        http = app.test_client()
        if handle is not None:
            Auth(http).login(handle)
        client = live.socketio.test_client(app, flask_test_client=http, **kwargs)
        made.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in made:
        if client.is_connected():
            client.disconnect()


def settle(push: Callable[[], int], *clients: SocketIOTestClient) -> None:
    """Push what the set-up committed, and forget what the clients heard of it."""
    push()
    for client in clients:
        client.get_received()


def received(client: SocketIOTestClient, name: str) -> list[Any]:
    """What the client received of one kind, in order; a batch of room events
    (``room_events``) counts as its events, as the browser takes it."""
    found: list[Any] = []
    for item in client.get_received():
        if item["name"] == name:
            found.append(item["args"][0])
        elif name == "room_event" and item["name"] == "room_events":
            found.extend(item["args"][0])
    return found


def lounge(backend: Backend, people: People, **kwargs: Any) -> str:
    return rooms.create_room(backend.services, people.staff, CreateRoom(
        **{"name": "Lounge", "slug": "lounge", **kwargs}))


def test_connecting_needs_a_session_or_a_token(connect: Connect, backend: Backend,
                                               people: People) -> None:
    assert not connect().is_connected()
    assert connect("sam").is_connected()
    token = members.issue_api_token(backend.services, people.other, IssueApiToken("bot"))
    assert connect(auth={"token": token}).is_connected()
    assert not connect(auth={"token": "not-a-token"}).is_connected()


def test_a_message_reaches_the_room_after_commit_with_its_position(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    room_id = lounge(backend, people)
    oli = connect("oli")
    assert oli.emit("join", {"kind": "room", "id": room_id}, callback=True)["ok"]
    settle(push, oli)
    rooms.post_message(backend.services, people.staff, PostMessage(room_id, "**hi**"))
    assert received(oli, "room_event") == []  # nothing before the subscriber saw the commit
    push()
    [event] = received(oli, "room_event")
    assert event["kind"] == "message" and event["message"]["html"] == "<p><strong>hi</strong></p>\n"
    assert event["position"] == backend.store.stream_head(f"room-{room_id}")


def test_a_burst_goes_out_as_one_packet_per_room_cut_where_access_changes(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    room_id = lounge(backend, people, visibility="private",
                     members=(people.other.member_id or "",))
    oli, watcher = connect("oli"), connect("sam")
    for client in (oli, watcher):
        assert client.emit("join", {"kind": "room", "id": room_id}, callback=True)["ok"]
    settle(push, oli, watcher)
    for body in ("one", "two"):
        rooms.post_message(svc, sam, PostMessage(room_id, body))
    rooms.remove_room_member(svc, sam, RemoveRoomMember(room_id, people.other.member_id or ""))
    for body in ("three", "four"):
        rooms.post_message(svc, sam, PostMessage(room_id, body))
    assert push() == 5  # one batch
    heard = [(item["name"], item["args"][0]) for item in oli.get_received()]
    assert [name for name, _ in heard] == ["room_events", "revoked"]
    assert [e["message"]["html"] for e in heard[0][1]] == ["<p>one</p>\n", "<p>two</p>\n"]
    assert heard[1][1] == {"channel": f"room:{room_id}"}
    packets = [item for item in watcher.get_received() if item["name"].startswith("room_")]
    assert [p["name"] for p in packets] == ["room_events", "room_events"]
    kinds = [e["kind"] for p in packets for e in p["args"][0]]
    positions = [e["position"] for p in packets for e in p["args"][0]]
    assert kinds == ["message", "message", "left", "message", "message"]
    assert positions == sorted(positions) and len(set(positions)) == 5


def test_nobody_follows_what_they_may_not_read(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People,
        world: World) -> None:
    secret = lounge(backend, people, slug="hiring", visibility="private")
    gus = connect("gus")
    refused = [
        {"kind": "room", "id": secret},
        {"kind": "room", "id": "no-such-room"},
        {"kind": "thread", "id": world.thread["private"]},
        {"kind": "watch:conference", "id": world.conference["internal"]},
    ]
    for data in refused:
        ack = gus.emit("join", data, callback=True)
        assert ack == {"ok": False, "error": {"code": "not_found",
                                              "message": "nothing to follow there"}}
    assert gus.emit("join", {"kind": "thread", "id": world.thread["public"]},
                    callback=True)["ok"]
    rooms.post_message(backend.services, people.staff, PostMessage(secret, "secret-words"))
    push()
    assert "secret-words" not in repr(gus.get_received())


def test_catch_up_sends_exactly_what_was_missed(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    room_id = lounge(backend, people)
    svc, sam = backend.services, people.staff
    for i in range(3):
        rooms.post_message(svc, sam, PostMessage(room_id, f"seen {i}"))
    seen = backend.store.stream_head(f"room-{room_id}")
    for i in range(4):
        rooms.post_message(svc, sam, PostMessage(room_id, f"missed {i}"))
    oli = connect("oli")
    oli.get_received()
    ack = oli.emit("join", {"kind": "room", "id": room_id, "after": seen}, callback=True)
    assert ack == {"ok": True, "channel": f"room:{room_id}", "catch_up": "ok"}
    caught = received(oli, "room_event")
    assert [e["message"]["html"] for e in caught] == [f"<p>missed {i}</p>\n" for i in range(4)]
    positions = [e["position"] for e in caught]
    assert positions == sorted(positions) and positions[0] > seen
    # A position from another stream, or from nowhere, asks the client to reload.
    other = lounge(backend, people, slug="other")
    ack = oli.emit("join", {"kind": "room", "id": other, "after": seen}, callback=True)
    assert ack["catch_up"] == "reset"


def test_losing_access_leaves_the_channel_at_once(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    secret = lounge(backend, people, slug="hiring", visibility="private",
                    members=(people.other.member_id,))
    oli = connect("oli")
    assert oli.emit("join", {"kind": "room", "id": secret}, callback=True)["ok"]
    settle(push, oli)
    svc, sam = backend.services, people.staff
    rooms.remove_room_member(svc, sam, RemoveRoomMember(secret, people.other.member_id or ""))
    rooms.post_message(svc, sam, PostMessage(secret, "after-you-left"))
    push()
    got = oli.get_received()
    assert {"name": "revoked", "args": [{"channel": f"room:{secret}"}],
            "namespace": "/"} in got
    assert "after-you-left" not in repr(got)


def test_a_deactivated_member_is_disconnected(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    oli = connect("oli")
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(people.other.member_id or ""))
    push()
    assert not oli.is_connected()


@pytest.mark.parametrize(("event", "data", "code"), [
    ("join", "lounge", "invalid_input"),
    ("join", {"kind": "room"}, "invalid_input"),
    ("join", {"kind": "galaxy", "id": "x"}, "invalid_input"),
    ("join", {"kind": "room", "id": "x", "after": -1}, "invalid_input"),
    ("join", {"kind": "room", "id": "x", "after": "9"}, "invalid_input"),
    ("send", {"room": "ROOM", "body": ""}, "invalid_input"),
    ("send", {"room": "ROOM", "body": "x" * 10_001}, "invalid_input"),
    ("send", {"room": "ROOM", "body": 5}, "invalid_input"),
    ("send", {"room": "ROOM", "body": "x", "reply_to": "nope"}, "not_found"),
    ("send", {"room": "nope", "body": "x"}, "not_found"),
    ("react", {"room": "ROOM", "message": "nope", "emoji": "👍"}, "not_found"),
    ("typing", {"room": "nope"}, "not_found"),
    ("presence", {"state": "asleep"}, "invalid_input"),
    ("watch", {"channels": [{"kind": "room", "id": "ROOM"}]}, "invalid_input"),
    ("watch", {"channels": "all"}, "invalid_input"),
    ("read", {"room": "ROOM", "seq": 1.5}, "invalid_input"),
])
def test_bad_payloads_get_an_error_and_store_nothing(
        connect: Connect, backend: Backend, people: People, event: str, data: Any,
        code: str) -> None:
    room_id = lounge(backend, people)
    if isinstance(data, dict):
        data = {k: (room_id if v == "ROOM" else v) for k, v in data.items()}
    sam = connect("sam")
    sam.get_received()
    before = backend.store.head()
    ack = sam.emit(event, data, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert received(sam, "error_message")[0]["code"] == code
    assert backend.store.head() == before
    assert sam.is_connected()


def test_sending_through_the_socket_goes_through_the_command_path(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    room_id = lounge(backend, people)
    sam = connect("sam")
    sam.emit("join", {"kind": "room", "id": room_id}, callback=True)
    settle(push, sam)
    ack = sam.emit("send", {"room": room_id, "body": "via socket"}, callback=True)
    assert ack["ok"] and ack["seq"] == 1
    push()
    [event] = received(sam, "room_event")
    assert event["message"]["id"] == ack["id"]
    assert sam.emit("react", {"room": room_id, "message": ack["id"], "emoji": "👍"},
                    callback=True)["ok"]
    assert sam.emit("delete", {"room": room_id, "message": ack["id"]}, callback=True)["ok"]
    push()
    changes = received(sam, "room_event")
    assert [c["kind"] for c in changes] == ["message_changed", "message_changed"]
    assert changes[-1]["message"]["deleted"] and changes[-1]["message"]["html"] == ""


def test_a_new_message_comes_without_reactions_and_its_reactions_follow(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People) -> None:
    room_id = lounge(backend, people)
    oli = connect("oli")
    oli.emit("join", {"kind": "room", "id": room_id}, callback=True)
    settle(push, oli)
    message_id, _ = rooms.post_message(backend.services, people.staff,
                                       PostMessage(room_id, "react to me"))
    push()
    rooms.react(backend.services, people.other, React(room_id, message_id, "👍"))
    push()
    posted, changed = received(oli, "room_event")
    assert posted["kind"] == "message" and posted["message"]["reactions"] == []
    assert changed["kind"] == "message_changed"
    assert [list(r) for r in changed["message"]["reactions"]] == [["👍", ["oli"]]]
    assert changed["position"] > posted["position"]


def test_messages_are_rate_limited(app: Flask, connect: Connect, backend: Backend,
                                   people: People) -> None:
    room_id = lounge(backend, people)
    sam = connect("sam")
    acks = [sam.emit("send", {"room": room_id, "body": f"m{i}"}, callback=True)
            for i in range(25)]
    assert all(a["ok"] for a in acks[:20])
    assert acks[20]["error"]["message"] == "you are sending messages too fast; wait a moment"
    assert backend.store.stream_version(f"room-{room_id}") == 21  # created + 20 messages


def test_typing_reaches_the_others_in_the_room_not_the_typist(
        connect: Connect, backend: Backend, people: People) -> None:
    room_id = lounge(backend, people)
    sam, oli = connect("sam"), connect("oli")
    for client in (sam, oli):
        client.emit("join", {"kind": "room", "id": room_id}, callback=True)
        client.get_received()
    assert sam.emit("typing", {"room": room_id}, callback=True) == {"ok": True}
    assert received(oli, "typing") == [{"room_id": room_id, "member_id": people.staff.member_id,
                                        "name": "Sam"}]
    assert received(sam, "typing") == []
    acks = [sam.emit("typing", {"room": room_id}, callback=True) for _ in range(12)]
    assert {"ok": True, "dropped": True} in acks  # over the limit: dropped, not an error


def test_presence_online_away_offline(connect: Connect, people: People) -> None:
    oli = connect("oli")
    oli.get_received()
    sam = connect("sam")
    assert received(sam, "presence_list")[0] == {people.other.member_id: "online",
                                                 people.staff.member_id: "online"}
    sam_is = {"member_id": people.staff.member_id, "name": "Sam", "handle": "sam"}
    assert received(oli, "presence") == [{**sam_is, "status": "online"}]
    sam.emit("presence", {"state": "away"}, callback=True)
    assert received(oli, "presence") == [{**sam_is, "status": "away"}]
    sam.disconnect()
    assert received(oli, "presence") == [{**sam_is, "status": "offline"}]


def test_presence_is_told_only_of_active_members(connect: Connect, backend: Backend,
                                                 people: People) -> None:
    """The rule: signed-in members see active members' presence, and nobody else does."""
    gus = connect("gus")
    assert gus.is_connected()
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(people.guest.member_id or ""))
    # Gus's socket is still open (the live follower has not run yet): not listed anyway.
    ada = connect("ada")
    assert received(ada, "presence_list")[0] == {people.admin.member_id: "online"}
    assert not connect().is_connected()  # anonymous: no socket, no list


def test_an_open_thread_sees_replies_and_never_hidden_words(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People,
        world: World) -> None:
    tid = world.thread["internal"]
    oli = connect("oli")
    oli.emit("join", {"kind": "thread", "id": tid}, callback=True)
    settle(push, oli)
    svc, admin = backend.services, people.admin
    pid, _ = threads.post_reply(svc, people.staff, PostReply(tid, world.post["internal"],
                                                                 "new reply"))
    threads.hide_post(svc, admin, HidePost(tid, pid, "spoiler"))
    push()
    events = received(oli, "thread_event")
    assert [e["kind"] for e in events] == ["post", "post_changed"]
    # Payloads show the post as it is now: hidden, so without its words.
    assert all(e["post"]["html"] == "" for e in events)
    assert events[-1]["post"]["hidden"]


def test_the_home_page_hears_of_new_things_in_what_it_watches(
        connect: Connect, push: Callable[[], int], backend: Backend, people: People,
        world: World) -> None:
    room_id = lounge(backend, people)
    oli = connect("oli")
    ack = oli.emit("watch", {"channels": [
        {"kind": "watch:room", "id": room_id},
        {"kind": "watch:conference", "id": world.conference["internal"]}]}, callback=True)
    assert ack["ok"] and len(ack["watching"]) == 2
    settle(push, oli)
    rooms.post_message(backend.services, people.staff, PostMessage(room_id, "x"))
    threads.post_reply(backend.services, people.staff, PostReply(
        world.thread["internal"], world.post["internal"], "y"))
    threads.post_reply(backend.services, people.staff, PostReply(
        world.thread["private"], world.post["private"], "z"))
    push()
    activity = received(oli, "activity")
    assert [(a["kind"], a["id"]) for a in activity] == [
        ("room", room_id), ("conference", world.conference["internal"])]


def test_marking_a_room_read_over_the_socket(connect: Connect, backend: Backend,
                                             people: People, client: FlaskClient) -> None:
    room_id = lounge(backend, people)
    for i in range(3):
        rooms.post_message(backend.services, people.staff, PostMessage(room_id, f"m{i}"))
    oli = connect("oli")
    assert oli.emit("read", {"room": room_id, "seq": 2}, callback=True) == {"ok": True}
    with backend.engine.connect() as conn:
        from forum.features.rooms.queries import get_room_marker
        assert get_room_marker(conn, people.other.member_id, room_id) == 2


def test_the_notification_badge_is_live(connect: Connect, push: Callable[[], int],
                                        backend: Backend, people: People, world: World) -> None:
    sam = connect("sam")
    settle(push, sam)
    threads.post_reply(backend.services, people.other, PostReply(
        world.thread["internal"], world.post["internal"], "@sam look"))
    push()
    [notice] = received(sam, "notifications")
    assert notice["unread"] == 1
