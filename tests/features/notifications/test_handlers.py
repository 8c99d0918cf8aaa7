"""Notifications end to end on a real database: watch levels, the inbox, marking read."""

from __future__ import annotations

import pytest

from forum.backend import Backend
from forum.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import SetConferenceAcl
from forum.features.notifications import handlers as notifications
from forum.features.notifications.commands import MarkNotificationsRead, SetWatchLevel
from forum.features.notifications.queries import (
    count_unread_notifications,
    list_notifications,
    notification_positions,
)
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import (
    CreateRoom,
    EditMessage,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
)
from forum.features.rooms.queries import (
    list_messages,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    PostReply,
    StartThread,
)
from forum.features.threads.queries import (
    get_thread,
    list_posts,
)
from tests.conftest import People
from tests.features.world import World, conn


def _inbox(backend: Backend, viewer: Viewer) -> list[tuple[str, str]]:
    with conn(backend) as c:
        return [(n.row.kind, n.where) for n in list_notifications(c, viewer)]


def test_mentions_replies_and_direct_messages_notify(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    p2, _ = world.reply(oli, "Hi @sam and @gus")  # gus is a guest: internal is not his
    world.reply(sam, "Hello", parent=p2)
    dm = rooms.open_direct_room(svc, sam, OpenDirectRoom((oli.member_id or "",)))
    rooms.post_message(svc, sam, PostMessage(dm, "psst"))
    assert _inbox(backend, sam) == [("mention", "Study circle")]
    assert _inbox(backend, oli) == [("direct", "Sam"), ("reply", "Study circle")]
    assert _inbox(backend, people.guest) == []  # may not read it: never told of it


def test_watch_levels_decide_what_is_heard(backend: Backend, people: People,
                                           world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    notifications.set_watch_level(svc, oli, SetWatchLevel(
        "conference", world.internal, "watching"))
    threads.start_thread(svc, sam, StartThread(world.internal, "Lunch", "Where?"))
    world.reply(sam, "More")
    assert [kind for kind, _ in _inbox(backend, oli)] == ["post", "thread"]
    notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread, "muted"))
    world.reply(sam, "Anyone @oli?")
    assert len(_inbox(backend, oli)) == 2  # muted: not even the mention
    with pytest.raises(InvalidInput):
        notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread, "x"))
    with pytest.raises(NotFound):
        notifications.set_watch_level(svc, people.guest, SetWatchLevel(
            "conference", world.private, "watching"))


def test_reading_notifications_one_or_all(backend: Backend, people: People,
                                          world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    for i in range(3):
        world.reply(oli, f"@sam number {i}")
    with conn(backend) as c:
        unread, newest = notification_positions(c, sam.member_id or "")
    assert len(unread) == 3
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead(min(unread)))
    with conn(backend) as c:
        assert count_unread_notifications(c, sam) == 2
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead())
    with conn(backend) as c:
        assert count_unread_notifications(c, sam) == 0
    before = backend.store.head()
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead())
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead(newest + 99))
    assert backend.store.head() == before  # nothing to read: nothing appended


def test_a_notice_goes_when_its_place_is_no_longer_readable(
        backend: Backend, people: People, world: World) -> None:
    svc, mod, oli = backend.services, world.mod, people.other
    tid, first = threads.start_thread(svc, mod, StartThread(
        world.private, "Board", "Hello @oli"))  # oli may not read the board
    assert _inbox(backend, oli) == []
    mod_entry = (f"member:{mod.member_id}", "moderator")
    conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
        world.private, (mod_entry, (f"member:{oli.member_id}", "reader"))))
    threads.post_reply(svc, mod, PostReply(tid, first, "Now you can, @oli"))
    assert _inbox(backend, oli) == [("mention", "Board")]
    conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
        world.private, (mod_entry,)))
    assert _inbox(backend, oli) == []


def test_chat_moved_to_a_thread_keeps_authors_times_and_replies(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    room_id = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge"))
    first, _ = rooms.post_message(svc, sam, PostMessage(room_id, "Shall we meet?"))
    rooms.post_message(svc, oli, PostMessage(room_id, "Thursday", reply_to=first))
    rooms.post_message(svc, sam, PostMessage(room_id, "Deal"))
    thread_id = rooms.move_messages_to_thread(svc, sam, MoveMessagesToThread(
        room_id, 1, 2, world.internal, "When we meet"))
    with conn(backend) as c:
        thread = get_thread(c, thread_id)
        posts = list_posts(c, thread_id)
        said = list_messages(c, room_id)
    assert (thread.subject, thread.post_count, thread.author_id) == (
        "When we meet", 2, sam.member_id)
    assert [(p.seq, p.author_id, p.body, p.parent_seq) for p in posts] == [
        (1, sam.member_id, "Shall we meet?", None), (2, oli.member_id, "Thursday", 1)]
    assert [p.created_at for p in posts] == [m.created_at for m in said[:2]]
    assert [m.moved_to for m in said] == [thread_id, thread_id, None]
    # The thread carries on like any other; the moved messages take no more changes.
    threads.post_reply(svc, oli, PostReply(thread_id, posts[1].id, "See you"))
    with pytest.raises(Conflict):
        rooms.edit_message(svc, sam, EditMessage(room_id, first, "x"))
    with pytest.raises(Forbidden):
        rooms.move_messages_to_thread(svc, oli, MoveMessagesToThread(
            room_id, 3, 3, world.internal, "Not mine to move"))


def test_new_replies_in_a_watched_thread_make_one_notice_until_it_is_read(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread,
                                                              "watching"))
    for n in range(3):
        world.reply(sam, f"reply {n}")
    assert _inbox(backend, oli) == [("post", "Study circle")]
    notifications.mark_notifications_read(svc, oli, MarkNotificationsRead())
    world.reply(sam, "after reading")
    assert _inbox(backend, oli) == [("post", "Study circle")] * 2
