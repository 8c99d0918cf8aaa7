"""A small organisation with words in every kind of place, indexed synchronously."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text

from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from search import SearchIndexer, SearchResults
from tests.conftest import People


def settled(backend: Backend, timeout: float = 30.0) -> None:
    """On PostgreSQL, wait until every event written so far is safe to follow.

    The log is followed only below the oldest transaction still running anywhere
    in the cluster (the xid8 rule), so another session's open transaction — a
    parallel test's, say — holds back what the indexer may read for a moment.
    """
    if not backend.store.postgres:
        return
    deadline = time.monotonic() + timeout
    with backend.engine.connect() as conn:
        while not conn.execute(text(
                "SELECT coalesce(bool_and(txid < pg_snapshot_xmin(pg_current_snapshot())),"
                " true) FROM events")).scalar():
            assert time.monotonic() < deadline, "a transaction kept the log unreadable"
            conn.rollback()
            time.sleep(0.02)


def index_all(backend: Backend) -> SearchIndexer:
    """Drive the indexer over everything committed, as the runner would, and commit."""
    indexer = next(s for s in backend.subscribers if isinstance(s, SearchIndexer))
    settled(backend)
    while batch := backend.store.read_committed(indexer.position(), 500):
        for recorded in batch:
            indexer.handle(recorded)
    indexer.commit()
    return indexer


def search(backend: Backend, viewer: Viewer, text: str, **options: Any) -> SearchResults:
    index_all(backend)
    with backend.engine.connect() as conn:
        return backend.search.search(conn, viewer, text, **options)


def found(backend: Backend, viewer: Viewer, text: str, **options: Any) -> list[str]:
    return [hit.doc_id for hit in search(backend, viewer, text, **options).hits]


class Places:
    """A public, an internal and a private conference (sam and oli on its list)."""

    def __init__(self, backend: Backend, people: People) -> None:
        svc, admin = backend.services, people.admin
        self.conference: dict[str, str] = {}
        self.thread: dict[str, str] = {}
        self.post: dict[str, str] = {}
        for visibility in ("public", "internal", "private"):
            cid = conferences.create_conference(
                svc, admin, CreateConference(visibility, visibility.title(), visibility))
            self.conference[visibility] = cid
        conferences.set_conference_acl(svc, admin, SetConferenceAcl(
            self.conference["private"],
            ((f"member:{people.other.member_id}", "moderator"),
             (f"member:{people.staff.member_id}", "contributor"))))
        for visibility in ("public", "internal", "private"):
            tid, pid = threads.start_thread(svc, admin, StartThread(
                self.conference[visibility], f"{visibility} subject",
                f"Words about {visibility}: zq{visibility}unique and shared gardening"))
            self.thread[visibility] = tid
            self.post[visibility] = pid


@pytest.fixture
def places(backend: Backend, people: People) -> Places:
    return Places(backend, people)
