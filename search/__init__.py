"""Full-text search over what a reader may see (Whoosh, as a subscriber of the log).

Callers use :class:`SearchService` only: ``indexer()`` is the subscriber that
follows the log into the index, ``search()`` answers a query for a reader,
``reindex()`` rebuilds the index from the log. Whoosh stays behind it (in
:mod:`search.whoosh_index`), so a PostgreSQL full-text backend could take its
place for multi-host deployments without touching a caller.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from forum.eventstore import EventStore
from forum.permissions import Viewer
from search.indexer import SearchIndexer
from search.planning import plan
from search.querylang import QueryError
from search.results import Hit, SearchResults
from search.whoosh_index import WhooshIndex

WRITING_KINDS = ("post", "chat", "article")  # résumés and thread subjects do not count

__all__ = ["Hit", "QueryError", "SearchIndexer", "SearchResults", "SearchService"]


class SearchService:
    """The index in ``<data dir>/index``, and everything asked of it."""

    def __init__(self, path: Path) -> None:
        self.index = WhooshIndex(path)

    def indexer(self, **options: float) -> SearchIndexer:
        return SearchIndexer(self.index, **options)  # type: ignore[arg-type]

    def search(self, conn: Connection, viewer: Viewer, text: str, *, sort: str | None = None,
               page: str | int | None = None, per_page: str | int | None = None
               ) -> SearchResults:
        """What ``viewer`` may see matching ``text``; raises QueryError for a bad query."""
        request = plan(conn, viewer, text, sort=sort, page=page, per_page=per_page)
        return self.index.search(request)

    def count_authors(self, conn: Connection, viewer: Viewer, text: str, *, limit: int = 10
                      ) -> list[tuple[str, int]]:
        """Who wrote most about ``text`` (posts, chat, articles) in what ``viewer`` may read.

        The same plan as :meth:`search`, so the one visibility rule decides
        which documents count; raises QueryError for a bad query.
        """
        request = plan(conn, viewer, text)
        return self.index.count_authors(request, WRITING_KINDS, limit)

    def reindex(self, store: EventStore, progress: Callable[[int], None] = lambda n: None,
                *, batch: int = 2000) -> int:
        """Empty the index and follow the whole log into it again; returns events read.

        Commits as it goes, each commit with its checkpoint: interrupted, the
        index simply resumes from there when the indexer next runs.
        """
        self.index.clear()
        indexer = SearchIndexer(self.index, commit_interval=float("inf"), max_pending=5000)
        read = 0
        while chunk := store.read_committed(indexer.position(), batch):
            for recorded in chunk:
                indexer.handle(recorded)
            read += len(chunk)
            progress(len(chunk))
        indexer.commit()
        return read

    def close(self) -> None:
        self.index.close()
