"""Study circles: who is in them, who asked to join, the reading list and sessions."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, update

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.features.circles.events import (
    CircleArchived,
    CircleCadenceChanged,
    CircleJoinDeclined,
    CircleJoined,
    CircleJoinRequested,
    CircleLeft,
    CircleOrganiserNamed,
    CircleReadingListChanged,
    CircleSessionHeld,
    CircleStarted,
)
from forum.features.circles.tables import (
    circle_members,
    circle_reading,
    circle_requests,
    circle_sessions,
    circles,
)

projection = Projection("circles", [circles, circle_members, circle_requests, circle_reading,
                                    circle_sessions])


def _set(conn: Connection, rec: Recorded, circle_id: str, **values: object) -> None:
    conn.execute(update(circles).where(circles.c.id == circle_id)
                 .values(version=rec.stream_version, **values))


@projection.on(CircleStarted)
def _started(conn: Connection, rec: Recorded, e: CircleStarted) -> None:
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


@projection.on(CircleJoinRequested)
def _requested(conn: Connection, rec: Recorded, e: CircleJoinRequested) -> None:
    conn.execute(insert(circle_requests).values(circle_id=e.circle_id, member_id=e.member_id,
                                                note=e.note, requested_at=rec.occurred_at))
    _set(conn, rec, e.circle_id)


@projection.on(CircleJoinDeclined)
def _declined(conn: Connection, rec: Recorded, e: CircleJoinDeclined) -> None:
    _forget_request(conn, e.circle_id, e.member_id)
    _set(conn, rec, e.circle_id)


@projection.on(CircleJoined)
def _joined(conn: Connection, rec: Recorded, e: CircleJoined) -> None:
    _forget_request(conn, e.circle_id, e.member_id)
    conn.execute(insert(circle_members).values(circle_id=e.circle_id, member_id=e.member_id,
                                               organiser=0, joined_at=rec.occurred_at))
    _set(conn, rec, e.circle_id)


@projection.on(CircleLeft)
def _left(conn: Connection, rec: Recorded, e: CircleLeft) -> None:
    conn.execute(delete(circle_members).where(circle_members.c.circle_id == e.circle_id,
                                              circle_members.c.member_id == e.member_id))
    _set(conn, rec, e.circle_id)


@projection.on(CircleOrganiserNamed)
def _organiser(conn: Connection, rec: Recorded, e: CircleOrganiserNamed) -> None:
    conn.execute(update(circle_members).where(circle_members.c.circle_id == e.circle_id,
                                              circle_members.c.member_id == e.member_id)
                 .values(organiser=1))
    _set(conn, rec, e.circle_id)


@projection.on(CircleCadenceChanged)
def _cadence(conn: Connection, rec: Recorded, e: CircleCadenceChanged) -> None:
    _set(conn, rec, e.circle_id, cadence=e.cadence)


@projection.on(CircleReadingListChanged)
def _reading(conn: Connection, rec: Recorded, e: CircleReadingListChanged) -> None:
    conn.execute(delete(circle_reading).where(circle_reading.c.circle_id == e.circle_id))
    if e.items:
        conn.execute(insert(circle_reading), [
            {"circle_id": e.circle_id, "position": n, "title": title, "link": link}
            for n, (title, link) in enumerate(e.items, 1)])
    _set(conn, rec, e.circle_id, reading_revision=e.revision)


@projection.on(CircleSessionHeld)
def _session(conn: Connection, rec: Recorded, e: CircleSessionHeld) -> None:
    conn.execute(insert(circle_sessions).values(
        id=e.session_id, circle_id=e.circle_id, held_on=e.held_on, title=e.title,
        thread_id=e.thread_id, recorded_by=e.by, position=rec.position))
    _set(conn, rec, e.circle_id)


@projection.on(CircleArchived)
def _archived(conn: Connection, rec: Recorded, e: CircleArchived) -> None:
    _set(conn, rec, e.circle_id, archived_at=rec.occurred_at)
