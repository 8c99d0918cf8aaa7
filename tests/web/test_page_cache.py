"""Anonymous thread pages come from a cache that every relevant write invalidates."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import UpdateConference
from forum.features.members import handlers as members
from forum.features.members.commands import UpdateProfile
from forum.features.threads import handlers as threads
from forum.features.threads.commands import HidePost, PostReply
from tests.conftest import People
from tests.web.conftest import World, html


def cached_pages(app: Flask) -> int:
    return len(app.extensions["commonroom_pages"]._pages)


def test_a_second_anonymous_view_is_served_from_the_cache(
        app: Flask, client: FlaskClient, world: World) -> None:
    url = f"/t/{world.thread['public']}"
    first = html(client.get(url))
    assert cached_pages(app) == 1
    assert html(client.get(url)) == first
    assert cached_pages(app) == 1


def test_writes_that_change_the_page_change_what_visitors_see(
        app: Flask, client: FlaskClient, backend: Backend, people: People,
        world: World) -> None:
    svc = backend.services
    tid, first_post = world.thread["public"], world.post["public"]
    url = f"/t/{tid}"
    assert "fresh reply words" not in html(client.get(url))

    threads.post_reply(svc, people.staff, PostReply(tid, first_post, "fresh reply words"))
    assert "fresh reply words" in html(client.get(url))

    members.update_profile(svc, people.admin, UpdateProfile("Ada Renamed"))
    assert "Ada Renamed" in html(client.get(url))

    threads.hide_post(svc, people.admin, HidePost(tid, first_post, "off topic here"))
    page = html(client.get(url))
    assert "off topic here" in page and "secret-public-words" not in page

    conferences.update_conference(svc, people.admin, UpdateConference(
        world.conference["public"], "Renamed Public", "", "public"))
    assert "Renamed Public" in html(client.get(url))

    # Made private: the cached page must not be served to anyone outside.
    conferences.update_conference(svc, people.admin, UpdateConference(
        world.conference["public"], "Renamed Public", "", "private"))
    assert client.get(url).status_code == 404


def test_signed_in_members_never_get_the_anonymous_page(
        client: FlaskClient, world: World, auth: object) -> None:
    url = f"/t/{world.thread['public']}"
    anonymous = html(client.get(url))
    auth.login("sam")  # type: ignore[attr-defined]
    mine = html(client.get(url))
    assert mine != anonymous
    assert "Sign out" in mine and "Sign out" not in anonymous
