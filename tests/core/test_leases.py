"""Each durable subscriber has one active runner at a time, across processes and hosts.

The lease is a PostgreSQL advisory lock (an ``flock`` on SQLite); when its holder
dies, a standby takes over from the shared checkpoint within seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from forum.backend import Backend
from forum.core.db import make_engine
from forum.core.eventstore import EventStore
from forum.core.subscribers import SubscriberRunner
from tests.core.test_subscribers import Recorder, append, drain

RUNNER_SCRIPT = Path(__file__).with_name("lease_runner.py")


def url_of(backend: Backend) -> str:
    return backend.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def second_store(backend: Backend) -> Iterator[EventStore]:
    """The same database through an engine of its own, as another process sees it."""
    engine = make_engine(url_of(backend))
    yield EventStore(engine, projections=None)
    engine.dispose()


def test_only_the_lease_holder_runs_a_subscriber(
    backend: Backend, second_store: EventStore
) -> None:
    # Given two runners of the same subscriber on one database
    first, second = Recorder("mailer"), Recorder("mailer")
    leader = SubscriberRunner(backend.store, [first])
    standby = SubscriberRunner(second_store, [second])
    positions = append(backend.store, "thread-a", 5)

    # When both poll
    drain(leader)
    drain(standby)

    # Then only the first to poll handled the events
    assert first.seen == positions
    assert second.seen == []

    # When the leader stops (its lease goes with it) and more is written
    leader.stop()
    later = append(backend.store, "thread-a", 3)
    drain(standby)

    # Then the standby takes over from the shared checkpoint: nothing lost, nothing repeated
    assert second.seen == later
    standby.stop()


def test_different_subscribers_may_run_in_different_processes(
    backend: Backend, second_store: EventStore
) -> None:
    mailer, indexer = Recorder("mailer"), Recorder("indexer")
    here = SubscriberRunner(backend.store, [mailer])
    there = SubscriberRunner(second_store, [indexer])
    positions = append(backend.store, "thread-a", 2)
    drain(here)
    drain(there)
    assert mailer.seen == positions
    assert indexer.seen == positions
    here.stop()
    there.stop()


def _start(url: str, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    with out.with_suffix(".log").open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, str(RUNNER_SCRIPT), url, str(out)], env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def _seen(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split()]


def _wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_standby_process_takes_over_when_the_leader_is_killed(
    backend: Backend, tmp_path: Path
) -> None:
    # Given a leader process following the log, then a standby process
    url = url_of(backend)
    leader_out, standby_out = tmp_path / "leader.txt", tmp_path / "standby.txt"
    leader = _start(url, leader_out)
    standby: subprocess.Popen[bytes] | None = None
    try:
        first = append(backend.store, "thread-a", 10)
        assert _wait_for(lambda: _seen(leader_out) == first, 30), _seen(leader_out)
        standby = _start(url, standby_out)
        second = append(backend.store, "thread-a", 10)
        assert _wait_for(lambda: _seen(leader_out) == first + second, 30)
        assert _seen(standby_out) == [], "the standby ran while the leader held the lease"

        # When the leader is killed outright
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)
        killed_at = time.monotonic()
        third = append(backend.store, "thread-a", 10)

        # Then the standby takes over within seconds, from the checkpoint, and nothing is lost
        assert _wait_for(lambda: third[-1] in _seen(standby_out), 15), _seen(standby_out)
        assert time.monotonic() - killed_at < 15
        assert sorted(set(_seen(leader_out) + _seen(standby_out))) == first + second + third
        # At least once: the standby may repeat only what the leader had not checkpointed.
        assert set(_seen(standby_out)) >= set(third)
    finally:
        for proc in (leader, standby):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
