"""The monthly "what we learned" page: each viewer sees what the one rule lets them see;
an administrator publishes its public part, and only that, on the blog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle
from forum.features.circles import handlers as circles
from forum.features.circles.commands import RecordCircleSession, StartCircle
from forum.features.digest.queries import Month
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import CreateRota, ScheduleSlots, SignUpForSlot
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html
from tests.web.test_openapi import CHECKS, DOCUMENT


def _a_month(backend: Backend, people: People, world: World) -> Month:
    """A month with a talk given in a public rota and one in an internal rota, an article,
    a TIL, kudos and an internal circle's session; the clock stands just after the talks."""
    svc = backend.services
    slots = {}
    for visibility in ("public", "internal"):
        rota_id = rotas.create_rota(svc, people.admin, CreateRota(
            world.conference[visibility], f"talks-{visibility}", f"Talks ({visibility})",
            timezone="UTC"))
        first = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
        rotas.schedule_slots(svc, people.admin, ScheduleSlots(
            rota_id, first, "12:00", "FREQ=DAILY;COUNT=1"))
        with backend.engine.connect() as conn:
            slots[visibility] = rota_queries.list_slots(conn, rota_id)[0]
        rotas.sign_up_for_slot(svc, people.staff, SignUpForSlot(
            rota_id, slots[visibility].slot.id, f"Talk-{visibility}-title"))
    given = slots["public"].starts_at + timedelta(hours=2)
    backend.store.clock = lambda: given
    kudos.choose_til_conference(svc, people.admin, ChooseTilConference(
        world.conference["public"]))
    kudos.post_til(svc, people.other, PostTil("TIL-public-words about tuples"))
    kudos.give_kudos(svc, people.other, GiveKudos(
        "post", world.post["internal"], "Kudos-internal-note"))
    zope = circles.start_circle(svc, people.staff, StartCircle("zope", "Zope-circle-name"))
    circles.record_circle_session(svc, people.staff, RecordCircleSession(
        zope, given.date().isoformat(), "Macros", "Circle-notes"))
    article = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["internal"], title="Article-title"))
    articles.approve_article(svc, people.admin, ApproveArticle(article))
    return Month.of(given)


def test_each_viewer_sees_their_part_and_the_public_part_is_published(
        client: FlaskClient, auth: Auth, people: People, backend: Backend,
        world: World) -> None:
    month = _a_month(backend, people, world)
    page = html(client.get(f"/learning/digest/{month}"))
    assert "Talk-public-title" in page and "Article-title" in page and "TIL-public" in page
    for private in ("Talk-internal-title", "Kudos-internal-note", "Zope-circle-name"):
        assert private not in page
    auth.login("oli")
    page = html(client.get(f"/learning/digest/{month}"))
    for seen in ("Talk-internal-title", "Kudos-internal-note", "Zope-circle-name",
                 "1 session"):
        assert seen in page
    assert "Publish the digest" not in page
    head = backend.store.head()
    refused = client.post(f"/learning/digest/{month}/publish",
                          data={"conference_id": world.conference["public"]})
    assert refused.status_code == 403 and "administrators" in alert(refused).lower()
    auth.logout()

    auth.login("ada")
    assert "Publish the digest" in html(client.get(f"/learning/digest/{month}"))
    bad = client.post(f"/learning/digest/{month}/publish",
                      data={"conference_id": world.conference["internal"]})
    assert bad.status_code == 400 and "public conference" in alert(bad).lower()
    bad = client.post("/learning/digest/2026-13/publish",
                      data={"conference_id": world.conference["public"]})
    assert bad.status_code == 400 and "YYYY-MM" in alert(bad)
    empty = Month(month.year - 1, month.month)
    bad = client.post(f"/learning/digest/{empty}/publish",
                      data={"conference_id": world.conference["public"]})
    assert bad.status_code == 400 and "nothing public happened" in alert(bad).lower()
    assert backend.store.head() == head
    published = client.post(f"/learning/digest/{month}/publish",
                            data={"conference_id": world.conference["public"]})
    assert published.status_code == 302
    again = client.post(f"/learning/digest/{month}/publish",
                        data={"conference_id": world.conference["public"]})
    assert again.status_code == 409 and "on the blog already" in alert(again).lower()
    auth.logout()
    blog = html(client.get(published.headers["Location"]))
    assert f"What we learned: {month.label}" in blog
    assert "Talk-public-title" in blog and "Article-title" in blog and "TIL-public" in blog
    for private in ("Talk-internal-title", "Kudos-internal-note", "Zope-circle-name",
                    "Circle-notes", "secret-internal-words"):
        assert private not in blog


def test_the_digest_api(app: Flask, backend: Backend, people: People, world: World) -> None:
    month = _a_month(backend, people, world)
    tokens = {who: members.issue_api_token(backend.services, viewer, IssueApiToken("d"))
              for who, viewer in (("ada", people.admin), ("oli", people.other))}
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(who: str | None, method: str, path: str, status: int, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        response = made.call(headers=headers)
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    at = {"month": str(month)}
    public = call(None, "GET", "/digest/{month}", 200, path_parameters=at)
    assert [t["title"] for t in public["talks"]] == ["Talk-public-title"]
    assert public["circles"] == [] and public["kudos"] == []
    inside = call("oli", "GET", "/digest/{month}", 200, path_parameters=at)
    assert len(inside["talks"]) == 2 and inside["circles"][0]["sessions"] == 1
    assert inside["kudos"][0]["note"] == "Kudos-internal-note"
    for bad in ("soon", "2026-13", "9999-12", "1-1", "2026-05-01"):
        call(None, "GET", "/digest/{month}", 400, path_parameters={"month": bad})
    call("oli", "POST", "/digest/{month}/publish", 403, path_parameters=at,
         body={"conference_id": world.conference["public"]})
    done = call("ada", "POST", "/digest/{month}/publish", 201, path_parameters=at,
                body={"conference_id": world.conference["public"]})
    assert done["url"].endswith(f"/blog/{done['slug']}")
