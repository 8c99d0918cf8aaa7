"""The talk rota through the real handlers and log, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from forum.backend import Backend
from forum.core.errors import Conflict, InvalidInput, NotFound
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.notifications.queries import list_notifications
from forum.features.rotas import handlers as rotas
from forum.features.rotas import ical
from forum.features.rotas import model as rota_model
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import (
    CreateRota,
    IssueCalendarFeed,
    ReleaseTalk,
    ScheduleSlots,
    SignUpForSlot,
)
from forum.features.threads.queries import get_thread
from tests.conftest import People


def _rota(backend: Backend, people: People, visibility: str = "internal",
          count: int = 3) -> tuple[str, list[str]]:
    svc = backend.services
    conference = conferences.create_conference(svc, people.admin, CreateConference(
        "talks", "Talks", visibility))
    rota_id = rotas.create_rota(svc, people.admin, CreateRota(
        conference, "fridays", "Friday talks", timezone="Europe/Stockholm"))
    first = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    rotas.schedule_slots(svc, people.admin, ScheduleSlots(
        rota_id, first, "13:00", f"FREQ=WEEKLY;COUNT={count}"))
    with backend.engine.connect() as conn:
        return rota_id, [s.slot.id for s in rota_queries.list_slots(conn, rota_id)]


def test_two_members_racing_for_one_slot(backend: Backend, people: People,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Both decide on the same version of the rota; one holds the slot, the other
    is told it was just taken, and nothing is written twice."""
    rota_id, slots = _rota(backend, people)
    both_decided = threading.Barrier(2, timeout=10)
    real_sign_up = rota_model.sign_up

    def sign_up_in_step(*args: Any) -> Any:
        decided = real_sign_up(*args)  # the loser's second decision raises here
        both_decided.wait()  # so only the first decisions, on one version, meet here
        return decided

    monkeypatch.setattr(rota_model, "sign_up", sign_up_in_step)
    outcomes: dict[str, Any] = {}

    def reach(who: Viewer, title: str) -> None:
        try:
            outcomes[title] = rotas.sign_up_for_slot(backend.services, who, SignUpForSlot(
                rota_id, slots[0], title))
        except Conflict as refusal:
            outcomes[title] = refusal

    racers = [threading.Thread(target=reach, args=(people.staff, "Sam's")),
              threading.Thread(target=reach, args=(people.other, "Oli's"))]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(20)
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    held = [o for o in outcomes.values() if isinstance(o, str)]
    assert len(refused) == 1 and len(held) == 1, outcomes
    assert "just taken" in refused[0].message
    with backend.engine.connect() as conn:
        views = rota_queries.list_slots(conn, rota_id)
        assert views[0].talk is not None and views[0].talk.id == held[0]
        assert len(conn.execute(rota_queries.select(rota_queries.talks)).all()) == 1
    started = [r for r in backend.store.iter_all() if r.event.type == "ThreadStarted"]
    assert len(started) == 1  # one discussion thread, for the talk that holds the slot


def test_a_talk_gets_its_discussion_thread_in_the_rota_conference(
        backend: Backend, people: People) -> None:
    rota_id, slots = _rota(backend, people)
    talk_id = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota_id, slots[0], "Zope page templates", "TAL, METAL and **macros**"))
    with backend.engine.connect() as conn:
        talk = rota_queries.get_talk(conn, talk_id)
        thread = get_thread(conn, talk.thread_id)
        rota_row = rota_queries.get_rota(conn, rota_id)
        assert thread.conference_id == rota_row.conference_id
        assert thread.subject == "Talk: Zope page templates"
        assert thread.author_id == people.staff.member_id
        assert "<strong>macros</strong>" in talk.abstract_html
    rotas.release_talk(backend.services, people.staff, ReleaseTalk(rota_id, talk_id))
    with backend.engine.connect() as conn:
        assert get_thread(conn, talk.thread_id).locked


def test_reminders_are_sent_once_however_often_the_clock_ticks(
        backend: Backend, people: People) -> None:
    rota_id, slots = _rota(backend, people)
    svc = backend.services
    rotas.sign_up_for_slot(svc, people.staff, SignUpForSlot(rota_id, slots[0], "SQL"))
    with backend.engine.connect() as conn:
        starts = rota_queries.list_slots(conn, rota_id)[0].starts_at
    assert rotas.send_due_reminders(svc, starts - timedelta(days=8)) == 0
    week = starts - timedelta(days=6)
    ticks = [threading.Thread(target=rotas.send_due_reminders, args=(svc, week))
             for _ in range(3)]
    for tick in ticks:
        tick.start()
    for tick in ticks:
        tick.join(20)
    assert rotas.send_due_reminders(svc, week) == 0
    assert rotas.send_due_reminders(svc, starts - timedelta(hours=3)) == 1
    assert rotas.send_due_reminders(svc, starts - timedelta(hours=2)) == 0
    sent = [r.event for r in backend.store.iter_all() if r.event.type == "TalkReminderSent"]
    assert [e.kind for e in sent] == ["week", "day"]  # type: ignore[attr-defined]
    with backend.engine.connect() as conn:
        notices = list_notifications(conn, people.staff)
    assert [n.row.kind for n in notices] == ["talk_day", "talk_week"]
    assert notices[0].where == "Talk: SQL"


