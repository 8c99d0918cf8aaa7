"""Team-together days through the real handlers and log, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from forum.backend import Backend
from forum.core.errors import Conflict
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.teamdays import handlers as teamdays
from forum.features.teamdays import model as teamday_model
from forum.features.teamdays import queries as teamday_queries
from forum.features.teamdays.commands import AddSession, CreateTeamDay, JoinSession
from forum.features.threads.queries import get_thread
from tests.conftest import People


def _day(backend: Backend, people: People, capacity: int = 1) -> tuple[str, str]:
    svc = backend.services
    conference = conferences.create_conference(svc, people.admin, CreateConference(
        "learning", "Learning", "internal"))
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    day_id = teamdays.create_team_day(svc, people.admin, CreateTeamDay(
        conference, "spring", "Spring day", day, timezone="Europe/Stockholm"))
    session = teamdays.add_session(svc, people.admin, AddSession(
        day_id, "Zope templating", people.staff.member_id or "", "Kastanjen", "09:00", "10:00",
        "novice", capacity))
    return day_id, session


def test_two_members_racing_for_the_last_seat(backend: Backend, people: People,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    day_id, session = _day(backend, people, capacity=1)
    both_decided = threading.Barrier(2, timeout=10)
    real = teamday_model.join_session

    def join_in_step(*args: Any) -> Any:
        decided = real(*args)  # the loser's second decision raises here
        both_decided.wait()
        return decided

    monkeypatch.setattr(teamday_model, "join_session", join_in_step)
    outcomes: list[Any] = []

    def reach(who: Any) -> None:
        try:
            teamdays.join_session(backend.services, who, JoinSession(day_id, session))
            outcomes.append("in")
        except Conflict as refusal:
            outcomes.append(refusal)

    racers = [threading.Thread(target=reach, args=(p,)) for p in (people.other, people.admin)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(20)
    assert outcomes.count("in") == 1
    (refusal,) = [o for o in outcomes if isinstance(o, Conflict)]
    assert "full" in refusal.message
    with backend.engine.connect() as conn:
        (row,) = teamday_queries.list_sessions(conn, day_id)
        assert (row.taken, row.capacity) == (1, 1)


def test_each_session_has_its_follow_up_thread(backend: Backend, people: People) -> None:
    day_id, session = _day(backend, people)
    with backend.engine.connect() as conn:
        row = teamday_queries.get_session(conn, session)
        thread = get_thread(conn, row.thread_id)
    assert thread.subject == "Session: Zope templating"
    assert thread.author_id == people.staff.member_id
