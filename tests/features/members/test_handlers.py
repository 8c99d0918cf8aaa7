"""Members' handlers end to end on a real database: register, invite, roles, profiles,
passwords, tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.backend import Backend
from forum.core.errors import (
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.core.passwords import token_hash
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.conferences.queries import (
    tags,
)
from forum.features.members import handlers as members
from forum.features.members.commands import (
    AcceptInvitation,
    ChangeMemberRole,
    ChangePassword,
    DeactivateMember,
    IssueApiToken,
    IssueInvitation,
    ReactivateMember,
    RegisterMember,
    RevokeApiToken,
    UpdateProfile,
)
from forum.features.members.events import PasswordChanged
from forum.features.members.queries import (
    get_invitation_by_hash,
    get_member,
    get_member_by_handle,
    get_member_by_login,
    get_member_by_token_hash,
    list_api_tokens,
    viewer_from_row,
)
from forum.features.members.tables import invitations
from tests.conftest import PASSWORD, People
from tests.features.world import conn, last_event, refused


def test_admins_register_members(backend: Backend, people: People) -> None:
    member_id = members.register_member(backend.services, people.admin, RegisterMember(
        " Grace ", "Grace H.", "grace@example.org", PASSWORD, "guest"))
    with conn(backend) as c:
        row = get_member(c, member_id)
        assert get_member_by_login(c, "GRACE@example.org") == row
    assert row is not None
    assert (row.handle, row.display_name, row.role, row.active) == ("grace", "Grace H.",
                                                                    "guest", True)
    assert backend.services.passwords.verify(row.password_hash, PASSWORD)
    [recorded] = backend.store.read_stream(f"member-{member_id}")
    assert recorded.event.invited_by == people.admin.member_id  # type: ignore[attr-defined]
    assert recorded.meta == {"actor": people.admin.member_id}


def test_the_system_registers_the_first_admin(backend: Backend) -> None:
    member_id = members.register_member(backend.services, members.SYSTEM, RegisterMember(
        "root", "Root", "root@example.org", PASSWORD, "admin"))
    [recorded] = backend.store.read_stream(f"member-{member_id}")
    assert recorded.event.invited_by is None  # type: ignore[attr-defined]


def test_bad_registrations_write_nothing(backend: Backend, people: People) -> None:
    for command, error in [
        (RegisterMember("SAM", "Sam 2", "s2@example.org", PASSWORD), Conflict),
        (RegisterMember("new", "New", "n@example.org", "short"), InvalidInput),
        (RegisterMember("-new", "New", "n@example.org", PASSWORD), InvalidInput),
        (RegisterMember("new", "New", "not-an-address", PASSWORD), InvalidInput),
        (RegisterMember("new", "New", "n@example.org", PASSWORD, "owner"), InvalidInput),
        (RegisterMember("new", "", "n@example.org", PASSWORD), InvalidInput),
    ]:
        refused(backend, error, lambda c=command: members.register_member(  # type: ignore[misc]
            backend.services, people.admin, c))


def test_only_admins_register_members(backend: Backend, people: People) -> None:
    command = RegisterMember("new", "New", "n@example.org", PASSWORD)
    for actor in (people.staff, people.guest, ANONYMOUS,
                  Viewer(people.admin.member_id, "admin", active=False)):
        refused(backend, Forbidden, lambda a=actor: members.register_member(  # type: ignore[misc]
            backend.services, a, command))


def test_an_invitation_is_accepted_once(backend: Backend, people: People) -> None:
    svc = backend.services
    token = members.issue_invitation(svc, people.admin, IssueInvitation("guest", " for Q3 "))
    with conn(backend) as c:
        invitation = get_invitation_by_hash(c, token_hash(token))
    assert invitation is not None
    assert (invitation.role, invitation.note, invitation.accepted_by) == ("guest", "for Q3", None)
    assert invitation.token_hash != token  # only the hash is kept

    accept = AcceptInvitation(token, "vera", "Vera", "vera@example.org", PASSWORD)
    member_id = members.accept_invitation(svc, accept)
    with conn(backend) as c:
        row = get_member(c, member_id)
        used = get_invitation_by_hash(c, token_hash(token))
    assert row is not None and row.role == "guest"
    assert used is not None and used.accepted_by == member_id and used.accepted_at is not None
    [registered] = backend.store.read_stream(f"member-{member_id}")
    assert registered.event.invited_by == people.admin.member_id  # type: ignore[attr-defined]

    again = AcceptInvitation(token, "vera2", "Vera", "vera2@example.org", PASSWORD)
    refused(backend, Conflict, lambda: members.accept_invitation(svc, again), match="already")


def test_a_second_use_racing_the_first_still_conflicts(backend: Backend, people: People,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    svc = backend.services
    token = members.issue_invitation(svc, people.admin, IssueInvitation())
    with conn(backend) as c:
        stale = get_invitation_by_hash(c, token_hash(token))
    members.accept_invitation(svc, AcceptInvitation(token, "one", "One", "1@example.org",
                                                         PASSWORD))
    # The second request read the invitation before the first was accepted.
    monkeypatch.setattr(members, "get_invitation_by_hash", lambda _c, _h: stale)
    error = refused(backend, ConcurrencyConflict, lambda: members.accept_invitation(
        svc, AcceptInvitation(token, "two", "Two", "2@example.org", PASSWORD)))
    assert str(error.details["stream_id"]).startswith("invitation-")
    with conn(backend) as c:
        assert get_member_by_handle(c, "two") is None


def test_bad_invitations(backend: Backend, people: People) -> None:
    svc = backend.services
    refused(backend, NotFound, lambda: members.accept_invitation(svc, AcceptInvitation(
        "forged", "x", "X", "x@example.org", PASSWORD)))
    refused(backend, Forbidden, lambda: members.issue_invitation(svc, people.staff,
                                                                 IssueInvitation()))
    refused(backend, InvalidInput, lambda: members.issue_invitation(
        svc, people.admin, IssueInvitation("owner")))
    refused(backend, InvalidInput, lambda: members.issue_invitation(
        svc, people.admin, IssueInvitation("staff", "bell\x07")))
    token = members.issue_invitation(svc, people.admin, IssueInvitation())
    # A taken handle or a bad password does not use the invitation up.
    refused(backend, Conflict, lambda: members.accept_invitation(svc, AcceptInvitation(
        token, "sam", "Sam", "s@example.org", PASSWORD)))
    refused(backend, InvalidInput, lambda: members.accept_invitation(svc, AcceptInvitation(
        token, "newbie", "New", "s@example.org", "short")))
    assert members.accept_invitation(svc, AcceptInvitation(
        token, "newbie", "New", "s@example.org", PASSWORD))
    with conn(backend) as c:
        [invitation] = c.execute(select(invitations)).all()  # the refused ones left no trace
    assert invitation.accepted_by is not None


def test_roles_and_activation(backend: Backend, people: People) -> None:
    svc, admin, sam = backend.services, people.admin, people.staff
    assert sam.member_id is not None
    members.change_member_role(svc, admin, ChangeMemberRole(sam.member_id, "guest"))
    members.deactivate_member(svc, admin, DeactivateMember(sam.member_id))
    with conn(backend) as c:
        row = get_member(c, sam.member_id)
    assert row is not None and (row.role, row.active) == ("guest", False)
    assert viewer_from_row(row) == Viewer(sam.member_id, "guest", active=False)
    members.reactivate_member(svc, admin, ReactivateMember(sam.member_id))
    with conn(backend) as c:
        assert get_member(c, sam.member_id).active  # type: ignore[union-attr]
    # Doing what is already so writes nothing.
    head = backend.store.head()
    members.reactivate_member(svc, admin, ReactivateMember(sam.member_id))
    members.change_member_role(svc, admin, ChangeMemberRole(sam.member_id, "guest"))
    assert backend.store.head() == head

    refused(backend, Forbidden, lambda: members.change_member_role(
        svc, people.other, ChangeMemberRole(sam.member_id or "", "admin")))
    refused(backend, Forbidden, lambda: members.deactivate_member(
        svc, people.other, DeactivateMember(sam.member_id or "")))
    refused(backend, Conflict, lambda: members.change_member_role(
        svc, admin, ChangeMemberRole(admin.member_id or "", "staff")))
    refused(backend, Conflict, lambda: members.deactivate_member(
        svc, admin, DeactivateMember(admin.member_id or "")))
    refused(backend, NotFound, lambda: members.deactivate_member(
        svc, admin, DeactivateMember("nobody")))


def test_profiles(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    members.update_profile(svc, sam, UpdateProfile(
        "Sam S.", bio="I teach SQL", skills=("SQL", "sql", "Go"), can_teach=("SQL",),
        share_read_history=False))
    with conn(backend) as c:
        row = get_member(c, sam.member_id or "")
    assert row is not None
    assert (row.display_name, row.bio, row.share_read_history) == ("Sam S.", "I teach SQL", False)
    assert tags(row.skills) == ["SQL", "Go"] and tags(row.interests) == []
    refused(backend, Forbidden, lambda: members.update_profile(svc, ANONYMOUS,
                                                               UpdateProfile("X")))
    refused(backend, InvalidInput, lambda: members.update_profile(svc, sam,
                                                                  UpdateProfile("")))


def test_change_password(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    refused(backend, Forbidden, lambda: members.change_password(
        svc, sam, ChangePassword("wrong password", "new password 123")))
    refused(backend, InvalidInput, lambda: members.change_password(
        svc, sam, ChangePassword(PASSWORD, "short")))
    refused(backend, Forbidden, lambda: members.change_password(
        svc, ANONYMOUS, ChangePassword(PASSWORD, "new password 123")))
    members.change_password(svc, sam, ChangePassword(PASSWORD, "new password 123"))
    with conn(backend) as c:
        row = get_member(c, sam.member_id or "")
    assert row is not None
    assert svc.passwords.verify(row.password_hash, "new password 123")
    assert not svc.passwords.verify(row.password_hash, PASSWORD)
    assert isinstance(last_event(backend), PasswordChanged)


def test_api_tokens_are_issued_and_revoked(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    token = members.issue_api_token(svc, sam, IssueApiToken(" my script "))
    with conn(backend) as c:
        assert get_member_by_token_hash(c, token_hash(token)).id == sam.member_id  # type: ignore[union-attr]
        assert get_member_by_token_hash(c, token) is None  # the hash, not the token
        [row] = list_api_tokens(c, sam.member_id or "")
    assert row.name == "my script" and row.revoked_at is None
    # Someone else cannot revoke it: it is not among their tokens.
    refused(backend, NotFound, lambda: members.revoke_api_token(
        svc, people.other, RevokeApiToken(row.id)))
    members.revoke_api_token(svc, sam, RevokeApiToken(row.id))
    with conn(backend) as c:
        assert get_member_by_token_hash(c, token_hash(token)) is None
        [revoked] = list_api_tokens(c, sam.member_id or "")
    assert revoked.revoked_at is not None
    refused(backend, NotFound, lambda: members.revoke_api_token(svc, sam,
                                                                RevokeApiToken(row.id)))
    refused(backend, InvalidInput, lambda: members.issue_api_token(svc, sam,
                                                                   IssueApiToken("")))


def test_a_deactivated_member_gets_no_token(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    members.deactivate_member(svc, people.admin, DeactivateMember(sam.member_id or ""))
    # Even with a session from before the deactivation.
    refused(backend, Forbidden, lambda: members.issue_api_token(svc, sam,
                                                                IssueApiToken("x")))
    refused(backend, Forbidden, lambda: members.issue_api_token(
        svc, Viewer(sam.member_id, "staff", active=False), IssueApiToken("x")))
