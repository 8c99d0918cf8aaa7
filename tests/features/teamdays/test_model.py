"""Team-together days: given events, when a command, then events (or an error)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.teamdays import model as teamday
from forum.features.teamdays.commands import (
    AddSession,
    CreateTeamDay,
    JoinSession,
    LeaveSession,
    PlanFollowUp,
)
from forum.features.teamdays.events import (
    FollowUpPlanned,
    SessionAdded,
    SessionJoined,
    SessionLeft,
    TeamDayCreated,
)
from forum.features.teamdays.model import TeamDayState
from forum.features.threads.events import ThreadStarted

SAM = Viewer("sam", "staff")
OLI = Viewer("oli", "staff")
VAL = Viewer("val", "staff")  # organiser
GUS = Viewer("gus", "guest")
INTERNAL = ConferenceAccess("c1", "internal", (("member:val", "moderator"),))
NOW = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
CREATED = TeamDayCreated("d1", "c1", "spring", "Spring day", "", "2030-05-20",
                            "Europe/Stockholm", "val")
# 09:00–10:30 Stockholm is 07:00–08:30 UTC; two parallel sessions, then one after.
ZOPE = SessionAdded("d1", "s1", "Zope templating", "", "sam", "Kastanjen",
                       "2030-05-20T07:00:00+00:00", "2030-05-20T08:30:00+00:00", "novice", 2,
                       "th1", "p1", "val")
SQL = SessionAdded("d1", "s2", "SQL refresher", "", "oli", "Leith",
                      "2030-05-20T07:00:00+00:00", "2030-05-20T08:30:00+00:00", "refresher",
                      10, "th2", "p2", "val")
LATER = SessionAdded("d1", "s3", "Pairing", "", "oli", "Leith",
                        "2030-05-20T09:00:00+00:00", "2030-05-20T10:00:00+00:00", "advanced",
                        10, "th3", "p3", "val")


def given(*history: Event) -> TeamDayState:
    return teamday.load("d1", history)


def test_an_organiser_plans_a_day_and_its_sessions_with_their_threads() -> None:
    assert teamday.create_team_day(CreateTeamDay(
        "c1", "spring", "Spring day", "2030-05-20", timezone="Europe/Stockholm"),
        VAL, INTERNAL, "d1", False, date(2030, 5, 1)) == [CREATED]
    added, thread = teamday.add_session(given(CREATED), AddSession(
        "d1", "Zope templating", "sam", "Kastanjen", "09:00", "10:30", "novice", 2),
        VAL, INTERNAL, SAM, NOW, ("s1", "th1", "p1"))
    assert added == ZOPE
    assert isinstance(thread, ThreadStarted)
    assert (thread.subject, thread.author_id, thread.conference_id) == (
        "Session: Zope templating", "sam", "c1")


@pytest.mark.parametrize(("change", "message"), [
    ({"level": "expert"}, "level must be one of"),
    ({"capacity": 0}, "capacity is 1 to 500"),
    ({"starts": "nine"}, "not a time of day"),
    ({"ends": "08:00"}, "ends after it starts"),
    ({"room": ""}, "room must not be empty"),
])
def test_bad_sessions_are_refused(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"day_id": "d1", "title": "T", "host_id": "sam", "room": "R",
                                 "starts": "09:00", "ends": "10:00", "level": "novice",
                                 "capacity": 5, **change}
    with pytest.raises(InvalidInput, match=message):
        teamday.add_session(given(CREATED), AddSession(**fields),  # type: ignore[arg-type]
                            VAL, INTERNAL, SAM, NOW, ("s", "t", "p"))


def test_only_organisers_add_sessions_and_days_are_not_planned_in_the_past() -> None:
    command = AddSession("d1", "T", "sam", "R", "09:00", "10:00", "novice", 5)
    with pytest.raises(Forbidden):
        teamday.add_session(given(CREATED), command, SAM, INTERNAL, SAM, NOW, ("s", "t", "p"))
    with pytest.raises(InvalidInput, match="past"):
        teamday.create_team_day(CreateTeamDay("c1", "x", "X", "2030-04-01"), VAL,
                                INTERNAL, "d2", False, date(2030, 5, 1))
    with pytest.raises(InvalidInput, match="past"):
        teamday.add_session(given(CREATED), command, VAL, INTERNAL, SAM,
                            datetime(2030, 5, 21, tzinfo=UTC), ("s", "t", "p"))


def test_signing_up_respects_capacity_and_parallel_sessions() -> None:
    state = given(CREATED, ZOPE, SQL, LATER, SessionJoined("d1", "s1", "oli"))
    join = JoinSession("d1", "s1")
    assert teamday.join_session(state, join, VAL, INTERNAL, NOW) == [
        SessionJoined("d1", "s1", "val")]
    full = given(CREATED, ZOPE, SQL, SessionJoined("d1", "s1", "oli"),
                 SessionJoined("d1", "s1", "val"))
    with pytest.raises(Conflict, match="full"):
        teamday.join_session(full, join, SAM, INTERNAL, NOW)
    with pytest.raises(Conflict, match="Zope templating"):  # at the same time
        teamday.join_session(state, JoinSession("d1", "s2"), OLI, INTERNAL, NOW)
    assert teamday.join_session(state, JoinSession("d1", "s3"), OLI, INTERNAL, NOW)
    assert teamday.join_session(state, join, OLI, INTERNAL, NOW) == []
    with pytest.raises(NotFound):
        teamday.join_session(state, join, GUS, INTERNAL, NOW)
    with pytest.raises(InvalidInput, match="started"):
        teamday.join_session(state, join, VAL, INTERNAL, datetime(2030, 5, 20, 7, 30,
                                                                    tzinfo=UTC))
    assert teamday.leave_session(state, LeaveSession("d1", "s1"), OLI, INTERNAL) == [
        SessionLeft("d1", "s1", "oli")]


def test_the_host_plans_a_follow_up_session() -> None:
    state = given(CREATED, ZOPE, LATER)
    plan = PlanFollowUp("d1", "s1", "d1", "s3")
    assert teamday.plan_follow_up(state, plan, SAM, INTERNAL, True) == [
        FollowUpPlanned("d1", "s1", "d1", "s3", "sam")]
    with pytest.raises(Forbidden):
        teamday.plan_follow_up(state, plan, OLI, INTERNAL, True)
    with pytest.raises(NotFound):
        teamday.plan_follow_up(state, plan, SAM, INTERNAL, False)
    with pytest.raises(InvalidInput, match="itself"):
        teamday.plan_follow_up(state, PlanFollowUp("d1", "s1", "d1", "s1"), SAM,
                               INTERNAL, True)
