"""Who may read a study circle: whoever may read its conference."""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.permissions import ConferenceAccess, Viewer
from forum.core.rows import DbRow
from forum.features.circles.queries import get_circle_by_slug
from forum.features.conferences.access import readable_in_conference


def readable_circle(conn: Connection, viewer: Viewer, slug: str
                    ) -> tuple[DbRow, ConferenceAccess]:
    """The circle at ``slug`` if the viewer may read its conference; not found otherwise."""
    row = get_circle_by_slug(conn, slug)
    return row, readable_in_conference(conn, viewer, row)
