"""The member aggregate: given events, when a command, then events (or an error)."""

from __future__ import annotations

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, Viewer
from forum.core.text import NAME_MAX
from forum.features.members import model as member
from forum.features.members.commands import ChangeMemberRole, SetFediverseProfile, UpdateProfile
from forum.features.members.events import (
    ApiTokenIssued,
    ApiTokenRevoked,
    FediverseProfileSet,
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    MemberRoleChanged,
    PasswordChanged,
    ProfileUpdated,
)
from forum.features.members.model import BIO_MAX, PASSWORD_MAX, PASSWORD_MIN, TAG_MAX, TAGS_MAX

ADA = Viewer("ada", "admin")
SAM = Viewer("sam", "staff")
RETIRED_ADMIN = Viewer("old", "admin", active=False)

ADA_REGISTERED = MemberRegistered("ada", "ada", "Ada", "ada@example.org", "admin", "h", None)
SAM_REGISTERED = MemberRegistered("sam", "sam", "Sam", "sam@example.org", "staff", "h", "ada")


def given(member_id: str, *history: Event) -> member.MemberState:
    return member.load(member_id, history)


# --- register --------------------------------------------------------------


def test_register_cleans_and_records_the_account() -> None:
    assert member.register("m1", "  Grace.H ", " Grace Hopper ", " grace@example.org ",
                           "guest", "argon2-hash", "ada") == [
        MemberRegistered("m1", "grace.h", "Grace Hopper", "grace@example.org", "guest",
                            "argon2-hash", "ada")
    ]


@pytest.mark.parametrize("handle", [
    "a", "ab", "a" * 30, "a.b-c_d", "ada_", "1ada", "0", "x9",
])
def test_good_handles(handle: str) -> None:
    assert member.check_handle(handle) == handle


@pytest.mark.parametrize("handle", [
    "", "   ", "-ada", "ada-", ".ada", "ada.", "_ada", "a" * 31, "ad a", "ädä", "ada!",
    "ada@home", "ad\na", "a\x00", "ad/a", "@ada",
])
def test_bad_handles(handle: str) -> None:
    with pytest.raises(InvalidInput) as info:
        member.register("m1", handle, "Name", "a@example.org", "staff", "h", None)
    assert info.value.details["field"] == "handle"


@pytest.mark.parametrize("email", [
    "", "no-at-sign", "a@b", "a b@c.de", "@c.de", "a@", "a@@b.de", "a@b .de",
    "x" * 250 + "@b.de",
])
def test_bad_email_addresses(email: str) -> None:
    with pytest.raises(InvalidInput) as info:
        member.register("m1", "ada", "Name", email, "staff", "h", None)
    assert info.value.details["field"] == "email"


@pytest.mark.parametrize("email", ["a@b.co", "first.last+tag@sub.example.org",
                                   "x" * 248 + "@b.de"])
def test_good_email_addresses(email: str) -> None:
    assert member.check_email(email) == email


@pytest.mark.parametrize("role", ["superuser", "Admin", "", "moderator"])
def test_bad_roles(role: str) -> None:
    with pytest.raises(InvalidInput) as info:
        member.register("m1", "ada", "Name", "a@example.org", role, "h", None)
    assert info.value.details["field"] == "role"


@pytest.mark.parametrize("name", ["", "  ", "n" * (NAME_MAX + 1), "Ada\x00", "Ada\x1b"])
def test_bad_display_names(name: str) -> None:
    with pytest.raises(InvalidInput):
        member.register("m1", "ada", name, "a@example.org", "staff", "h", None)


@pytest.mark.parametrize("password", [
    "", "x" * (PASSWORD_MIN - 1), "x" * (PASSWORD_MAX + 1), None, 1234567890123,
])
def test_bad_passwords(password: object) -> None:
    with pytest.raises(InvalidInput) as info:
        member.check_password(password)  # type: ignore[arg-type]
    assert info.value.details["field"] == "password"


@pytest.mark.parametrize("password", ["x" * PASSWORD_MIN, "x" * PASSWORD_MAX,
                                      "  spaces count  ", "ünïcødé pässwörd"])
