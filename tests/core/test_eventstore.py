"""The event log on a real database: SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from forum.backend import Backend
from forum.core import serialization
from forum.core.db import events as events_table
from forum.core.db import write_connection
from forum.core.errors import ConcurrencyConflict
from forum.core.events import Event
from forum.core.eventstore import EventStore, Recorded, StreamWrite
from forum.core.projections.registry import Projection, Projections
from forum.features.conferences.events import ConferenceAclChanged
from forum.features.members.events import MemberRegistered, ProfileUpdated
from forum.features.members.tables import members
from forum.features.threads.events import ThreadLocked, ThreadPinned, ThreadStarted


def pinned(n: int) -> Event:
    return ThreadPinned(f"t{n}", f"m{n}")


@pytest.fixture
def store(backend: Backend) -> EventStore:
    """The bare log, without inline projections."""
    return EventStore(backend.engine)


def _positions(records: list[Recorded]) -> list[int]:
    return [r.position for r in records]


def committed(store: EventStore, after: tuple[int, int], count: int,
              limit: int = 500) -> list[Recorded]:
    """read_committed, waiting (on PostgreSQL) for ``count`` events to become safe.

    Any open transaction in the cluster holds back pg_snapshot_xmin, even one in
    another database, so a test run beside others may have to wait a moment.
    """
    deadline = time.monotonic() + 15
    while True:
        found = store.read_committed(after, limit)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


# --- append and read -------------------------------------------------------


def test_a_fresh_log_is_empty(store: EventStore) -> None:
    assert store.head() == 0
    assert store.read_all() == []
    assert store.read_stream("thread-x") == []
    assert store.stream_version("thread-x") == 0


def test_append_then_read_back(store: EventStore) -> None:
    first = store.append("s-a", [pinned(1), pinned(2)], expected_version=0)
    second = store.append("s-b", [pinned(3)], expected_version=0)
    third = store.append("s-a", [pinned(4)], expected_version=2)
    assert [(r.stream_id, r.stream_version) for r in first + second + third] == [
        ("s-a", 1), ("s-a", 2), ("s-b", 1), ("s-a", 3)]
    positions = _positions(first + second + third)
    assert positions == sorted(positions) and len(set(positions)) == 4
    assert store.head() == positions[-1]

    stream = store.read_stream("s-a")
    assert [r.event for r in stream] == [pinned(1), pinned(2), pinned(4)]
    assert [r.stream_version for r in stream] == [1, 2, 3]
    assert [r.event for r in store.read_stream("s-a", after_version=2)] == [pinned(4)]
    assert store.stream_version("s-a") == 3

    everything = store.read_all()
    assert [r.event for r in everything] == [pinned(1), pinned(2), pinned(3), pinned(4)]
    assert _positions(everything) == positions
    assert _positions(store.read_all(after_position=positions[1])) == positions[2:]
    assert _positions(store.read_all(limit=2)) == positions[:2]
    assert _positions(list(store.iter_all(batch=1))) == positions


def test_what_append_returns_is_what_is_read(store: EventStore) -> None:
    appended = store.append("s", [pinned(1), pinned(2)], expected_version=0,
                            meta={"actor": "m1"})
    assert store.read_stream("s") == appended


def test_expected_version_none_appends_at_the_end(store: EventStore) -> None:
    store.append("s", [pinned(1)], expected_version=None)
    [rec] = store.append("s", [pinned(2)], expected_version=None)
    assert rec.stream_version == 2


def test_appending_nothing_writes_nothing(store: EventStore) -> None:
    assert store.append("s", [], expected_version=0) == []
    assert store.head() == 0


def test_every_event_type_survives_the_database(backend: Backend, store: EventStore) -> None:
    samples = [
        MemberRegistered("m1", "ada", "Ada «L»", "ada@example.org", "admin", "h", None),
        ProfileUpdated("m1", "Ada", "bio\nline", ("SQL", "Go"), (), ("Rust",), False),
        ConferenceAclChanged("c1", (("members", "reader"), ("member:m1", "moderator")), "m1"),
        ThreadStarted("t1", "c1", "Subject ✓", "p1", "m1", "x" * 50_000),
        ThreadLocked("t1", "m1"),
    ]
    store.append("mixed", samples, expected_version=0)
    assert [r.event for r in store.read_stream("mixed")] == samples


# --- optimistic concurrency ------------------------------------------------


@pytest.mark.parametrize("expected", [0, 1, 3])
def test_a_stale_expected_version_conflicts_and_writes_nothing(store: EventStore,
                                                               expected: int) -> None:
    store.append("s", [pinned(1), pinned(2)], expected_version=0)
    head = store.head()
    with pytest.raises(ConcurrencyConflict) as info:
        store.append("s", [pinned(3)], expected_version=expected)
    assert info.value.details == {"stream_id": "s", "expected_version": expected,
                                  "current_version": 2}
    assert info.value.http_status == 409
    assert store.head() == head
    assert [r.event for r in store.read_stream("s")] == [pinned(1), pinned(2)]


def test_append_streams_writes_all_streams_in_one_go(store: EventStore) -> None:
    store.append("b", [pinned(0)], expected_version=0)
    recorded = store.append_streams([StreamWrite("a", [pinned(1), pinned(2)], 0),
                                     StreamWrite("b", [pinned(3)], 1)], {"actor": "x"})
    assert [(r.stream_id, r.stream_version) for r in recorded] == [("a", 1), ("a", 2), ("b", 2)]
    positions = _positions(recorded)
    assert positions == list(range(positions[0], positions[0] + 3))


def test_append_streams_is_all_or_nothing(store: EventStore) -> None:
    store.append("b", [pinned(0)], expected_version=0)
    head = store.head()
    with pytest.raises(ConcurrencyConflict) as info:
        store.append_streams([StreamWrite("a", [pinned(1)], 0),
                              StreamWrite("b", [pinned(2)], 0)])
    assert info.value.details["stream_id"] == "b"
    assert info.value.details["current_version"] == 1
    assert store.head() == head
    assert store.read_stream("a") == []
    assert [r.event for r in store.read_stream("b")] == [pinned(0)]


class _Gate:
    """An inline projection that holds the appending transaction open until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.backend_pid: int | None = None
        self.projection = Projection("gate", [])
        self.projection.on(ThreadPinned)(self._hold)

    def _hold(self, conn: Connection, _rec: Recorded, _event: Any) -> None:
        if conn.dialect.name == "postgresql":
            self.backend_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        self.entered.set()
        assert self.release.wait(20), "the test never released the gate"

    def store(self, engine: Any) -> EventStore:
        return EventStore(engine, Projections([self.projection]))

    def race(self, store: EventStore, first: Any, second: Any) -> None:
        """Run ``first`` until it holds the gate, then ``second`` until it blocks on it."""
        writer = threading.Thread(target=first)
        rival = threading.Thread(target=second)
        writer.start()
        assert self.entered.wait(10)
        rival.start()
        try:
            _wait_until_blocked_by(store, self.backend_pid)
        finally:
            self.release.set()
            writer.join(20)
            rival.join(20)


