"""A rebuild's bulk load of the read models: SQLite settings for one transaction.

A rebuild rewrites every row of the read models in one transaction, so it
loads them the way databases are bulk-loaded: the indexes marked
``BULK_LOAD_DROP`` (read-side indexes no projection looks rows up by) are
dropped first and created again at the end, one sort each instead of a random
B-tree insert per row; the page cache is made large enough for the
working set; and pages the clear frees are not zeroed (``secure_delete``).
None of it changes what is committed: the indexes come back from their own
``CREATE INDEX`` text, inside the same transaction, before the
commit (tests/core/test_rebuild.py compares the schema).

PostgreSQL keeps its indexes: there ``DROP INDEX`` would lock the tables
against readers for the whole rebuild, where now they read the old rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Table

# Put on an Index's info: no projection reads through it, so a rebuild may
# drop it and build it again at the end. An unmarked index stays, so a
# projection that looks rows up by it never scans a table instead.
BULK_LOAD_DROP = {"bulk_load": "drop"}
CACHE_KIB = 1024 * 1024  # at 1,000,000 events, 5% faster than 512 MiB; 2 GiB no better
DEFAULT_CACHE_KIB = 2000  # SQLite's default page cache


@contextmanager
def bulk_load(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """Within the block, ``tables`` lack their droppable indexes (on SQLite)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    names = [index.name for table in tables for index in table.indexes
             if index.info.get("bulk_load") == "drop"]
    marks = ",".join("?" * len(names))
    indexes = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"
        " ORDER BY name", tuple(names)).fetchall() if names else []
    # A replay touches every index page; SQLite's default 2 MB page cache would
    # send most of those reads to the file system.
    conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    # SQLite built with SECURE_DELETE (Debian's system library is) zeroes every
    # page a clear frees and writes it out, though the replay fills it again: at
    # 1,000,000 events, 850 MB more written. FAST still zeroes what is deleted
    # inside pages that stay in use; a freed page keeps its old bytes until it is
    # reused, and the replay reuses nearly all of them for the same rows again.
    secure_delete = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    conn.exec_driver_sql("PRAGMA secure_delete = FAST")
    try:
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")
        conn.exec_driver_sql(f"PRAGMA secure_delete = {int(secure_delete or 0)}")
