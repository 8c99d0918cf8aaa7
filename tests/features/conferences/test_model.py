"""The conference aggregate: given events, when a command, then events (or an error)."""

from __future__ import annotations

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, Viewer
from forum.core.text import NAME_MAX, RESUME_MAX
from forum.features.conferences import model as conference
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.events import (
    ConferenceAclChanged,
    ConferenceCreated,
    ConferenceUpdated,
)
from forum.features.conferences.model import ACL_MAX

ADA = Viewer("ada", "admin")
SAM = Viewer("sam", "staff")
MOD = Viewer("mod", "staff")
GUS = Viewer("gus", "guest")
RETIRED_ADMIN = Viewer("old", "admin", active=False)

CREATED = ConferenceCreated("c1", "learning", "Learning", "", "internal", None, "ada")
MODERATED = ConferenceAclChanged("c1", (("member:mod", "moderator"),), "ada")


def given(*history: Event) -> conference.ConferenceState:
    return conference.load("c1", history)


def create(command: CreateConference, actor: Viewer = ADA, *, slug_taken: bool = False,
           parent_exists: bool = False) -> list[Event]:
    return conference.create(command, actor, "c1", slug_taken, parent_exists)


# --- create ----------------------------------------------------------------


def test_admins_create_conferences() -> None:
    command = CreateConference("  Learning ", " Learning together ", "public",
                                   resume=" How we learn \r\n", parent_id=None)
    assert create(command) == [
        ConferenceCreated("c1", "learning", "Learning together", "How we learn", "public",
                             None, "ada")
    ]


def test_a_sub_conference_names_an_existing_parent() -> None:
    command = CreateConference("sub", "Sub", "private", parent_id="c0")
    [created] = create(command, parent_exists=True)
    assert created.parent_id == "c0"  # type: ignore[attr-defined]
    with pytest.raises(NotFound) as info:
        create(command, parent_exists=False)
    assert info.value.details["field"] == "parent_id"


@pytest.mark.parametrize("actor", [SAM, MOD, GUS, ANONYMOUS, RETIRED_ADMIN,
                                   Viewer(None, "admin")])
def test_only_admins_create_conferences(actor: Viewer) -> None:
    with pytest.raises(Forbidden):
        create(CreateConference("x", "X", "public"), actor)


@pytest.mark.parametrize("slug", ["a", "a-b", "2024-talks", "a" * 80, "abc\n"])
def test_good_slugs(slug: str) -> None:
    assert create(CreateConference(slug, "X", "public"))


@pytest.mark.parametrize("slug", ["", "-a", "a-", "a_b", "a b", "a.b", "ä", "a" * 81, "a/b",
                                  "a\nb"])
def test_bad_slugs(slug: str) -> None:
    with pytest.raises(InvalidInput) as info:
        create(CreateConference(slug, "X", "public"))
    assert info.value.details["field"] == "slug"


def test_a_taken_slug_conflicts() -> None:
    with pytest.raises(Conflict) as info:
        create(CreateConference("learning", "X", "public"), slug_taken=True)
    assert info.value.details["field"] == "slug"


@pytest.mark.parametrize("visibility", ["secret", "", "Public", "open"])
def test_unknown_visibility_is_refused(visibility: str) -> None:
    with pytest.raises(InvalidInput) as info:
        create(CreateConference("x", "X", visibility))
    assert info.value.details["field"] == "visibility"


@pytest.mark.parametrize(("name", "resume"), [
    ("", ""), ("n" * (NAME_MAX + 1), ""), ("bad\x07", ""),
    ("X", "r" * (RESUME_MAX + 1)), ("X", "nul \x00 here"),
])
def test_bad_names_and_resumes_are_refused(name: str, resume: str) -> None:
    with pytest.raises(InvalidInput):
        create(CreateConference("x", name, "public", resume=resume))


def test_names_and_resumes_at_the_limit() -> None:
    assert create(CreateConference("x", "n" * NAME_MAX, "public", resume="r" * RESUME_MAX))


# --- update ----------------------------------------------------------------


def test_moderators_update_the_name_and_resume() -> None:
    state = given(CREATED, MODERATED)
    assert conference.update(state, UpdateConference("c1", " New ", "About", "internal"),
                             MOD) == [ConferenceUpdated("c1", "New", "About", "internal", "mod")]


def test_only_admins_change_the_visibility() -> None:
    state = given(CREATED, MODERATED)
    command = UpdateConference("c1", "Learning", "", "public")
    with pytest.raises(Forbidden, match="visibility"):
        conference.update(state, command, MOD)
    assert conference.update(state, command, ADA) == [
        ConferenceUpdated("c1", "Learning", "", "public", "ada")]


@pytest.mark.parametrize("actor", [SAM, GUS, ANONYMOUS, RETIRED_ADMIN,
                                   Viewer("mod", "staff", active=False)])
def test_members_may_not_update_a_conference(actor: Viewer) -> None:
    with pytest.raises(Forbidden):
        conference.update(given(CREATED, MODERATED),
                          UpdateConference("c1", "X", "", "internal"), actor)


