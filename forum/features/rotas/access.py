"""Who may read a rota, a talk and its write-up."""

from __future__ import annotations

from sqlalchemy import Connection

from forum.core.errors import NotFound
from forum.core.permissions import ConferenceAccess, Viewer, can_organise
from forum.core.rows import DbRow
from forum.features.conferences.access import readable_in_conference
from forum.features.rotas.queries import get_rota_by_slug, get_talk


def readable_rota(conn: Connection, viewer: Viewer, slug: str
                  ) -> tuple[DbRow, ConferenceAccess]:
    """The rota at ``slug`` if the viewer may read its conference; not found otherwise."""
    row = get_rota_by_slug(conn, slug)
    return row, readable_in_conference(conn, viewer, row)


def readable_talk(conn: Connection, viewer: Viewer, slug: str, talk_id: str
                  ) -> tuple[DbRow, DbRow, ConferenceAccess]:
    """The rota, one of its talks, and the conference's access."""
    row, access = readable_rota(conn, viewer, slug)
    talk = get_talk(conn, talk_id)
    if talk is None or talk.rota_id != row.id:
        raise NotFound()
    return row, talk, access


def may_read_writeup(viewer: Viewer, talk: DbRow, access: ConferenceAccess) -> bool:
    """A draft is its speaker's and the reviewers'; an approved write-up every reader's."""
    return talk.writeup_status == "approved" or (talk.writeup_status != "none" and (
        viewer.member_id == talk.speaker_id or can_organise(viewer, access)))
