"""Full-text search over what a reader may see, as a subscriber of the log.

Callers use :class:`SearchService` only: ``indexer()`` is the subscriber that
follows the log into the index, ``search()`` answers a query for a reader,
``reindex()`` rebuilds the index from the log. Two backends sit behind it:
Whoosh on disk (:mod:`search.whoosh_index`, the embedded default) and
PostgreSQL full-text search (:mod:`search.pg_index`, for deployments on
several hosts), chosen by :func:`open_search`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine

from forum.core.eventstore import EventStore
from forum.core.permissions import Viewer
from search.documents import Document
from search.indexer import SearchIndexer
from search.pg_index import PostgresIndex
from search.planning import plan
from search.querylang import QueryError
from search.results import Hit, SearchRequest, SearchResults
from search.whoosh_index import WhooshIndex

__all__ = ["BACKENDS", "Hit", "QueryError", "SearchBackendError", "SearchIndexer",
           "SearchResults", "SearchService", "backend_problem", "open_search"]

BACKENDS = ("auto", "whoosh", "postgres")
WRITING_KINDS = ("post", "chat", "article")  # résumés and thread subjects do not count


class SearchBackendError(ValueError):
    """COMMONROOM_SEARCH_BACKEND names no backend, or one the database cannot serve."""


class SearchIndex(Protocol):
    """What a backend does: the indexer's writes and reads, queries, clearing."""

    def checkpoint(self) -> tuple[int, int]: ...

    def get(self, doc_id: str) -> Document | None: ...

    def in_container(self, container: str) -> list[Document]: ...

    def write(self, puts: list[Document], removes: list[str],
              checkpoint: tuple[int, int]) -> None: ...

    def search(self, request: SearchRequest) -> SearchResults: ...

    def count_authors(self, request: SearchRequest, kinds: tuple[str, ...], limit: int
                      ) -> list[tuple[str, int]]: ...

    def doc_count(self) -> int: ...

    def clear(self) -> None: ...

    @property
    def reindex_batch(self) -> int: ...  # documents a reindex commits at once

    def close(self) -> None: ...


class SearchService:
    """The index (Whoosh in ``<data dir>/index``, or PostgreSQL), and everything asked of it."""

    def __init__(self, index: Path | SearchIndex) -> None:
        self.index: SearchIndex = WhooshIndex(index) if isinstance(index, Path) else index

    @property
    def backend_name(self) -> str:
        return "postgres" if isinstance(self.index, PostgresIndex) else "whoosh"

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
        indexer = SearchIndexer(self.index, commit_interval=float("inf"),
                                max_pending=self.index.reindex_batch)
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


def backend_problem(choice: str, postgres: bool) -> str | None:
    """Why ``choice`` cannot serve this database, in plain words (None: it can)."""
    if choice not in BACKENDS:
        return (f"COMMONROOM_SEARCH_BACKEND is one of {', '.join(BACKENDS)}, "
                f"not {choice!r}")
    if choice == "postgres" and not postgres:
        return ("COMMONROOM_SEARCH_BACKEND=postgres needs COMMONROOM_DATABASE_URL "
                "to be a PostgreSQL database")
    return None


def open_search(choice: str, data_dir: Path, engine: Engine) -> SearchService:
    """The backend ``choice`` names (auto: PostgreSQL's own when the database is PostgreSQL)."""
    postgres = engine.dialect.name == "postgresql"
    if (problem := backend_problem(choice, postgres)) is not None:
        raise SearchBackendError(problem)
    if choice == "postgres" or (choice == "auto" and postgres):
        return SearchService(PostgresIndex(engine))
    return SearchService(data_dir / "index")
