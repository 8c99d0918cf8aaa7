"""Several OS processes append to one log at once; nothing is lost, doubled or skipped.

Writers share one stream (retrying on ConcurrencyConflict, as the handlers do)
and each also has its own. A follower reads ``read_committed`` while they run.
On PostgreSQL this is the test of the xid8 rule: positions are handed out
before commit, so a follower going by position alone would skip events.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import random
import time
from collections import Counter
from collections.abc import Sequence
from multiprocessing.synchronize import Event as MpEvent
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from forum.core.db import events, make_engine
from forum.core.errors import ConcurrencyConflict

# Kept light: every spawned writer imports this module before it can start.
from forum.core.events import Event
from forum.core.eventstore import EventStore, Recorded
from forum.features.threads.events import ThreadLocked

if TYPE_CHECKING:
    from forum.backend import Backend

WRITERS = 4
APPENDS = 50  # per writer: every other one to the shared stream
OWN_BATCH = 2  # events per append to a writer's own stream
SHARED = "shared"
MAX_RETRIES = 2000


def _event(worker: int, append: int, k: int = 0) -> Event:
    return ThreadLocked(f"thread-{worker}", f"w{worker}", f"{worker}:{append}:{k}")


class _Dawdle:
    """Stands in for the inline projections: takes a moment inside the transaction.

    That moment, between taking a position and committing, is the window in
    which a later position can commit first.
    """

    def apply(self, _conn: Connection, _recorded: Sequence[Recorded]) -> None:
        time.sleep(random.random() * 0.003)


def _writer(url: str, worker: int, start: MpEvent, results: Any, seconds: float = 0) -> None:
    """Runs in a spawned process: APPENDS appends (or as many as ``seconds`` allow),
    half to the shared stream; reports how many it made."""
    engine = make_engine(url)
    # SQLite writers queue for the lock at BEGIN: there is no window to widen there.
    dawdle = _Dawdle() if url.startswith("postgresql") else None
    store = EventStore(engine, dawdle)  # type: ignore[arg-type]
    conflicts = 0
    own_version = 0
    append = 0
    try:
        start.wait(60)
        deadline = time.monotonic() + seconds
        for append in itertools.count():  # noqa: B007  (reported below)
            if (time.monotonic() >= deadline) if seconds else (append >= APPENDS):
                break
            if append % 2:
                for _attempt in range(MAX_RETRIES):
                    version = store.stream_version(SHARED)
                    try:
                        store.append(SHARED, [_event(worker, append)], expected_version=version)
                        break
                    except ConcurrencyConflict:
                        conflicts += 1
                else:
                    raise AssertionError("too many conflicts")
            else:
                batch = [_event(worker, append, k) for k in range(OWN_BATCH)]
                store.append(f"own-{worker}", batch, expected_version=own_version)
                own_version += OWN_BATCH
        results.put((worker, conflicts, None, append))
    except Exception as error:  # reported to the test, which fails with it
        results.put((worker, conflicts, repr(error), append))
    finally:
        engine.dispose()


def _expected_tags(appends: dict[int, int]) -> set[str]:
    tags = set()
    for worker, count in appends.items():
        for append in range(count):
            ks = [0] if append % 2 else range(OWN_BATCH)
            tags.update(f"{worker}:{append}:{k}" for k in ks)
    return tags


def _run(url: str, seconds: float = 0) -> None:
    store = EventStore(make_engine(url))
    try:
        _run_with(store, url, seconds)
    finally:
        store.engine.dispose()


def _run_with(store: EventStore, url: str, seconds: float) -> None:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    results = ctx.Queue()
    processes = [ctx.Process(target=_writer, args=(url, w, start, results, seconds),
                             daemon=True) for w in range(WRITERS)]
    for process in processes:
        process.start()
    seen: list[Recorded] = []
    seen_while_writing = 0
    checkpoint = (0, 0)
    outcomes = []
    try:
        start.set()
        deadline = time.monotonic() + 120 + seconds
        idle_since = time.monotonic()
        while any(p.is_alive() for p in processes) or not outcomes:
            if not any(p.is_alive() for p in processes):
                outcomes = _outcomes(results, len(processes))
            assert time.monotonic() < deadline, f"follower saw {len(seen)} events"
            writing = any(p.is_alive() for p in processes)
            batch = store.read_committed(checkpoint, 37)
            for recorded in batch:
                seen.append(recorded)
                checkpoint = (recorded.txid, recorded.position)
            if writing:
                seen_while_writing += len(batch)
            if batch or writing:
                idle_since = time.monotonic()
            if not batch:
                time.sleep(0.005)
        expected = _expected_tags({o[0]: o[3] for o in outcomes if o[0] != "?"})
        while len(seen) < len(expected) and time.monotonic() - idle_since < 20:
            batch = store.read_committed(checkpoint, 37)
            for recorded in batch:
                seen.append(recorded)
                checkpoint = (recorded.txid, recorded.position)
            if batch:
                idle_since = time.monotonic()
            else:
                time.sleep(0.005)
        # Nothing more turns up later, and nothing twice.
        seen.extend(store.read_committed(checkpoint))
    finally:
        for process in processes:
            process.join(60)
            if process.is_alive():
                process.kill()
    assert [o[2] for o in outcomes] == [None] * WRITERS, outcomes
    assert [p.exitcode for p in processes] == [0] * WRITERS

    with store.engine.connect() as conn:
        rows = conn.execute(select(events.c.position, events.c.stream_id,
                                   events.c.stream_version)).all()
        assert conn.execute(select(func.count()).select_from(events)).scalar() == len(expected)

    # No lost and no duplicated events.
    logged = store.read_all(limit=10 * len(expected))
    tags = Counter(r.event.reason for r in logged)  # type: ignore[attr-defined]
    assert set(tags) == expected and max(tags.values()) == 1
    assert len({p for p, _, _ in rows}) == len(rows) == len(expected)
    # Every stream numbered 1..n with no gap.
    versions: dict[str, list[int]] = {}
    for _, stream_id, version in rows:
        versions.setdefault(stream_id, []).append(version)
    assert sorted(versions) == sorted([SHARED] + [f"own-{w}" for w in range(WRITERS)])
    for stream_id, numbers in versions.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), stream_id
    assert len(versions[SHARED]) == sum(o[3] // 2 for o in outcomes)
    # The shared stream keeps each writer's own order.
    shared = [r.event.reason for r in store.read_stream(SHARED)]  # type: ignore[attr-defined]
    for worker in range(WRITERS):
        mine = [int(t.split(":")[1]) for t in shared if t.startswith(f"{worker}:")]
        assert mine == sorted(mine)

    # The follower saw every event exactly once, while the writers were still at it.
    positions = Counter(r.position for r in seen)
    assert max(positions.values()) == 1, "the follower saw an event twice"
    assert set(positions) == {p for p, _, _ in rows}, "the follower skipped an event"
    assert seen_while_writing > 0, "the follower did not run alongside the writers"


def _outcomes(results: Any, count: int) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for _ in range(count):
        try:
            found.append(results.get(timeout=10))
        except queue.Empty:
            found.append(("?", 0, "no result", 0))
    return found


def test_concurrent_writers_on_one_sqlite_file(sqlite: Backend) -> None:
    _run(sqlite.config.database_url)


def test_concurrent_writers_on_one_postgres_schema(pg_schema_url: str) -> None:
    from forum.core import migrate

    engine = make_engine(pg_schema_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    _run(pg_schema_url)


def test_writers_for_30_seconds_on_postgres_every_event_seen_exactly_once(
    pg_schema_url: str
) -> None:
    """The same for half a minute (issue: several processes for 30 s on PostgreSQL)."""
    from forum.core import migrate

    engine = make_engine(pg_schema_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    _run(pg_schema_url, seconds=30)
