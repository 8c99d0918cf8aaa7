"""Conferences' handlers end to end on a real database: create, update, access lists."""

from __future__ import annotations

import json

from forum.backend import Backend
from forum.core.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.queries import (
    conference_access,
    get_conference,
    get_conference_by_slug,
    moderated_ids,
    readable_ids,
)
from forum.features.reading.queries import (
    list_conferences,
)
from tests.conftest import People
from tests.features.world import World, conn, refused


def test_conferences_are_created_updated_and_listed(backend: Backend, people: People) -> None:
    svc, admin = backend.services, people.admin
    parent = conferences.create_conference(svc, admin, CreateConference(
        "Learning", "Learning", "internal", resume="How *we* learn"))
    child = conferences.create_conference(svc, admin, CreateConference(
        "talks", "Talks", "internal", parent_id=parent))
    with conn(backend) as c:
        row = get_conference(c, parent)
        assert get_conference_by_slug(c, "learning") == row
        listed = [(s.row.id, s.depth) for s in list_conferences(c, people.staff)]
    assert row is not None and row.slug == "learning" and "<em>we</em>" in row.resume_html
    assert listed == [(parent, 0), (child, 1)]

    conferences.update_conference(svc, admin, UpdateConference(
        parent, "Learning together", "New", "private", expected_version=1))
    with conn(backend) as c:
        row = get_conference(c, parent)
        assert [s.row.id for s in list_conferences(c, people.staff)] == [child]
    assert row is not None
    assert (row.name, row.resume, row.visibility, row.version) == (
        "Learning together", "New", "private", 2)
    error = refused(backend, ConcurrencyConflict, lambda: conferences.update_conference(
        svc, admin, UpdateConference(parent, "X", "", "private", expected_version=1)))
    assert error.details["current_version"] == 2


def test_bad_conferences_write_nothing(backend: Backend, people: People) -> None:
    svc, admin = backend.services, people.admin
    conferences.create_conference(svc, admin, CreateConference("taken", "T", "public"))
    refused(backend, Conflict, lambda: conferences.create_conference(
        svc, admin, CreateConference(" TAKEN ", "T", "public")))
    refused(backend, NotFound, lambda: conferences.create_conference(
        svc, admin, CreateConference("sub", "S", "public", parent_id="nope")))
    refused(backend, Forbidden, lambda: conferences.create_conference(
        svc, people.staff, CreateConference("mine", "M", "public")))
    refused(backend, InvalidInput, lambda: conferences.create_conference(
        svc, admin, CreateConference("ok", "O", "secret")))
    refused(backend, NotFound, lambda: conferences.update_conference(
        svc, admin, UpdateConference("nope", "X", "", "public")))


def test_access_lists(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    entries = (("member:" + (p.guest.member_id or ""), "contributor"),
               ("member:" + (world.mod.member_id or ""), "moderator"))
    conferences.set_conference_acl(svc, world.mod, SetConferenceAcl(world.private, entries))
    with conn(backend) as c:
        access = conference_access(c, world.private)
        row = get_conference(c, world.private)
        assert world.private in readable_ids(c, p.guest)
        assert world.private not in readable_ids(c, p.staff)
        assert world.private in moderated_ids(c, world.mod)
    assert access is not None and access.acl == entries
    assert row is not None and json.loads(row.acl) == [list(e) for e in entries]

    refused(backend, Conflict, lambda: conferences.set_conference_acl(
        svc, world.mod, SetConferenceAcl(world.private, entries[:1])), match="your own")
    refused(backend, Forbidden, lambda: conferences.set_conference_acl(
        svc, p.guest, SetConferenceAcl(world.private, entries)))
    refused(backend, InvalidInput, lambda: conferences.set_conference_acl(
        svc, p.admin, SetConferenceAcl(world.private, (("user:x", "reader"),))))
    refused(backend, ConcurrencyConflict, lambda: conferences.set_conference_acl(
        svc, p.admin, SetConferenceAcl(world.private, (), expected_version=1)))
    # A moderator may rename but not change the visibility.
    conferences.update_conference(svc, world.mod, UpdateConference(
        world.private, "Board room", "", "private"))
    refused(backend, Forbidden, lambda: conferences.update_conference(
        svc, world.mod, UpdateConference(world.private, "Board", "", "public")))
