"""A busy room's messages are appended together (group commit), each still its own.

Messages that queue while the room's writer is busy go into the log in one
transaction: in the order they queued, numbered without gaps, each with its
own sender in the log's meta; one refused by the rules fails alone.
"""

from __future__ import annotations

import threading
import time

import pytest

from forum.backend import Backend
from forum.core.errors import CommonroomError
from forum.core.permissions import Viewer
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom, PostMessage
from forum.features.rooms.events import MessagePosted
from tests.conftest import People


def test_messages_that_queue_are_appended_together_each_with_its_sender(
    backend: Backend, people: People
) -> None:
    svc = backend.services
    room_id = rooms.create_room(svc, people.staff, CreateRoom(
        "Busy", "busy", visibility="private", members=(people.other.member_id or "",)))
    before = backend.store.head()
    senders: list[Viewer] = [people.staff, people.other] * 5 + [people.guest]  # Gus: not in it
    results: dict[int, tuple[str, int] | BaseException] = {}

    def send(index: int, who: Viewer) -> None:
        try:
            results[index] = rooms.post_message(svc, who, PostMessage(room_id, f"m{index}"))
        except CommonroomError as error:
            results[index] = error

    turn = rooms._TURNS[hash(room_id) % len(rooms._TURNS)]
    with turn:  # the room's writer is busy: everyone queues
        threads = [threading.Thread(target=send, args=(i, who)) for i, who in enumerate(senders)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(rooms._WAITING.get(room_id, [])) < len(senders):
            assert time.monotonic() < deadline, "the messages never queued"
            time.sleep(0.01)
    for t in threads:
        t.join(10)

    refused = results.pop(len(senders) - 1)
    assert isinstance(refused, CommonroomError)
    assert sorted(seq for _, seq in results.values()) == list(range(1, len(senders)))
    appended = backend.store.read_all(before)
    assert len(appended) == len(senders) - 1
    assert len({r.occurred_at for r in appended}) == 1  # one transaction
    by_id = {r.event.message_id: r for r in appended if isinstance(r.event, MessagePosted)}
    for index, (message_id, seq) in results.items():  # type: ignore[misc]
        recorded = by_id[message_id]
        assert recorded.event.seq == seq and recorded.event.body == f"m{index}"
        assert recorded.meta["actor"] == senders[index].member_id
        assert recorded.event.author_id == senders[index].member_id
    assert [r.stream_version for r in appended] == sorted(r.stream_version for r in appended)
    assert rooms._WAITING.get(room_id) is None


def test_a_failed_append_fails_every_message_of_its_group(
    backend: Backend, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = backend.services
    room_id = rooms.create_room(svc, people.staff, CreateRoom("Lounge", "lounge"))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(svc.store, "append_streams", broken)
    with pytest.raises(RuntimeError):
        rooms.post_message(svc, people.staff, PostMessage(room_id, "lost"))
    monkeypatch.undo()
    assert rooms.post_message(svc, people.staff, PostMessage(room_id, "kept"))[1] == 1