def test_good_passwords_are_kept_exactly(password: str) -> None:
    assert member.check_password(password) == password


# --- profile ---------------------------------------------------------------


def test_update_profile_cleans_and_deduplicates_tags() -> None:
    command = UpdateProfile(
        " Sam S. ", bio=" I teach\r\nthings ", skills=("Python", " python ", "", "SQL"),
        interests=("Go",), can_teach=(), share_read_history=False,
    )
    assert member.update_profile(given("sam", SAM_REGISTERED), command) == [
        ProfileUpdated("sam", "Sam S.", "I teach\nthings", ("Python", "SQL"), ("Go",), (),
                          False)
    ]


def test_update_profile_of_nobody_is_not_found() -> None:
    with pytest.raises(NotFound):
        member.update_profile(given("sam"), UpdateProfile("Sam"))


@pytest.mark.parametrize("command", [
    UpdateProfile(""),
    UpdateProfile("n" * (NAME_MAX + 1)),
    UpdateProfile("Sam", bio="b" * (BIO_MAX + 1)),
    UpdateProfile("Sam", bio="bell\x07"),
    UpdateProfile("Sam", skills=tuple(f"s{i}" for i in range(TAGS_MAX + 1))),
    UpdateProfile("Sam", interests=("t" * (TAG_MAX + 1),)),
    UpdateProfile("Sam", can_teach=("tab\tis fine but not \x00",)),
])
def test_bad_profiles_are_refused(command: UpdateProfile) -> None:
    with pytest.raises(InvalidInput):
        member.update_profile(given("sam", SAM_REGISTERED), command)


def test_a_profile_at_the_limits_is_accepted() -> None:
    skills = tuple(f"s{i}" for i in range(TAGS_MAX)) + ("S0", "s1")  # duplicates don't count
    [event] = member.update_profile(given("sam", SAM_REGISTERED), UpdateProfile(
        "n" * NAME_MAX, bio="b" * BIO_MAX, skills=skills, interests=("t" * TAG_MAX,)))
    assert len(event.skills) == TAGS_MAX  # type: ignore[attr-defined]


# --- roles and activation --------------------------------------------------


def test_admins_change_roles() -> None:
    assert member.change_role(given("sam", SAM_REGISTERED), ChangeMemberRole("sam", "guest"),
                              ADA) == [MemberRoleChanged("sam", "guest", "ada")]


def test_changing_to_the_same_role_changes_nothing() -> None:
    assert member.change_role(given("sam", SAM_REGISTERED), ChangeMemberRole("sam", "staff"),
                              ADA) == []


@pytest.mark.parametrize("actor", [SAM, ANONYMOUS, RETIRED_ADMIN, Viewer(None, "admin")])
def test_only_signed_in_admins_change_roles(actor: Viewer) -> None:
    with pytest.raises(Forbidden):
        member.change_role(given("sam", SAM_REGISTERED), ChangeMemberRole("sam", "admin"),
                           actor)


def test_changing_the_role_of_nobody_is_not_found() -> None:
    with pytest.raises(NotFound):
        member.change_role(given("zed"), ChangeMemberRole("zed", "staff"), ADA)


def test_a_bad_role_is_refused() -> None:
    with pytest.raises(InvalidInput):
        member.change_role(given("sam", SAM_REGISTERED), ChangeMemberRole("sam", "root"),
                           ADA)


def test_admins_cannot_demote_themselves() -> None:
    state = given("ada", ADA_REGISTERED)
    with pytest.raises(Conflict):
        member.change_role(state, ChangeMemberRole("ada", "staff"), ADA)
    assert member.change_role(state, ChangeMemberRole("ada", "admin"), ADA) == []


def test_admins_deactivate_and_reactivate_members() -> None:
    state = given("sam", SAM_REGISTERED)
    deactivated = member.set_active(state, False, ADA)
    assert deactivated == [MemberDeactivated("sam", "ada")]
    assert member.set_active(state, True, ADA) == []  # already active
    state = given("sam", SAM_REGISTERED, *deactivated)
    assert not state.active
    assert member.set_active(state, False, ADA) == []
    assert member.set_active(state, True, ADA) == [MemberReactivated("sam", "ada")]