def _wait_until_blocked_by(store: EventStore, pid: int | None) -> None:
    """On PostgreSQL, wait until some backend waits on ``pid``'s transaction."""
    if not store.postgres:
        time.sleep(0.2)  # SQLite: the other writer queues at BEGIN IMMEDIATE
        return
    deadline = time.monotonic() + 10
    with store.engine.connect() as conn:
        while time.monotonic() < deadline:
            blocked = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity "
                     "WHERE CAST(:pid AS integer) = ANY(pg_blocking_pids(pid))"),
                {"pid": pid},
            ).scalar()
            conn.rollback()
            if blocked:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never blocked on the first")


def test_two_writers_racing_for_one_version_one_wins_one_conflicts(store: EventStore) -> None:
    """The second writer read the old version; the database's unique key stops it."""
    gate = _Gate()
    slow = gate.store(store.engine)
    outcome: dict[str, Any] = {}

    def first() -> None:
        outcome["first"] = slow.append("s", [pinned(1)], expected_version=0)

    def second() -> None:
        try:
            outcome["second"] = store.append("s", [ThreadLocked("t", "m")],
                                              expected_version=0)
        except ConcurrencyConflict as error:
            outcome["second"] = error

    gate.race(store, first, second)
    assert [r.stream_version for r in outcome["first"]] == [1]
    error = outcome["second"]
    assert isinstance(error, ConcurrencyConflict), error
    assert error.details["current_version"] == 1
    assert [r.event for r in store.read_stream("s")] == [pinned(1)]


def test_a_racing_conflict_names_the_stream_that_moved(store: EventStore) -> None:
    """Two streams in one append; the second one is taken meanwhile: the 409 says which."""
    gate = _Gate()
    outcome: dict[str, Any] = {}

    def writer() -> None:
        gate.store(store.engine).append("b", [pinned(1)], expected_version=0)

    def both() -> None:
        try:
            store.append_streams([StreamWrite("a", [ThreadLocked("a", "m")], 0),
                                  StreamWrite("b", [ThreadLocked("b", "m")], 0)])
        except ConcurrencyConflict as error:
            outcome["error"] = error

    gate.race(store, writer, both)
    error = outcome["error"]
    assert (error.details["stream_id"], error.details["current_version"]) == ("b", 1)
    assert store.read_stream("a") == []


def test_inline_projections_share_the_append_transaction(store: EventStore) -> None:
    broken = Projection("broken", [])

    @broken.on(ThreadPinned)
    def _explode(_conn: Connection, _rec: Recorded, _event: Any) -> None:
        raise RuntimeError("read model failed")

    with pytest.raises(RuntimeError):
        EventStore(store.engine, Projections([broken])).append("s", [pinned(1)],
                                                               expected_version=0)
    assert store.head() == 0 and store.read_stream("s") == []


# --- meta and time ---------------------------------------------------------


def test_meta_round_trips(store: EventStore) -> None:
    meta = {"actor": "m1", "request_id": "r-1", "causation": 41, "nested": {"a": [1, "é"]}}
    store.append("s", [pinned(1)], expected_version=0, meta=meta)
    store.append("s", [pinned(2)], expected_version=1)
    assert [r.meta for r in store.read_stream("s")] == [meta, {}]
    assert [r.meta for r in store.read_all()] == [meta, {}]


