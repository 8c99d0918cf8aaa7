"""Who may read a team-together day: whoever may read its conference."""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.permissions import ConferenceAccess, Viewer
from forum.core.rows import DbRow
from forum.features.conferences.access import readable_in_conference
from forum.features.teamdays.queries import get_team_day_by_slug


def readable_day(conn: Connection, viewer: Viewer, slug: str
                 ) -> tuple[DbRow, ConferenceAccess]:
    """The team day at ``slug`` if the viewer may read its conference; not found otherwise."""
    row = get_team_day_by_slug(conn, slug)
    return row, readable_in_conference(conn, viewer, row)
