"""Subscribers follow the committed log from their own checkpoints, at least once, in order."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pytest

from forum.backend import Backend
from forum.core.eventstore import EventStore, Recorded
from forum.core.subscribers import SubscriberRunner
from forum.features.threads.events import ThreadPinned


@dataclass
class Recorder:
    """A subscriber that writes down what it was given."""

    name: str
    seen: list[int] = field(default_factory=list)

    def handle(self, recorded: Recorded) -> None:
        self.seen.append(recorded.position)


@dataclass
class Flaky(Recorder):
    """Fails on the event at ``fail_at`` the first ``times`` attempts."""

    fail_at: int = 0
    times: int = 0
    attempts: list[int] = field(default_factory=list)

    def handle(self, recorded: Recorded) -> None:
        self.attempts.append(recorded.position)
        if recorded.position == self.fail_at and self.times > 0:
            self.times -= 1
            raise ConnectionError("mail server away")
        super().handle(recorded)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def append(store: EventStore, stream: str, count: int) -> list[int]:
    """Append ``count`` events; return their positions once a follower may see them."""
    version = store.stream_version(stream)
    events = [ThreadPinned(f"{stream}-{version + i}", "m") for i in range(count)]
    positions = [r.position for r in store.append(stream, events, expected_version=version)]
    # On PostgreSQL any open transaction in the cluster holds followers back a moment.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        visible = store.read_committed((0, 0), limit=100_000)
        if visible and visible[-1].position >= positions[-1]:
            break
        time.sleep(0.02)
    return positions


def drain(runner: SubscriberRunner) -> int:
    handled = total = runner.run_once()
    while handled:
        handled = runner.run_once()
        total += handled
    return total


def test_each_subscriber_sees_every_event_once_in_order(backend: Backend) -> None:
    store = backend.store
    first = append(store, "a", 3) + append(store, "b", 1) + append(store, "a", 4)
    one, two = Recorder("one"), Recorder("two")
    runner = SubscriberRunner(store, [one, two], batch=3)
    assert drain(runner) == 2 * len(first)
    assert one.seen == two.seen == first
    assert drain(runner) == 0
    more = append(store, "c", 2)
    assert drain(runner) == 4
    assert one.seen == two.seen == first + more


def test_a_new_runner_resumes_from_the_saved_checkpoint(backend: Backend) -> None:
    store = backend.store
    first = append(store, "a", 4)
    before = Recorder("mailer")
    runner = SubscriberRunner(store, [before])
    drain(runner)
    txid, position = runner.checkpoint("mailer")
    assert position == first[-1]
    assert (txid > 0) is store.postgres
    later = append(store, "a", 2)
    after = Recorder("mailer")  # the same subscriber after a restart
    newcomer = Recorder("indexer")  # a new one starts from the beginning
    drain(SubscriberRunner(store, [after, newcomer]))
    assert after.seen == later
    assert newcomer.seen == first + later
    assert before.seen == first


def test_a_failing_subscriber_backs_off_retries_and_never_skips(
        backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    store = backend.store
    positions = append(store, "a", 5)
    bad_one = positions[2]
    clock = Clock()
    steady, flaky = Recorder("steady"), Flaky("flaky", fail_at=bad_one, times=3)
    runner = SubscriberRunner(store, [flaky, steady], max_backoff=1.5, clock=clock)

    with caplog.at_level(logging.ERROR, logger="forum.subscribers"):
        runner.run_once()
    # The healthy subscriber carried on; the failing one kept what it did before failing.
    assert steady.seen == positions
    assert flaky.seen == positions[:2]
    assert runner.checkpoint("flaky")[1] == positions[1]
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is ConnectionError
    assert f"flaky failed at position {bad_one} (attempt 1)" in record.getMessage()

    # Backing off: 0.5 s, then 1 s, then capped at max_backoff, by the injected clock.
    for delay in (0.5, 1.0, 1.5):
        attempts = len(flaky.attempts)
        more = append(store, "b", 1)
        clock.now += delay - 0.01
        runner.run_once()
        assert len(flaky.attempts) == attempts, "retried before its time"
        assert steady.seen[-1] == more[-1], "the healthy subscriber must not wait"
        positions += more
        clock.now += 0.01
        runner.run_once()
        assert flaky.attempts[attempts] == bad_one, "the retry starts at the failed event"
    # The third retry succeeded and it went on from there: at least once, nothing skipped.
    assert flaky.seen == positions
    assert flaky.attempts.count(bad_one) == 4
    assert [p for p in flaky.attempts if p != bad_one] == [p for p in positions if p != bad_one]
    assert steady.seen == positions
    assert drain(runner) == 0

    # Healthy again: the next failure backs off from the start (0.5 s).
    flaky.fail_at, flaky.times = append(store, "c", 1)[0], 1
    runner.run_once()
    attempts = len(flaky.attempts)
    clock.now += 0.5
    runner.run_once()
    assert len(flaky.attempts) == attempts + 1 and flaky.seen[-1] == flaky.fail_at


def test_after_a_failure_a_restarted_runner_repeats_only_the_failed_event(
        backend: Backend) -> None:
    store = backend.store
    positions = append(store, "a", 4)
    flaky = Flaky("flaky", fail_at=positions[2], times=1)
    SubscriberRunner(store, [flaky], clock=Clock()).run_once()
    assert flaky.seen == positions[:2]
    again = Recorder("flaky")
    drain(SubscriberRunner(store, [again], clock=Clock()))
    assert again.seen == positions[2:]


def test_the_background_thread_follows_the_log(backend: Backend) -> None:
    store = backend.store
    recorder = Recorder("live")
    runner = SubscriberRunner(store, [recorder], poll_interval=0.01)
    thread = runner.start()
    try:
        positions = append(store, "a", 3) + append(store, "b", 2)
        deadline = time.monotonic() + 15
        while recorder.seen != positions and time.monotonic() < deadline:
            time.sleep(0.01)
        assert recorder.seen == positions
    finally:
        runner.stop()
    assert not thread.is_alive()


def test_the_backend_builds_a_runner_for_its_subscribers(backend: Backend) -> None:
    recorder = Recorder("wired")
    backend.subscribers.append(recorder)
    positions = append(backend.store, "a", 2)
    drain(backend.runner(poll_interval=0.01))
    assert recorder.seen == positions
