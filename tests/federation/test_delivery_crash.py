"""kill -9 the delivery worker mid-delivery: the standby takes the lease and finishes.

Two real ``commonroom worker`` processes share one database; slow receivers on
loopback keep deliveries in flight when the first is killed. Nothing is lost.
Delivery is at least once: only a request in flight at the moment of the kill
(one per sending thread at most) may arrive twice, and receivers de-duplicate by
activity id, as fediverse servers do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from federation.delivery.worker import WorkerSettings
from forum.backend import Backend
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import People
from tests.federation.conftest import BASE
from tests.federation.peers import Peer
from tests.federation.test_following import app, new_peer, post  # noqa: F401
from tests.web.conftest import World

PEERS = 12
THREADS = 4


def until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_worker_loses_nothing_and_repeats_at_most_what_was_in_flight(
        app: Flask, client: FlaskClient, backend: Backend, people: People,  # noqa: F811
        world: World, tmp_path: Path) -> None:
    peers: list[Peer] = []
    try:
        for number in range(PEERS):
            peer = new_peer(app, peers, name=f"p{number}", delay=0.15)
            follow = peer.follow(f"{BASE}/c/public")
            assert post(client, peer, "/inbox", follow).status_code == 202
        for subject in range(THREADS):
            threads.start_thread(backend.services, people.admin, StartThread(
                world.conference["public"], f"Notes {subject}", "words"))
        expected = PEERS * (THREADS + 1)  # an Accept and THREADS Announces each

        def received() -> int:
            return sum(len(peer.received) for peer in peers)

        processes = workers_for(app, tmp_path)
        try:
            until(lambda: received() >= 10)
            leader = _leader(processes, tmp_path)
            os.kill(leader.pid, signal.SIGKILL)
            leader.wait()
            at_kill = received()
            assert at_kill < expected, "the worker finished before it was killed; slow it"
            until(lambda: len({(p.name, a["id"]) for p in peers for a in p.activities()})
                  >= expected)
            time.sleep(1.0)  # anything more would be a repeat
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                process.wait()
        for peer in peers:
            ids = Counter(a["id"] for a in peer.activities())
            assert len(ids) == THREADS + 1, peer.name
            assert not peer.refused
        repeats = sum(n - 1 for peer in peers for n in Counter(
            a["id"] for a in peer.activities()).values())
        print(f"delivered at kill: {at_kill}/{expected}; repeats after restart: {repeats}")
        assert repeats <= WorkerSettings().threads
    finally:
        for peer in peers:
            peer.stop()


def workers_for(application: Flask, tmp_path: Path) -> list[subprocess.Popen[bytes]]:
    config = application.extensions["commonroom"].config
    env = {**os.environ, "COMMONROOM_DATABASE_URL": config.database_url,
           "COMMONROOM_DATA_DIR": str(config.data_dir), "COMMONROOM_SECRET_KEY": "test-secret",
           "COMMONROOM_FEDERATION": "1", "COMMONROOM_ALLOW_LOOPBACK_FEDERATION": "1",
           "COMMONROOM_BASE_URL": BASE}
    started = []
    for number in range(2):
        with (tmp_path / f"worker{number}.log").open("wb") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-c", "from forum.cli import main; main()", "worker"],
                env=env, stdout=log, stderr=subprocess.STDOUT))
        time.sleep(1.5 if number == 0 else 0)  # the first takes the leases
    return started


def _leader(processes: list[subprocess.Popen[bytes]], tmp_path: Path) -> subprocess.Popen[bytes]:
    """The process holding the delivery lease: on SQLite its pid is in the lease file;
    on PostgreSQL (an advisory lock) it is the first, which started alone."""
    leases = list(tmp_path.glob("data/*.federation-delivery.lease"))
    if not leases:
        return processes[0]
    pid = int(leases[0].read_text().split()[0])
    [leader] = [p for p in processes if p.pid == pid]
    return leader
