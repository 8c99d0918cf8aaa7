"""The read side of conferences: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select

from forum.core.permissions import (
    ConferenceAccess,
    Viewer,
    can_moderate,
    readable_conference_ids,
)
from forum.core.rows import DbRow
from forum.features.conferences.tables import conferences
from forum.features.rooms.tables import (
    rooms,
)


def tags(value: str) -> list[str]:
    result: list[str] = json.loads(value or "[]")
    return result


def access_from_row(row: DbRow) -> ConferenceAccess:
    acl = tuple((str(p), str(a)) for p, a in json.loads(row.acl))
    return ConferenceAccess(row.id, row.visibility, acl)


def conference_access(conn: Connection, conference_id: str) -> ConferenceAccess | None:
    row = conn.execute(
        select(conferences.c.id, conferences.c.visibility, conferences.c.acl)
        .where(conferences.c.id == conference_id)
    ).first()
    return access_from_row(row) if row else None


def list_conference_access(conn: Connection) -> list[ConferenceAccess]:
    rows = conn.execute(select(conferences.c.id, conferences.c.visibility, conferences.c.acl))
    return [access_from_row(r) for r in rows]


def readable_ids(conn: Connection, viewer: Viewer) -> set[str]:
    return readable_conference_ids(viewer, list_conference_access(conn))


# The thread page's statements are built once: building a select costs more
# than running it on SQLite, and that page is the one people read most.
_CONFERENCE = select(conferences).where(conferences.c.id == bindparam("conference_id"))


def get_conference(conn: Connection, conference_id: str) -> DbRow | None:
    return conn.execute(_CONFERENCE, {"conference_id": conference_id}).first()


def get_conference_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(conferences).where(conferences.c.slug == slug)).first()


@dataclass(frozen=True)
class ConferenceSummary:
    row: DbRow
    threads: int
    posts: int
    unread: int
    last_post_at: Any
    depth: int


def moderated_ids(conn: Connection, viewer: Viewer) -> set[str]:
    return {c.conference_id for c in list_conference_access(conn) if can_moderate(viewer, c)}


def list_place_slugs(conn: Connection) -> list[tuple[str, str, str]]:
    """(kind, id, slug) of every conference and room, for ``in:``."""
    found = [("conference", str(i), str(s))
             for i, s in conn.execute(select(conferences.c.id, conferences.c.slug))]
    return found + [("room", str(i), str(s)) for i, s in conn.execute(select(rooms.c.id,
                                                                             rooms.c.slug))]
