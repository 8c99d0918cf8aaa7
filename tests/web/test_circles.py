"""Study circles through the test client: forms without JavaScript, refusals that change
nothing, and the one visibility rule on the directory, the pages and the API."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from forum import commands as cmd
from forum.backend import Backend
from forum.handlers import circles
from tests.conftest import People
from tests.web.conftest import Auth, alert, html


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
    circles.start_circle(svc, people.staff, cmd.StartCircle(
        "secret", "Security reading group", "Threat models", visibility="private",
        join="invitation"))
    circles.start_circle(svc, people.staff, cmd.StartCircle("zope", "Zope"))
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
