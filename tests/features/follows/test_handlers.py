"""The followers handlers: who may follow what, who decides, and what ends in the log."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import select

from federation.follows import handlers as follows
from federation.follows.commands import (
    AcceptFollow,
    RejectFollow,
    RequestFollow,
    SetFollowPolicy,
    UndoFollow,
)
from federation.follows.tables import followers
from forum.backend import Backend
from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import SetFediverseProfile
from tests.conftest import People

TESTED = {"request_follow", "accept_follow", "reject_follow", "undo_follow",
          "set_follow_policy"}
FAR = "https://far.example/users/"


def test_every_follows_handler_is_covered_here() -> None:
    public = {name for name, fn in inspect.getmembers(follows, inspect.isfunction)
              if not name.startswith("_") and fn.__module__ == follows.__name__
              and list(inspect.signature(fn).parameters)[:1] == ["svc"]}
    assert public == TESTED


def request(backend: Backend, local: str, who: str, follow_id: str = "") -> None:
    follows.request_follow(backend.services, members.SYSTEM, RequestFollow(
        local, FAR + who, follow_id or f"https://far.example/f/{who}",
        FAR + who + "/inbox", None, f"@{who}@far.example", who))


def rows(backend: Backend, local: str) -> dict[str, str]:
    with backend.engine.connect() as conn:
        return {row.remote_actor.removeprefix(FAR): row.state for row in conn.execute(
            select(followers).where(followers.c.local_actor == local))}


def types(backend: Backend, local: str) -> list[str]:
    return [r.event.type for r in backend.store.read_stream(follows.stream(local))]


@pytest.fixture
def group(backend: Backend, people: People) -> str:
    cid = conferences.create_conference(backend.services, people.admin, CreateConference(
        "open", "Open", "public"))
    conferences.set_conference_acl(backend.services, people.admin, SetConferenceAcl(
        cid, ((f"member:{people.other.member_id}", "moderator"),)))
    return f"conference:{cid}"


def test_a_public_conference_accepts_followers_at_once_and_repeats_its_accept(
        backend: Backend, people: People, group: str) -> None:
    request(backend, group, "ann")
    assert rows(backend, group) == {"ann": "accepted"}
    request(backend, group, "ann", "https://far.example/f/ann-again")  # no Accept arrived
    assert types(backend, group) == ["FollowRequested", "FollowAccepted", "FollowAccepted"]
    follows.undo_follow(backend.services, members.SYSTEM, UndoFollow(
        group, FAR + "ann", "https://far.example/f/ann"))
    follows.undo_follow(backend.services, members.SYSTEM, UndoFollow(
        group, FAR + "ann", "https://far.example/f/ann"))  # twice: nothing more happens
    assert rows(backend, group) == {}
    assert types(backend, group)[-1:] == ["FollowUndone"]


def test_a_moderated_conference_waits_and_only_its_moderators_decide(
        backend: Backend, people: People, group: str) -> None:
    svc = backend.services
    with pytest.raises(Forbidden):
        follows.set_follow_policy(svc, people.staff, SetFollowPolicy(group, "moderated"))
    with pytest.raises(InvalidInput):
        follows.set_follow_policy(svc, people.other, SetFollowPolicy(group, "never"))
    follows.set_follow_policy(svc, people.other, SetFollowPolicy(group, "moderated"))
    request(backend, group, "bea")
    request(backend, group, "cy")
    request(backend, group, "cy")  # the same request again changes nothing
    assert rows(backend, group) == {"bea": "pending", "cy": "pending"}
    with pytest.raises(Forbidden):
        follows.accept_follow(svc, people.staff, AcceptFollow(group, FAR + "bea"))
    follows.accept_follow(svc, people.other, AcceptFollow(group, FAR + "bea"))
    follows.reject_follow(svc, people.admin, RejectFollow(group, FAR + "cy"))
    with pytest.raises(NotFound):
        follows.accept_follow(svc, people.admin, AcceptFollow(group, FAR + "cy"))
    assert rows(backend, group) == {"bea": "accepted"}


def test_only_public_conferences_and_opted_in_members_can_be_followed(
        backend: Backend, people: People) -> None:
    svc = backend.services
    internal = conferences.create_conference(svc, people.admin, CreateConference(
        "inside", "Inside", "internal"))
    for local in (f"conference:{internal}", f"member:{people.staff.member_id}",
                  "conference:nope", "instance"):
        with pytest.raises(NotFound):
            request(backend, local, "ann")
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    person = f"member:{people.staff.member_id}"
    request(backend, person, "ann")
    assert rows(backend, person) == {"ann": "accepted"}
    follows.set_follow_policy(svc, people.staff, SetFollowPolicy(person, "moderated"))
    with pytest.raises(Forbidden):
        follows.set_follow_policy(svc, people.other, SetFollowPolicy(person, "automatic"))
