"""Live rooms over real sockets: a node socket.io-client, and two people in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom, PostMessage
from tests.conftest import People
from tests.e2e.conftest import ROOT, LiveServer, _missing, login

SCRIPT = ROOT / "tests" / "e2e" / "js" / "catch_up.mjs"


class NodeClient:
    """The catch_up.mjs script, one JSON line per step."""

    def __init__(self, url: str, token: str, room_id: str) -> None:
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "socket.io-client").exists():
            _missing("node and the npm package socket.io-client are needed (npm install)")
        self.process = subprocess.Popen(
            [str(node), str(SCRIPT), url, token, room_id], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def expect_step(self, step: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"node exited: {self.process.stderr.read() if self.process.stderr else ''}"
        found: dict[str, Any] = json.loads(line)
        assert found["step"] == step, found
        return found

    def received(self) -> list[dict[str, Any]]:
        self.send("report")
        events: list[dict[str, Any]] = self.expect_step("report")["received"]
        return events

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            events = self.received()
            if len(events) >= count or time.monotonic() > deadline:
                return events
            time.sleep(0.05)

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("quit")
        try:
            self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def test_a_node_client_cut_off_gets_exactly_what_it_missed(
        live_server: LiveServer, backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    room_id = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge"))
    token = members.issue_api_token(svc, people.other, IssueApiToken("node"))
    client = NodeClient(live_server.url, token, room_id)
    try:
        assert client.expect_step("joined")["ack"]["ok"]
        say: Callable[[str], Any] = lambda body: rooms.post_message(  # noqa: E731
            svc, sam, PostMessage(room_id, body))
        for i in range(3):
            say(f"live {i}")
        assert len(client.wait_for(3)) == 3
        client.send("cut")
        client.expect_step("cut")
        for i in range(4):
            say(f"missed {i}")
        client.send("resume")
        resumed = client.expect_step("resumed")
        assert resumed["ack"] == {"ok": True, "channel": f"room:{room_id}", "catch_up": "ok"}
        for i in range(2):
            say(f"after {i}")
        events = client.wait_for(9)
        time.sleep(0.3)  # anything repeated or late would arrive by now
        events = client.received()
    finally:
        client.close()
    positions = [e["position"] for e in events]
    expected = [r.position for r in backend.store.read_stream(f"room-{room_id}")
                if r.event.type == "MessagePosted"]
    assert positions == expected  # each once, in order: nothing lost, nothing repeated
    assert [e["seq"] for e in events] == list(range(1, 10))


def test_two_people_in_a_room(new_page: Callable[[], Page], backend: Backend,
                              people: People) -> None:
    room_id = rooms.create_room(backend.services, people.staff, CreateRoom(
        "Lounge", "lounge", members=(people.other.member_id or "",)))
    sam, oli = new_page(), new_page()
    login(sam, "sam")
    login(oli, "oli")
    oli.goto("/")
    badge = oli.locator(f"[data-room-unread='{room_id}']")
    expect(badge).to_have_text("0")
    sam.goto("/rooms/lounge")
    expect(sam.locator(".presence.online").first).to_be_visible()

    # Oli watches the room; Sam types and Oli sees it, then the message.
    oli_room = new_page()
    login(oli_room, "oli")
    oli_room.goto("/rooms/lounge")
    expect(oli_room.locator(f"[data-presence='{people.staff.member_id}']")).to_have_class(
        "presence online")
    box = sam.get_by_label("Message (Markdown; Enter sends, Shift+Enter for a new line)")
    box.press_sequentially("Coffee at 3?")
    expect(oli_room.locator("#typing")).to_have_text("Sam is typing…")
    box.press("Enter")
    message = oli_room.locator("#messages li.message").last
    expect(message.locator(".body")).to_have_text("Coffee at 3?")
    expect(oli_room.locator("#typing")).to_have_text("")
    expect(oli_room.locator("#announcer")).to_contain_text("Sam: Coffee at 3?")
    expect(sam.locator("#compose-body")).to_have_value("")

    # The home page's badge counted it without a reload.
    expect(badge).to_have_text("1")

    # A reload shows the history from the server.
    oli_room.reload()
    expect(oli_room.locator("#messages li.message .body").last).to_have_text("Coffee at 3?")


@pytest.mark.parametrize("handle", ["gus"])
def test_a_stranger_cannot_listen_in(page: Page, backend: Backend, people: People,
                                     handle: str) -> None:
    rooms.create_room(backend.services, people.staff, CreateRoom(
        "Hiring", "hiring", visibility="private"))
    login(page, handle)
    response = page.goto("/rooms/hiring")
    assert response is not None and response.status == 404


def test_scrolling_up_brings_older_messages_and_keys_walk_them(
        page: Page, backend: Backend, people: People) -> None:
    room_id = rooms.create_room(backend.services, people.staff, CreateRoom("Log", "log"))
    for n in range(1, 71):
        rooms.post_message(backend.services, people.staff, PostMessage(room_id, f"line {n}"))
    login(page, "sam")
    page.goto("/rooms/log")
    expect(page.locator("#m70")).to_be_attached()
    expect(page.locator("#m1")).not_to_be_attached()
    page.locator(".history-link a[rel='prev']").scroll_into_view_if_needed()
    expect(page.locator("#m1 .body")).to_have_text("line 1")
    expect(page.locator(".history-link a[rel='prev']")).to_have_count(0)
    page.locator("body").click()
    page.keyboard.press("j")
    expect(page.locator("li.message").first).to_be_focused()


def test_whos_online_lists_people_as_they_come(new_page: Callable[[], Page],
                                               people: People) -> None:
    oli = new_page()
    login(oli, "oli")
    oli.goto("/rooms")
    online = oli.locator("#online")
    expect(online).to_contain_text("Oli")
    sam = new_page()
    login(sam, "sam")
    expect(online).to_contain_text("Sam")
