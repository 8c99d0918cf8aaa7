"""Driver-level statements for the projections that every post and read goes through.

SQLAlchemy Core spends about 60 µs preparing each statement; SQLite runs a
small insert in under 10 µs. Rebuilds replay millions of events, so the hot
projections write with plain SQL on the driver's cursor, inside the same
transaction as everything else. Parameters are named (``:name``), which
sqlite3 takes as is and which becomes ``%(name)s`` for psycopg.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

_NAMED = re.compile(r"(?<!:):(\w+)")
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime


class Statement:
    """One SQL statement with named parameters, for either database."""

    def __init__(self, sql: str) -> None:
        self.sqlite = " ".join(sql.split())
        self.postgres = _NAMED.sub(r"%(\1)s", self.sqlite)

    def run(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Execute; returns the driver cursor (rowcount, fetchone) — closed by the caller's GC."""
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if conn.dialect.name == "postgresql":
            cursor.execute(self.postgres, params)
        else:
            cursor.execute(self.sqlite, params)
        return cursor


def stamp(conn: Connection, moment: datetime) -> Any:
    """A time as the database stores it: aware on PostgreSQL, SQLAlchemy's text on SQLite."""
    return moment if conn.dialect.name == "postgresql" else moment.strftime(SQLITE_TIME)
