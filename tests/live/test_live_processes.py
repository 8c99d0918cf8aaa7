"""Two server processes with Redis, clients that come and go at random, 2,000 messages.

Real ``commonroom run`` processes on one SQLite database, Redis as Socket.IO's
message queue and commit signal, python-socketio clients that disconnect at
random and rejoin with the last position they saw. At the end every member
has every message exactly once (after de-duplicating by position, as the
browser does), in log order; an outsider connected throughout has none. A
client that missed more than a catch-up holds is told "reset" and, as the
browser reloads the page, reads the room as it stands and joins from there.

And "who is online": both processes give the same list, and when one is
killed with SIGKILL its people go offline within seconds, for everyone.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio

from forum.core.permissions import Viewer
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken, RegisterMember
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom
from tests.conftest import People, make_config, sqlite_backend
from tests.servers import free_port, start_server
from tests.web.test_rate_limit_redis import redis_url

MESSAGES = 2000
POSTERS = 2


class Follower:
    """One member's client: connects to either server, drops at random, catches up."""

    def __init__(self, name: str, token: str, room_id: str, urls: list[str],
                 rng: random.Random, head: int, database: Path | None = None) -> None:
        self.name, self.token, self.room_id, self.urls, self.rng = (
            name, token, room_id, urls, rng)
        self.database = database
        self.reloads = 0
        self.from_pages = 0  # messages read by reloading rather than pushed
        self.seen: dict[int, int] = {}  # position -> seq, de-duplicated
        self.arrivals = 0
        self.last: int | None = head  # as a page gives it: where the room stood when shown
        self.refused: list[Any] = []
        self.lock = threading.Lock()

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") != "message":
            return
        with self.lock:
            self.arrivals += 1
            self.seen[event["position"]] = event["message"]["seq"]
            if self.last is None or event["position"] > self.last:
                self.last = event["position"]

    def _on_events(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            self._on_event(event)

    def session(self, seconds: float) -> None:
        client = socketio.Client(reconnection=False)
        client.on("room_event", self._on_event)
        client.on("room_events", self._on_events)
        client.connect(self.rng.choice(self.urls), auth={"token": self.token},
                       transports=["websocket"], wait_timeout=10)
        try:
            ack = client.call("join", {"kind": "room", "id": self.room_id, "after": self.last},
                              timeout=10)
            if ack["ok"] and ack["catch_up"] == "reset":
                self.reload()
                ack = client.call("join", {"kind": "room", "id": self.room_id,
                                           "after": self.last}, timeout=10)
            if not ack["ok"]:
                self.refused.append(ack)
            time.sleep(seconds)
        finally:
            client.disconnect()

    def reload(self) -> None:
        """What reloading the room's page gives: every message as it stands (scrolling
        up through the history) and the room's position, read in one transaction."""
        assert self.database is not None
        self.reloads += 1
        with sqlite3.connect(self.database) as db:
            db.execute("BEGIN")
            rows = db.execute("SELECT position, seq FROM messages WHERE room_id = ?",
                              (self.room_id,)).fetchall()
            head = db.execute("SELECT MAX(position) FROM events WHERE stream_id = ?",
                              (f"room-{self.room_id}",)).fetchone()[0]
        with self.lock:
            self.from_pages += len(rows)
            self.seen.update({int(p): int(s) for p, s in rows})
            self.last = max(self.last or 0, int(head))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.session(self.rng.uniform(0.1, 0.8))
            time.sleep(self.rng.uniform(0.0, 0.3))


def test_two_processes_random_disconnects_every_message_exactly_once(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = redis_url()
    backend = sqlite_backend(tmp_path, tmp_path_factory)
    people = People(backend)
    svc = backend.services
    outsider = Viewer(members.register_member(svc, people.admin, RegisterMember(
        "zoe", "Zoe", "zoe@example.org", "a long password", "staff")), "staff")
    inside = [people.staff, people.other, people.admin, people.guest]
    room_id = rooms.create_room(svc, people.staff, CreateRoom(
        "Busy", "busy", visibility="private",
        members=tuple(v.member_id or "" for v in inside)))
    tokens = {v.member_id: members.issue_api_token(svc, v, IssueApiToken("load"))
              for v in (*inside, outsider)}
    head = backend.store.stream_head(f"room-{room_id}")
    backend.dispose()

    data_dir = make_config(tmp_path).data_dir
    env = {"redis_url": url, "redis_prefix": f"test-{uuid.uuid4().hex[:12]}",
           "message_rate_limit": "100000 per second"}
    ports = [free_port(), free_port()]
    servers = [start_server(data_dir, port, **env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    rng = random.Random(20261130)
    try:
        followers = [Follower(v.member_id or "", tokens[v.member_id], room_id, urls,
                              random.Random(rng.random()), head, data_dir / "commonroom.db")
                     for v in inside]
        stranger = Follower("zoe", tokens[outsider.member_id], room_id, urls, rng, head)
        stop = threading.Event()
        threads = [threading.Thread(target=f.run, args=(stop,)) for f in followers]
        for t in threads:
            t.start()

        stranger_client = socketio.Client(reconnection=False)
        stranger_client.on("room_event", stranger._on_event)
        stranger_client.on("room_events", stranger._on_events)
        stranger_client.connect(urls[0], auth={"token": stranger.token},
                                transports=["websocket"])
        stranger.refused.append(stranger_client.call(
            "join", {"kind": "room", "id": room_id}, timeout=10))

        def post(index: int) -> None:
            client = socketio.Client(reconnection=False)
            client.connect(urls[index % 2], auth={"token": tokens[inside[index].member_id]},
                           transports=["websocket"])
            try:
                for n in range(MESSAGES // POSTERS):
                    ack = client.call("send", {"room": room_id, "body": f"{index}/{n}"},
                                      timeout=30)
                    assert ack["ok"], ack
            finally:
                client.disconnect()

        posters = [threading.Thread(target=post, args=(i,)) for i in range(POSTERS)]
        started = time.monotonic()
        for t in posters:
            t.start()
        for t in posters:
            t.join(240)
        print(f"{MESSAGES} messages posted in {time.monotonic() - started:.1f} s; "
              f"reloads after a reset: {[f.reloads for f in followers]}")
        stop.set()
        for t in threads:
            t.join(30)
        # A last visit each, to collect whatever was missed while away.
        deadline = time.monotonic() + 30
        for follower in followers:
            while len(follower.seen) < MESSAGES and time.monotonic() < deadline:
                follower.session(0.5)
        stranger_client.disconnect()
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)

    for follower in followers:
        ordered = [follower.seen[p] for p in sorted(follower.seen)]
        assert ordered == list(range(1, MESSAGES + 1)), (
            f"{follower.name}: {len(follower.seen)} of {MESSAGES}")
        assert not follower.refused
        assert follower.arrivals + follower.from_pages >= MESSAGES
    assert stranger.seen == {}
    assert stranger.refused[0]["ok"] is False


class Watcher:
    """A member's client that remembers the "who is online" list and every change."""

    def __init__(self, url: str, token: str) -> None:
        self.lists: list[dict[str, str]] = []
        self.changes: list[tuple[str, str]] = []
        self.client = socketio.Client(reconnection=False)
        self.client.on("presence_list", self.lists.append)
        self.client.on("presence", lambda p: self.changes.append((p["member_id"], p["status"])))
        self.client.connect(url, auth={"token": token}, transports=["websocket"],
                            wait_timeout=10)
        wait_for(lambda: bool(self.lists), "a presence list")


def wait_for(condition: Any, what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.05)


def test_whos_online_is_one_list_across_processes_and_a_killed_ones_people_go_offline(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = redis_url()
    backend = sqlite_backend(tmp_path, tmp_path_factory)
    people = People(backend)
    everyone = (people.staff, people.other, people.admin, people.guest)
    tokens = {v.member_id: members.issue_api_token(backend.services, v, IssueApiToken("t"))
              for v in everyone}
    backend.dispose()
    sam, oli, ada, gus = (v.member_id or "" for v in everyone)

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    env = {"redis_url": url, "redis_prefix": prefix, "presence_timeout": "2"}
    data_dir = make_config(tmp_path).data_dir
    servers = [start_server(data_dir, free_port(), **env) for _ in range(2)]
    urls = [f"http://127.0.0.1:{server.args[-1]}" for server in servers]
    watchers: list[Watcher] = []
    try:
        # Sam and Gus on the first process, Oli on the second.
        watchers += [Watcher(urls[0], tokens[sam]), Watcher(urls[0], tokens[gus]),
                     Watcher(urls[1], tokens[oli])]
        # Ada arrives on the second process and sees everyone, wherever they are.
        ada_watch = Watcher(urls[1], tokens[ada])
        watchers.append(ada_watch)
        assert ada_watch.lists[0] == {sam: "online", gus: "online", oli: "online",
                                      ada: "online"}
        # The first process gives the same list.
        again = Watcher(urls[0], tokens[ada])
        assert again.lists[0] == ada_watch.lists[0]
        again.client.disconnect()
        # Away on one process shows on the other.
        watchers[0].client.call("presence", {"state": "away"}, timeout=10)
        wait_for(lambda: (sam, "away") in ada_watch.changes, "Sam away")

        # The first process dies without a word: its people go offline within seconds.
        killed_at = time.monotonic()
        os.killpg(servers[0].pid, signal.SIGKILL)
        servers[0].wait(10)
        wait_for(lambda: {(sam, "offline"), (gus, "offline")} <= set(ada_watch.changes),
                 "Sam and Gus offline", seconds=10)
        print(f"offline {time.monotonic() - killed_at:.1f} s after kill -9")
        assert (oli, "offline") not in ada_watch.changes
        late = Watcher(urls[1], tokens[gus])
        watchers.append(late)
        assert late.lists[0] == {oli: "online", ada: "online", gus: "online"}
    finally:
        for watcher in watchers:
            if watcher.client.connected:
                watcher.client.disconnect()
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(10)
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
