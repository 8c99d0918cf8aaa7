"""Talk rota pages and feeds through the test client: forms without JavaScript, refusals
that change nothing, the write-up's review, calendar feeds, and the one visibility rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar

from forum.backend import Backend
from forum.features.articles import queries as article_queries
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import (
    CreateRota,
    IssueCalendarFeed,
    ScheduleSlots,
    SignUpForSlot,
)
from tests.conftest import People
from tests.web.conftest import Auth, alert, html


class Rota:
    """A rota in a conference of the given visibility, three weekly slots from ten days on."""

    def __init__(self, backend: Backend, people: People, visibility: str) -> None:
        svc = backend.services
        self.backend = backend
        self.conference = conferences.create_conference(svc, people.admin, CreateConference(
            f"talks-{visibility}", f"Talks ({visibility})", visibility))
        if visibility == "private":
            conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
                self.conference, ((f"member:{people.staff.member_id}", "contributor"),)))
        self.slug = f"fridays-{visibility}"
        self.id = rotas.create_rota(svc, people.admin, CreateRota(
            self.conference, self.slug, "Friday talks", timezone="Europe/Stockholm"))
        self.first = (datetime.now(UTC) + timedelta(days=10)).date()
        rotas.schedule_slots(svc, people.admin, ScheduleSlots(
            self.id, self.first.isoformat(), "13:00", "FREQ=WEEKLY;COUNT=3"))

    @property
    def slots(self) -> list[Any]:
        with self.backend.engine.connect() as conn:
            return rota_queries.list_slots(conn, self.id)

    @property
    def url(self) -> str:
        return f"/rotas/{self.slug}"


@pytest.fixture
def unchanged(backend: Backend) -> Callable[[], None]:
    """Call at the end of a test: the log did not grow since the fixture was made."""
    head = backend.store.head()

    def check() -> None:
        assert backend.store.head() == head, "a refused request wrote to the log"

    return check


def test_organiser_makes_a_rota_and_slots_with_forms(client: FlaskClient, auth: Auth,
                                                      people: People, backend: Backend) -> None:
    conference = conferences.create_conference(backend.services, people.admin,
                                               CreateConference("learning", "Learning",
                                                                    "internal"))
    auth.login("ada")
    assert "Start a talk rota" in html(client.get("/c/learning"))
    response = client.post("/rotas/new", data={
        "conference_id": conference, "name": "Friday talks", "slug": "fridays",
        "description": "Lunch *talks*", "timezone": "Europe/Stockholm"})
    assert response.status_code == 302 and response.location.endswith("/rotas/fridays")
    first = (datetime.now(UTC) + timedelta(days=3)).date()
    response = client.post("/rotas/fridays/slots", data={
        "first_day": first.isoformat(), "time": "13:00", "duration_minutes": "45",
        "rule": "FREQ=WEEKLY;COUNT=4", "skip_dates": (first + timedelta(days=7)).isoformat()},
        follow_redirects=True)
    page = html(response)
    assert "3 slots added." in page
    assert page.count("Sign up</a>") == 3
    assert "Friday talks" in html(client.get("/c/learning"))


def test_a_member_signs_up_and_the_rota_shows_who_is_next(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    auth.login("sam")
    slot = rota.slots[0].slot.id
    form = html(client.get(f"{rota.url}/slots/{slot}"))
    assert "Take this slot" in form
    response = client.post(f"{rota.url}/slots/{slot}/sign-up", data={
        "title": "Zope page templates", "abstract": "TAL and **METAL**"}, follow_redirects=True)
    page = html(response)
    assert "The slot is yours" in page
    who_is_next = page.split('id="next-title"')[1].split("</section>")[0]
    assert "Zope page templates" in who_is_next and "Sam" in who_is_next
    talk = rota.slots[0].talk
    thread = html(client.get(f"/t/{talk.thread_id}"))
    assert "Talk: Zope page templates" in thread and "<strong>METAL</strong>" in thread


def test_the_second_member_is_told_the_slot_was_just_taken(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    slot = rota.slots[0].slot.id
    # Sam's page showed the slot free; Oli took it before Sam pressed the button.
    rotas.sign_up_for_slot(backend.services, people.other, SignUpForSlot(
        rota.id, slot, "Property tests"))
    head = backend.store.head()
    auth.login("sam")
    response = client.post(f"{rota.url}/slots/{slot}/sign-up", data={
        "title": "Zope page templates", "abstract": "My words"})
    assert response.status_code == 409
    assert "just taken" in alert(response)
    assert "My words" in html(response)  # kept, to send again elsewhere
    assert backend.store.head() == head


@pytest.mark.parametrize(("form", "message"), [
    ({"first_day": "2001-01-05", "rule": "FREQ=WEEKLY;COUNT=2"}, "in the past"),
    ({"rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"}, "gives no dates"),
    ({"rule": "every friday"}, "not valid"),
    ({"rule": ""}, "give a recurrence rule"),
    ({"first_day": "next week"}, "not a date"),
    ({"duration_minutes": "forty"}, "whole number"),
    ({"duration_minutes": "1"}, "5 to 480 minutes"),
    ({"holidays": "XX"}, "holiday calendar"),
])
def test_bad_schedules_say_why_and_change_nothing(
        client: FlaskClient, auth: Auth, people: People, backend: Backend,
        form: dict[str, str], message: str) -> None:
    rota = Rota(backend, people, "internal")
    head = backend.store.head()
    auth.login("ada")
    data = {"first_day": (rota.first + timedelta(days=1)).isoformat(), "time": "13:00",
            "duration_minutes": "45", "rule": "FREQ=WEEKLY;COUNT=2", **form}
    response = client.post(f"{rota.url}/slots", data=data)
    assert response.status_code == 400
    assert message in alert(response).lower()
    assert backend.store.head() == head


def test_signing_up_for_a_past_slot_is_refused(client: FlaskClient, auth: Auth,
                                               people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=11)
    head = backend.store.head()
    try:
        auth.login("sam")
        response = client.post(f"{rota.url}/slots/{rota.slots[0].slot.id}/sign-up",
                               data={"title": "Too late"})
    finally:
        backend.store.clock = clock
    assert response.status_code == 400 and "in the past" in alert(response)
    assert backend.store.head() == head


def test_release_gives_the_slot_to_the_waiting_list(client: FlaskClient, auth: Auth,
                                                    people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    slot = rota.slots[0].slot.id
    talk = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota.id, slot, "SQL"))
    auth.login("oli")
    response = client.post(f"{rota.url}/slots/{slot}/wait", data={"title": "Go"},
                           follow_redirects=True)
    assert "You are on the waiting list" in html(response)
    auth.logout()
    auth.login("sam")
    client.post(f"{rota.url}/talks/{talk}/release")
    assert rota.slots[0].talk.speaker_id == people.other.member_id
    auth.logout()
    auth.login("oli")
    assert "Ada gave you a talk slot" not in html(client.get("/notifications"))
    assert "Sam gave you a talk slot: Talk: Go" in html(client.get("/notifications"))


def test_the_write_up_is_reviewed_and_linked_from_the_rota(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    talk = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota.id, rota.slots[0].slot.id, "SQL"))
    base = f"{rota.url}/talks/{talk}/write-up"
    auth.login("sam")
    client.post(f"{base}/edit", data={"title": "Joins, explained", "body": "A *draft*",
                                      "revision": "0"})
    assert client.post(f"{base}/submit").status_code == 409  # the talk is still to come
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=11)
    try:
        assert "Sent for review" in html(client.post(f"{base}/submit", follow_redirects=True))
        auth.logout()
        assert client.get(base).status_code == 404  # an internal rota: not for visitors
        auth.login("oli")
        assert client.get(base).status_code == 404
        auth.logout()
        auth.login("ada")
        page = html(client.post(f"{base}/send-back", data={"comment": "Add an example"},
                                follow_redirects=True))
        assert "Add an example" in page
        auth.logout()
        auth.login("sam")
        stale = client.post(f"{base}/edit", data={"title": "T", "body": "B", "revision": "0"})
        assert stale.status_code == 409 and "changed meanwhile" in alert(stale)
        client.post(f"{base}/edit", data={"title": "Joins, explained",
                                          "body": "With an *example*", "revision": "1"})
        client.post(f"{base}/submit")
        auth.logout()
        auth.login("ada")
        approved = client.post(f"{base}/approve")  # approval publishes it on the blog
        assert approved.headers["Location"].endswith("/blog/joins-explained")
        auth.logout()
        auth.login("oli")
        assert "<em>example</em>" in html(client.get(base))
        page = html(client.get(rota.url))
        past = page.split('id="past-title"')[1]
        assert 'href="/blog/joins-explained"' in past and "On the blog: Joins, explained" in past
        auth.logout()
        assert "<em>example</em>" in html(client.get("/blog/joins-explained"))  # public
        with backend.engine.connect() as conn:
            article = article_queries.get_talk_article(conn, talk)
        assert article.source_kind == "talk" and article.author_id == people.staff.member_id
        auth.login("ada")
        client.post(f"/articles/{article.id}/unpublish", data={"reason": "Out of date"})
        assert client.get("/blog/joins-explained").status_code == 410
        past = html(client.get(rota.url)).split('id="past-title"')[1]
        assert "/blog/joins-explained" not in past and "taken off the blog" in past
        assert f'href="{base}"' in past
        assert "Out of date" in html(client.get(base))
    finally:
        backend.store.clock = clock


def _events(data: bytes) -> list[Any]:
    calendar = Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_calendar_feeds_validate(client: FlaskClient, auth: Auth, people: People,
                                 backend: Backend) -> None:
    public = Rota(backend, people, "public")
    rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        public.id, public.slots[1].slot.id, "Open talk"))
    response = client.get(f"{public.url}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = _events(response.data)
    assert str(event["summary"]) == "Open talk — Sam"
    assert event.decoded("dtstart") == public.slots[1].starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)

    auth.login("sam")
    page = html(client.post("/calendar"))
    token = re.search(r"/calendar/([^<\s]+)\.ics", page)
    assert token
    auth.logout()
    mine = client.get(f"/calendar/{token.group(1)}.ics")
    assert [str(e["summary"]) for e in _events(mine.data)] == ["Open talk — Sam"]
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_private_rota_is_invisible_to_outsiders_on_every_surface(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "private")
    slot = rota.slots[0].slot.id
    talk = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota.id, slot, "Secret budget talk"))
    oli_token = rotas.issue_calendar_feed(backend.services, people.other,
                                          IssueCalendarFeed())
    sam_token = rotas.issue_calendar_feed(backend.services, people.staff,
                                          IssueCalendarFeed())
    surfaces = [rota.url, f"{rota.url}/slots/{slot}", f"{rota.url}/talks/{talk}",
                f"{rota.url}/talks/{talk}/write-up", f"{rota.url}/calendar.ics",
                f"{rota.url}/calendar.ics?token={oli_token}", f"/api/v1/rotas/{rota.slug}",
                f"/api/v1/rotas/{rota.slug}/talks/{talk}"]
    head = backend.store.head()
    for who in (None, "oli", "gus"):
        if who:
            auth.login(who)
        for url in surfaces:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert "Secret budget" not in html(response)
        assert "Secret budget" not in html(client.get("/rotas"))
        assert "Secret budget" not in html(client.get("/api/v1/rotas"))
        response = client.post(f"{rota.url}/slots/{rota.slots[1].slot.id}/sign-up",
                               data={"title": "Let me in"})
        assert response.status_code in (403, 404) if who is None else response.status_code == 404
        if who:
            auth.logout()
    assert backend.store.head() == head
    feed = client.get(f"{rota.url}/calendar.ics?token={sam_token}")
    assert [str(e["summary"]) for e in _events(feed.data)] == ["Secret budget talk — Sam"]
    assert _events(client.get(f"/calendar/{oli_token}.ics").data) == []
