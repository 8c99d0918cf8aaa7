"""The search indexer: a subscriber of the log and the single writer of the index.

It keeps its checkpoint inside the index, committed with the documents it
covers, so a crash (even kill -9 mid-batch) loses nothing and repeats nothing:
on restart it resumes after the last commit, and what it handles again
replaces the same documents by id. Events are buffered and committed together
— at most every ``commit_interval`` seconds or ``max_pending`` documents — so
a new post is searchable within about a second without a commit per post.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from forum.core.eventstore import Recorded
from search.documents import (
    Change,
    Document,
    Put,
    Relocate,
    Remove,
    Revise,
    apply_revision,
    changes_for,
)

log = logging.getLogger(__name__)


class IndexWriter(Protocol):
    """What the indexer needs of a backend (Whoosh or PostgreSQL)."""

    def checkpoint(self) -> tuple[int, int]: ...

    def get(self, doc_id: str) -> Document | None: ...

    def in_container(self, container: str) -> list[Document]: ...

    def write(self, puts: list[Document], removes: list[str],
              checkpoint: tuple[int, int]) -> None: ...


class SearchIndexer:
    """Follows the log into the index (``commonroom run`` and ``worker`` start it)."""

    name = "search"

    def __init__(self, index: IndexWriter, *, commit_interval: float = 1.0,
                 max_pending: int = 5000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.index = index
        self.commit_interval = commit_interval
        self.max_pending = max_pending
        self.clock = clock
        self._pending: dict[str, Document | None] = {}  # None: remove
        self._position: tuple[int, int] | None = None
        self._committed: tuple[int, int] = (0, 0)
        self._since: float | None = None
        self._threads: dict[str, str] = {}  # thread id -> space, as far as seen

    # --- the subscriber runner's side ---------------------------------------

    def position(self) -> tuple[int, int]:
        """Where to read the log from: after what the index (and buffer) holds."""
        if self._position is None:
            self._committed = self._position = self.index.checkpoint()
        return self._position

    def handle(self, recorded: Recorded) -> None:
        self.position()
        for change in changes_for(recorded, self._thread_space):
            self._apply(change)
        self._position = (recorded.txid, recorded.position)
        if self._since is None:
            self._since = self.clock()
        if len(self._pending) >= self.max_pending:
            self.commit()

    def flush(self) -> None:
        """Commit if the buffer is old or full enough (the runner calls this every pass)."""
        if self._since is not None and self.clock() - self._since >= self.commit_interval:
            self.commit()

    def commit(self) -> None:
        """Write what is buffered, with the checkpoint, in one commit."""
        position = self.position()
        if position == self._committed:
            self._since = None
            return
        puts = [d for d in self._pending.values() if d is not None]
        removes = [doc_id for doc_id, d in self._pending.items() if d is None]
        try:
            self.index.write(puts, removes, position)
        except Exception:
            # Start again from what the index holds; the runner retries with backoff.
            self.reset()
            raise
        self._pending.clear()
        self._committed = position
        self._since = None

    def reset(self) -> None:
        self._pending.clear()
        self._threads.clear()
        self._position = None
        self._since = None

    # --- applying changes to the buffer --------------------------------------

    def _current(self, doc_id: str) -> Document | None:
        if doc_id in self._pending:
            return self._pending[doc_id]
        return self.index.get(doc_id)

    def _thread_space(self, thread_id: str) -> str | None:
        if len(self._threads) > 200_000:  # a cache, not a copy of the forum
            self._threads.clear()
        if thread_id not in self._threads:
            thread = self._current(f"thread:{thread_id}")
            if thread is None:
                return None
            self._threads[thread_id] = thread.space
        return self._threads[thread_id]

    def _apply(self, change: Change) -> None:
        match change:
            case Put(document=doc):
                self._pending[doc.id] = doc
                if doc.kind == "thread":
                    self._threads[doc.container] = doc.space
            case Remove(doc_id=doc_id):
                self._pending[doc_id] = None
            case Revise(doc_id=doc_id):
                current = self._current(doc_id)
                if current is not None:
                    self._pending[doc_id] = apply_revision(current, change)
            case Relocate(container=container, space=space):
                self._relocate(container, space)

    def _relocate(self, container: str, space: str) -> None:
        # Rare (a moderator moved a thread): commit what is buffered so the index
        # holds the whole thread, then re-put each of its documents in the new space.
        self.commit()
        self._threads[container] = space
        for doc in self.index.in_container(container):
            self._pending[doc.id] = Document(
                doc.id, doc.kind, space, doc.container, doc.seq, doc.author, doc.title,
                doc.body, doc.created, doc.hidden)
