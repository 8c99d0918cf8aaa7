"""Conferences with their ordered access lists."""

from __future__ import annotations

import json

from sqlalchemy import Connection, update

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.features.conferences.events import (
    ConferenceAclChanged,
    ConferenceCreated,
    ConferenceUpdated,
)
from forum.features.conferences.tables import conferences

projection = Projection("conferences", [conferences])


@projection.on(ConferenceCreated)
def _created(conn: Connection, rec: Recorded, e: ConferenceCreated) -> None:
    conn.execute(
        conferences.insert().values(
            id=e.conference_id,
            slug=e.slug,
            name=e.name,
            resume=e.resume,
            resume_html=rendering.render(conn, e.resume),
            visibility=e.visibility,
            parent_id=e.parent_id,
            acl="[]",
            created_by=e.created_by,
            created_at=rec.occurred_at,
            version=rec.stream_version,
        )
    )


@projection.on(ConferenceUpdated)
def _updated(conn: Connection, rec: Recorded, e: ConferenceUpdated) -> None:
    conn.execute(
        update(conferences)
        .where(conferences.c.id == e.conference_id)
        .values(
            name=e.name,
            resume=e.resume,
            resume_html=rendering.render(conn, e.resume),
            visibility=e.visibility,
            version=rec.stream_version,
        )
    )


@projection.on(ConferenceAclChanged)
def _acl(conn: Connection, rec: Recorded, e: ConferenceAclChanged) -> None:
    conn.execute(
        update(conferences)
        .where(conferences.c.id == e.conference_id)
        .values(acl=json.dumps([list(entry) for entry in e.entries]),
                version=rec.stream_version)
    )
