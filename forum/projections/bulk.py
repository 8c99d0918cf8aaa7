"""A rebuild's bulk load of the read models: SQLite settings for one transaction.

A rebuild rewrites every row of the read models in one transaction, so it
loads them the way databases are bulk-loaded: secondary indexes are dropped
first and created again at the end, one sort each instead of a random B-tree
insert per row, and the page cache is made large enough for the working set.
None of it changes what is committed: the indexes come back from their own
``CREATE INDEX`` text, inside the same transaction, before the commit.

PostgreSQL keeps its indexes: there ``DROP INDEX`` would lock the tables
against readers for the whole rebuild, where now they read the old rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Table

CACHE_KIB = 512 * 1024
DEFAULT_CACHE_KIB = 2000  # SQLite's default page cache


@contextmanager
def bulk_load(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Within the block, ``tables`` lack their secondary indexes (on SQLite)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    names = tuple(table.name for table in tables)
    marks = ",".join("?" * len(names))
    # Indexes that back a PRIMARY KEY or UNIQUE constraint have no SQL text and
    # cannot be dropped; updates find their rows through them anyway.
    indexes = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY name", names).fetchall()
    # A replay touches every index page; SQLite's default 2 MB page cache would
    # send most of those reads to the file system.
    conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")
