"""Checkpointed followers of the committed log: the side effects that leave the database.

Each subscriber keeps its own checkpoint. Delivery is at least once: a crash
between handling an event and saving the checkpoint repeats that event, so
handlers are idempotent, keyed on the event's ``position``. A failing
subscriber logs, backs off and retries; the others carry on.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import redis
from sqlalchemy import Connection, Engine, event, select, text, update

from forum.core.db import subscriber_checkpoints, write_connection
from forum.core.eventstore import EventStore, Recorded

log = logging.getLogger(__name__)


class Subscriber(Protocol):
    """A follower of the log. A ``live`` one (push to connected clients) starts at the
    head of the log when its runner starts and keeps its place in memory only:
    whoever connects later catches up by themselves.

    One that keeps its own checkpoint (the search index commits it with its
    documents) has ``position()``, the (txid, position) to read after, and
    ``flush()``, called after every pass so it can commit what it buffered;
    the runner then saves no checkpoint for it."""

    name: str

    def handle(self, recorded: Recorded) -> None: ...


def _batch_handler(subscriber: Subscriber) -> Callable[[Sequence[Recorded]], None] | None:
    """A subscriber may take a whole batch at once (``handle_batch``): all or nothing,
    so a failure repeats the batch from its start."""
    return getattr(subscriber, "handle_batch", None)


@dataclass
class _Follower:
    subscriber: Subscriber
    failures: int = 0
    retry_at: float = 0.0
    live_at: tuple[int, int] | None = None

    @property
    def live(self) -> bool:
        return bool(getattr(self.subscriber, "live", False))

    @property
    def keeps_own_checkpoint(self) -> bool:
        return callable(getattr(self.subscriber, "position", None))


@dataclass
class Tick:
    """A step driven by the clock rather than the log (e.g. sending reminders that
    fall due): run every ``every`` seconds by the runner holding its lease. It must
    be idempotent: a standby taking over may run it again."""

    name: str
    every: float
    run: Callable[[], int]
    due_at: float = 0.0


class Leases:
    """One active runner per durable subscriber, across processes and hosts.

    On PostgreSQL the lease is a session-level advisory lock, keyed on the
    database, the schema and the subscriber's name, held on a connection of its
    own: when its process dies the server drops the connection and the lock
    with it, and a standby's next poll takes over. On SQLite (one host) it is
    an exclusive ``flock`` on a file beside the database, which the kernel
    releases when the process dies. An in-memory database has one process and
    needs no lease.
    """

    @classmethod
    def of(cls, engine: Engine) -> Leases:
        """The leases this process holds through ``engine`` (one set per engine, so
        two runners in one process never lock each other out; disposing of the
        engine gives them up)."""
        leases: Leases | None = getattr(engine, "_commonroom_leases", None)
        if leases is None:
            leases = cls(engine)
            engine._commonroom_leases = leases  # type: ignore[attr-defined]
            event.listen(engine, "engine_disposed", lambda _engine: leases.release_all())
        return leases

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        database = engine.url.database
        self._dir = (Path(database).parent if not self.postgres and database
                     and database != ":memory:" else None)
        self._base = Path(database).name if self._dir is not None and database else ""
        self._held: dict[str, Connection | IO[bytes] | None] = {}
        self._lock = threading.Lock()

    def hold(self, name: str) -> bool:
        """Whether this runner holds ``name``'s lease now (taking it when free)."""
        with self._lock:
            if name in self._held:
                if self._still_held(name):
                    return True
                self._drop(name)
            try:
                taken, handle = self._take(name)
            except Exception:  # the database is away: no lease, try at the next poll
                log.warning("could not take the lease of subscriber %s", name, exc_info=True)
                return False
            if not taken:
                return False
            self._held[name] = handle
            log.info("this process now runs subscriber %s", name)
            return True

    def _take(self, name: str) -> tuple[bool, Connection | IO[bytes] | None]:
        """(taken, what holds it): a connection, an open lock file, or nothing needed."""
        if self.postgres:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                got = conn.execute(text(
                    "SELECT pg_try_advisory_lock(hashtext(current_database() || '.' || "
                    "current_schema()), hashtext(:name))"), {"name": name}).scalar()
            except Exception:
                conn.close()
                raise
            if not got:
                conn.close()
                return False, None
            return True, conn
        if self._dir is None:
            return True, None
        handle = open(self._dir / f"{self._base}.{name}.lease", "ab")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False, None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())  # who holds it, for people looking
        handle.flush()
        return True, handle

    def _still_held(self, name: str) -> bool:
        held = self._held[name]
        if not isinstance(held, Connection):
            return True  # a flock lasts as long as its file is open
        try:
            held.execute(text("SELECT 1"))
        except Exception:  # the connection, and with it the lock, is gone
            log.warning("lost the lease of subscriber %s", name, exc_info=True)
            return False
        return True

    def _drop(self, name: str) -> None:
        held: Any = self._held.pop(name, None)
        if held is not None:
            try:
                if isinstance(held, Connection):
                    # Really close the session, not just return it to the pool:
                    # the advisory lock lives as long as the session.
                    held.invalidate()
                held.close()  # closing the session or the file releases the lock
            except Exception:
                log.debug("closing the lease of %s failed", name, exc_info=True)

    def release(self, name: str) -> None:
        with self._lock:
            self._drop(name)

    def release_all(self) -> None:
        with self._lock:
            for name in list(self._held):
                self._drop(name)