@pytest.mark.parametrize("moment", [
    datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    datetime(2024, 5, 6, 9, 8, 9, 123456, tzinfo=timezone(timedelta(hours=2))),
    datetime(2023, 12, 31, 19, 0, 0, 1, tzinfo=timezone(timedelta(hours=-5))),
], ids=["utc", "plus-two", "minus-five"])
def test_occurred_at_is_timezone_aware_and_exact(backend: Backend, moment: datetime) -> None:
    store = EventStore(backend.engine, clock=lambda: moment)
    [appended] = store.append("s", [pinned(1)], expected_version=0)
    [read] = store.read_stream("s")
    for recorded in (appended, read, store.read_all()[0]):
        assert recorded.occurred_at == moment  # the same instant ...
        assert recorded.occurred_at.utcoffset() == timedelta(0)  # ... told in UTC


def test_the_default_clock_is_now_in_utc(store: EventStore) -> None:
    before = datetime.now(UTC)
    store.append("s", [pinned(1)], expected_version=0)
    [read] = store.read_stream("s")
    assert before - timedelta(seconds=1) <= read.occurred_at <= datetime.now(UTC)
    assert read.occurred_at.utcoffset() == timedelta(0)


# --- following the committed log -------------------------------------------


def test_read_committed_returns_everything_in_order_and_resumes(store: EventStore) -> None:
    appended = (store.append("a", [pinned(1), pinned(2)], expected_version=0)
                + store.append("b", [pinned(3)], expected_version=0)
                + store.append("a", [pinned(4), pinned(5)], expected_version=2))
    everything = committed(store, (0, 0), 5)
    assert _positions(everything) == _positions(appended)
    assert [r.event for r in everything] == [r.event for r in appended]
    if store.postgres:
        txids = [r.txid for r in everything]
        assert all(t > 0 for t in txids) and txids == sorted(txids)
        assert txids[0] == txids[1] != txids[2] != txids[3] == txids[4]
    else:
        assert {r.txid for r in everything} == {0}

    for cut in range(len(everything)):
        checkpoint = (everything[cut].txid, everything[cut].position)
        assert _positions(store.read_committed(checkpoint)) == _positions(everything[cut + 1:])
    assert _positions(store.read_committed((0, 0), limit=2)) == _positions(everything[:2])


def test_read_committed_on_an_empty_log(store: EventStore) -> None:
    assert store.read_committed((0, 0)) == []


@pytest.mark.postgres
def test_read_committed_waits_for_an_older_transaction(pg_schema_url: str) -> None:
    """A lower position committed later is never skipped (the xid8 rule, ARCHITECTURE §1)."""
    from forum.core import migrate
    from forum.core.db import make_engine

    engine = make_engine(pg_schema_url)
    try:
        migrate.upgrade(engine)
        store = EventStore(engine)
        gate = _Gate()
        store.append("before", [ThreadLocked("t0", "m")], expected_version=0)
        follower = committed(store, (0, 0), 1)
        assert len(follower) == 1
        slow = threading.Thread(
            target=lambda: gate.store(engine).append("slow", [pinned(1)], expected_version=0))
        slow.start()
        try:
            assert gate.entered.wait(10)
            [fast] = store.append("fast", [ThreadLocked("t2", "m")], expected_version=0)
            # The fast event is committed and visible to a plain reader ...
            assert [r.stream_id for r in store.read_all(follower[-1].position)] == ["fast"]
            # ... but a follower must not pass the slow writer's lower position yet.
            checkpoint = (follower[-1].txid, follower[-1].position)
            assert store.read_committed(checkpoint) == []
        finally:
            gate.release.set()
            slow.join(20)
        rest = committed(store, checkpoint, 2)
        assert [r.stream_id for r in rest] == ["slow", "fast"]
        assert rest[0].position < fast.position
    finally:
        engine.dispose()


# --- old schema versions in a real log -------------------------------------


def test_a_stored_version_1_profile_is_upcast_on_read_and_rebuild(backend: Backend) -> None:
    backend.store.append("member-m1", [MemberRegistered(
        "m1", "sam", "Sam", "sam@example.org", "staff", "h", None)], expected_version=0)
    with write_connection(backend.engine) as conn, conn.begin():
        conn.execute(events_table.insert().values(
            stream_id="member-m1", stream_version=2, type="ProfileUpdated", schema_version=1,
            data=serialization.dumps({"member_id": "m1", "display_name": "Samuel", "bio": "",
                                      "skills": ["SQL"], "interests": [], "can_teach": []}),
            meta="{}", occurred_at=datetime.now(UTC)))
    [_, profile] = backend.store.read_stream("member-m1")
    assert profile.event == ProfileUpdated("m1", "Samuel", "", ("SQL",), (), (), True)
    backend.projections.rebuild(backend.engine, ["members"])
    with backend.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.id == "m1")).one()
    assert (row.display_name, row.share_read_history, row.skills) == ("Samuel", True, '["SQL"]')
