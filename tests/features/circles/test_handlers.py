"""Study circles through the real handlers and log: membership drives the circle's
conference list (the one visibility rule), and refusals write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from forum.backend import Backend
from forum.core.errors import CommonroomError, Conflict, Forbidden, InvalidInput, NotFound
from forum.core.permissions import can_moderate, can_post, can_read
from forum.features.circles import handlers as circles
from forum.features.circles import queries as circle_queries
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    ChangeCircleCadence,
    JoinCircle,
    LeaveCircle,
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.conferences.queries import conference_access
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply
from forum.features.threads.queries import list_posts
from tests.conftest import People


def refused(backend: Backend, error: type[CommonroomError], call: Callable[[], Any],
            match: str) -> None:
    head = backend.store.head()
    with pytest.raises(error, match=match):
        call()
    assert backend.store.head() == head, "a refused command must not write"


def _access(backend: Backend, circle_id: str) -> Any:
    with backend.engine.connect() as conn:
        row = circle_queries.get_circle(conn, circle_id)
        return conference_access(conn, row.conference_id)


def test_membership_is_the_conference_list(backend: Backend, people: People) -> None:
    svc, sam, oli, gus = backend.services, people.staff, people.other, people.guest
    zope = circles.start_circle(svc, sam, StartCircle(
        "zope", "Zope & Python templating", "TAL", "every other Thursday"))
    access = _access(backend, zope)
    assert can_moderate(sam, access) and can_read(oli, access) and not can_post(oli, access)
    assert not can_read(gus, access)  # internal: staff read, guests do not
    circles.join_circle(svc, oli, JoinCircle(zope, "I use Chameleon"))
    assert not can_post(oli, _access(backend, zope))  # asked; not in yet
    with backend.engine.connect() as conn:
        assert [r.note for r in circle_queries.list_requests(conn, zope)] == ["I use Chameleon"]
    refused(backend, Conflict, lambda: circles.join_circle(svc, oli, JoinCircle(zope)),
            "asked to join already")
    refused(backend, Forbidden, lambda: circles.answer_join_request(
        svc, oli, AnswerJoinRequest(zope, oli.member_id or "", True)), "organisers")
    circles.answer_join_request(svc, sam, AnswerJoinRequest(
        zope, oli.member_id or "", approve=True))
    assert can_post(oli, _access(backend, zope))
    # A guest added by an organiser contributes to this internal circle.
    circles.add_circle_member(svc, sam, AddCircleMember(zope, gus.member_id or ""))
    assert can_post(gus, _access(backend, zope))
    thread = circles.record_circle_session(svc, gus, RecordCircleSession(
        zope, datetime.now(UTC).date().isoformat(), "Macros", "We read *METAL*."))
    with backend.engine.connect() as conn:
        (session,) = circle_queries.list_sessions(conn, zope)
        assert session.thread_id == thread and session.subject.endswith("Macros")
    with backend.engine.connect() as conn:
        first = list_posts(conn, thread)[0].id
    threads.post_reply(svc, oli, PostReply(thread, first, "And slots"))
    circles.leave_circle(svc, gus, LeaveCircle(zope))
    assert not can_read(gus, _access(backend, zope))
    refused(backend, Conflict, lambda: circles.leave_circle(svc, sam, LeaveCircle(zope)),
            "needs an organiser")
    circles.archive_circle(svc, sam, ArchiveCircle(zope))
    access = _access(backend, zope)
    assert can_read(oli, access) and not can_post(oli, access) and not can_post(sam, access)
    refused(backend, Conflict, lambda: circles.set_reading_list(
        svc, oli, SetReadingList(zope, (("A", ""),))), "archived")


def test_open_and_private_circles(backend: Backend, people: People) -> None:
    svc, sam, oli, gus = backend.services, people.staff, people.other, people.guest
    open_one = circles.start_circle(svc, sam, StartCircle("go", "Go", join="open"))
    circles.join_circle(svc, oli, JoinCircle(open_one))
    assert can_post(oli, _access(backend, open_one))
    private = circles.start_circle(svc, sam, StartCircle(
        "secret", "Security reading", visibility="private", join="invitation"))
    with backend.engine.connect() as conn:
        assert {c.slug for c in circle_queries.list_circles(conn, oli)} == {"go"}
        assert {c.slug for c in circle_queries.list_circles(conn, sam)} == {"go", "secret"}
    refused(backend, NotFound, lambda: circles.join_circle(svc, oli, JoinCircle(private)),
            "no such circle")
    refused(backend, Forbidden, lambda: circles.start_circle(svc, gus, StartCircle(
        "g", "Guests")), "staff start")
    circles.add_circle_member(svc, sam, AddCircleMember(private, oli.member_id or ""))
    with backend.engine.connect() as conn:
        assert {c.slug for c in circle_queries.list_circles(conn, oli)} == {"go", "secret"}


def test_bad_input_writes_nothing(backend: Backend, people: People) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    refused(backend, InvalidInput, lambda: circles.start_circle(svc, sam, StartCircle(
        "Bad Slug", "X")), "slug")
    refused(backend, InvalidInput, lambda: circles.start_circle(svc, sam, StartCircle(
        "x", "X", visibility="public")), "internal")
    refused(backend, InvalidInput, lambda: circles.start_circle(svc, sam, StartCircle(
        "x", "X", visibility="private", join="open")), "invitation")
    refused(backend, InvalidInput, lambda: circles.start_circle(svc, sam, StartCircle(
        "x", "X", cadence="FREQ=WEEKLY;UNTIL=20000101T000000Z")), "no dates")
    zope = circles.start_circle(svc, sam, StartCircle("zope", "Zope"))
    refused(backend, Conflict, lambda: circles.start_circle(svc, sam, StartCircle(
        "zope", "Zope again")), "already a circle")
    refused(backend, InvalidInput, lambda: circles.set_reading_list(svc, sam, SetReadingList(
        zope, (("Docs", "javascript:alert(1)"),))), "http")
    refused(backend, InvalidInput, lambda: circles.set_reading_list(svc, sam, SetReadingList(
        zope, (("", "https://example.org"),))), "title")
    circles.set_reading_list(svc, sam, SetReadingList(zope, (("A", ""),)))
    refused(backend, Conflict, lambda: circles.set_reading_list(svc, sam, SetReadingList(
        zope, (("B", ""),), expected_revision=0)), "changed meanwhile")
    refused(backend, Forbidden, lambda: circles.set_reading_list(svc, oli, SetReadingList(
        zope, (("B", ""),))), "join it first")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    refused(backend, InvalidInput, lambda: circles.record_circle_session(
        svc, sam, RecordCircleSession(zope, tomorrow, "Later", "Notes")), "once it was held")
    refused(backend, InvalidInput, lambda: circles.record_circle_session(
        svc, sam, RecordCircleSession(zope, "soon", "Later", "Notes")), "YYYY-MM-DD")
    refused(backend, InvalidInput, lambda: circles.change_circle_cadence(
        svc, sam, ChangeCircleCadence(zope, "FREQ=NEVER")), "not valid")
    refused(backend, InvalidInput, lambda: circles.add_circle_member(
        svc, sam, AddCircleMember(zope, "nobody")), "no such member")
    refused(backend, Conflict, lambda: circles.name_circle_organiser(
        svc, sam, NameCircleOrganiser(zope, oli.member_id or "")), "only a member")
    refused(backend, NotFound, lambda: circles.archive_circle(
        svc, sam, ArchiveCircle("nothing")), "no such circle")