def test_admins_cannot_deactivate_themselves() -> None:
    with pytest.raises(Conflict):
        member.set_active(given("ada", ADA_REGISTERED), False, ADA)


@pytest.mark.parametrize("actor", [SAM, ANONYMOUS, RETIRED_ADMIN])
def test_only_admins_deactivate(actor: Viewer) -> None:
    with pytest.raises(Forbidden):
        member.set_active(given("sam", SAM_REGISTERED), False, actor)


def test_deactivating_nobody_is_not_found() -> None:
    with pytest.raises(NotFound):
        member.set_active(given("zed"), False, ADA)


# --- API tokens ------------------------------------------------------------


def test_an_active_member_gets_a_named_token() -> None:
    assert member.issue_token(given("sam", SAM_REGISTERED), "t1", "  my script ", "hash") == [
        ApiTokenIssued("sam", "t1", "my script", "hash")
    ]


def test_no_tokens_for_inactive_or_unknown_members() -> None:
    with pytest.raises(Forbidden):
        member.issue_token(given("sam", SAM_REGISTERED, MemberDeactivated("sam", "ada")),
                           "t1", "x", "hash")
    with pytest.raises(Forbidden):
        member.issue_token(given("zed"), "t1", "x", "hash")


@pytest.mark.parametrize("name", ["", "n" * 101, "bad\x00"])
def test_a_token_needs_a_sensible_name(name: str) -> None:
    with pytest.raises(InvalidInput):
        member.issue_token(given("sam", SAM_REGISTERED), "t1", name, "hash")


def test_a_token_is_revoked_once() -> None:
    issued = ApiTokenIssued("sam", "t1", "x", "hash")
    state = given("sam", SAM_REGISTERED, issued)
    assert state.tokens == {"t1"}
    revoked = member.revoke_token(state, "t1")
    assert revoked == [ApiTokenRevoked("sam", "t1")]
    state = given("sam", SAM_REGISTERED, issued, *revoked)
    assert state.tokens == set()
    with pytest.raises(NotFound):
        member.revoke_token(state, "t1")
    with pytest.raises(NotFound):
        member.revoke_token(state, "t-unknown")


# --- evolve ----------------------------------------------------------------


def test_the_state_follows_the_events() -> None:
    state = given(
        "sam", SAM_REGISTERED,
        MemberRoleChanged("sam", "guest", "ada"),
        ProfileUpdated("sam", "S", "", (), (), (), True),
        PasswordChanged("sam", "h2"),
        ApiTokenIssued("sam", "t1", "a", "h"),
        ApiTokenIssued("sam", "t2", "b", "h"),
        ApiTokenRevoked("sam", "t1"),
        MemberDeactivated("sam", "ada"),
    )
    assert (state.role, state.active, state.version, state.tokens) == ("guest", False, 8, {"t2"})
    assert not given("zed").exists and state.exists


# --- the fediverse opt-in --------------------------------------------------


def test_a_member_opts_in_to_the_fediverse_and_out_again() -> None:
    state = member.load("m1", [MemberRegistered("m1", "sam", "Sam", "s@example.org", "staff",
                                                   "hash")])
    assert member.set_fediverse_profile(state, SetFediverseProfile(True)) == [
        FediverseProfileSet("m1", True)]
    assert member.set_fediverse_profile(state, SetFediverseProfile(False)) == []
    member.evolve(state, FediverseProfileSet("m1", True))
    assert member.set_fediverse_profile(state, SetFediverseProfile(True)) == []
    assert member.set_fediverse_profile(state, SetFediverseProfile(False)) == [
        FediverseProfileSet("m1", False)]


def test_a_deactivated_member_cannot_opt_in() -> None:
    state = member.load("m1", [
        MemberRegistered("m1", "sam", "Sam", "s@example.org", "staff", "hash"),
        MemberDeactivated("m1", "ada")])
    with pytest.raises(NotFound):
        member.set_fediverse_profile(state, SetFediverseProfile(True))
