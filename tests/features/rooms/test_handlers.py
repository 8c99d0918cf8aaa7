"""Rooms' handlers end to end on a real database: rooms, messages, reactions, markers."""

from __future__ import annotations

import pytest

from forum.backend import Backend
from forum.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from forum.core.permissions import Viewer
from forum.features.rooms import handlers as rooms
from forum.features.rooms import model as room_model
from forum.features.rooms.commands import (
    AddRoomMember,
    ArchiveRoom,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    JoinRoom,
    LeaveRoom,
    MarkRoomRead,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
    UnarchiveRoom,
)
from forum.features.rooms.queries import (
    get_room,
    get_room_marker,
    list_messages,
    reactions_for,
    room_member_ids,
    room_state,
)
from tests.conftest import People
from tests.features.world import conn


def test_a_room_lives_through_its_handlers(backend: Backend, people: People) -> None:
    svc, sam, oli, ada = backend.services, people.staff, people.other, people.admin
    room_id = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge", "Coffee"))
    rooms.join_room(svc, oli, JoinRoom(room_id))
    first, seq = rooms.post_message(svc, sam, PostMessage(room_id, "Morning"))
    second, seq2 = rooms.post_message(svc, oli, PostMessage(room_id, "Hi", first))
    assert (seq, seq2) == (1, 2)
    rooms.edit_message(svc, oli, EditMessage(room_id, second, "Hello"))
    rooms.react(svc, sam, React(room_id, second, "👍"))
    rooms.set_room_topic(svc, oli, SetRoomTopic(room_id, "Tea"))
    rooms.rename_room(svc, sam, RenameRoom(room_id, "Café"))
    rooms.delete_message(svc, ada, DeleteMessage(room_id, first))
    rooms.mark_room_read(svc, oli, MarkRoomRead(room_id))
    rooms.leave_room(svc, oli, LeaveRoom(room_id))
    rooms.archive_room(svc, sam, ArchiveRoom(room_id))
    rooms.unarchive_room(svc, sam, UnarchiveRoom(room_id))
    with conn(backend) as c:
        row = get_room(c, room_id)
        assert (row.name, row.topic, row.archived, row.last_seq) == ("Café", "Tea", False, 2)
        shown = list_messages(c, room_id)
        assert [(m.seq, m.body, m.deleted_by) for m in shown] == [
            (1, "", ada.member_id), (2, "Hello", None)]
        assert shown[1].reply_seq == 1
        assert reactions_for(c, [second]) == {second: [("👍", ["sam"])]}
        assert get_room_marker(c, oli.member_id, room_id) == 2
        assert room_member_ids(c, room_id) == [sam.member_id]
        # The read model's state is the state the events define.
        state, _ = room_state(c, room_id, [first, second])
    replayed = room_model.load(room_id, [r.event for r in backend.store.read_stream(
        f"room-{room_id}")])
    assert state == replayed


def test_private_rooms_and_direct_conversations(backend: Backend, people: People) -> None:
    svc, sam, oli, gus = backend.services, people.staff, people.other, people.guest
    secret = rooms.create_room(svc, sam, CreateRoom("Hiring", "hiring", visibility="private"))
    with pytest.raises(NotFound):
        rooms.post_message(svc, oli, PostMessage(secret, "let me in"))
    rooms.add_room_member(svc, sam, AddRoomMember(secret, gus.member_id or ""))
    rooms.post_message(svc, gus, PostMessage(secret, "thanks"))
    rooms.remove_room_member(svc, sam, RemoveRoomMember(secret, gus.member_id or ""))
    with pytest.raises(NotFound):
        rooms.post_message(svc, gus, PostMessage(secret, "still here?"))
    dm = rooms.open_direct_room(svc, sam, OpenDirectRoom((oli.member_id or "",)))
    assert rooms.open_direct_room(svc, oli, OpenDirectRoom((sam.member_id or "",))) == dm
    with pytest.raises(NotFound):
        rooms.post_message(svc, people.admin, PostMessage(dm, "admins read everything?"))
    with pytest.raises(InvalidInput):
        rooms.open_direct_room(svc, sam, OpenDirectRoom(("nobody",)))
    with pytest.raises(Conflict):
        rooms.create_room(svc, oli, CreateRoom("Again", "hiring"))


def test_concurrent_messages_in_one_room_all_land_numbered_once(
        backend: Backend, people: People) -> None:
    import threading

    svc = backend.services
    room_id = rooms.create_room(svc, people.staff, CreateRoom("Busy", "busy"))
    errors: list[BaseException] = []

    def talk(actor: Viewer, n: int) -> None:
        try:
            for i in range(n):
                rooms.post_message(svc, actor, PostMessage(room_id, f"{actor.member_id} {i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=talk, args=(a, 15))
               for a in (people.staff, people.other, people.admin)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    with conn(backend) as c:
        seqs = [m.seq for m in list_messages(c, room_id, limit=100)]
    assert seqs == list(range(1, 46))
