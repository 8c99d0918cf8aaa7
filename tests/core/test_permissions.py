"""The one visibility rule: who may read, post and moderate where."""

from __future__ import annotations

import itertools

import pytest

from forum.core.permissions import (
    ACCESS_NAMES,
    ANONYMOUS,
    Access,
    ConferenceAccess,
    Viewer,
    access_for,
    can_administer,
    can_edit_post,
    can_moderate,
    can_post,
    can_read,
    can_see_presence,
    can_see_read_history,
    principal_matches,
    readable_conference_ids,
)

VIEWERS = {
    "anonymous": ANONYMOUS,
    "guest": Viewer("gus", "guest"),
    "staff": Viewer("sam", "staff"),
    "moderator": Viewer("mod", "staff"),  # moderator through the access list only
    "guest moderator": Viewer("gmod", "guest"),
    "admin": Viewer("ada", "admin"),
    "deactivated staff": Viewer("old", "staff", active=False),
    "deactivated moderator": Viewer("mod", "staff", active=False),
    "deactivated admin": Viewer("ada", "admin", active=False),
}
ACL = (("member:mod", "moderator"), ("member:gmod", "moderator"))

# (visibility, viewer) -> (can_read, can_post, can_moderate)
T, F = True, False
MATRIX = {
    "public": {
        "anonymous": (T, F, F), "guest": (T, F, F), "staff": (T, T, F),
        "moderator": (T, T, T), "guest moderator": (T, T, T), "admin": (T, T, T),
        "deactivated staff": (T, F, F), "deactivated moderator": (T, F, F),
        "deactivated admin": (T, F, F),
    },
    "internal": {
        "anonymous": (F, F, F), "guest": (F, F, F), "staff": (T, T, F),
        "moderator": (T, T, T), "guest moderator": (T, T, T), "admin": (T, T, T),
        "deactivated staff": (F, F, F), "deactivated moderator": (F, F, F),
        "deactivated admin": (F, F, F),
    },
    "private": {
        "anonymous": (F, F, F), "guest": (F, F, F), "staff": (F, F, F),
        "moderator": (T, T, T), "guest moderator": (T, T, T), "admin": (T, T, T),
        "deactivated staff": (F, F, F), "deactivated moderator": (F, F, F),
        "deactivated admin": (F, F, F),
    },
}
CASES = [(vis, who, expected) for vis, row in MATRIX.items() for who, expected in row.items()]


def test_the_matrix_covers_every_viewer() -> None:
    assert all(set(row) == set(VIEWERS) for row in MATRIX.values())


@pytest.mark.parametrize(("visibility", "who", "expected"), CASES)
def test_read_post_moderate_matrix(visibility: str, who: str,
                                   expected: tuple[bool, bool, bool]) -> None:
    viewer, conference = VIEWERS[who], ConferenceAccess("c1", visibility, ACL)
    assert (can_read(viewer, conference), can_post(viewer, conference),
            can_moderate(viewer, conference)) == expected


@pytest.mark.parametrize(("visibility", "who", "expected"), CASES)
def test_in_a_locked_thread_only_moderators_post(visibility: str, who: str,
                                                 expected: tuple[bool, bool, bool]) -> None:
    viewer, conference = VIEWERS[who], ConferenceAccess("c1", visibility, ACL)
    assert can_post(viewer, conference, locked=True) == expected[2]


@pytest.mark.parametrize(("visibility", "who", "expected"), CASES)
def test_the_query_form_agrees_with_can_read(visibility: str, who: str,
                                             expected: tuple[bool, bool, bool]) -> None:
    conferences = [ConferenceAccess("c1", visibility, ACL), ConferenceAccess("c2", "private")]
    expected_ids = {"c1"} if expected[0] else set()
    if who == "admin":
        expected_ids.add("c2")
    assert readable_conference_ids(VIEWERS[who], conferences) == expected_ids


# --- ordered access lists --------------------------------------------------


def test_the_first_matching_entry_wins() -> None:
    sam, oli = Viewer("sam", "staff"), Viewer("oli", "staff")
    acl = (("member:sam", "reader"), ("role:staff", "moderator"))
    conference = ConferenceAccess("c1", "private", acl)
    assert access_for(sam, conference) == Access.READER
    assert access_for(oli, conference) == Access.MODERATOR
    reversed_ = ConferenceAccess("c1", "private", tuple(reversed(acl)))
    assert access_for(sam, reversed_) == Access.MODERATOR


def test_members_means_anyone_signed_in() -> None:
    conference = ConferenceAccess("c1", "private", (("members", "contributor"),))
    for who in ("guest", "staff"):
        assert can_post(VIEWERS[who], conference)
    for who in ("anonymous", "deactivated staff"):
        assert not can_read(VIEWERS[who], conference)