def test_bad_schedules_write_nothing(backend: Backend, people: People) -> None:
    rota_id, _ = _rota(backend, people, count=1)
    svc = backend.services
    head = backend.store.head()
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date()
    cases = [
        (ScheduleSlots(rota_id, "2001-01-05", "13:00", "FREQ=WEEKLY;COUNT=2"), "past"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "13:00",
                           "FREQ=WEEKLY;COUNT=2;BYMONTH=2;BYMONTHDAY=30"), "no dates"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "13:00", "FREQ=DAILY;COUNT=1",
                           skip_dates=(tomorrow.isoformat(),)), "skipped"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "13:00", "EVERY FRIDAY"), "not valid"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "13:00", "FREQ=DAILY"), "more than"),
        (ScheduleSlots(rota_id, "soon", "13:00", "FREQ=DAILY;COUNT=1"), "not a date"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "1pm", "FREQ=DAILY;COUNT=1"),
         "time of day"),
        (ScheduleSlots(rota_id, tomorrow.isoformat(), "13:00", "FREQ=DAILY;COUNT=1",
                           holidays="XX"), "holiday calendar"),
    ]
    for command, reason in cases:
        with pytest.raises(InvalidInput, match=reason):
            rotas.schedule_slots(svc, people.admin, command)
    assert backend.store.head() == head


def test_public_holidays_are_skipped(backend: Backend, people: People) -> None:
    rota_id, _ = _rota(backend, people, count=1)
    year = datetime.now(UTC).year + 1
    made = rotas.schedule_slots(backend.services, people.admin, ScheduleSlots(
        rota_id, f"{year}-12-18", "13:00", "FREQ=DAILY;COUNT=14", holidays="GB"))
    with backend.engine.connect() as conn:
        days = {s.starts_at.date().isoformat() for s in rota_queries.list_slots(conn, rota_id)}
    assert made == len(days) - 1
    assert f"{year}-12-25" not in days and f"{year}-12-24" in days


def test_calendar_feeds_validate_and_follow_the_rule(backend: Backend, people: People) -> None:
    rota_id, slots = _rota(backend, people, visibility="private")
    svc = backend.services
    rotas.sign_up_for_slot(svc, people.admin, SignUpForSlot(rota_id, slots[1], "Budgets"))
    token = rotas.issue_calendar_feed(svc, people.staff, IssueCalendarFeed())
    with backend.engine.connect() as conn:
        from forum.core.passwords import token_hash

        assert rota_queries.get_member_by_feed_token(conn, token_hash(token)).id == \
            people.staff.member_id
        talks = rota_queries.list_member_talks(conn, people.admin.member_id or "")
    data = ical.calendar("Friday talks", [ical.Entry(
        f"{t.id}@test", rota_queries.aware(t.starts_at), rota_queries.aware(t.ends_at),
        t.title, t.abstract, "http://example.org/", datetime.now(UTC)) for t in talks])
    parsed = Calendar.from_ical(data)
    (entry,) = parsed.walk("VEVENT")
    assert str(entry["summary"]) == "Budgets"
    assert entry.decoded("dtstart") == rota_queries.aware(talks[0].starts_at)
    new = rotas.issue_calendar_feed(svc, people.staff, IssueCalendarFeed())
    with backend.engine.connect() as conn:
        assert rota_queries.get_member_by_feed_token(conn, token_hash(token)) is None
        assert rota_queries.get_member_by_feed_token(conn, token_hash(new)) is not None


def test_outsiders_cannot_touch_a_private_rota(backend: Backend, people: People) -> None:
    rota_id, slots = _rota(backend, people, visibility="private")
    head = backend.store.head()
    with pytest.raises(NotFound):
        rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
            rota_id, slots[0], "Let me in"))
    with pytest.raises(NotFound):
        rotas.schedule_slots(backend.services, people.staff, ScheduleSlots(
            rota_id, "2001-01-01", "13:00", "nonsense"))
    assert backend.store.head() == head
    with backend.engine.connect() as conn:
        assert rota_queries.list_rotas(conn, people.staff) == []
        assert len(rota_queries.list_rotas(conn, people.admin)) == 1


def test_the_worker_sends_due_reminders_on_its_clock(backend: Backend, people: People) -> None:
    rota_id, slots = _rota(backend, people)
    rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota_id, slots[0], "SQL"))
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=4)  # a week before the talk
    runner = backend.runner()
    try:
        runner.run_once()
        runner.run_once()  # not due again for a minute, and idempotent anyway
    finally:
        runner.stop()
        backend.store.clock = clock
    sent = [r.event for r in backend.store.iter_all() if r.event.type == "TalkReminderSent"]
    assert len(sent) == 1
