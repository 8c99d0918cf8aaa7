"""Study circles through the test client: forms without JavaScript, refusals that change
nothing, and the one visibility rule on the directory, the pages and the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.circles import handlers as circles
from forum.features.circles.commands import StartCircle
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from tests.conftest import People
from tests.web.conftest import Auth, alert, html
from tests.web.test_openapi import CHECKS, DOCUMENT


def test_a_circle_from_start_to_archive(client: FlaskClient, auth: Auth, people: People,
                                        backend: Backend) -> None:
    auth.login("sam")
    page = html(client.post("/circles", data={
        "name": "Zope & Python templating", "slug": "zope", "description": "TAL and *METAL*",
        "cadence": "FREQ=WEEKLY;BYDAY=TH", "visibility": "internal", "join": "approval"},
        follow_redirects=True))
    assert "The circle is started" in page and "<em>METAL</em>" in page
    assert "Next: " in page  # the rule's next dates
    page = html(client.post("/circles/zope/reading", data={
        "items": "Zope Page Templates | https://zope.readthedocs.io/\nChameleon\n",
        "revision": "0"}, follow_redirects=True))
    assert 'href="https://zope.readthedocs.io/"' in page and "<li>Chameleon</li>" in page
    today = datetime.now(UTC).date().isoformat()
    page = html(client.post("/circles/zope/sessions", data={
        "held_on": today, "title": "Macros", "notes": "We read *METAL*."},
        follow_redirects=True))
    assert "Session notes recorded" in page and ">Macros</a>" in page
    auth.logout()

    auth.login("oli")
    assert "Zope &amp; Python templating" in html(client.get("/circles"))
    page = html(client.post("/circles/zope/join", data={"note": "I use Chameleon"},
                            follow_redirects=True))
    assert "Asked to join" in page and "You asked to join" in page
    head = backend.store.head()
    twice = client.post("/circles/zope/join")
    assert twice.status_code == 409 and "asked to join already" in alert(twice)
    stale = client.post("/circles/zope/reading", data={"items": "Mine", "revision": "1"})
    assert stale.status_code == 403 and "join it first" in alert(stale)
    assert backend.store.head() == head
    auth.logout()

    auth.login("sam")
    assert "1 asking to join" in html(client.get("/circles"))  # to its organisers
    page = html(client.get("/circles/zope"))
    assert "I use Chameleon" in page
    client.post(f"/circles/zope/people/{people.other.member_id}/approve")
    auth.logout()
    auth.login("oli")
    page = html(client.get("/circles/zope"))
    assert "Leave the circle" in page and "Save the list" in page
    stale = client.post("/circles/zope/reading", data={"items": "Mine", "revision": "0"})
    assert stale.status_code == 409 and "changed meanwhile" in alert(stale)
    bad = client.post("/circles/zope/reading", data={"items": "X | ftp://x", "revision": "1"})
    assert bad.status_code == 400 and "http" in alert(bad)
    auth.logout()

    auth.login("sam")
    page = html(client.post("/circles/zope/archive", follow_redirects=True))
    assert "Archived" in page and 'id="circle-archived"' in page
    assert "Record the session" not in page and "Save the list" not in page
    refused = client.post("/circles/zope/sessions", data={
        "held_on": today, "title": "Late", "notes": "x"})
    assert refused.status_code == 409 and "archived" in alert(refused)


def test_only_circles_the_viewer_may_see(client: FlaskClient, auth: Auth, people: People,
                                         backend: Backend) -> None:
    svc = backend.services
    circles.start_circle(svc, people.staff, StartCircle(
        "secret", "Security reading group", "Threat models", visibility="private",
        join="invitation"))
    circles.start_circle(svc, people.staff, StartCircle("zope", "Zope"))
    assert client.get("/circles/zope").status_code == 404  # internal: not for visitors
    assert "Security reading group" not in html(client.get("/circles"))
    auth.login("oli")
    assert "Security reading group" not in html(client.get("/circles"))
    assert client.get("/circles/secret").status_code == 404
    assert client.get("/c/circle-secret").status_code == 404
    assert "Threat models" not in html(client.get("/search?q=threat"))
    auth.logout()
    auth.login("gus")
    assert client.get("/circles/zope").status_code == 404
    auth.logout()
    auth.login("sam")
    page = html(client.post("/circles/secret/members", data={"handle": "oli"},
                            follow_redirects=True))
    assert "Added to the circle" in page
    bad = client.post("/circles/secret/members", data={"handle": "nobody"})
    assert bad.status_code == 400 and "no member called" in alert(bad).lower()
    auth.logout()
    auth.login("oli")
    assert "Security reading group" in html(client.get("/circles"))
    assert client.get("/circles/secret").status_code == 200


def test_each_circle_write_succeeds_as_documented(app: Flask, backend: Backend,
                                                  people: People) -> None:
    """Scripted successes through the circles' operations, held to the OpenAPI document."""
    svc = backend.services
    tokens = {who: members.issue_api_token(svc, viewer, IssueApiToken("doc"))
              for who, viewer in (("sam", people.staff), ("oli", people.other),
                                  ("gus", people.guest))}
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(who: str, method: str, path: str, status: int, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        response = made.call(headers={"Authorization": f"Bearer {tokens[who]}"})
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    call("sam", "POST", "/circles", 201, body={
        "slug": "zope", "name": "Zope", "cadence": "FREQ=WEEKLY;BYDAY=TH"})
    at = {"slug": "zope"}
    asked = call("oli", "PUT", "/circles/{slug}/membership", 200, path_parameters=at,
                 body={"note": "Please"})
    assert asked["requests"] == [] and not asked["may_contribute"]
    pending = call("sam", "GET", "/circles/{slug}", 200, path_parameters=at)["requests"]
    assert [r["note"] for r in pending] == ["Please"]
    call("sam", "POST", "/circles/{slug}/requests/{member_id}", 200,
         path_parameters={**at, "member_id": people.other.member_id}, body={"approve": True})
    listed = call("oli", "PUT", "/circles/{slug}/reading-list", 200, path_parameters=at, body={
        "items": [{"title": "ZPT", "link": "https://zope.readthedocs.io/"}, {"title": "TAL"}],
        "expected_revision": 0})
    assert [r["title"] for r in listed["reading"]] == ["ZPT", "TAL"]
    refused = call("oli", "PUT", "/circles/{slug}/reading-list", 409, path_parameters=at,
                   body={"items": [], "expected_revision": 0})
    assert "changed meanwhile" in refused["message"]
    call("sam", "PUT", "/circles/{slug}/cadence", 200, path_parameters=at,
         body={"cadence": "Thursdays"})
    today = datetime.now(UTC).date().isoformat()
    made = call("oli", "POST", "/circles/{slug}/sessions", 201, path_parameters=at,
                body={"held_on": today, "title": "Macros", "notes": "METAL"})
    call("sam", "POST", "/circles/{slug}/members", 200, path_parameters=at,
         body={"member_id": people.guest.member_id})
    detail = call("gus", "GET", "/circles/{slug}", 200, path_parameters=at)
    assert detail["sessions"][0]["thread_id"] == made["id"] and detail["may_contribute"]
    call("gus", "DELETE", "/circles/{slug}/membership", 204, path_parameters=at)
    call("gus", "GET", "/circles/{slug}", 404, path_parameters=at)  # guests: not internal
    done = call("sam", "POST", "/circles/{slug}/archive", 200, path_parameters=at)
    assert done["archived"] and not done["may_organise"]
    assert [c["slug"] for c in call("oli", "GET", "/circles", 200)["items"]] == ["zope"]
    private = call("sam", "POST", "/circles", 201, body={
        "slug": "sec", "name": "Security", "visibility": "private"})
    assert call("sam", "GET", "/circles/{slug}", 200, path_parameters={"slug": "sec"})[
        "join"] == "invitation" and private["id"]
    refused = call("sam", "POST", "/circles", 400, body={
        "slug": "sec2", "name": "S", "visibility": "private", "join": "open"})
    assert "invitation" in refused["message"]
