"""A small organisation with words in every kind of place, indexed synchronously."""

from __future__ import annotations

from typing import Any

import pytest

from forum import commands as cmd
from forum.backend import Backend
from forum.handlers import conferences, threads
from forum.permissions import Viewer
from search import SearchIndexer, SearchResults
from tests.conftest import People


def index_all(backend: Backend) -> SearchIndexer:
    """Drive the indexer over everything committed, as the runner would, and commit."""
    indexer = next(s for s in backend.subscribers if isinstance(s, SearchIndexer))
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
                svc, admin, cmd.CreateConference(visibility, visibility.title(), visibility))
            self.conference[visibility] = cid
        conferences.set_conference_acl(svc, admin, cmd.SetConferenceAcl(
            self.conference["private"],
            ((f"member:{people.other.member_id}", "moderator"),
             (f"member:{people.staff.member_id}", "contributor"))))
        for visibility in ("public", "internal", "private"):
            tid, pid = threads.start_thread(svc, admin, cmd.StartThread(
                self.conference[visibility], f"{visibility} subject",
                f"Words about {visibility}: zq{visibility}unique and shared gardening"))
            self.thread[visibility] = tid
            self.post[visibility] = pid


@pytest.fixture
def places(backend: Backend, people: People) -> Places:
    return Places(backend, people)
