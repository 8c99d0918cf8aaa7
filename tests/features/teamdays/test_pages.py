"""Team-together days through the test client: forms, seats, refusals, privacy, API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.teamdays import handlers as teamdays
from tests.conftest import People
from tests.web.conftest import Auth, alert, html


def _plan(client: FlaskClient, auth: Auth, people: People, backend: Backend,
          visibility: str = "internal") -> str:
    conference = conferences.create_conference(backend.services, people.admin,
                                               CreateConference("learning", "Learning",
                                                                    visibility))
    if visibility == "private":
        conferences.set_conference_acl(backend.services, people.admin, SetConferenceAcl(
            conference, ((f"member:{people.staff.member_id}", "contributor"),)))
    auth.login("ada")
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    response = client.post("/days/new", data={
        "conference_id": conference, "name": "Spring day", "slug": "spring", "day": day,
        "timezone": "Europe/Stockholm"})
    assert response.status_code == 302
    page = html(client.post("/days/spring/sessions", data={
        "title": "Zope templating", "host": "sam", "room": "Kastanjen", "starts": "09:00",
        "ends": "10:30", "level": "novice", "capacity": "1"}, follow_redirects=True))
    assert "Session added" in page and "1 of 1 places left" in page and "09:00" in page
    auth.logout()
    return conference


def test_sign_up_for_a_session_until_it_is_full(client: FlaskClient, auth: Auth,
                                                people: People, backend: Backend) -> None:
    _plan(client, auth, people, backend)
    auth.login("oli")
    page = html(client.get("/days/spring"))
    assert "Follow-up thread" in page
    session = page.split('id="session-')[1].split('"')[0]
    page = html(client.post(f"/days/spring/sessions/{session}/join", follow_redirects=True))
    assert "You have a place" in page and "0 of 1 places left" in page
    auth.logout()
    auth.login("ada")
    head = backend.store.head()
    full = client.post(f"/days/spring/sessions/{session}/join")
    assert full.status_code == 409 and "full" in alert(full)
    assert backend.store.head() == head
    bad = client.post("/days/spring/sessions", data={
        "title": "Too big", "host": "sam", "room": "R", "starts": "11:00", "ends": "12:00",
        "level": "novice", "capacity": "501"})
    assert bad.status_code == 400 and "capacity is 1 to 500" in alert(bad).lower()
    bad = client.post("/days/spring/sessions", data={
        "title": "Backwards", "host": "sam", "room": "R", "starts": "12:00", "ends": "11:00",
        "level": "novice", "capacity": "5"})
    assert bad.status_code == 400 and "ends after it starts" in alert(bad).lower()
    assert backend.store.head() == head


def test_a_private_day_is_invisible_to_outsiders(client: FlaskClient, auth: Auth,
                                                 people: People, backend: Backend) -> None:
    _plan(client, auth, people, backend, visibility="private")
    token = members.issue_api_token(backend.services, people.other, IssueApiToken("t"))
    for who in (None, "oli"):
        if who:
            auth.login(who)
        assert client.get("/days/spring").status_code == 404
        assert "Spring day" not in html(client.get("/days"))
        if who:
            auth.logout()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/days/spring", headers=headers).status_code == 404
    assert client.get("/api/v1/days", headers=headers).get_json() == {"items": []}


def test_the_api_shows_seats_and_takes_a_place(client: FlaskClient, auth: Auth,
                                               people: People, backend: Backend) -> None:
    _plan(client, auth, people, backend)
    token = members.issue_api_token(backend.services, people.other, IssueApiToken("t"))
    headers = {"Authorization": f"Bearer {token}"}
    day = client.get("/api/v1/days/spring", headers=headers).get_json()
    (session,) = day["sessions"]
    assert (session["level"], session["places_left"]) == ("novice", 1)
    url = f"/api/v1/days/spring/sessions/{session['id']}/place"
    assert client.put(url, headers=headers).status_code == 204
    again = client.get("/api/v1/days/spring", headers=headers).get_json()["sessions"][0]
    assert again["places_left"] == 0 and again["mine"]
    assert client.delete(url, headers=headers).status_code == 204
    assert teamdays  # the handlers behind it
