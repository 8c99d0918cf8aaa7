"""The read side of study circles. Never writes; a circle is seen by whoever may read
its conference (the one rule), and its conference's list follows its membership."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from forum.core.permissions import Viewer
from forum.core.rows import DbRow
from forum.features.circles.tables import (
    circle_members,
    circle_reading,
    circle_requests,
    circle_sessions,
    circles,
)
from forum.features.conferences.queries import readable_ids
from forum.features.members.tables import members
from forum.features.threads.tables import threads


def get_circle(conn: Connection, circle_id: str) -> DbRow | None:
    return conn.execute(select(circles).where(circles.c.id == circle_id)).first()


def get_circle_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(circles).where(circles.c.slug == slug)).first()


def get_circle_by_conference(conn: Connection, conference_id: str) -> DbRow | None:
    return conn.execute(select(circles).where(circles.c.conference_id == conference_id)).first()


def list_circles(conn: Connection, viewer: Viewer) -> Sequence[DbRow]:
    """The circles the viewer may see, open ones first, by name, with how many are in
    each, whether the viewer is (or organises it), and how many ask to join."""
    count = (select(func.count()).select_from(circle_members)
             .where(circle_members.c.circle_id == circles.c.id).scalar_subquery())
    mine = (select(func.count()).select_from(circle_members)
            .where(circle_members.c.circle_id == circles.c.id,
                   circle_members.c.member_id == (viewer.member_id or ""))
            .scalar_subquery())
    organising = (select(func.count()).select_from(circle_members)
                  .where(circle_members.c.circle_id == circles.c.id,
                         circle_members.c.member_id == (viewer.member_id or ""),
                         circle_members.c.organiser == 1).scalar_subquery())
    asking = (select(func.count()).select_from(circle_requests)
              .where(circle_requests.c.circle_id == circles.c.id).scalar_subquery())
    return conn.execute(
        select(circles, count.label("member_count"), mine.label("mine"),
               organising.label("organising"), asking.label("asking"))
        .where(circles.c.conference_id.in_(readable_ids(conn, viewer)))
        .order_by(circles.c.archived_at.is_not(None), circles.c.name)).all()


def list_members(conn: Connection, circle_id: str) -> Sequence[DbRow]:
    """Organisers first, then by when they joined."""
    return conn.execute(
        select(circle_members, members.c.display_name, members.c.handle)
        .join(members, members.c.id == circle_members.c.member_id)
        .where(circle_members.c.circle_id == circle_id)
        .order_by(circle_members.c.organiser.desc(), circle_members.c.joined_at,
                  members.c.handle)).all()


def list_requests(conn: Connection, circle_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(circle_requests, members.c.display_name, members.c.handle)
        .join(members, members.c.id == circle_requests.c.member_id)
        .where(circle_requests.c.circle_id == circle_id)
        .order_by(circle_requests.c.requested_at)).all()


def has_requested(conn: Connection, circle_id: str, member_id: str | None) -> bool:
    return member_id is not None and conn.execute(
        select(circle_requests.c.member_id).where(
            circle_requests.c.circle_id == circle_id,
            circle_requests.c.member_id == member_id)).first() is not None


def list_reading(conn: Connection, circle_id: str) -> Sequence[DbRow]:
    return conn.execute(select(circle_reading).where(circle_reading.c.circle_id == circle_id)
                        .order_by(circle_reading.c.position)).all()


def list_sessions(conn: Connection, circle_id: str) -> Sequence[DbRow]:
    """Sessions held, newest first, with their notes thread's replies and who wrote them."""
    return conn.execute(
        select(circle_sessions, threads.c.post_count, threads.c.subject,
               members.c.display_name.label("recorded_by_name"))
        .join(threads, threads.c.id == circle_sessions.c.thread_id)
        .join(members, members.c.id == circle_sessions.c.recorded_by)
        .where(circle_sessions.c.circle_id == circle_id)
        .order_by(circle_sessions.c.held_on.desc(), circle_sessions.c.position.desc())).all()
