"""A private conference's words reach nobody outside its access list: no hit, no count,
no snippet, no suggestion — and losing access takes effect at the next search."""

from __future__ import annotations

import pytest

from forum.backend import Backend
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import SetConferenceAcl
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import OpenDirectRoom, PostMessage
from tests.conftest import People
from tests.search.conftest import Places, found, search

SECRET = "zqprivateunique"


def outsiders(people: People) -> dict[str, Viewer]:
    return {"anonymous": ANONYMOUS, "guest": people.guest}


@pytest.mark.parametrize("who", ["anonymous", "guest", "staff outside the list"])
@pytest.mark.parametrize("query", [SECRET, f"{SECRET[:8]}*", f'"{SECRET} and"',
                                   "zqprivateuniqe", "private subject", "gardening"])
def test_a_private_word_reaches_nobody_outside_the_list(
        backend: Backend, people: People, places: Places, who: str, query: str) -> None:
    # Given a private conference whose list names sam and oli, and a staff member not on it
    outsider = people._add(backend.services, people.admin, "sue", "staff")
    viewer = {"anonymous": ANONYMOUS, "guest": people.guest,
              "staff outside the list": outsider}[who]
    # When they search for its words, a prefix, a phrase, a misspelling, or a shared word
    result = search(backend, viewer, query)
    # Then nothing of it comes back: no hit, no count, no snippet, no suggestion
    assert all(hit.space != places.conference["private"] for hit in result.hits)
    assert SECRET not in " ".join(h.snippet_html + h.title for h in result.hits)
    assert SECRET not in (result.suggestion or "")
    if query.startswith("zq"):
        assert result.total == 0 and result.hits == []


def test_counts_are_of_what_each_reader_may_see(
        backend: Backend, people: People, places: Places) -> None:
    # Every conference says "gardening"; each reader counts only the ones they may read.
    assert search(backend, ANONYMOUS, "gardening").total == 1
    assert search(backend, people.guest, "gardening").total == 1
    assert search(backend, people.staff, "gardening").total == 3
    assert search(backend, people.staff, "gardening in:internal").total == 1
    assert search(backend, people.staff, "gardening*").total == 3
    assert search(backend, ANONYMOUS, "gardening*").total == 1


def test_members_of_the_list_find_it(backend: Backend, people: People, places: Places) -> None:
    for viewer in (people.staff, people.other, people.admin):
        assert found(backend, viewer, SECRET) == [f"post:{places.post['private']}"]


def test_the_misspelling_is_corrected_for_those_who_may_read_it(
        backend: Backend, people: People, places: Places) -> None:
    result = search(backend, people.staff, "zqprivateuniqe")
    assert result.total == 0 and result.suggestion == SECRET


def test_removed_from_the_list_they_stop_finding_it_at_once(
        backend: Backend, people: People, places: Places) -> None:
    # Given sam found the private word
    assert found(backend, people.staff, SECRET)
    # When the moderator takes sam off the list (and nothing is re-indexed)
    conferences.set_conference_acl(backend.services, people.admin, SetConferenceAcl(
        places.conference["private"], ((f"member:{people.other.member_id}", "moderator"),)))
    # Then sam's next search finds nothing, counts nothing, suggests nothing
    result = search(backend, people.staff, SECRET)
    assert result.total == 0 and result.hits == []
    assert search(backend, people.staff, "zqprivateuniqe").suggestion is None


def test_internal_words_are_for_staff_only(backend: Backend, people: People,
                                           places: Places) -> None:
    assert found(backend, people.staff, "zqinternalunique")
    assert found(backend, people.guest, "zqinternalunique") == []
    assert found(backend, ANONYMOUS, "zqinternalunique") == []
    assert found(backend, ANONYMOUS, "zqpublicunique") == [f"post:{places.post['public']}"]


def test_a_direct_conversation_is_its_members_alone(backend: Backend, people: People) -> None:
    # Given sam and oli talk directly
    room = rooms.open_direct_room(backend.services, people.staff,
                                  OpenDirectRoom((people.other.member_id,)))
    rooms.post_message(backend.services, people.staff, PostMessage(room, "zqdirectword"))
    # Then they find it, and nobody else does — not even an administrator
    assert found(backend, people.other, "zqdirectword")
    assert found(backend, people.staff, "zqdirectword")
    assert found(backend, people.admin, "zqdirectword") == []
    assert found(backend, people.guest, "zqdirectword") == []


def test_in_a_place_you_cannot_read_is_answered_as_no_such_place(
        backend: Backend, people: People, places: Places) -> None:
    from search import QueryError

    with pytest.raises(QueryError) as unreadable:
        search(backend, people.guest, "gardening in:private")
    with pytest.raises(QueryError) as missing:
        search(backend, people.guest, "gardening in:nowhere")
    assert unreadable.value.message.replace("private", "X") == \
        missing.value.message.replace("nowhere", "X")
