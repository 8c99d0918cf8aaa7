"""Who may read a conference, or a thing that lives in one: found and readable, or not found.

A place the viewer may not read answers exactly as a place that does not
exist (404, never 403), so its existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.errors import NotFound
from forum.core.permissions import ConferenceAccess, Viewer, can_read
from forum.core.rows import DbRow
from forum.features.conferences.queries import (
    access_from_row,
    conference_access,
    get_conference_by_slug,
)


def readable_conference(conn: Connection, viewer: Viewer, slug: str
                        ) -> tuple[DbRow, ConferenceAccess]:
    """The conference at ``slug`` if the viewer may read it."""
    row = get_conference_by_slug(conn, slug)
    access = access_from_row(row) if row is not None else None
    if access is None or not can_read(viewer, access):
        raise NotFound()
    return row, access


def readable_in_conference(conn: Connection, viewer: Viewer, row: DbRow | None
                           ) -> ConferenceAccess:
    """The access of the conference ``row`` lives in (a rota, a circle, a team day),
    if the row exists and the viewer may read that conference."""
    access = conference_access(conn, row.conference_id) if row is not None else None
    if access is None or not can_read(viewer, access):
        raise NotFound()
    return access