class SubscriberRunner:
    """Runs every subscriber over the log, in a background thread or a worker loop."""

    def __init__(
        self,
        store: EventStore,
        subscribers: Sequence[Subscriber],
        *,
        batch: int = 200,
        poll_interval: float = 0.5,
        max_backoff: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        ticks: Sequence[Tick] = (),
    ) -> None:
        self.store = store
        self.followers = [_Follower(s) for s in subscribers]
        self.ticks = list(ticks)
        self.batch = batch
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.leases = Leases.of(store.engine)
        store.on_commit.append(self._wake.set)

    def checkpoint(self, name: str) -> tuple[int, int]:
        """Where ``name`` stands in the log as (txid, position); created at (0, 0)."""
        query = (select(subscriber_checkpoints.c.txid, subscriber_checkpoints.c.position)
                 .where(subscriber_checkpoints.c.name == name))
        # Read first, without the write lock: an idle poll must not queue behind writers.
        with self.store.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            with write_connection(self.store.engine) as conn, conn.begin():
                if conn.execute(query).first() is None:
                    conn.execute(subscriber_checkpoints.insert()
                                 .values(name=name, position=0, txid=0))
            return (0, 0)
        return (int(row[0]), int(row[1]))

    def _where(self, follower: _Follower) -> tuple[int, int]:
        if follower.keeps_own_checkpoint:
            position: tuple[int, int] = follower.subscriber.position()  # type: ignore[attr-defined]
            return position
        if not follower.live:
            return self.checkpoint(follower.subscriber.name)
        if follower.live_at is None:
            follower.live_at = self.store.committed_head()
        return follower.live_at

    def _save(self, name: str, recorded: Recorded) -> None:
        with write_connection(self.store.engine) as conn, conn.begin():
            conn.execute(
                update(subscriber_checkpoints)
                .where(subscriber_checkpoints.c.name == name)
                .values(txid=recorded.txid, position=recorded.position)
            )

    def _follow(self, follower: _Follower) -> int:
        name = follower.subscriber.name
        batch = self.store.read_committed(self._where(follower), self.batch)
        done: Recorded | None = None
        flush = getattr(follower.subscriber, "flush", None)
        whole = _batch_handler(follower.subscriber)
        try:
            if whole is not None and batch:
                whole(batch)
                done = batch[-1]
            for recorded in batch if whole is None else ():
                follower.subscriber.handle(recorded)
                done = recorded
            if flush is not None:
                flush()
        except Exception:
            # Not swallowed: logged with context, retried with backoff, and the
            # other subscribers keep going meanwhile.
            follower.failures += 1
            delay = min(self.max_backoff, 0.5 * 2 ** (follower.failures - 1))
            follower.retry_at = self.clock() + delay
            at = 0 if done is None else batch.index(done) + 1
            failed_at = batch[min(at, len(batch) - 1)].position if batch else 0
            log.exception("subscriber %s failed at position %d (attempt %d); retrying in %.1fs",
                          name, failed_at, follower.failures, delay)
        else:
            follower.failures = 0
        if done is not None and follower.live:
            follower.live_at = (done.txid, done.position)
        elif done is not None and not follower.keeps_own_checkpoint:
            self._save(name, done)
        return 0 if done is None else batch.index(done) + 1

    def run_once(self) -> int:
        """One pass: each subscriber not backing off takes a batch; returns events handled."""
        handled = 0
        now = self.clock()
        for follower in self.followers:
            if follower.retry_at > now:
                continue
            # A live follower serves this process's sockets; a durable one runs in
            # one process at a time, whichever holds its lease.
            if follower.live or self.leases.hold(follower.subscriber.name):
                handled += self._follow(follower)
        for tick in self.ticks:
            if tick.due_at <= now and self.leases.hold(tick.name):
                tick.due_at = now + tick.every
                try:
                    tick.run()
                except Exception:  # logged with context; the next tick tries again
                    log.exception("clock step %s failed; trying again in %.0fs",
                                  tick.name, tick.every)
        return handled

    def run_forever(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._wake.clear()  # before reading, so a commit meanwhile is not missed
            try:
                handled = self.run_once()
                failures = 0
            except Exception:
                # The database itself failed (a restart, a network blip): keep the
                # thread alive and try again later rather than dying silently.
                failures += 1
                delay = min(self.max_backoff, self.poll_interval * 2 ** failures)
                log.exception("reading the log failed; retrying in %.1fs", delay)
                self._stop.wait(delay)
                continue
            if handled == 0:
                # A commit in this process wakes us at once; others are polled for.
                self._wake.wait(self.poll_interval)

    def finish(self) -> None:
        """Have subscribers that buffer (the search index) commit what they hold."""
        for follower in self.followers:
            commit = getattr(follower.subscriber, "commit", None)
            if commit is not None:
                try:
                    commit()
                except Exception:
                    log.exception("subscriber %s could not commit on stopping",
                                  follower.subscriber.name)

    def wake(self) -> None:
        """Read the log now rather than at the next poll."""
        self._wake.set()

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run_forever, name="subscribers", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.finish()  # commit what buffering subscribers hold while still leased
        for follower in self.followers:
            self.leases.release(follower.subscriber.name)
        for tick in self.ticks:
            self.leases.release(tick.name)


class CommitSignal:
    """"The log grew", from every process to every process, over Redis pub/sub.

    Followers still poll; the signal only makes them read at once. A lost
    signal (Redis restarting) costs at most one poll interval, never an event.
    """

    def __init__(self, redis_url: str, channel: str) -> None:
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=2)
        self.channel = channel
        self._stop = threading.Event()

    def publish(self) -> None:
        try:
            self.redis.publish(self.channel, b"1")
        except Exception:  # the poll is the fallback; a commit must not fail for this
            log.warning("could not signal a commit over Redis", exc_info=True)

    def listen(self, wake: Callable[[], None]) -> threading.Thread:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    pubsub = self.redis.pubsub(  # type: ignore[no-untyped-call,unused-ignore]
                        ignore_subscribe_messages=True)
                    pubsub.subscribe(self.channel)
                    while not self._stop.is_set():
                        if pubsub.get_message(timeout=1.0) is not None:
                            wake()
                    pubsub.close()
                except Exception:
                    log.warning("commit signals from Redis interrupted; retrying",
                                exc_info=True)
                    self._stop.wait(1.0)

        thread = threading.Thread(target=loop, name="commit-signal", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._stop.set()
