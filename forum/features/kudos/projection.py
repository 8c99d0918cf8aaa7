"""Kudos given on posts and talks, and where "today I learned" posts go."""

from __future__ import annotations

from sqlalchemy import Connection, delete

from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection
from forum.features.kudos.events import KudosGiven, KudosWithdrawn, TilConferenceChosen
from forum.features.kudos.tables import kudos, learning_settings

projection = Projection("learning", [kudos, learning_settings])


@projection.on(KudosGiven)
def _given(conn: Connection, rec: Recorded, e: KudosGiven) -> None:
    conn.execute(kudos.insert().values(
        target=e.target, target_id=e.target_id, member_id=e.member_id,
        to_member_id=e.to_member_id, note=e.note, thread_id=e.thread_id, post_id=e.post_id,
        given_at=rec.occurred_at))


@projection.on(KudosWithdrawn)
def _withdrawn(conn: Connection, rec: Recorded, e: KudosWithdrawn) -> None:
    conn.execute(delete(kudos).where(kudos.c.target == e.target,
                                     kudos.c.target_id == e.target_id,
                                     kudos.c.member_id == e.member_id))


@projection.on(TilConferenceChosen)
def _til(conn: Connection, rec: Recorded, e: TilConferenceChosen) -> None:
    conn.execute(delete(learning_settings).where(learning_settings.c.name == "til_conference"))
    conn.execute(learning_settings.insert().values(name="til_conference",
                                                   value=e.conference_id))
