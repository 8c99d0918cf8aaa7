"""A member's fediverse opt-in, end to end on a real database."""

from __future__ import annotations

from forum.backend import Backend
from forum.core.errors import (
    Forbidden,
)
from forum.core.permissions import ANONYMOUS
from forum.features.members import handlers as members
from forum.features.members.commands import (
    SetFediverseProfile,
)
from forum.features.members.queries import (
    get_member,
)
from tests.conftest import People
from tests.features.world import conn, refused


def test_members_opt_in_to_the_fediverse_and_out(backend: Backend, people: People) -> None:
    svc = backend.services
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    with conn(backend) as c:
        assert get_member(c, people.staff.member_id or "").fediverse is True
    head = backend.store.head()
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    assert backend.store.head() == head  # the same choice again writes nothing
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(False))
    with conn(backend) as c:
        assert get_member(c, people.staff.member_id or "").fediverse is False
    refused(backend, Forbidden, lambda: members.set_fediverse_profile(
        svc, ANONYMOUS, SetFediverseProfile(True)))
