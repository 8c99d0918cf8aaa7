"""kill -9 the indexer mid-batch, again and again: it resumes from its checkpoint and
the index ends with every document exactly once — Whoosh on disk, and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forum.backend import Backend, open_backend
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.permissions import ANONYMOUS
from forum.features.conferences.events import ConferenceCreated
from forum.features.threads.events import PostDeleted, PostEdited, ReplyPosted, ThreadStarted
from search import SearchIndex, SearchIndexer
from search.pg_index import PostgresIndex, StaleWriter
from search.whoosh_index import WhooshIndex
from tests.conftest import make_config, sqlite_backend
from tests.search.conftest import index_all, settled

ROOT = Path(__file__).resolve().parents[2]
THREADS, REPLIES = 20, 100


def fill(backend: Backend, threads: int = THREADS) -> set[str]:
    """Thousands of posts, appended straight to the log; returns the ids to expect."""
    expected: set[str] = set()
    backend.store.append("conference-c1", [ConferenceCreated(
        "c1", "c1", "C1", "", "public", None, "m1")], expected_version=0)
    for t in range(threads):
        tid = f"t{t}"
        events: list[Event] = [ThreadStarted(tid, "c1", f"subject {t}", f"{tid}p1", "m1",
                                                   f"first post of thread {t}")]
        events += [ReplyPosted(tid, f"{tid}p{n}", n, f"{tid}p1", "m1",
                                  f"reply {n} about gardening and crash safety {t}")
                   for n in range(2, REPLIES + 1)]
        events.append(PostEdited(tid, f"{tid}p2", 2, "edited zqedited", "m1"))
        events.append(PostDeleted(tid, f"{tid}p3", "m1"))
        backend.store.append_streams([StreamWrite(f"thread-{tid}", events, 0)])
        expected |= {f"thread:{tid}"} | {f"post:{tid}p{n}" for n in range(1, REPLIES + 1)
                                         if n != 3}
    return expected


def reopen(index: SearchIndex) -> SearchIndex:
    """The index as another process would open it."""
    if isinstance(index, WhooshIndex):
        return WhooshIndex(index.path)
    return index  # PostgresIndex holds no state of its own: every call asks the database


def committed(index: SearchIndex) -> int:
    if isinstance(index, WhooshIndex) and not index.path.exists():
        return 0
    opened = reopen(index)
    try:
        return opened.checkpoint()[1]
    finally:
        if opened is not index:
            opened.close()


def stored_ids(index: SearchIndex) -> list[str]:
    if isinstance(index, PostgresIndex):
        return index.ids()
    assert isinstance(index, WhooshIndex)
    searcher = index._ix().searcher()
    try:
        return [fields["id"] for fields in searcher.all_stored_fields()
                if fields["kind"] != "meta"]
    finally:
        searcher.close()


@pytest.mark.parametrize("engine", ["whoosh", "postgres"])
def test_kill_9_mid_batch_loses_and_duplicates_nothing(
        request: pytest.FixtureRequest, tmp_path: Path,
        tmp_path_factory: pytest.TempPathFactory, engine: str) -> None:
    url = None
    if engine == "whoosh":
        backend = sqlite_backend(tmp_path, tmp_path_factory)
    else:
        url = request.getfixturevalue("pg_schema_url")
        backend = open_backend(make_config(tmp_path, url))
    assert backend.search.backend_name == engine
    # PostgreSQL indexes faster than Whoosh: more posts and shorter lives to kill it twice.
    threads, delays = (THREADS, (0.8, 0.35, 0.6, 0.45)) if engine == "whoosh" else (
        3 * THREADS, (0.5, 0.25, 0.4, 0.3, 0.35))
    expected = fill(backend, threads)
    settled(backend)
    head = backend.store.head()
    index = backend.search.index
    kills = 0
    left_mid_way = 0  # kills after which the index stood between the start and the head
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in delays:
        checkpoint = committed(index)
        if checkpoint >= head:
            break
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.search.crash_worker", str(tmp_path),
             *([url] if url else [])],
            cwd=ROOT, env=env, stdout=subprocess.PIPE)
        assert worker.stdout is not None and worker.stdout.readline()
        time.sleep(delay)  # somewhere in a batch: handling events or inside a commit
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        kills += 1
        after = committed(index)
        assert after >= checkpoint  # never goes back
        left_mid_way += 0 < after < head
    assert kills >= 2, "the index finished before it could be killed twice: use more posts"
    # At least one worker was killed with work left, which the next one resumed (on a
    # slow machine the last may have finished first: then there is simply less left).
    assert left_mid_way >= 1
    # When the indexer starts again, it resumes from the index's own checkpoint
    reopened = reopen(index)
    assert 0 < SearchIndexer(reopened).position()[1] <= head  # type: ignore[arg-type]
    if reopened is not index:
        reopened.close()
    backend.search.close()
    for _ in range(5):
        try:
            index_all(backend)
            break
        except StaleWriter:
            # A killed worker's COMMIT already on its way to PostgreSQL lands after the
            # kill: the resumed indexer finds the checkpoint moved, writes nothing, and
            # (as the runner does on any failure) starts again from there.
            continue
    # Then every document is there exactly once, edits applied, deletions gone
    ids = stored_ids(backend.search.index)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    with backend.engine.connect() as conn:
        assert backend.search.search(conn, ANONYMOUS, "zqedited").total == threads
    backend.dispose()
