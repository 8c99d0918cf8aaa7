"""Team-together days: their sessions, who signed up, and planned follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, update

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.features.teamdays.events import (
    FollowUpPlanned,
    SessionAdded,
    SessionJoined,
    SessionLeft,
    TeamDayCreated,
)
from forum.features.teamdays.tables import (
    session_attendees,
    session_follow_ups,
    team_days,
    team_sessions,
)

projection = Projection("teamdays", [team_days, team_sessions, session_attendees,
                                     session_follow_ups])


def _version(conn: Connection, rec: Recorded, day_id: str) -> None:
    conn.execute(update(team_days).where(team_days.c.id == day_id)
                 .values(version=rec.stream_version))


@projection.on(TeamDayCreated)
def _created(conn: Connection, rec: Recorded, e: TeamDayCreated) -> None:
    conn.execute(team_days.insert().values(
        id=e.day_id, conference_id=e.conference_id, slug=e.slug, name=e.name,
        description=e.description, description_html=rendering.render(conn, e.description),
        day=e.day, timezone=e.timezone, created_by=e.created_by, version=rec.stream_version))


@projection.on(SessionAdded)
def _added(conn: Connection, rec: Recorded, e: SessionAdded) -> None:
    conn.execute(team_sessions.insert().values(
        id=e.session_id, day_id=e.day_id, title=e.title, description=e.description,
        description_html=rendering.render(conn, e.description), host_id=e.host_id,
        room=e.room, starts_at=datetime.fromisoformat(e.starts_at),
        ends_at=datetime.fromisoformat(e.ends_at), level=e.level, capacity=e.capacity,
        taken=0, thread_id=e.thread_id))
    _version(conn, rec, e.day_id)


@projection.on(SessionJoined, SessionLeft)
def _attendance(conn: Connection, rec: Recorded, e: SessionJoined | SessionLeft) -> None:
    if isinstance(e, SessionJoined):
        conn.execute(session_attendees.insert().values(
            session_id=e.session_id, member_id=e.member_id, day_id=e.day_id,
            joined_at=rec.occurred_at))
        change = 1
    else:
        conn.execute(delete(session_attendees).where(
            session_attendees.c.session_id == e.session_id,
            session_attendees.c.member_id == e.member_id))
        change = -1
    conn.execute(update(team_sessions).where(team_sessions.c.id == e.session_id)
                 .values(taken=team_sessions.c.taken + change))
    _version(conn, rec, e.day_id)


@projection.on(FollowUpPlanned)
def _follow_up(conn: Connection, rec: Recorded, e: FollowUpPlanned) -> None:
    conn.execute(session_follow_ups.insert().values(
        session_id=e.session_id, next_session_id=e.next_session_id,
        next_day_id=e.next_day_id, planned_by=e.by))
    _version(conn, rec, e.day_id)