def test_role_principals_match_the_role() -> None:
    conference = ConferenceAccess("c1", "internal", (("role:guest", "reader"),))
    assert can_read(VIEWERS["guest"], conference) and not can_post(VIEWERS["guest"], conference)
    assert can_post(VIEWERS["staff"], conference)  # staff fall through to the default


def test_an_entry_can_deny_the_default() -> None:
    internal = ConferenceAccess("c1", "internal", (("role:staff", "none"),))
    assert not can_read(VIEWERS["staff"], internal)
    readers = ConferenceAccess("c1", "internal", (("member:sam", "reader"),))
    assert can_read(VIEWERS["staff"], readers) and not can_post(VIEWERS["staff"], readers)


def test_no_list_makes_a_public_conference_unreadable() -> None:
    principals = ["members", "role:admin", "role:staff", "role:guest", "member:sam",
                  "member:gus"]
    for principal, name in itertools.product(principals, ACCESS_NAMES):
        conference = ConferenceAccess("c1", "public", ((principal, name),))
        for who, viewer in VIEWERS.items():
            assert can_read(viewer, conference), (principal, name, who)
    deny_all = ConferenceAccess("c1", "public", tuple((p, "none") for p in principals))
    assert not can_post(VIEWERS["staff"], deny_all)
    assert can_read(VIEWERS["staff"], deny_all) and can_read(ANONYMOUS, deny_all)


def test_admins_moderate_whatever_the_list_says() -> None:
    conference = ConferenceAccess("c1", "private", (("role:admin", "none"),
                                                    ("member:ada", "none")))
    assert can_moderate(VIEWERS["admin"], conference)


def test_an_access_list_never_lets_in_anonymous_or_deactivated_viewers() -> None:
    acl = (("members", "moderator"), ("role:staff", "moderator"), ("member:old", "moderator"),
           ("role:guest", "moderator"))
    conference = ConferenceAccess("c1", "private", acl)
    for who in ("anonymous", "deactivated staff", "deactivated admin"):
        assert access_for(VIEWERS[who], conference) == Access.NONE


@pytest.mark.parametrize(("principal", "viewer", "matches"), [
    ("members", Viewer("sam", "staff"), True),
    ("members", ANONYMOUS, False),
    ("member:sam", Viewer("sam", "staff"), True),
    ("member:sam", Viewer("samuel", "staff"), False),
    ("member:", ANONYMOUS, False),
    ("role:staff", Viewer("sam", "staff"), True),
    ("role:staff", Viewer("sam", "guest"), False),
    ("role:staff", Viewer("sam", "staff", active=False), False),
    ("group:staff", Viewer("sam", "staff"), False),
    ("sam", Viewer("sam", "staff"), False),
])
def test_principal_matches(principal: str, viewer: Viewer, matches: bool) -> None:
    assert principal_matches(principal, viewer) is matches


# --- the finer rules -------------------------------------------------------


def test_authors_edit_their_own_posts_while_they_may_post() -> None:
    sam, oli, mod = VIEWERS["staff"], Viewer("oli", "staff"), VIEWERS["moderator"]
    internal = ConferenceAccess("c1", "internal", ACL)
    assert can_edit_post(sam, internal, "sam")
    assert not can_edit_post(oli, internal, "sam")
    assert can_edit_post(mod, internal, "sam")
    assert not can_edit_post(sam, internal, "sam", locked=True)
    assert can_edit_post(mod, internal, "sam", locked=True)
    assert not can_edit_post(Viewer("sam", "staff", active=False), internal, "sam")
    readers = ConferenceAccess("c1", "internal", (("member:sam", "reader"),))
    assert not can_edit_post(sam, readers, "sam")


def test_read_history_is_for_the_author_and_moderators() -> None:
    internal = ConferenceAccess("c1", "internal", ACL)
    assert can_see_read_history(VIEWERS["staff"], internal, "sam")
    assert not can_see_read_history(Viewer("oli", "staff"), internal, "sam")
    assert can_see_read_history(VIEWERS["moderator"], internal, "sam")
    assert can_see_read_history(VIEWERS["admin"], internal, "sam")
    assert not can_see_read_history(ANONYMOUS, ConferenceAccess("c1", "public"), "sam")
    assert not can_see_read_history(Viewer("sam", "staff", active=False), internal, "sam")


def test_only_active_admins_administer() -> None:
    assert [who for who, v in VIEWERS.items() if can_administer(v)] == ["admin"]


def test_access_names_parse_case_insensitively() -> None:
    assert [Access.parse(n) for n in ("none", "Reader", "CONTRIBUTOR", "moderator")] == list(
        Access)
    with pytest.raises(ValueError):
        Access.parse("owner")


def test_who_is_online_is_for_signed_in_members_only() -> None:
    assert can_see_presence(Viewer("m1", "guest"))
    assert can_see_presence(Viewer("m2", "staff"))
    assert not can_see_presence(ANONYMOUS)
    assert not can_see_presence(Viewer("m3", "staff", active=False))
