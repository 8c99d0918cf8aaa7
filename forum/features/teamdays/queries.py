"""The read side of team-together days. Never writes; the one rule decides who sees a day."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from forum.core.permissions import Viewer
from forum.core.rows import DbRow
from forum.features.conferences.queries import readable_ids
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.teamdays.tables import (
    session_attendees,
    session_follow_ups,
    team_days,
    team_sessions,
)


def get_team_day_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(team_days).where(team_days.c.slug == slug)).first()


def get_session(conn: Connection, session_id: str) -> DbRow | None:
    return conn.execute(select(team_sessions).where(team_sessions.c.id == session_id)).first()


def list_team_days(conn: Connection, viewer: Viewer) -> Sequence[DbRow]:
    return conn.execute(
        select(team_days, conferences.c.name.label("conference_name"))
        .join(conferences, conferences.c.id == team_days.c.conference_id)
        .where(team_days.c.conference_id.in_(readable_ids(conn, viewer)))
        .order_by(team_days.c.day.desc())).all()


def list_sessions(conn: Connection, day_id: str) -> Sequence[DbRow]:
    """The day's sessions by start time, then room, with their host's name."""
    return conn.execute(
        select(team_sessions, members.c.display_name.label("host_name"),
               members.c.handle.label("host_handle"))
        .join(members, members.c.id == team_sessions.c.host_id)
        .where(team_sessions.c.day_id == day_id)
        .order_by(team_sessions.c.starts_at, team_sessions.c.room)).all()


def attending(conn: Connection, day_id: str, member_id: str | None) -> set[str]:
    """The sessions of the day the member signed up for."""
    if member_id is None:
        return set()
    return set(conn.execute(select(session_attendees.c.session_id).where(
        session_attendees.c.day_id == day_id,
        session_attendees.c.member_id == member_id)).scalars())


def list_attendees(conn: Connection, day_id: str) -> dict[str, list[DbRow]]:
    result: dict[str, list[DbRow]] = {}
    for row in conn.execute(
            select(session_attendees.c.session_id, members.c.display_name, members.c.handle)
            .join(members, members.c.id == session_attendees.c.member_id)
            .where(session_attendees.c.day_id == day_id)
            .order_by(session_attendees.c.joined_at)):
        result.setdefault(row.session_id, []).append(row)
    return result


def list_follow_ups(conn: Connection, day_id: str, viewer: Viewer) -> dict[str, list[DbRow]]:
    """Per session, its planned follow-ups the viewer may read (with their day's slug)."""
    readable = readable_ids(conn, viewer)
    result: dict[str, list[DbRow]] = {}
    follow = team_sessions.alias("follow")
    rows = conn.execute(
        select(session_follow_ups.c.session_id, follow.c.id, follow.c.title,
               follow.c.starts_at, team_days.c.slug, team_days.c.name.label("day_name"),
               team_days.c.conference_id)
        .join(team_sessions, team_sessions.c.id == session_follow_ups.c.session_id)
        .join(follow, follow.c.id == session_follow_ups.c.next_session_id)
        .join(team_days, team_days.c.id == follow.c.day_id)
        .where(team_sessions.c.day_id == day_id))
    for row in rows:
        if row.conference_id in readable:
            result.setdefault(row.session_id, []).append(row)
    return result
