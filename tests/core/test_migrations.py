"""The migrations build exactly the schema the code declares (forum.db.metadata)."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import exc

from forum.backend import Backend
from forum.core.db import metadata


def test_migrated_schema_matches_the_declared_one(backend: Backend) -> None:
    with backend.engine.connect() as conn, warnings.catch_warnings():
        # PostgreSQL's xid8 (the log's transaction ids) is a type SQLAlchemy does not know.
        warnings.simplefilter("ignore", exc.SAWarning)
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # On PostgreSQL the log also has the txid column and its index for safe tailing
    # (migration 0001), deliberately outside the declared, database-neutral schema;
    # so are PostgreSQL's search tables (0013_pg_search, tested in tests/search/test_postgres.py).
    unexpected = [d for d in differences
                  if not (backend.store.postgres and (_is_txid(d) or _is_search(d)))]
    assert unexpected == []


def _is_search(difference: tuple[object, ...]) -> bool:
    return "search_documents" in repr(difference) or "search_words" in repr(difference) \
        or "search_checkpoint" in repr(difference)


def _is_txid(difference: tuple[object, ...]) -> bool:
    text = repr(difference)
    return "'txid'" in text or "ix_events_txid_position" in text
