"""Study circles: who is in them, who asked to join, the reading list and sessions."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, update

from forum import events as ev
from forum.eventstore import Recorded
from forum.projections import rendering
from forum.projections.circle_tables import (
    circle_members,
    circle_reading,
    circle_requests,
    circle_sessions,
    circles,
)
from forum.projections.registry import Projection

projection = Projection("circles", [circles, circle_members, circle_requests, circle_reading,
                                    circle_sessions])


def _set(conn: Connection, rec: Recorded, circle_id: str, **values: object) -> None:
    conn.execute(update(circles).where(circles.c.id == circle_id)
                 .values(version=rec.stream_version, **values))


@projection.on(ev.CircleStarted)
def _started(conn: Connection, rec: Recorded, e: ev.CircleStarted) -> None:
    conn.execute(insert(circles).values(
        id=e.circle_id, conference_id=e.conference_id, slug=e.slug, name=e.name,
        description=e.description, description_html=rendering.render(conn, e.description),
        cadence=e.cadence, visibility=e.visibility, join_policy=e.join,
        started_by=e.started_by, started_at=rec.occurred_at, reading_revision=0,
        version=rec.stream_version))
    conn.execute(insert(circle_members).values(circle_id=e.circle_id, member_id=e.started_by,
                                               organiser=1, joined_at=rec.occurred_at))


def _forget_request(conn: Connection, circle_id: str, member_id: str) -> None:
    conn.execute(delete(circle_requests).where(circle_requests.c.circle_id == circle_id,
                                               circle_requests.c.member_id == member_id))


@projection.on(ev.CircleJoinRequested)
def _requested(conn: Connection, rec: Recorded, e: ev.CircleJoinRequested) -> None:
    conn.execute(insert(circle_requests).values(circle_id=e.circle_id, member_id=e.member_id,
                                                note=e.note, requested_at=rec.occurred_at))
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleJoinDeclined)
def _declined(conn: Connection, rec: Recorded, e: ev.CircleJoinDeclined) -> None:
    _forget_request(conn, e.circle_id, e.member_id)
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleJoined)
def _joined(conn: Connection, rec: Recorded, e: ev.CircleJoined) -> None:
    _forget_request(conn, e.circle_id, e.member_id)
    conn.execute(insert(circle_members).values(circle_id=e.circle_id, member_id=e.member_id,
                                               organiser=0, joined_at=rec.occurred_at))
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleLeft)
def _left(conn: Connection, rec: Recorded, e: ev.CircleLeft) -> None:
    conn.execute(delete(circle_members).where(circle_members.c.circle_id == e.circle_id,
                                              circle_members.c.member_id == e.member_id))
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleOrganiserNamed)
def _organiser(conn: Connection, rec: Recorded, e: ev.CircleOrganiserNamed) -> None:
    conn.execute(update(circle_members).where(circle_members.c.circle_id == e.circle_id,
                                              circle_members.c.member_id == e.member_id)
                 .values(organiser=1))
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleCadenceChanged)
def _cadence(conn: Connection, rec: Recorded, e: ev.CircleCadenceChanged) -> None:
    _set(conn, rec, e.circle_id, cadence=e.cadence)


@projection.on(ev.CircleReadingListChanged)
def _reading(conn: Connection, rec: Recorded, e: ev.CircleReadingListChanged) -> None:
    conn.execute(delete(circle_reading).where(circle_reading.c.circle_id == e.circle_id))
    if e.items:
        conn.execute(insert(circle_reading), [
            {"circle_id": e.circle_id, "position": n, "title": title, "link": link}
            for n, (title, link) in enumerate(e.items, 1)])
    _set(conn, rec, e.circle_id, reading_revision=e.revision)


@projection.on(ev.CircleSessionHeld)
def _session(conn: Connection, rec: Recorded, e: ev.CircleSessionHeld) -> None:
    conn.execute(insert(circle_sessions).values(
        id=e.session_id, circle_id=e.circle_id, held_on=e.held_on, title=e.title,
        thread_id=e.thread_id, recorded_by=e.by, position=rec.position))
    _set(conn, rec, e.circle_id)


@projection.on(ev.CircleArchived)
def _archived(conn: Connection, rec: Recorded, e: ev.CircleArchived) -> None:
    _set(conn, rec, e.circle_id, archived_at=rec.occurred_at)