def test_updating_a_missing_conference_is_not_found() -> None:
    with pytest.raises(NotFound):
        conference.update(given(), UpdateConference("c1", "X", "", "internal"), ADA)


@pytest.mark.parametrize("command", [
    UpdateConference("c1", "X", "", "secret"),
    UpdateConference("c1", "", "", "internal"),
    UpdateConference("c1", "X", "r" * (RESUME_MAX + 1), "internal"),
])
def test_bad_updates_are_refused(command: UpdateConference) -> None:
    with pytest.raises(InvalidInput):
        conference.update(given(CREATED), command, ADA)


# --- access list -----------------------------------------------------------


def test_admins_set_an_ordered_access_list() -> None:
    entries = (("member:sam", "reader"), ("role:staff", "contributor"), ("role:guest", "none"),
               ("members", "reader"), ("member:mod", "moderator"))
    assert conference.set_acl(given(CREATED), SetConferenceAcl("c1", entries), ADA) == [
        ConferenceAclChanged("c1", entries, "ada")
    ]


def test_an_empty_list_is_allowed() -> None:
    assert conference.set_acl(given(CREATED, MODERATED), SetConferenceAcl("c1", ()), ADA) == [
        ConferenceAclChanged("c1", (), "ada")
    ]


@pytest.mark.parametrize("principal", [
    "user:sam", "role:owner", "role:", "member:", "member:a b", "Members", "everyone", "",
    "member:" + "x" * 41, "role:staff ", "members\n", "member:sam\n", "member:sam;drop",
])
def test_unknown_principals_are_refused(principal: str) -> None:
    with pytest.raises(InvalidInput, match="principal"):
        conference.set_acl(given(CREATED), SetConferenceAcl("c1", ((principal, "reader"),)),
                           ADA)


@pytest.mark.parametrize("access", ["owner", "READER", "", "admin", "read"])
def test_unknown_access_levels_are_refused(access: str) -> None:
    with pytest.raises(InvalidInput, match="access"):
        conference.set_acl(given(CREATED), SetConferenceAcl("c1", (("members", access),)),
                           ADA)


def test_a_principal_is_listed_once() -> None:
    entries = (("role:staff", "reader"), ("members", "reader"), ("role:staff", "moderator"))
    with pytest.raises(InvalidInput, match="twice"):
        conference.set_acl(given(CREATED), SetConferenceAcl("c1", entries), ADA)


def test_the_list_has_a_limit() -> None:
    entries = tuple((f"member:m{i}", "reader") for i in range(ACL_MAX))
    assert conference.set_acl(given(CREATED), SetConferenceAcl("c1", entries), ADA)
    with pytest.raises(InvalidInput, match="at most"):
        conference.set_acl(given(CREATED), SetConferenceAcl(
            "c1", (*entries, ("members", "reader"))), ADA)


@pytest.mark.parametrize("actor", [SAM, GUS, ANONYMOUS, RETIRED_ADMIN])
def test_only_moderators_set_the_list(actor: Viewer) -> None:
    with pytest.raises(Forbidden):
        conference.set_acl(given(CREATED, MODERATED),
                           SetConferenceAcl("c1", (("members", "reader"),)), actor)


def test_setting_the_list_of_a_missing_conference_is_not_found() -> None:
    with pytest.raises(NotFound):
        conference.set_acl(given(), SetConferenceAcl("c1", ()), ADA)


@pytest.mark.parametrize("entries", [
    (),
    (("member:mod", "contributor"),),
    (("role:staff", "reader"), ("member:mod", "moderator")),  # first match wins
    (("members", "none"),),
])
def test_a_moderator_cannot_take_away_their_own_access(
        entries: tuple[tuple[str, str], ...]) -> None:
    with pytest.raises(Conflict, match="your own"):
        conference.set_acl(given(CREATED, MODERATED), SetConferenceAcl("c1", entries), MOD)


@pytest.mark.parametrize("entries", [
    (("member:mod", "moderator"), ("role:staff", "reader")),
    (("role:staff", "moderator"),),
    (("members", "moderator"), ("member:mod", "reader")),  # the first match still wins
])
def test_a_moderator_may_change_the_list_keeping_their_access(
        entries: tuple[tuple[str, str], ...]) -> None:
    assert conference.set_acl(given(CREATED, MODERATED), SetConferenceAcl("c1", entries),
                              MOD) == [ConferenceAclChanged("c1", entries, "mod")]


def test_an_admin_keeps_moderating_whatever_the_list_says() -> None:
    entries = (("role:admin", "none"), ("member:ada", "none"))
    assert conference.set_acl(given(CREATED), SetConferenceAcl("c1", entries), ADA)


# --- evolve ----------------------------------------------------------------


def test_the_state_follows_the_events() -> None:
    state = given(CREATED, MODERATED,
                  ConferenceUpdated("c1", "L", "", "private", "ada"))
    assert (state.visibility, state.acl, state.version) == (
        "private", (("member:mod", "moderator"),), 3)
    assert state.access().conference_id == "c1" and state.access().acl == state.acl
    assert not given().exists and state.exists


def test_check_visibility() -> None:
    assert [conference.check_visibility(v) for v in ("public", "internal", "private")] == [
        "public", "internal", "private"]
