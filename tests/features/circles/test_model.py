"""Study circles: given events, when a command, then events (or an error). The circle's
conference list is decided with every change of membership."""

from __future__ import annotations

from datetime import date

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.circles import model as circle
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    JoinCircle,
    LeaveCircle,
    RecordCircleSession,
    StartCircle,
)
from forum.features.circles.events import (
    CircleArchived,
    CircleJoinDeclined,
    CircleJoined,
    CircleJoinRequested,
    CircleSessionHeld,
    CircleStarted,
)
from forum.features.circles.model import CircleState
from forum.features.conferences.events import ConferenceAclChanged, ConferenceCreated
from forum.features.threads.events import ThreadStarted

SAM = Viewer("sam", "staff")  # organiser
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
STARTED = CircleStarted("k1", "c1", "zope", "Zope", "", "", "internal", "approval", "sam")
OPEN = CircleStarted("k1", "c1", "zope", "Zope", "", "", "internal", "open", "sam")
PRIVATE = CircleStarted("k1", "c1", "sec", "Sec", "", "", "private", "invitation", "sam")


def given(*history: Event) -> CircleState:
    return circle.load("k1", history)


def access(state: CircleState) -> ConferenceAccess:
    """The conference as the circle's decisions left it."""
    return ConferenceAccess("c1", state.visibility, circle.access_list(state))


def test_starting_a_circle_creates_its_conference_with_its_list() -> None:
    events = circle.start(StartCircle("zope", "Zope"), SAM, "k1", "c1", False)
    assert events == [
        ConferenceCreated("c1", "circle-zope", "Zope", "", "internal", None, "sam"),
        STARTED,
        ConferenceAclChanged("c1", (("member:sam", "moderator"), ("role:staff", "reader")),
                                "sam")]
    with pytest.raises(Forbidden):
        circle.start(StartCircle("zope", "Zope"), GUS, "k1", "c1", False)
    with pytest.raises(InvalidInput, match="invitation"):
        circle.start(StartCircle("x", "X", visibility="private", join="open"), SAM,
                     "k1", "c1", False)


def test_asking_to_join_then_approval_opens_the_conference() -> None:
    state = given(STARTED)
    assert circle.join(state, JoinCircle("k1", "Hi"), OLI, access(state)) == [
        CircleJoinRequested("k1", "oli", "Hi")]
    state = given(STARTED, CircleJoinRequested("k1", "oli", "Hi"))
    with pytest.raises(Forbidden):
        circle.answer(state, AnswerJoinRequest("k1", "oli", True), OLI, access(state))
    events = circle.answer(state, AnswerJoinRequest("k1", "oli", True), SAM, access(state))
    assert events == [CircleJoined("k1", "oli", "sam"), ConferenceAclChanged(
        "c1", (("member:sam", "moderator"), ("member:oli", "contributor"),
               ("role:staff", "reader")), "sam")]
    assert circle.answer(state, AnswerJoinRequest("k1", "oli", False), SAM,
                         access(state)) == [CircleJoinDeclined("k1", "oli", "sam")]


def test_open_and_private_circles() -> None:
    state = given(OPEN)
    assert circle.join(state, JoinCircle("k1"), OLI, access(state))[0] == \
        CircleJoined("k1", "oli", "oli")
    state = given(PRIVATE)
    with pytest.raises(NotFound):  # out of sight, so nothing to ask
        circle.join(state, JoinCircle("k1"), OLI, access(state))
    events = circle.add_member(state, AddCircleMember("k1", "gus"), SAM, access(state),
                               True)
    assert events[-1] == ConferenceAclChanged(
        "c1", (("member:sam", "moderator"), ("member:gus", "contributor")), "sam")


def test_the_last_organiser_stays_and_archiving_makes_everyone_a_reader() -> None:
    state = given(STARTED, CircleJoined("k1", "oli", "sam"))
    with pytest.raises(Conflict, match="needs an organiser"):
        circle.leave(state, LeaveCircle("k1"), SAM, access(state))
    events = circle.archive(state, ArchiveCircle("k1"), SAM, access(state))
    assert events == [CircleArchived("k1", "sam"), ConferenceAclChanged(
        "c1", (("member:sam", "reader"), ("member:oli", "reader"), ("role:staff", "reader")),
        "sam")]
    archived = given(STARTED, CircleJoined("k1", "oli", "sam"),
                     CircleArchived("k1", "sam"))
    with pytest.raises(Conflict, match="archived"):
        circle.leave(archived, LeaveCircle("k1"), OLI, access(archived))


def test_session_notes_start_a_thread_in_the_circle_s_conference() -> None:
    state = given(STARTED, CircleJoined("k1", "oli", "sam"))
    events = circle.record_session(state, RecordCircleSession(
        "k1", "2030-05-02", "Macros", "Notes"), OLI, access(state), date(2030, 5, 2),
        ("s1", "t1", "p1"))
    assert events == [CircleSessionHeld("k1", "s1", "2030-05-02", "Macros", "t1", "oli"),
                      ThreadStarted("t1", "c1", "Session 2030-05-02: Macros", "p1", "oli",
                                       "Notes")]
    with pytest.raises(InvalidInput, match="once it was held"):
        circle.record_session(state, RecordCircleSession(
            "k1", "2030-05-03", "Macros", "Notes"), OLI, access(state), date(2030, 5, 2),
            ("s1", "t1", "p1"))
    with pytest.raises(Forbidden, match="join it first"):
        circle.record_session(given(STARTED), RecordCircleSession(
            "k1", "2030-05-02", "M", "N"), OLI, access(given(STARTED)), date(2030, 5, 2),
            ("s1", "t1", "p1"))
