"""The room aggregate: given events, when a command, then events (or an error)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from forum.core.errors import CommonroomError, Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, ConferenceAccess, Viewer, can_read
from forum.features.rooms import model as room
from forum.features.rooms.commands import (
    AddRoomMember,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
)
from forum.features.rooms.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessagesMoved,
    ReactionAdded,
    ReactionRemoved,
    RoomArchived,
    RoomCreated,
    RoomJoined,
    RoomLeft,
    RoomRead,
    RoomRenamed,
    RoomTopicChanged,
    ThreadStartedFromChat,
)
from forum.features.rooms.model import MESSAGE_MAX, REACTIONS, RoomState

SAM = Viewer("sam", "staff")  # creates the rooms
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
ADA = Viewer("ada", "admin")
VAL = Viewer("val", "staff")  # moderates the conference through its list

LOUNGE = RoomCreated("r1", "lounge", "Lounge", "", "internal", None, "sam", ("sam",))
SECRET = RoomCreated("r1", "hiring", "Hiring", "", "private", None, "sam", ("sam", "oli"))
DIRECT = RoomCreated("r1", "dm-r1", "", "", "direct", None, "sam", ("sam", "oli"))
ATTACHED = RoomCreated("r1", "live", "Live", "", "conference", "c1", "val", ("val",))
CONFERENCE = ConferenceAccess("c1", "private", (("member:val", "moderator"),
                                                ("member:oli", "reader")))
SAID = MessagePosted("r1", "m1", 1, "sam", "Morning")


def given(*history: Event) -> RoomState:
    return room.load("r1", history)


def then_raises(error: type[CommonroomError], decide: Callable[[], Sequence[Event]],
                match: str | None = None) -> None:
    with pytest.raises(error, match=match):
        decide()


# --- who may read: the one rule, for rooms -------------------------------------


@pytest.mark.parametrize(("created", "conference", "readers"), [
    (LOUNGE, None, {"sam", "oli", "val", "ada"}),       # internal: staff and admins
    (SECRET, None, {"sam", "oli", "ada"}),              # private: members and admins
    (DIRECT, None, {"sam", "oli"}),                     # direct: its people, admins not
    (ATTACHED, CONFERENCE, {"val", "oli", "ada"}),      # the conference's own list
])
def test_who_may_read_a_room(created: RoomCreated, conference: ConferenceAccess | None,
                             readers: set[str]) -> None:
    state = given(created)
    everyone = [SAM, OLI, GUS, ADA, VAL, ANONYMOUS]
    assert {v.member_id for v in everyone if can_read(v, state.access(conference))} == readers


def test_leaving_a_private_room_takes_away_access() -> None:
    state = given(SECRET, RoomLeft("r1", "oli", "oli"))
    assert not can_read(OLI, state.access(None))


# --- creating rooms ----------------------------------------------------------


def test_staff_create_an_internal_room() -> None:
    command = CreateRoom(" Lounge ", "lounge", topic=" Coffee ")
    assert room.create_room(command, SAM, None, "r1", False) == [
        RoomCreated("r1", "lounge", "Lounge", "Coffee", "internal", None, "sam", ("sam",))]


def test_a_private_room_starts_with_its_members_once() -> None:
    command = CreateRoom("Hiring", "hiring", visibility="private", members=("oli", "sam"))
    [created] = room.create_room(command, SAM, None, "r1", False)
    assert created.members == ("sam", "oli")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("command", "taken", "error", "match"), [
    (CreateRoom("", "x"), False, InvalidInput, "name must not be empty"),
    (CreateRoom("X", "Bad Slug"), False, InvalidInput, "address"),
    (CreateRoom("X", "-x"), False, InvalidInput, "address"),
    (CreateRoom("X", "x", visibility="public"), False, InvalidInput, "visibility"),
    (CreateRoom("X", "x"), True, Conflict, "taken"),
    (CreateRoom("X", "x", topic="t" * 501), False, InvalidInput, "topic"),
    (CreateRoom("X", "x", conference_id="c1"), False, InvalidInput, "conference"),
])
def test_bad_rooms_are_refused(command: CreateRoom, taken: bool,
                               error: type[CommonroomError], match: str) -> None:
    then_raises(error, lambda: room.create_room(command, SAM, None, "r1", taken), match)


def test_guests_and_visitors_create_no_rooms() -> None:
    for actor in (GUS, ANONYMOUS):
        then_raises(Forbidden, lambda a=actor: room.create_room(  # type: ignore[misc]
            CreateRoom("X", "x"), a, None, "r", False))


def test_only_conference_moderators_attach_rooms() -> None:
    command = CreateRoom("Live", "live", visibility="conference", conference_id="c1")
    assert room.create_room(command, VAL, CONFERENCE, "r1", False)[0] == ATTACHED
    then_raises(Forbidden, lambda: room.create_room(command, OLI, CONFERENCE, "r1", False))
    then_raises(NotFound, lambda: room.create_room(command, SAM, CONFERENCE, "r1", False))
    then_raises(NotFound, lambda: room.create_room(command, VAL, None, "r1", False))


def test_a_direct_conversation_holds_the_actor_and_known_members() -> None:
    command = OpenDirectRoom(("oli", "sam", "oli"))
    assert room.open_direct_room(command, SAM, "r1", {"oli"}) == [DIRECT]
    then_raises(InvalidInput, lambda: room.open_direct_room(
        OpenDirectRoom(("sam",)), SAM, "r1", set()), "at least one")
    then_raises(InvalidInput, lambda: room.open_direct_room(
        OpenDirectRoom(("zed",)), SAM, "r1", set()), "no such member: zed")
    crowd = tuple(f"m{i}" for i in range(20))
    then_raises(InvalidInput, lambda: room.open_direct_room(
        OpenDirectRoom(crowd), SAM, "r1", set(crowd)), "at most")


# --- running a room ------------------------------------------------------------


def test_moderators_rename_and_archive_others_may_not() -> None:
    state = given(LOUNGE)
    assert room.rename_room(state, RenameRoom("r1", "Café"), SAM, None) == [
        RoomRenamed("r1", "Café", "sam")]
    assert room.archive_room(state, ADA, None, archived=True) == [RoomArchived("r1", "ada")]
    then_raises(Forbidden, lambda: room.rename_room(state, RenameRoom("r1", "X"), OLI, None))
    then_raises(Forbidden, lambda: room.archive_room(state, OLI, None, archived=True))
    assert room.archive_room(state, SAM, None, archived=False) == []


def test_direct_conversations_keep_their_people() -> None:
    state = given(DIRECT)
    then_raises(Conflict, lambda: room.rename_room(state, RenameRoom("r1", "X"), SAM, None))
    then_raises(Conflict, lambda: room.add_member(
        state, AddRoomMember("r1", "val"), SAM, None, known=True))
    then_raises(Conflict, lambda: room.leave_room(state, OLI, None), "two people")
    then_raises(NotFound, lambda: room.post_message(
        state, PostMessage("r1", "hi"), ADA, None, "m1"))


def test_join_and_leave_are_idempotent() -> None:
    state = given(LOUNGE)
    assert room.join_room(state, OLI, None) == [RoomJoined("r1", "oli", "oli")]
    assert room.join_room(state, SAM, None) == []
    assert room.leave_room(state, OLI, None) == []
    then_raises(NotFound, lambda: room.join_room(given(SECRET), VAL, None))
    then_raises(Forbidden, lambda: room.join_room(state, ANONYMOUS, None))


def test_moderators_add_known_members_to_private_rooms() -> None:
    state = given(SECRET)
    assert room.add_member(state, AddRoomMember("r1", "val"), SAM, None, known=True) == [
        RoomJoined("r1", "val", "sam")]
    then_raises(InvalidInput, lambda: room.add_member(
        state, AddRoomMember("r1", "zed"), SAM, None, known=False))
    then_raises(Forbidden, lambda: room.add_member(
        state, AddRoomMember("r1", "val"), OLI, None, known=True))
    assert room.remove_member(state, RemoveRoomMember("r1", "oli"), SAM, None) == [
        RoomLeft("r1", "oli", "sam")]


def test_members_set_the_topic_readers_may_not() -> None:
    assert room.set_topic(given(LOUNGE), SetRoomTopic("r1", " Tea "), OLI, None) == [
        RoomTopicChanged("r1", "Tea", "oli")]
    then_raises(Forbidden, lambda: room.set_topic(
        given(ATTACHED), SetRoomTopic("r1", "x"), OLI, CONFERENCE))


# --- messages --------------------------------------------------------------------


def test_messages_are_numbered_in_the_room() -> None:
    state = given(LOUNGE, SAID)
    assert room.post_message(state, PostMessage("r1", " Hi \r\n", "m1"), OLI, None,
                             "m2") == [MessagePosted("r1", "m2", 2, "oli", "Hi", "m1")]


@pytest.mark.parametrize(("history", "actor", "command", "error"), [
    ((LOUNGE,), OLI, PostMessage("r1", ""), InvalidInput),
    ((LOUNGE,), OLI, PostMessage("r1", "x" * (MESSAGE_MAX + 1)), InvalidInput),
    ((LOUNGE,), OLI, PostMessage("r1", "x", "nope"), NotFound),
    ((LOUNGE, SAID, MessageDeleted("r1", "m1", "sam")), OLI, PostMessage("r1", "x", "m1"),
     Conflict),
    ((LOUNGE, RoomArchived("r1", "sam")), SAM, PostMessage("r1", "x"), Conflict),
    ((LOUNGE,), GUS, PostMessage("r1", "x"), NotFound),
    ((ATTACHED,), OLI, PostMessage("r1", "x"), Forbidden),  # a reader of the conference
    ((), SAM, PostMessage("r1", "x"), NotFound),
])
def test_bad_messages_are_refused(history: tuple[Event, ...], actor: Viewer,
                                  command: PostMessage, error: type[CommonroomError]) -> None:
    state = given(*history)
    then_raises(error, lambda: room.post_message(state, command, actor, CONFERENCE, "m9"))


def test_authors_and_moderators_edit_and_delete() -> None:
    state = given(LOUNGE, RoomJoined("r1", "oli", "oli"), SAID)
    assert room.edit_message(state, EditMessage("r1", "m1", "Evening"), SAM, None) == [
        MessageEdited("r1", "m1", "Evening", 2, "sam")]
    then_raises(Forbidden, lambda: room.edit_message(
        state, EditMessage("r1", "m1", "x"), OLI, None))
    then_raises(Forbidden, lambda: room.delete_message(
        state, DeleteMessage("r1", "m1"), OLI, None))
    assert room.delete_message(state, DeleteMessage("r1", "m1"), ADA, None) == [
        MessageDeleted("r1", "m1", "ada")]
    gone = given(LOUNGE, SAID, MessageDeleted("r1", "m1", "sam"))
    assert room.delete_message(gone, DeleteMessage("r1", "m1"), SAM, None) == []
    then_raises(Conflict, lambda: room.edit_message(
        gone, EditMessage("r1", "m1", "x"), SAM, None))


def test_a_reaction_toggles() -> None:
    state = given(LOUNGE, SAID)
    assert room.react(state, React("r1", "m1", "👍"), OLI, None) == [
        ReactionAdded("r1", "m1", "oli", "👍")]
    state = given(LOUNGE, SAID, ReactionAdded("r1", "m1", "oli", "👍"))
    assert room.react(state, React("r1", "m1", "👍"), OLI, None) == [
        ReactionRemoved("r1", "m1", "oli", "👍")]
    then_raises(InvalidInput, lambda: room.react(state, React("r1", "m1", "<b>"), OLI, None))
    assert set(REACTIONS) >= {"👍", "🎉"}


def test_a_room_marker_only_moves_forward_and_not_past_the_end() -> None:
    assert room.mark_read("r1", 5, "oli", 2, None) == [RoomRead("oli", "r1", 2, 5)]
    assert room.mark_read("r1", 5, "oli", 2, 9) == [RoomRead("oli", "r1", 2, 5)]
    assert room.mark_read("r1", 5, "oli", 4, 3) == []


# --- moving chat to a thread -------------------------------------------------------


def _said(*items: tuple[str, str, str | None, bool]) -> list[room.Said]:
    return [room.Said(mid, author, f"text {mid}", f"2026-11-30T10:0{i}:00+00:00", reply, gone)
            for i, (mid, author, reply, gone) in enumerate(items)]


def test_a_stretch_of_chat_becomes_a_thread_keeping_authors_and_times() -> None:
    state = given(LOUNGE, SAID, MessagePosted("r1", "m2", 2, "oli", "Hi", "m1"),
                  MessagePosted("r1", "m3", 3, "sam", "gone"),
                  MessageDeleted("r1", "m3", "sam"))
    target = ConferenceAccess("c9", "internal")
    said = _said(("m1", "sam", None, False), ("m2", "oli", "m1", False),
                 ("m3", "sam", None, True))
    command = MoveMessagesToThread("r1", 1, 3, "c9", " Morning chat ")
    started, moved = room.move_to_thread(state, command, SAM, None, target, said, "t1",
                                         ["p1", "p2", "p3"])
    assert started == ThreadStartedFromChat(
        "t1", "c9", "Morning chat", "r1", "sam",
        (("p1", "sam", "text m1", "2026-11-30T10:00:00+00:00", -1),
         ("p2", "oli", "text m2", "2026-11-30T10:01:00+00:00", 0)))
    assert moved == MessagesMoved("r1", ("m1", "m2"), "t1", "sam")
    after = room.load("r1", [LOUNGE, SAID, MessagesMoved("r1", ("m1",), "t1", "sam")])
    then_raises(Conflict, lambda: room.post_message(
        after, PostMessage("r1", "x", "m1"), SAM, None, "m9"), "moved")


@pytest.mark.parametrize(("actor", "command", "target", "error"), [
    (OLI, MoveMessagesToThread("r1", 1, 1, "c9", "S"), "internal", Forbidden),
    (SAM, MoveMessagesToThread("r1", 1, 1, "c9", "S"), None, NotFound),
    (SAM, MoveMessagesToThread("r1", 1, 1, "c9", "S"), "private", NotFound),
    (SAM, MoveMessagesToThread("r1", 0, 1, "c9", "S"), "internal", InvalidInput),
    (SAM, MoveMessagesToThread("r1", 1, 2, "c9", "S"), "internal", InvalidInput),
    (SAM, MoveMessagesToThread("r1", 1, 1, "c9", ""), "internal", InvalidInput),
])
def test_moves_that_are_refused(actor: Viewer, command: MoveMessagesToThread,
                                target: str | None, error: type[CommonroomError]) -> None:
    state = given(LOUNGE, RoomJoined("r1", "oli", "oli"), SAID)
    access = ConferenceAccess("c9", target) if target else None
    then_raises(error, lambda: room.move_to_thread(
        state, command, actor, None, access, _said(("m1", "sam", None, False)), "t1", ["p1"]))


def test_nothing_left_to_move_is_refused() -> None:
    state = given(LOUNGE, SAID)
    then_raises(InvalidInput, lambda: room.move_to_thread(
        state, MoveMessagesToThread("r1", 1, 1, "c9", "S"), SAM, None,
        ConferenceAccess("c9", "internal"), _said(("m1", "sam", None, True)), "t1", ["p1"]),
        "deleted or moved")
