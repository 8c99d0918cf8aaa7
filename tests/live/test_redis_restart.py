"""Redis restarted while two server processes serve a live room: nothing is lost.

A Redis of the test's own (the shared one serves other tests) is stopped for a
couple of seconds and started again on the same port while members post
through both processes and followers come and go. Every follower ends with
every message exactly once, in order: what Redis could not carry at the time
reaches them when they reconnect and catch up from their last position.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import socketio

from forum.backend import open_backend
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom
from tests.conftest import People, make_config, missing, sqlite_backend
from tests.live.test_live_processes import Follower
from tests.servers import free_port, start_server

MESSAGES = 300


class PrivateRedis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None


def test_redis_restart_loses_no_message(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    private = PrivateRedis()
    private.start()
    backend = sqlite_backend(tmp_path, tmp_path_factory)
    people = People(backend)
    svc = backend.services
    inside = [people.staff, people.other, people.admin]
    room_id = rooms.create_room(svc, people.staff, CreateRoom(
        "Busy", "busy", visibility="private",
        members=tuple(v.member_id or "" for v in inside)))
    tokens = {v.member_id: members.issue_api_token(svc, v, IssueApiToken("load"))
              for v in inside}
    head = backend.store.stream_head(f"room-{room_id}")
    backend.dispose()

    data_dir = make_config(tmp_path).data_dir
    env = {"redis_url": private.url, "redis_prefix": f"test-{uuid.uuid4().hex[:12]}",
           "message_rate_limit": "100000 per second"}
    ports = [free_port(), free_port()]
    servers = [start_server(data_dir, port, **env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    rng = random.Random(20261201)
    acknowledged: list[str] = []
    refusals: list[object] = []
    acked_at: list[float] = []
    outage = (0.0, 0.0)
    try:
        followers = [Follower(v.member_id or "", tokens[v.member_id], room_id, urls,
                              random.Random(rng.random()), head) for v in inside]
        stop = threading.Event()

        def follow(follower: Follower) -> None:
            while not stop.is_set():
                try:
                    follower.session(rng.uniform(0.2, 0.8))
                except (socketio.exceptions.ConnectionError, socketio.exceptions.TimeoutError):
                    time.sleep(0.2)  # the server is busy reconnecting to Redis: try again

        watchers = [threading.Thread(target=follow, args=(f,)) for f in followers]
        for t in watchers:
            t.start()

        def post(index: int) -> None:
            sent = 0
            while sent < MESSAGES // 2:
                client = socketio.Client(reconnection=False)
                try:
                    client.connect(urls[index], auth={"token": tokens[inside[index].member_id]},
                                   transports=["websocket"], wait_timeout=10)
                    while sent < MESSAGES // 2:
                        body = f"{index}/{sent}"
                        ack = client.call("send", {"room": room_id, "body": body}, timeout=30)
                        if not ack["ok"]:  # refused while Redis is away: say it again
                            refusals.append(ack)
                            time.sleep(0.2)
                            continue
                        acknowledged.append(body)
                        acked_at.append(time.monotonic())
                        sent += 1
                        time.sleep(0.01)
                except (socketio.exceptions.ConnectionError,
                        socketio.exceptions.TimeoutError):
                    time.sleep(0.2)
                finally:
                    client.disconnect()

        posters = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in posters:
            t.start()
        # Mid-stream, Redis goes away for two seconds and comes back empty.
        time.sleep(1.5)
        private.stop()
        away = time.monotonic()
        time.sleep(2)
        outage = (away, time.monotonic())
        private.start()
        for t in posters:
            t.join(120)
        stop.set()
        for t in watchers:
            t.join(30)
        deadline = time.monotonic() + 30
        for follower in followers:
            while len(follower.seen) < len(acknowledged) and time.monotonic() < deadline:
                follower.session(0.5)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
        private.stop()

    during = sum(outage[0] <= t <= outage[1] for t in acked_at)
    print(f"{during} messages acknowledged while Redis was away; {len(refusals)} refused")
    assert during > 0, "nothing was sent while Redis was away: the test tested nothing"
    assert refusals == [], "chat stopped while Redis was away"
    assert len(acknowledged) == MESSAGES
    check = open_backend(make_config(tmp_path), migrate_schema=False)
    try:
        stored = [r.event for r in check.store.read_stream(f"room-{room_id}")
                  if r.event.type == "MessagePosted"]
    finally:
        check.dispose()
    bodies = {e.body for e in stored}  # type: ignore[attr-defined]
    assert set(acknowledged) <= bodies, "an acknowledged message is not in the log"
    for follower in followers:
        ordered = [follower.seen[p] for p in sorted(follower.seen)]
        assert ordered == list(range(1, len(stored) + 1)), (
            f"{follower.name}: {len(follower.seen)} of {len(stored)}")
